import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * One mailbox behind many spellings: ann+1@example.com, ANN+x@example.com and
 * ann@example.com reach the same person, so the per-recipient and per-sender limits count
 * them as one.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(String.raw`
    CREATE FUNCTION mail_identity(address text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
      AS $$ SELECT regexp_replace(lower(trim(address)), '\+[^@]*@', '@') $$;
    CREATE INDEX notifications_recipient_identity_created ON notifications (mail_identity(recipient), created_at DESC);
    DROP INDEX notifications_recipient_created;
    CREATE INDEX tickets_contact_identity_created ON tickets (mail_identity(contact_email), created_at DESC);
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE INDEX notifications_recipient_created ON notifications (lower(recipient), created_at DESC);
    DROP INDEX notifications_recipient_identity_created;
    DROP INDEX tickets_contact_identity_created;
    DROP FUNCTION mail_identity(text);
  `);
};
