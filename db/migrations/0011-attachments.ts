import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Attachments come from the widget too, not only from mail: one table for both. An
 * upload names its ticket and the message key of the comment it came with; a mail's
 * attachment still reaches both through its inbound email.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE email_attachments RENAME TO attachments;
    ALTER TABLE attachments ALTER COLUMN inbound_email_id DROP NOT NULL;
    ALTER TABLE attachments ADD COLUMN ticket_number integer, ADD COLUMN message_key text;
    ALTER TABLE attachments ADD CONSTRAINT attachments_one_source
      CHECK ((inbound_email_id IS NULL) <> (ticket_number IS NULL AND message_key IS NULL));
    CREATE INDEX attachments_ticket ON attachments (ticket_number) WHERE ticket_number IS NOT NULL;
    CREATE UNIQUE INDEX attachments_upload_position ON attachments (message_key, position) WHERE inbound_email_id IS NULL;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    DELETE FROM attachments WHERE inbound_email_id IS NULL;
    DROP INDEX attachments_upload_position;
    DROP INDEX attachments_ticket;
    ALTER TABLE attachments DROP CONSTRAINT attachments_one_source;
    ALTER TABLE attachments DROP COLUMN ticket_number, DROP COLUMN message_key;
    ALTER TABLE attachments ALTER COLUMN inbound_email_id SET NOT NULL;
    ALTER TABLE attachments RENAME TO email_attachments;
  `);
};
