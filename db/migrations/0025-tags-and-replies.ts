import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * Tags on tickets (the workflow's state writes them, a GIN index answers "tagged x and y"),
 * the colours admins give them, who is owed a reply, and when each operator last opened
 * each ticket (unread: the customer wrote since). Existing tickets get theirs from their
 * comments once, here.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    ALTER TABLE tickets
      ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
      ADD COLUMN needs_reply boolean NOT NULL DEFAULT false,
      ADD COLUMN last_customer_message_at timestamptz;
    CREATE INDEX tickets_tags ON tickets USING gin (tags);
    CREATE INDEX tickets_needs_reply ON tickets (status, updated_at DESC) WHERE needs_reply;
    UPDATE tickets t SET
      needs_reply = coalesce((SELECT c.author_kind = 'customer' FROM comments c
        WHERE c.ticket_number = t.number AND c.visibility = 'public' ORDER BY c.event_seq DESC LIMIT 1), false),
      last_customer_message_at = (SELECT max(c.created_at) FROM comments c WHERE c.ticket_number = t.number AND c.author_kind = 'customer');
    CREATE TABLE tags (
      name text PRIMARY KEY,
      colour text NOT NULL DEFAULT 'gray',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE ticket_reads (
      operator_id integer NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      ticket_number integer NOT NULL,
      read_at timestamptz NOT NULL,
      PRIMARY KEY (operator_id, ticket_number)
    );
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    DROP TABLE ticket_reads; DROP TABLE tags;
    ALTER TABLE tickets DROP COLUMN tags, DROP COLUMN needs_reply, DROP COLUMN last_customer_message_at;
  `);
};
