import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/** A mailbox's own outgoing server, and the mailbox each ticket answers from. */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE mailboxes ADD COLUMN smtp_sealed text;
    ALTER TABLE tickets ADD COLUMN mailbox text;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE mailboxes DROP COLUMN smtp_sealed; ALTER TABLE tickets DROP COLUMN mailbox;');
};
