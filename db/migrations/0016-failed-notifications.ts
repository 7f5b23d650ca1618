import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * A notification the mail server refused for good is recorded as failed with the server's
 * answer, instead of being sent again forever.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('sending', 'sent', 'skipped', 'failed'));
    ALTER TABLE notifications ADD COLUMN failure text;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    DELETE FROM notifications WHERE status = 'failed';
    ALTER TABLE notifications DROP COLUMN failure;
    ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('sending', 'sent', 'skipped'));
  `);
};
