import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Attachments of inbound mail, shown with the comment the mail became (joined by its
 * Message-ID). Over the size limit only the name, type and size are kept: recorded, not
 * silently dropped.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE email_attachments (
      id               bigserial PRIMARY KEY,
      inbound_email_id bigint NOT NULL REFERENCES inbound_emails(id) ON DELETE CASCADE,
      position         integer NOT NULL,
      filename         text,
      content_type     text NOT NULL,
      size             integer NOT NULL,
      content          bytea,
      UNIQUE (inbound_email_id, position)
    );
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE email_attachments');
};
