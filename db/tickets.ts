/**
 * The tickets table as the ticket's workflow keeps it: one write per change (row, audit
 * record, comment and live announcement together), the state a new run starts from, and
 * the little the channels ask of a ticket before they change it. The lists and views
 * operators read are in ticket-queries.ts.
 */
import { QueryTypes } from 'sequelize';
import { intArray, textArray, type Database } from './index';
import {
  AuditRecord,
  CommentRecord,
  Contact,
  REMEMBERED_MESSAGE_KEYS,
  TicketState,
  emailIsVerified,
  normalizeEmail,
} from '../domain/ticket';
import { INBOX_CHANNEL, TICKET_CHANGES_CHANNEL, type TicketChange } from '../live/events';
import type { InboxEntry } from '../domain/inbox';
import type { CustomFieldValues } from '../domain/custom-fields';
import { dueOf, nextSlaDue, type SlaState } from '../domain/sla';
import { ALL_POLICIES_SQL, type SlaPolicyRow } from './sla-policies';
import { IN_TEAM, QUEUE_MAIL_SQL } from './notifications';

export interface TicketChangeWrite {
  state: TicketState;
  audit: AuditRecord;
  comment: CommentRecord | null;
  /** Who is told of the change in the app (domain/inbox.ts): rows for the operators who want it. */
  inbox?: InboxEntry[];
  /** The comment's HTML, for an operator's Markdown (mail/outbound/markdown.ts); null: its text as typed. */
  commentHtml?: string | null;
  /** The hash of the ticket's current public link (security/public-token.ts). */
  publicTokenHash: string;
  /** Also find the CRM customer for the ticket's contact (a new ticket), in the same round trip. */
  findCrmCustomer: boolean;
  /** Also read the SLA policies (a new ticket), in the same round trip. */
  readSlaPolicies?: boolean;
  /** The mail the change asks for, queued with it for the mail sender of `taskQueue` (db/notifications.ts). */
  mail?: { queue: QueuedMailWrite[]; taskQueue: string };
}

/** One mail queued by a change's write. */
export interface QueuedMailWrite {
  key: string;
  seq: number;
  kind: string;
  recipient: string;
}

/** Who a ticket is with, as a channel checks a sender or a reader against it. */
export interface TicketParties {
  number: number;
  contactEmail: string | null;
  contactEmailVerified: boolean;
  /** The linked CRM customer's address. */
  customerEmail: string | null;
}

interface TicketRow {
  number: number; subject: string; status: TicketState['status']; priority: TicketState['priority']; source: TicketState['source'];
  assignee_id: number | null; customer_id: number | null; contact_email: string | null; contact_phone: string | null;
  contact_first_name: string | null; contact_last_name: string | null; external_id: string | null; contact_email_verified: boolean;
  mailbox: string | null; event_seq: number; comment_count: number; token_version: number;
  created_at: Date; updated_at: Date; closed_at: Date | null; message_keys: string[] | null;
  waiting_since: Date | null; waiting_until: Date | null; reminded_at: Date | null; sla: SlaState | null; follow_up_of: number | null;
  tags: string[]; needs_reply: boolean; last_customer_message_at: Date | null; custom_fields: CustomFieldValues;
  merged_into: number | null; merged_from: number[]; split_from: number | null; team_id: number | null;
}

/** The contact as its five columns hold it (the read model adds whether the address is proven). */
export function contactColumnsOf(row: {
  contact_email: string | null; contact_phone: string | null; contact_first_name: string | null; contact_last_name: string | null; external_id: string | null;
}): Omit<Contact, 'emailVerified'> {
  return { email: row.contact_email, phone: row.contact_phone, firstName: row.contact_first_name, lastName: row.contact_last_name, externalId: row.external_id };
}

/** A stored row as the workflow's state: the inverse of the write in `persistChange`. */
function stateOf(row: TicketRow): TicketState {
  return {
    number: row.number,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    source: row.source,
    assigneeId: row.assignee_id,
    customerId: row.customer_id,
    contact: { ...contactColumnsOf(row), ...(row.contact_email_verified ? {} : { emailVerified: false }) },
    mailbox: row.mailbox,
    eventSeq: row.event_seq,
    commentCount: row.comment_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    closedAt: row.closed_at ? row.closed_at.toISOString() : null,
    recentMessageKeys: row.message_keys ?? [],
    ...(row.token_version === 1 ? {} : { linkVersion: row.token_version }),
    ...(row.sla ? { sla: row.sla } : {}),
    ...(row.follow_up_of !== null ? { followUpOf: row.follow_up_of } : {}),
    ...(row.tags.length ? { tags: row.tags } : {}),
    ...(Object.keys(row.custom_fields).length ? { fields: row.custom_fields } : {}),
    ...(row.merged_into !== null ? { mergedInto: row.merged_into } : {}),
    ...(row.merged_from.length ? { mergedFrom: row.merged_from } : {}),
    ...(row.split_from !== null ? { splitFrom: row.split_from } : {}),
    ...(row.team_id !== null ? { teamId: row.team_id } : {}),
    ...(row.needs_reply ? { needsReply: true } : {}),
    ...(row.last_customer_message_at ? { lastCustomerMessageAt: row.last_customer_message_at.toISOString() } : {}),
    ...(row.status === 'waiting' && row.waiting_since ? {
      waiting: { since: row.waiting_since.toISOString(), until: row.waiting_until?.toISOString() ?? null, remindedAt: row.reminded_at?.toISOString() ?? null },
    } : {}),
  };
}

