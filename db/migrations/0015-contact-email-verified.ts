import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Whether a ticket's contact address is proven: an address typed into the widget is not,
 * until its owner answers from it or follows the link mailed to it. Until then it links no
 * CRM record and lists the ticket under nobody's "Your tickets". Earlier tickets are.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE tickets ADD COLUMN contact_email_verified boolean NOT NULL DEFAULT true');
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE tickets DROP COLUMN contact_email_verified');
};
