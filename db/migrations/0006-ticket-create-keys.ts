import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * An Idempotency-Key on "open a ticket" keeps the ticket number it got, so the same
 * request sent twice (a double click, a client retry) opens one ticket.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE ticket_create_keys (
      key           text PRIMARY KEY,
      ticket_number integer NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE ticket_create_keys');
};
