import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/** The outcomes as they were then; later migrations change the list. */
const INBOUND_OUTCOMES = ['received', 'created', 'appended', 'own_mail', 'bounce', 'unparseable', 'too_large', 'rejected'];

/**
 * Inbound email: every message a mailbox hands us is recorded, raw, with what became of
 * it, before the mailbox is told it was processed; the checkpoint says where to go on.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE mailbox_checkpoints (
      mailbox      text PRIMARY KEY,
      uid_validity bigint NOT NULL,
      last_uid     bigint NOT NULL,
      updated_at   timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE inbound_emails (
      id            bigserial PRIMARY KEY,
      mailbox       text NOT NULL,
      uid_validity  bigint NOT NULL,
      uid           bigint NOT NULL,
      message_key   text NOT NULL,
      sender        text,
      subject       text,
      size          integer NOT NULL,
      outcome       text NOT NULL DEFAULT 'received'
                    CHECK (outcome IN (${INBOUND_OUTCOMES.map((o) => `'${o}'`).join(', ')})),
      reason        text,
      ticket_number integer,
      raw           bytea,
      received_at   timestamptz NOT NULL DEFAULT now(),
      processed_at  timestamptz,
      UNIQUE (mailbox, message_key)
    );
    CREATE INDEX inbound_emails_outcome ON inbound_emails (outcome, received_at DESC);
    CREATE INDEX inbound_emails_ticket ON inbound_emails (ticket_number);
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE inbound_emails, mailbox_checkpoints');
};
