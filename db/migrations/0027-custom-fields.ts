import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Custom ticket fields: the admins' definitions, and each ticket's values (written by its
 * workflow with the rest of its row; a GIN index answers "plan is pro" in the lists).
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE custom_fields (
      key text PRIMARY KEY,
      label text NOT NULL,
      type text NOT NULL,
      options text[] NOT NULL DEFAULT '{}',
      widget boolean NOT NULL DEFAULT false,
      position integer NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE tickets ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}';
    CREATE INDEX tickets_custom_fields ON tickets USING gin (custom_fields jsonb_path_ops);
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE custom_fields; ALTER TABLE tickets DROP COLUMN custom_fields');
};
