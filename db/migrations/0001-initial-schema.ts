import type { MigrationFn } from 'umzug';
import type { QueryInterface } from 'sequelize';

/**
 * The read model and the CRM. Ticket rows are written only by the ticket workflow's
 * activities; the unique keys below are what make those activities idempotent.
 */
export const up: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    CREATE TABLE operators (
      id            serial PRIMARY KEY,
      email         text NOT NULL,
      name          text NOT NULL,
      password_hash text NOT NULL,
      role          text NOT NULL CHECK (role IN ('admin', 'agent')),
      active        boolean NOT NULL DEFAULT true,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX operators_email_unique ON operators (lower(email));

    CREATE TABLE sessions (
      token_hash  text PRIMARY KEY,
      operator_id integer NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      csrf_token  text NOT NULL,
      expires_at  timestamptz NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sessions_expires_at ON sessions (expires_at);

    CREATE TABLE customers (
      id          serial PRIMARY KEY,
      email       text,
      external_id text,
      first_name  text,
      last_name   text,
      phone       text,
      company     text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      search      tsvector GENERATED ALWAYS AS (to_tsvector('simple',
                    coalesce(email, '') || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' ||
                    coalesce(company, '') || ' ' || coalesce(external_id, '') || ' ' || coalesce(phone, ''))) STORED
    );
    CREATE UNIQUE INDEX customers_email_unique ON customers (lower(email)) WHERE email IS NOT NULL;
    CREATE UNIQUE INDEX customers_external_id_unique ON customers (external_id) WHERE external_id IS NOT NULL;
    CREATE INDEX customers_search ON customers USING gin (search);

    CREATE SEQUENCE ticket_number_seq START WITH 1001;

    CREATE TABLE tickets (
      number             integer PRIMARY KEY,
      public_token_hash  text NOT NULL UNIQUE,
      token_version      integer NOT NULL DEFAULT 1,
      subject            text NOT NULL,
      status             text NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting', 'closed')),
      priority           text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
      source             text NOT NULL CHECK (source IN ('email', 'widget', 'admin')),
      assignee_id        integer REFERENCES operators(id),
      customer_id        integer REFERENCES customers(id) ON DELETE SET NULL,
      contact_email      text,
      contact_phone      text,
      contact_first_name text,
      contact_last_name  text,
      external_id        text,
      event_seq          integer NOT NULL,
      comment_count      integer NOT NULL DEFAULT 0,
      created_at         timestamptz NOT NULL,
      updated_at         timestamptz NOT NULL,
      closed_at          timestamptz,
      search             tsvector GENERATED ALWAYS AS (to_tsvector('simple',
                           coalesce(subject, '') || ' ' || coalesce(contact_email, '') || ' ' ||
                           coalesce(contact_first_name, '') || ' ' || coalesce(contact_last_name, '') || ' ' ||
                           coalesce(contact_phone, '') || ' ' || coalesce(external_id, ''))) STORED
    );
    CREATE INDEX tickets_status_updated ON tickets (status, updated_at DESC);
    CREATE INDEX tickets_assignee_updated ON tickets (assignee_id, updated_at DESC);
    CREATE INDEX tickets_priority_updated ON tickets (priority, updated_at DESC);
    CREATE INDEX tickets_source_updated ON tickets (source, updated_at DESC);
    CREATE INDEX tickets_customer ON tickets (customer_id, created_at DESC);
    CREATE INDEX tickets_contact_email ON tickets (lower(contact_email), created_at DESC);
    CREATE INDEX tickets_updated ON tickets (updated_at DESC);
    CREATE INDEX tickets_created ON tickets (created_at DESC);
    CREATE INDEX tickets_search ON tickets USING gin (search);

    CREATE TABLE comments (
      id           bigserial PRIMARY KEY,
      ticket_number integer NOT NULL REFERENCES tickets(number) ON DELETE CASCADE,
      event_seq    integer NOT NULL,
      visibility   text NOT NULL CHECK (visibility IN ('public', 'internal')),
      author_kind  text NOT NULL CHECK (author_kind IN ('operator', 'customer', 'system')),
      author_id    integer,
      body         text NOT NULL,
      channel      text NOT NULL,
      message_key  text,
      created_at   timestamptz NOT NULL,
      search       tsvector GENERATED ALWAYS AS (to_tsvector('simple', left(body, 100000))) STORED,
      UNIQUE (ticket_number, event_seq)
    );
    CREATE UNIQUE INDEX comments_message_key_unique ON comments (ticket_number, message_key) WHERE message_key IS NOT NULL;
    CREATE INDEX comments_search ON comments USING gin (search);

    CREATE TABLE ticket_events (
      id            bigserial PRIMARY KEY,
      ticket_number integer NOT NULL REFERENCES tickets(number) ON DELETE CASCADE,
      seq           integer NOT NULL,
      type          text NOT NULL,
      actor_kind    text NOT NULL,
      actor_id      integer,
      changes       jsonb NOT NULL DEFAULT '{}',
      created_at    timestamptz NOT NULL,
      UNIQUE (ticket_number, seq)
    );

    CREATE TABLE notifications (
      key           text PRIMARY KEY,
      ticket_number integer NOT NULL REFERENCES tickets(number) ON DELETE CASCADE,
      kind          text NOT NULL,
      recipient     text NOT NULL,
      message_id    text NOT NULL,
      status        text NOT NULL CHECK (status IN ('sending', 'sent', 'skipped')),
      attempts      integer NOT NULL DEFAULT 0,
      sent_at       timestamptz,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX notifications_ticket ON notifications (ticket_number);
  `);
};

export const down: MigrationFn<QueryInterface> = async ({ context }) => {
  await context.sequelize.query(`
    DROP TABLE notifications, ticket_events, comments, tickets, customers, sessions, operators;
    DROP SEQUENCE ticket_number_seq;
  `);
};
