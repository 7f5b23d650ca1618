import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * An operator's message as rendered from its Markdown when it was written (sanitised HTML),
 * for the mail, the admin UI and the customer's page. NULL: shown as the text it is
 * (customers' messages, and operators' from before formatting).
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE comments ADD COLUMN body_html text');
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('ALTER TABLE comments DROP COLUMN body_html');
};