/**
 * The CRM customer a contact belongs to, as an SQL expression: by external ID first (the
 * customer's own system said so), else by email address.
 */
function crmLookup(contact: Contact): { sql: string; replacements: Record<string, unknown> } {
  return {
    sql: `(SELECT m.id FROM (
        SELECT id, 1 AS rank FROM customers WHERE external_id = :crmExternalId
        UNION ALL SELECT id, 2 FROM customers WHERE lower(email) = :crmEmail
      ) m ORDER BY m.rank LIMIT 1)`,
    replacements: {
      crmExternalId: contact.externalId,
      // An address nobody has proven is theirs finds no one.
      crmEmail: contact.email && emailIsVerified(contact) ? normalizeEmail(contact.email) : null,
    },
  };
}

export function createTicketStore(db: Database) {
  const { sequelize } = db;
  return {
    /**
     * Writes the ticket row, its audit record and its comment, and announces the change,
     * in one statement: one round trip and its own transaction (PostgreSQL runs every
     * data-modifying WITH part exactly once, and the NOTIFY is delivered only on commit).
     * Returns the CRM customer matching the contact, when asked for and found.
     */
    async persistChange({ state, audit, comment, inbox = [], commentHtml = null, publicTokenHash, findCrmCustomer, readSlaPolicies = false, mail }: TicketChangeWrite): Promise<{ crmCustomerId: number | null; slaPolicies: SlaPolicyRow[] | null }> {
      const commentPart = comment
        ? `, added_comment AS (
             INSERT INTO comments (ticket_number, event_seq, visibility, author_kind, author_id, body, body_html, channel, message_key, created_at)
             VALUES (:number, :seq, :visibility, :authorKind, :authorId, :body, :bodyHtml, :channel, :messageKey, :at)
             ON CONFLICT DO NOTHING)`
        : '';
      // One row per operator told (active, wanting it in the app, not who made the change; a
      // team's ticket tells its members, not every agent);
      // a retried write adds none, and each new row rings that operator's bell.
      const inboxPart = inbox.length
        ? `, inbox_rows AS (
             INSERT INTO operator_notifications (operator_id, ticket_number, event_seq, kind, actor_kind, actor_id, created_at)
             SELECT o.id, :number, :seq, entry.kind, :actorKind, :actorId, :at
             FROM jsonb_to_recordset(:inbox::jsonb) AS entry(kind text, operators int[], agents boolean, team int)
             JOIN operators o ON o.active AND (entry.agents OR o.id = ANY(entry.operators)
               OR (entry.team IS NOT NULL AND ${IN_TEAM('entry.team', 'o')}))
             WHERE (:actorKind <> 'operator' OR o.id <> :actorId::int)
               AND coalesce((o.notification_preferences -> entry.kind ->> 'inApp')::boolean, true)
             ON CONFLICT DO NOTHING
             RETURNING operator_id),
           inbox_rung AS (SELECT pg_notify('${INBOX_CHANNEL}', operator_id::text) FROM inbox_rows)`
        : '';
      // A message split off into a ticket of its own is shown as moved here, by the same write.
      const split = audit.type === 'split_off' ? audit.changes.splitOff : undefined;
      const movedComment = split && typeof split.from === 'string' && typeof split.to === 'number' && /^\d{1,18}$/.test(split.from) ? { id: split.from, to: split.to } : null;
      const movePart = movedComment
        ? `, moved_comment AS (UPDATE comments SET moved_to = :movedTo WHERE id = :movedComment::bigint AND ticket_number = :number)`
        : '';
      const mailPart = mail?.queue.length ? QUEUE_MAIL_SQL : '';
      const crm = findCrmCustomer ? crmLookup(state.contact) : null;
      const change: TicketChange = { number: state.number, seq: audit.seq, type: audit.type };
      const [row] = await sequelize.query<{ crm_customer_id: number | null; sla_policies: SlaPolicyRow[] | null }>(
        `WITH ticket_row AS (
           INSERT INTO tickets (number, public_token_hash, token_version, subject, status, priority, source,
             assignee_id, customer_id, contact_email, contact_phone, contact_first_name, contact_last_name,
             external_id, contact_email_verified, mailbox, event_seq, comment_count, created_at, updated_at, closed_at,
             waiting_since, waiting_until, reminded_at,
             sla, sla_policy_id, first_response_due, next_response_due, resolution_due, next_sla_due, sla_breached, follow_up_of,
             tags, needs_reply, last_customer_message_at, custom_fields, merged_into, merged_from, split_from, team_id)
           VALUES (:number, :tokenHash, :tokenVersion, :subject, :status, :priority, :source, :assigneeId, :customerId,
             :email, :phone, :firstName, :lastName, :externalId, :emailVerified, :mailbox, :eventSeq, :commentCount, :createdAt, :updatedAt, :closedAt,
             :waitingSince, :waitingUntil, :remindedAt,
             :sla, :slaPolicyId, :firstResponseDue, :nextResponseDue, :resolutionDue, :nextSlaDue, :slaBreached, :followUpOf,
             :tags::text[], :needsReply, :lastCustomerMessageAt, :customFields::jsonb, :mergedInto, :mergedFrom::int[], :splitFrom, :teamId)
           -- A retry or an out-of-order replay never moves the row backwards.
           ON CONFLICT (number) DO UPDATE SET
             subject = EXCLUDED.subject, status = EXCLUDED.status, priority = EXCLUDED.priority,
             assignee_id = EXCLUDED.assignee_id, customer_id = EXCLUDED.customer_id,
             contact_email_verified = EXCLUDED.contact_email_verified, event_seq = EXCLUDED.event_seq, comment_count = EXCLUDED.comment_count,
             updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at,
             waiting_since = EXCLUDED.waiting_since, waiting_until = EXCLUDED.waiting_until, reminded_at = EXCLUDED.reminded_at,
             sla = EXCLUDED.sla, sla_policy_id = EXCLUDED.sla_policy_id, first_response_due = EXCLUDED.first_response_due,
             next_response_due = EXCLUDED.next_response_due, resolution_due = EXCLUDED.resolution_due,
             next_sla_due = EXCLUDED.next_sla_due, sla_breached = EXCLUDED.sla_breached,
             token_version = EXCLUDED.token_version, public_token_hash = EXCLUDED.public_token_hash,
             tags = EXCLUDED.tags, needs_reply = EXCLUDED.needs_reply, last_customer_message_at = EXCLUDED.last_customer_message_at,
             custom_fields = EXCLUDED.custom_fields, merged_into = EXCLUDED.merged_into, merged_from = EXCLUDED.merged_from,
             team_id = EXCLUDED.team_id
           WHERE tickets.event_seq < EXCLUDED.event_seq),
         audit_row AS (
           INSERT INTO ticket_events (ticket_number, seq, type, actor_kind, actor_id, changes, created_at)
           VALUES (:number, :seq, :type, :actorKind, :actorId, :changes, :at)
           ON CONFLICT (ticket_number, seq) DO NOTHING)${commentPart}${inboxPart}${movePart}${mailPart}
         SELECT pg_notify('${TICKET_CHANGES_CHANNEL}', :ticketChange), ${crm ? crm.sql : 'NULL'} AS crm_customer_id,
           ${inbox.length ? '(SELECT count(*) FROM inbox_rung)' : '0'} AS told,
           ${mailPart ? '(SELECT count(*) FROM mail_rung)' : '0'} AS woken,
           ${readSlaPolicies ? ALL_POLICIES_SQL : 'NULL'} AS sla_policies`,
        {
          type: QueryTypes.SELECT,
          replacements: {
            ...crm?.replacements,
            number: state.number,
            tokenHash: publicTokenHash,
            tokenVersion: state.linkVersion ?? 1,
            subject: state.subject,
            status: state.status,
            priority: state.priority,
            source: state.source,
            assigneeId: state.assigneeId,
            customerId: state.customerId,
            ...state.contact,
            emailVerified: emailIsVerified(state.contact),
            // States carried over from before mailboxes existed have no such field.
            mailbox: state.mailbox ?? null,
            eventSeq: state.eventSeq,
            commentCount: state.commentCount,
            createdAt: state.createdAt,
            updatedAt: state.updatedAt,
            closedAt: state.closedAt,
            waitingSince: state.waiting?.since ?? null,
            waitingUntil: state.waiting?.until ?? null,
            remindedAt: state.waiting?.remindedAt ?? null,
            sla: state.sla ? JSON.stringify(state.sla) : null,
            slaPolicyId: state.sla?.policy.id ?? null,
            firstResponseDue: dueOf(state.sla, 'first_response'),
            nextResponseDue: dueOf(state.sla, 'next_response'),
            resolutionDue: dueOf(state.sla, 'resolution'),
            nextSlaDue: nextSlaDue(state.sla),
            slaBreached: state.sla?.breached ?? false,
            followUpOf: state.followUpOf ?? null,
            tags: textArray(state.tags ?? []),
            needsReply: state.needsReply ?? false,
            lastCustomerMessageAt: state.lastCustomerMessageAt ?? null,
            customFields: JSON.stringify(state.fields ?? {}),
            mergedInto: state.mergedInto ?? null,
            mergedFrom: intArray(state.mergedFrom ?? []),
            splitFrom: state.splitFrom ?? null,
            teamId: state.teamId ?? null,
            movedComment: movedComment?.id ?? null,
            movedTo: movedComment?.to ?? null,
            seq: audit.seq,
            type: audit.type,
            actorKind: audit.actor.kind,
            actorId: audit.actor.kind === 'operator' ? audit.actor.id : null,
            changes: JSON.stringify(audit.changes),
            at: audit.at,
            ...(comment ?? {}),
            bodyHtml: commentHtml,
            ticketChange: JSON.stringify(change),
            inbox: JSON.stringify(inbox),
            mail: JSON.stringify(mail?.queue ?? []),
            taskQueue: mail?.taskQueue ?? null,
          },
        },
      );
      return { crmCustomerId: row?.crm_customer_id ?? null, slaPolicies: row?.sla_policies ?? null };
    },

    /** The stored state with the customer's latest message keys, or null when there is no such ticket. */
    async state(ticketNumber: number): Promise<TicketState | null> {
      const [row] = await sequelize.query<TicketRow>(
        `SELECT t.*, (SELECT array_agg(k.message_key ORDER BY k.event_seq) FROM (
             SELECT message_key, event_seq FROM comments
             WHERE ticket_number = t.number AND author_kind = 'customer' AND message_key IS NOT NULL
             ORDER BY event_seq DESC LIMIT :remembered) k) AS message_keys
         FROM tickets t WHERE t.number = :ticketNumber`,
        { type: QueryTypes.SELECT, replacements: { ticketNumber, remembered: REMEMBERED_MESSAGE_KEYS } },
      );
      return row ? stateOf(row) : null;
    },

    /**
     * The ticket a customer's words for this one go to: itself, or the ticket it was merged
     * into (and so on, a few hops at most). Null when there is no such ticket.
     */
    async mergedTarget(ticketNumber: number): Promise<number | null> {
      const [row] = await sequelize.query<{ number: number }>(
        `WITH RECURSIVE chain(number, merged_into, hops) AS (
           SELECT number, merged_into, 0 FROM tickets WHERE number = :ticketNumber
           UNION ALL SELECT t.number, t.merged_into, c.hops + 1 FROM tickets t JOIN chain c ON t.number = c.merged_into WHERE c.hops < 5)
         SELECT number FROM chain ORDER BY hops DESC LIMIT 1`,
        { type: QueryTypes.SELECT, replacements: { ticketNumber } },
      );
      return row?.number ?? null;
    },

    /** Of these numbers, the tickets there are, with the sequence number of each one's last change. */
    async existing(numbers: readonly number[]): Promise<Map<number, number>> {
      const rows = await sequelize.query<{ number: number; event_seq: number }>(
        'SELECT number, event_seq FROM tickets WHERE number = ANY(:numbers::int[])',
        { type: QueryTypes.SELECT, replacements: { numbers: intArray(numbers) } },
      );
      return new Map(rows.map((row) => [row.number, row.event_seq]));
    },

    async exists(ticketNumber: number): Promise<boolean> {
      const [row] = await sequelize.query('SELECT 1 FROM tickets WHERE number = :ticketNumber', { type: QueryTypes.SELECT, replacements: { ticketNumber } });
      return row !== undefined;
    },

    /** Null when there is no such ticket. */
    async parties(ticketNumber: number): Promise<TicketParties | null> {
      const [row] = await sequelize.query<TicketParties>(
        `SELECT t.number, t.contact_email AS "contactEmail", t.contact_email_verified AS "contactEmailVerified", c.email AS "customerEmail"
         FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id WHERE t.number = :ticketNumber`,
        { type: QueryTypes.SELECT, replacements: { ticketNumber } },
      );
      return row ?? null;
    },

    /**
     * The CRM customer a contact belongs to. New tickets find it in their creation's write;
     * this is for runs recorded before that, which replay this step as it ran.
     */
    async crmCustomerOf(contact: Contact): Promise<number | null> {
      const { sql, replacements } = crmLookup(contact);
      const [row] = await sequelize.query<{ id: number | null }>(`SELECT ${sql} AS id`, { type: QueryTypes.SELECT, replacements });
      return row?.id ?? null;
    },
  };
}

export type TicketStore = ReturnType<typeof createTicketStore>;
