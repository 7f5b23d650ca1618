import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Canned replies: shared ones (owner_id NULL, kept by admins) and each operator's own.
 * A shortcut is unique where it is typed: among the shared ones, and among one operator's
 * own (theirs come first in their picker).
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE canned_replies (
      id serial PRIMARY KEY,
      title text NOT NULL,
      body text NOT NULL,
      shortcut text,
      owner_id integer REFERENCES operators(id) ON DELETE CASCADE,
      created_by integer REFERENCES operators(id) ON DELETE SET NULL,
      usage_count integer NOT NULL DEFAULT 0,
      last_used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX canned_replies_shortcut ON canned_replies (coalesce(owner_id, 0), shortcut) WHERE shortcut IS NOT NULL;
    CREATE INDEX canned_replies_owner ON canned_replies (owner_id);
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE canned_replies');
};
