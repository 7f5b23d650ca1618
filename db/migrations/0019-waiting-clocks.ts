import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * A Waiting ticket's clocks as its workflow holds them (domain/clocks.ts): shown on the
 * ticket and in lists, and read back when a run starts from the database. The index serves
 * "waiting until" in lists; no job scans it, the workflow's own timer fires each.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE tickets ADD COLUMN waiting_since timestamptz, ADD COLUMN waiting_until timestamptz, ADD COLUMN reminded_at timestamptz;
    CREATE INDEX tickets_waiting_until ON tickets (waiting_until) WHERE waiting_until IS NOT NULL;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE tickets DROP COLUMN waiting_since, DROP COLUMN waiting_until, DROP COLUMN reminded_at');
};
