import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/** Helpdesk mailboxes beyond the one in IMAP_URL; their credentials sealed (security/secret-box). */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE mailboxes (
      id          serial PRIMARY KEY,
      name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      address     text NOT NULL,
      imap_sealed text NOT NULL,
      active      boolean NOT NULL DEFAULT true,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX mailboxes_address_unique ON mailboxes (lower(address));
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE mailboxes');
};
