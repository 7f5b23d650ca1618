import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * SLA policies, in the order they are tried, and each ticket's SLA state as its workflow
 * holds it (domain/sla.ts), with its due times in columns for lists, sorting and the Due
 * soon / Overdue views. No job reads them to act: each ticket's own timers fire.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE sla_policies (
      id serial PRIMARY KEY,
      name text NOT NULL UNIQUE,
      position integer NOT NULL DEFAULT 0,
      version integer NOT NULL DEFAULT 1,
      sources text[],
      mailboxes text[],
      targets jsonb NOT NULL,
      business_hours jsonb,
      pause_while_waiting boolean NOT NULL DEFAULT true,
      warn_before jsonb NOT NULL DEFAULT '{"percent": 80}',
      escalation jsonb NOT NULL DEFAULT '[]',
      -- NULL: Waiting tickets are followed up as the settings say; closed ones always reopen.
      follow_up jsonb,
      reopen_within_ms bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE tickets
      ADD COLUMN sla jsonb,
      ADD COLUMN sla_policy_id integer,
      ADD COLUMN first_response_due timestamptz,
      ADD COLUMN next_response_due timestamptz,
      ADD COLUMN resolution_due timestamptz,
      ADD COLUMN next_sla_due timestamptz,
      ADD COLUMN sla_breached boolean NOT NULL DEFAULT false,
      ADD COLUMN follow_up_of integer;
    CREATE INDEX tickets_next_sla_due ON tickets (next_sla_due) WHERE next_sla_due IS NOT NULL;
    CREATE INDEX tickets_sla_policy ON tickets (sla_policy_id) WHERE sla_policy_id IS NOT NULL;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE tickets DROP COLUMN sla, DROP COLUMN sla_policy_id, DROP COLUMN first_response_due, DROP COLUMN next_response_due,
      DROP COLUMN resolution_due, DROP COLUMN next_sla_due, DROP COLUMN sla_breached, DROP COLUMN follow_up_of;
    DROP TABLE sla_policies;
  `);
};
