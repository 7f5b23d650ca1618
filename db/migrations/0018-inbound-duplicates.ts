import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * A duplicate is the same message again (same Message-ID and the same content), recorded
 * as `duplicate` with the first one it repeats; a different message that merely reuses a
 * Message-ID is a message of its own. So a delivery is known by where it lies in its
 * mailbox, not by its Message-ID. Robot mail that opens no ticket is `automatic`.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE inbound_emails ADD COLUMN content_digest text, ADD COLUMN duplicate_of bigint REFERENCES inbound_emails(id);
    ALTER TABLE inbound_emails DROP CONSTRAINT inbound_emails_mailbox_message_key_key;
    CREATE UNIQUE INDEX inbound_emails_delivery ON inbound_emails (mailbox, uid_validity, uid);
    CREATE INDEX inbound_emails_message_key ON inbound_emails (message_key);
    ALTER TABLE inbound_emails DROP CONSTRAINT inbound_emails_outcome_check;
    ALTER TABLE inbound_emails ADD CONSTRAINT inbound_emails_outcome_check CHECK (outcome IN (
      'received', 'created', 'appended', 'own_mail', 'bounce', 'automatic', 'duplicate', 'unparseable', 'too_large', 'rejected'));
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    DELETE FROM inbound_emails WHERE outcome IN ('automatic', 'duplicate');
    ALTER TABLE inbound_emails DROP CONSTRAINT inbound_emails_outcome_check;
    ALTER TABLE inbound_emails ADD CONSTRAINT inbound_emails_outcome_check CHECK (outcome IN (
      'received', 'created', 'appended', 'own_mail', 'bounce', 'unparseable', 'too_large', 'rejected'));
    DROP INDEX inbound_emails_message_key;
    DROP INDEX inbound_emails_delivery;
    ALTER TABLE inbound_emails ADD CONSTRAINT inbound_emails_mailbox_message_key_key UNIQUE (mailbox, message_key);
    ALTER TABLE inbound_emails DROP COLUMN duplicate_of, DROP COLUMN content_digest;
  `);
};
