import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Rate-limit counters, shared by every API process of a deployment: a limit kept in each
 * process's memory is multiplied by the number of processes. Unlogged: losing the counts
 * in a crash costs one window of leniency, and every request writes here.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE UNLOGGED TABLE rate_limit_counters (
      key text PRIMARY KEY,
      hits bigint NOT NULL,
      resets_at timestamptz NOT NULL
    );
    CREATE INDEX rate_limit_counters_resets_at ON rate_limit_counters (resets_at);
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE rate_limit_counters');
};
