import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Who has which ticket open, and whether they are writing: a few seconds of truth that
 * every API process shares. Unlogged: after a crash it starts empty, which is right.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE UNLOGGED TABLE ticket_presence (
      ticket_number integer NOT NULL,
      operator_id integer NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      typing boolean NOT NULL DEFAULT false,
      seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (ticket_number, operator_id)
    );
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE ticket_presence');
};
