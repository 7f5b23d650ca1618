import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * The mail outbox: the write of a change queues its mail as notification rows ("queued"),
 * and the mail sender (workflows/mail-sender) sends what is due. `task_queue` says whose
 * workers send it (one per helpdesk; several share a database only in tests), `next_attempt_at`
 * when it is due (null once settled), `claimed_until` how long a sender holds it.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('queued', 'sending', 'sent', 'skipped', 'failed'));
    ALTER TABLE notifications ADD COLUMN seq integer, ADD COLUMN recipient_role text, ADD COLUMN task_queue text,
      ADD COLUMN next_attempt_at timestamptz, ADD COLUMN claimed_until timestamptz;
    CREATE INDEX notifications_due ON notifications (task_queue, next_attempt_at) WHERE next_attempt_at IS NOT NULL;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    DROP INDEX notifications_due;
    DELETE FROM notifications WHERE status = 'queued';
    ALTER TABLE notifications DROP COLUMN seq, DROP COLUMN recipient_role, DROP COLUMN task_queue,
      DROP COLUMN next_attempt_at, DROP COLUMN claimed_until;
    ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('sending', 'sent', 'skipped', 'failed'));
  `);
};
