import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/** An operator's signature, added under their public replies; set on their profile. */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE operators ADD COLUMN signature text');
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE operators DROP COLUMN signature');
};
