import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Teams: who shares the tickets of which channels, how their new tickets find someone,
 * who is in each, who is available now, which team a ticket is with, and when each
 * operator last opened each ticket (an offered ticket not opened in time goes to the next).
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE teams (
      id serial PRIMARY KEY,
      name text NOT NULL,
      sources text[],
      mailboxes text[],
      assignment text NOT NULL DEFAULT 'round_robin',
      accept_within_ms bigint,
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX teams_name ON teams (lower(name));
    CREATE TABLE team_members (
      team_id integer NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
      operator_id integer NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      PRIMARY KEY (team_id, operator_id)
    );
    CREATE INDEX team_members_operator ON team_members (operator_id);
    ALTER TABLE operators ADD COLUMN available boolean NOT NULL DEFAULT false;
    ALTER TABLE tickets ADD COLUMN team_id integer;
    CREATE INDEX tickets_team_backlog ON tickets (team_id, created_at) WHERE assignee_id IS NULL AND status <> 'closed';
    ALTER TABLE ticket_reads ADD COLUMN opened_at timestamptz;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE ticket_reads DROP COLUMN opened_at;
    ALTER TABLE tickets DROP COLUMN team_id;
    ALTER TABLE operators DROP COLUMN available;
    DROP TABLE team_members; DROP TABLE teams;
  `);
};
