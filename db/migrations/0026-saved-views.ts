import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Saved views of the ticket list: an operator's own (owner_id) or the team's (NULL), each
 * a set of filters as `GET /api/tickets` takes them, a sort and the columns shown.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE saved_views (
      id serial PRIMARY KEY,
      owner_id integer REFERENCES operators(id) ON DELETE CASCADE,
      name text NOT NULL,
      filters jsonb NOT NULL,
      sort text,
      columns text[] NOT NULL,
      position integer NOT NULL DEFAULT 0,
      created_by integer REFERENCES operators(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX saved_views_name ON saved_views (coalesce(owner_id, 0), lower(name));
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE saved_views');
};
