import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * "Highest priority first" in the ticket list: the expression must stay the one
 * `api/tickets/queries.ts` sorts by, or PostgreSQL sorts every matching ticket again.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE INDEX tickets_priority_rank_updated ON tickets ((array_position(ARRAY['urgent','high','normal','low'], priority)), updated_at DESC);
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP INDEX tickets_priority_rank_updated');
};
