import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * An Idempotency-Key answers the ticket it opened only to the same request again: the
 * request's digest is kept with it, so someone who learns a key can't fetch the ticket's
 * link with another body. Keys recorded before this have none and keep working.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE ticket_create_keys ADD COLUMN request_digest text');
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE ticket_create_keys DROP COLUMN request_digest');
};
