import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/** The widget lists a signed-in visitor's tickets by the website's own customer ID. */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('CREATE INDEX tickets_external_id ON tickets (external_id) WHERE external_id IS NOT NULL');
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP INDEX tickets_external_id');
};
