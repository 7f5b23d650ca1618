import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/** Addresses our mail bounced from, so the operator sees the customer is not hearing from us. */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE bounced_addresses (
      address       text PRIMARY KEY,
      ticket_number integer,
      status        text,
      bounced_at    timestamptz NOT NULL DEFAULT now()
    );
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE bounced_addresses');
};
