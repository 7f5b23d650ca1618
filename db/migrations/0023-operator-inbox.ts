import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * What each operator is told of (the bell), written by the same statement as the ticket
 * change it tells of, once per operator and change; and what each operator wants to hear
 * of, in the app and by mail (NULL: the defaults of domain/inbox.ts).
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE operator_notifications (
      id bigserial PRIMARY KEY,
      operator_id integer NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      ticket_number integer NOT NULL,
      event_seq integer NOT NULL,
      kind text NOT NULL,
      actor_kind text NOT NULL,
      actor_id integer,
      created_at timestamptz NOT NULL,
      read_at timestamptz,
      UNIQUE (operator_id, ticket_number, event_seq, kind)
    );
    CREATE INDEX operator_notifications_unread ON operator_notifications (operator_id, id DESC) WHERE read_at IS NULL;
    CREATE INDEX operator_notifications_recent ON operator_notifications (operator_id, id DESC);
    ALTER TABLE operators ADD COLUMN notification_preferences jsonb;
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query('DROP TABLE operator_notifications; ALTER TABLE operators DROP COLUMN notification_preferences');
};
