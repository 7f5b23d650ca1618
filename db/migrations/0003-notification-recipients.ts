import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/** For the per-recipient hourly limit on notifications. */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('CREATE INDEX notifications_recipient_created ON notifications (lower(recipient), created_at DESC)');
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP INDEX notifications_recipient_created');
};
