import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Merging and splitting: a ticket merged into another (its thread read there, its
 * customer's words sent there), the tickets merged into one, the ticket a split one came
 * from, and the message a split moved away (shown as moved where it was).
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE tickets ADD COLUMN merged_into integer, ADD COLUMN merged_from integer[] NOT NULL DEFAULT '{}', ADD COLUMN split_from integer;
    CREATE INDEX tickets_merged_into ON tickets (merged_into) WHERE merged_into IS NOT NULL;
    ALTER TABLE comments ADD COLUMN moved_to integer;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE comments DROP COLUMN moved_to;
    ALTER TABLE tickets DROP COLUMN merged_into, DROP COLUMN merged_from, DROP COLUMN split_from;
  `);
};
