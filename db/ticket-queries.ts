import { QueryTypes } from 'sequelize';
import type { Database } from '.';
import { contactColumnsOf } from './tickets';
import { DUE_SOON_MINUTES, type SlaState } from '../domain/sla';
import { PUBLIC_CHANGE_TYPES, STATUS_LABELS, TICKET_STATUSES, TicketStatus, WaitingClock, eventOfNotification } from '../domain/ticket';
import type {
  AttachmentView,
  CommentView,
  CustomerView,
  PublicTicket,
  TicketDetail,
  TicketListQuery,
  TicketSummary,
} from '../api/schemas';
import type { TicketSort } from '../domain/views';
import { textArray } from '.';
import { normalizeTag } from '../domain/tags';
import type { CustomFieldValues } from '../domain/custom-fields';

interface TicketRow {
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketSummary['priority'];
  source: TicketSummary['source'];
  assignee_id: number | null;
  assignee_name: string | null;
  customer_id: number | null;
  contact_email: string | null;
  contact_phone: string | null;
  contact_first_name: string | null;
  contact_last_name: string | null;
  external_id: string | null;
  contact_email_verified: boolean;
  waiting_since: Date | null;
  sla: SlaState | null;
  next_sla_due: Date | null;
  follow_up_of: number | null;
  waiting_until: Date | null;
  reminded_at: Date | null;
  comment_count: number;
  note_count: number;
  token_version: number;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  tags: string[];
  custom_fields: CustomFieldValues;
  merged_into: number | null;
  split_from: number | null;
  team_id: number | null;
  team_name: string | null;
  needs_reply: boolean;
  unread: boolean;
}

/** A ticket's own number and those of the tickets merged into it (needs the replacement `number`). */
const THREAD_TICKETS = 'SELECT :number::int UNION SELECT m.number FROM tickets m WHERE m.merged_into = :number';

/** The files of a ticket's thread, with the message key of the comment each came with (needs `number`). */
const THREAD_ATTACHMENTS = `SELECT a.id::text AS id, a.filename, a.content_type, a.size, a.content IS NOT NULL AS stored, e.message_key, a.id AS sort
  FROM attachments a JOIN inbound_emails e ON e.id = a.inbound_email_id WHERE e.ticket_number IN (${THREAD_TICKETS})
  UNION ALL
  SELECT a.id::text, a.filename, a.content_type, a.size, a.content IS NOT NULL, a.message_key, a.id
  FROM attachments a WHERE a.ticket_number IN (${THREAD_TICKETS})`;

/** The thread's comments (needs `number`; `onlySeq` with `only`), in the order they were written. */
const threadComments = (which: 'all' | 'public', only: boolean) => `SELECT c.id::text AS id, c.ticket_number, c.visibility, c.author_kind, c.author_id,
    o.name AS author_name, c.body, c.body_html, c.channel, c.message_key, c.moved_to, c.created_at, c.event_seq
  FROM comments c LEFT JOIN operators o ON o.id = c.author_id AND c.author_kind = 'operator'
  WHERE c.ticket_number IN (${THREAD_TICKETS}) ${which === 'public' ? "AND c.visibility = 'public' AND c.moved_to IS NULL" : ''}
  ${only ? 'AND c.ticket_number = :number AND c.event_seq = :onlySeq' : ''}`;
/** The order of the thread, as the JSON of `threadComments` has it. */
const THREAD_ORDER = 'x.created_at, x.ticket_number, x.event_seq';

/**
 * The earlier tickets of a ticket's customer (`:number`): of its linked CRM record and of the
 * same address, since older tickets may come from before the record was linked; an address
 * nobody has proven is theirs shows no one else's.
 */
const EARLIER_TICKETS_OF = `(t.customer_id = (SELECT customer_id FROM tickets WHERE number = :number)
    OR lower(t.contact_email) = (SELECT lower(contact_email) FROM tickets WHERE number = :number AND contact_email_verified))
  AND t.number <> :number`;

interface CommentRow {
  id: string; ticket_number: number; visibility: CommentView['visibility']; author_kind: CommentView['author']['kind']; author_id: number | null;
  author_name: string | null; body: string; body_html: string | null; channel: CommentView['channel']; message_key: string | null;
  moved_to: number | null; created_at: Date | string;
}
interface AttachmentRow { id: string; filename: string | null; content_type: string; size: number; stored: boolean; message_key: string }

/** A timestamp as the API writes it; JSON built in SQL carries it as text. */
const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
const dateOf = (value: Date | string | null) => (value === null ? null : value instanceof Date ? value : new Date(value));

function attachmentsByKey(rows: AttachmentRow[]): Map<string, AttachmentView[]> {
  const byMessage = new Map<string, AttachmentView[]>();
  for (const r of rows) {
    const list = byMessage.get(r.message_key) ?? [];
    list.push({ id: r.id, filename: r.filename, contentType: r.content_type, size: r.size, stored: r.stored });
    byMessage.set(r.message_key, list);
  }
  return byMessage;
}

function commentViews(rows: CommentRow[], attachments: Map<string, AttachmentView[]>, number: number): CommentView[] {
  return rows.map((c) => ({
    id: c.id,
    visibility: c.visibility,
    author: { kind: c.author_kind, id: c.author_id, name: c.author_name },
    body: c.body,
    bodyHtml: c.body_html,
    channel: c.channel,
    attachments: c.message_key === null ? [] : attachments.get(c.message_key) ?? [],
    mergedFrom: c.ticket_number === number ? null : c.ticket_number,
    movedTo: c.moved_to,
    createdAt: iso(c.created_at),
  }));
}

/** A Waiting ticket's clock, as its row holds it. */
function waitingOf(row: TicketRow): WaitingClock | null {
  return row.status === 'waiting' && row.waiting_since
    ? { since: row.waiting_since.toISOString(), until: row.waiting_until?.toISOString() ?? null, remindedAt: row.reminded_at?.toISOString() ?? null }
    : null;
}

/** A ticket row read as JSON (inside a larger statement): its timestamps back as dates. */
function ticketRowOfJson(row: Record<string, unknown>): TicketRow {
  const dated = row as unknown as TicketRow & Record<string, Date | string | null>;
  for (const key of ['waiting_since', 'next_sla_due', 'waiting_until', 'reminded_at', 'created_at', 'updated_at', 'closed_at'] as const) {
    (dated as Record<string, unknown>)[key] = dateOf(dated[key] as Date | string | null);
  }
  return dated;
}

/**
 * `unread` is the reader's (`:readerId`; NULL: nobody's, never unread): the customer wrote
 * after they last opened it.
 */
const UNREAD = `(:readerId::int IS NOT NULL AND t.last_customer_message_at IS NOT NULL AND t.last_customer_message_at >
  coalesce((SELECT r.read_at FROM ticket_reads r WHERE r.operator_id = :readerId::int AND r.ticket_number = t.number), '-infinity'))`;

const TICKET_COLUMNS = `t.number, t.subject, t.status, t.priority, t.source, t.assignee_id, o.name AS assignee_name,
  t.customer_id, t.contact_email, t.contact_phone, t.contact_first_name, t.contact_last_name, t.external_id,
  t.contact_email_verified, t.waiting_since, t.waiting_until, t.reminded_at, t.sla, t.next_sla_due, t.follow_up_of, t.comment_count, t.token_version, t.created_at, t.updated_at, t.closed_at,
  t.tags, t.custom_fields, t.merged_into, t.split_from, t.team_id, (SELECT tm.name FROM teams tm WHERE tm.id = t.team_id) AS team_name,
  t.needs_reply, ${UNREAD} AS unread,
  (SELECT count(*)::int FROM comments c WHERE c.ticket_number = t.number AND c.visibility = 'internal') AS note_count`;

const ORDER_BY: Record<TicketSort, string> = {
  updated_desc: 't.updated_at DESC, t.number DESC',
  updated_asc: 't.updated_at ASC, t.number ASC',
  created_desc: 't.created_at DESC, t.number DESC',
  created_asc: 't.created_at ASC, t.number ASC',
  // Indexed as written (migration 0009): change both together.
  priority_desc: "array_position(ARRAY['urgent','high','normal','low'], t.priority), t.updated_at DESC, t.number DESC",
  number_desc: 't.number DESC',
  number_asc: 't.number ASC',
  // Indexed (migration 0020); tickets without a running target after all others.
  due_asc: 't.next_sla_due ASC NULLS LAST, t.number ASC',
};

export function toSummary(row: TicketRow): TicketSummary {
  return {
    number: row.number,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    source: row.source,
    assignee: row.assignee_id === null ? null : { id: row.assignee_id, name: row.assignee_name ?? '' },
    customerId: row.customer_id,
    contact: { ...contactColumnsOf(row), emailVerified: row.contact_email_verified },
    waitingUntil: row.status === 'waiting' && row.waiting_until ? row.waiting_until.toISOString() : null,
    sla: row.sla ? { policy: row.sla.policy.name, nextDue: row.next_sla_due?.toISOString() ?? null, breached: row.sla.breached } : null,
    followUpOf: row.follow_up_of,
    tags: row.tags,
    fields: row.custom_fields,
    mergedInto: row.merged_into,
    splitFrom: row.split_from,
    team: row.team_id === null ? null : { id: row.team_id, name: row.team_name ?? `team ${row.team_id}` },
    needsReply: row.needs_reply,
    unread: row.unread,
    commentCount: row.comment_count,
    noteCount: row.note_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    closedAt: row.closed_at ? row.closed_at.toISOString() : null,
  };
}

/**
 * Turns what an operator types into a prefix-matching full-text query: every word must
 * match the start of a word in the subject, the customer or a comment.
 */
export function toPrefixQuery(q: string): string | null {
  const words = q
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}@._+-]/gu, ''))
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length ? words.map((w) => `'${w}':*`).join(' & ') : null;
}

export interface ListFilter extends Omit<TicketListQuery, 'assignee' | 'field'> {
  assignee?: number | 'none';
  /** Custom field values the tickets must have, typed by their definitions (db/custom-fields.ts). */
  fields?: CustomFieldValues;
  /** A filter that can match no ticket (a saved view's field that is gone). */
  nothing?: true;
  /** The operator reading: whose "unread" the list shows and filters by. */
  readerId: number | null;
}

/**
 * Builds the WHERE clause; `skipStatus` for the per-status counts beside the list, `prefix`
 * for replacement names of their own when several filters share a statement (the views'
 * counts). `:readerId` is the reader's, the same for all.
 */
function whereClause(filter: ListFilter, { skipStatus = false, prefix = '' } = {}) {
  const conditions: string[] = [];
  const replacements: Record<string, unknown> = { readerId: filter.readerId };
  /** A replacement's placeholder, holding `value`. */
  const param = (name: string, value: unknown) => {
    replacements[prefix + name] = value;
    return `:${prefix}${name}`;
  };
  if (filter.nothing) conditions.push('false');
  if (filter.status?.length && !skipStatus) conditions.push(`t.status IN (${param('status', filter.status)})`);
  if (filter.priority) conditions.push(`t.priority = ${param('priority', filter.priority)}`);
  if (filter.source) conditions.push(`t.source = ${param('source', filter.source)}`);
  if (filter.assignee === 'none') conditions.push('t.assignee_id IS NULL');
  else if (filter.assignee !== undefined) conditions.push(`t.assignee_id = ${param('assignee', filter.assignee)}`);
  // Every tag given, spelled as stored; answered by the GIN index on tags.
  if (filter.tag?.length) conditions.push(`t.tags @> ${param('tags', textArray(filter.tag.map((tag) => normalizeTag(tag) ?? '')))}::text[]`);
  if (filter.needsReply !== undefined) conditions.push(filter.needsReply ? 't.needs_reply' : 'NOT t.needs_reply');
  // Containment, answered by the GIN index on custom_fields: a choice of a several-choices field is in its list.
  if (filter.fields && Object.keys(filter.fields).length) conditions.push(`t.custom_fields @> ${param('fields', JSON.stringify(filter.fields))}::jsonb`);
  if (filter.unread !== undefined) conditions.push(filter.unread ? UNREAD : `NOT ${UNREAD}`);
  if (filter.customer !== undefined) conditions.push(`t.customer_id = ${param('customer', filter.customer)}`);
  if (filter.team !== undefined) conditions.push(`t.team_id = ${param('team', filter.team)}`);
  if (filter.due === 'overdue') conditions.push("t.next_sla_due < now() AND t.status <> 'closed'");
  else if (filter.due === 'soon') {
    conditions.push(`t.next_sla_due >= now() AND t.next_sla_due < now() + interval '${DUE_SOON_MINUTES} minutes' AND t.status <> 'closed'`);
  }
  const q = filter.q?.trim();
  if (q) {
    const byNumber = /^#?(\d{1,9})$/.exec(q);
    // "#1042" is a ticket number and nothing else; a bare "1042" may also be in the text.
    const tsquery = q.startsWith('#') && byNumber ? null : toPrefixQuery(q);
    const parts: string[] = [];
    if (byNumber) parts.push(`t.number = ${param('qNumber', Number(byNumber[1]))}`);
    if (tsquery) {
      const query = param('tsquery', tsquery);
      // One UNION of two GIN index lookups; written as an OR, PostgreSQL scans every ticket.
      parts.push(`t.number IN (SELECT m.number FROM tickets m WHERE m.search @@ to_tsquery('simple', ${query})
        UNION SELECT c.ticket_number FROM comments c WHERE c.search @@ to_tsquery('simple', ${query}))`);
    }
    conditions.push(parts.length ? `(${parts.join(' OR ')})` : 'false');
  }
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', replacements };
}

/**
 * When the customer's view of a ticket last changed (a message, a reply, its status): what
 * a customer is shown as "updated", since the row's own updated_at also moves with notes
 * and reassignments. Needs the replacement `publicChangeTypes: PUBLIC_CHANGE_TYPES`.
 */
export const lastPublicChange = (ticketNumber: string) =>
  `(SELECT max(e.created_at) FROM ticket_events e WHERE e.ticket_number = ${ticketNumber} AND e.type IN (:publicChangeTypes))`;

/** A ticket as the widget lists it: only what its visitor may see, and the link version. */
export type WidgetTicketRow = { number: number; subject: string; status: TicketStatus; updated_at: Date; token_version: number };
/** "Updated" is the last change the customer can see, never a note's or a reassignment's. */
const WIDGET_TICKET_COLUMNS = `t.number, t.subject, t.status, t.token_version, coalesce(${lastPublicChange('t.number')}, t.created_at) AS updated_at`;

/** What the widget's routes read. */
export function createWidgetQueries(db: Database) {
  const { sequelize } = db;
  return {
    /** Widget tickets opened from this address (as mail sees it) in the last hour. */
    async openedLastHourBy(email: string): Promise<number> {
      const [recent] = await sequelize.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM tickets
         WHERE source = 'widget' AND mail_identity(contact_email) = mail_identity(:email) AND created_at > now() - interval '1 hour'`,
        { type: QueryTypes.SELECT, replacements: { email } },
      );
      return recent!.count;
    },

    async ticket(number: number): Promise<WidgetTicketRow | null> {
      const [row] = await sequelize.query<WidgetTicketRow>(
        `SELECT ${WIDGET_TICKET_COLUMNS} FROM tickets t WHERE t.number = :number`,
        { type: QueryTypes.SELECT, replacements: { number, publicChangeTypes: PUBLIC_CHANGE_TYPES } },
      );
      return row ?? null;
    },

    /** The tickets of a visitor the website vouches for: by their external ID, theirs or their CRM record's. */
    async ticketsOf(externalId: string): Promise<WidgetTicketRow[]> {
      return sequelize.query<WidgetTicketRow>(
        `SELECT ${WIDGET_TICKET_COLUMNS} FROM tickets t
         WHERE t.external_id = :externalId OR t.customer_id IN (SELECT id FROM customers WHERE external_id = :externalId)
         ORDER BY updated_at DESC LIMIT 50`,
        { type: QueryTypes.SELECT, replacements: { externalId, publicChangeTypes: PUBLIC_CHANGE_TYPES } },
      );
    },
  };
}

export function createTicketQueries(db: Database) {
  const { sequelize } = db;

  return {
    async list(filter: ListFilter) {
      const page = filter.page ?? 1;
      const pageSize = filter.pageSize ?? 25;
      const where = whereClause(filter);
      const [rows, counts] = await Promise.all([
        sequelize.query<TicketRow>(
          `SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN operators o ON o.id = t.assignee_id
           ${where.sql} ORDER BY ${ORDER_BY[filter.sort ?? 'updated_desc']} LIMIT :limit OFFSET :offset`,
          { type: QueryTypes.SELECT, replacements: { ...where.replacements, limit: pageSize, offset: (page - 1) * pageSize } },
        ),
        this.countByStatus(filter),
      ]);
      // The per-status counts hold the total too: one pass over the matches, not two.
      const counted: readonly string[] = filter.status?.length ? filter.status : TICKET_STATUSES;
      const total = counted.reduce((sum: number, status) => sum + (counts[status] ?? 0), 0);
      return { items: rows.map(toSummary), total, page, pageSize, countsByStatus: counts };
    },

    async countByStatus(filter: ListFilter): Promise<Record<string, number>> {
      const where = whereClause(filter, { skipStatus: true });
      const rows = await sequelize.query<{ status: string; count: number }>(
        `SELECT t.status, count(*)::int AS count FROM tickets t ${where.sql} GROUP BY t.status`,
        { type: QueryTypes.SELECT, replacements: where.replacements },
      );
      const counts: Record<string, number> = Object.fromEntries(TICKET_STATUSES.map((s) => [s, 0]));
      for (const row of rows) counts[row.status] = row.count;
      return counts;
    },

    /**
     * How many tickets each view holds, in one statement: a count per view, each answered
     * by the indexes its filters have (UNION ALL keeps them apart; one pass with a FILTER
     * per view would read every ticket).
     */
    async countViews(views: Array<{ key: string; filter: ListFilter }>): Promise<Record<string, number>> {
      if (views.length === 0) return {};
      const replacements: Record<string, unknown> = {};
      const parts = views.map(({ filter }, i) => {
        const where = whereClause(filter, { prefix: `v${i}_` });
        Object.assign(replacements, where.replacements);
        return `SELECT ${i} AS i, count(*)::int AS count FROM tickets t ${where.sql}`;
      });
      const rows = await sequelize.query<{ i: number; count: number }>(parts.join('\nUNION ALL\n'), { type: QueryTypes.SELECT, replacements });
      return Object.fromEntries(rows.map((row) => [views[row.i]!.key, row.count]));
    },

    /** `readerId`: the operator it is for (their "unread"); null: nobody's. */
    async summary(number: number, readerId: number | null = null): Promise<(TicketSummary & { tokenVersion: number; waiting: WaitingClock | null; slaState: SlaState | null; lastCustomerMessageAt: string | null }) | null> {
      const [row] = await sequelize.query<TicketRow & { last_customer_message_at: Date | null }>(
        `SELECT ${TICKET_COLUMNS}, t.last_customer_message_at FROM tickets t LEFT JOIN operators o ON o.id = t.assignee_id WHERE t.number = :number`,
        { type: QueryTypes.SELECT, replacements: { number, readerId } },
      );
      if (!row) return null;
      const waiting = waitingOf(row);
      return { ...toSummary(row), tokenVersion: row.token_version, waiting, slaState: row.sla, lastCustomerMessageAt: row.last_customer_message_at?.toISOString() ?? null };
    },

    /** The tickets of one CRM customer, newest first (a ticket's earlier ones are in its view: `detail`). */
    async summaries(of: { customerId: number }, limit = 50, readerId: number | null = null): Promise<TicketSummary[]> {
      const rows = await sequelize.query<TicketRow>(
        `SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN operators o ON o.id = t.assignee_id
         WHERE t.customer_id = :customerId ORDER BY t.created_at DESC LIMIT :limit`,
        { type: QueryTypes.SELECT, replacements: { customerId: of.customerId, limit, readerId } },
      );
      return rows.map(toSummary);
    },

    /**
     * Everything the operator's ticket view shows, internal notes included, in one statement:
     * an operator's change is answered with this view, so it is one round trip and one
     * connection of the pool, however many parts the view has.
     */
    async detail(number: number, readerId: number | null): Promise<Omit<TicketDetail, 'publicUrl' | 'workflow' | 'nextClock' | 'slaTargets'> & { tokenVersion: number; waiting: WaitingClock | null; slaState: SlaState | null } | null> {
      const [row] = await sequelize.query<TicketRow & {
        last_customer_message_at: Date | null; comments_json: CommentRow[]; attachments_json: AttachmentRow[];
        events_json: Array<{ seq: number; type: string; actor_kind: string; actor_id: number | null; actor_name: string | null; changes: Record<string, { from: unknown; to: unknown }>; created_at: string }>;
        crm_json: { id: number; email: string | null; phone: string | null; firstName: string | null; lastName: string | null; externalId: string | null; company: string | null; createdAt: string; updatedAt: string } | null;
        earlier_json: Array<Record<string, unknown>>;
        bounce_json: { bounced_at: string; status: string | null; ticket_number: number | null } | null;
        undelivered_json: Array<{ kind: string; recipient: string; status: 'sending' | 'failed'; failure: string; key: string; created_at: string }>;
      }>(
        `SELECT ${TICKET_COLUMNS}, t.last_customer_message_at,
           (SELECT coalesce(json_agg(x ORDER BY ${THREAD_ORDER}), '[]') FROM (${threadComments('all', false)}) x) AS comments_json,
           (SELECT coalesce(json_agg(a ORDER BY a.sort), '[]') FROM (${THREAD_ATTACHMENTS}) a) AS attachments_json,
           (SELECT coalesce(json_agg(e ORDER BY e.seq), '[]') FROM (
              SELECT e.seq, e.type, e.actor_kind, e.actor_id, o.name AS actor_name, e.changes, e.created_at
              FROM ticket_events e LEFT JOIN operators o ON o.id = e.actor_id WHERE e.ticket_number = :number) e) AS events_json,
           (SELECT row_to_json(c) FROM (
              SELECT c.id, c.email, c.phone, c.first_name AS "firstName", c.last_name AS "lastName", c.external_id AS "externalId",
                c.company, c.created_at AS "createdAt", c.updated_at AS "updatedAt"
              FROM customers c WHERE c.id = t.customer_id) c) AS crm_json,
           (SELECT coalesce(json_agg(p ORDER BY p.created_at DESC), '[]') FROM (
              SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN operators o ON o.id = t.assignee_id
              WHERE ${EARLIER_TICKETS_OF} ORDER BY t.created_at DESC LIMIT 20) p) AS earlier_json,
           (SELECT row_to_json(b) FROM (SELECT b.bounced_at, b.status, b.ticket_number FROM bounced_addresses b
              WHERE b.address = lower(t.contact_email)) b) AS bounce_json,
           (SELECT coalesce(json_agg(n ORDER BY n.created_at DESC), '[]') FROM (
              SELECT kind, recipient, status, failure, key, created_at FROM notifications
              WHERE ticket_number = :number AND failure IS NOT NULL AND status IN ('sending', 'failed')
              ORDER BY created_at DESC LIMIT 20) n) AS undelivered_json
         FROM tickets t LEFT JOIN operators o ON o.id = t.assignee_id WHERE t.number = :number`,
        { type: QueryTypes.SELECT, replacements: { number, readerId } },
      );
      if (!row) return null;
      const waiting = waitingOf(row);
      const summary = toSummary(row);
      const bounce = row.bounce_json;
      const crm = row.crm_json;
      return {
        ...summary,
        tokenVersion: row.token_version,
        waiting,
        slaState: row.sla,
        lastCustomerMessageAt: row.last_customer_message_at?.toISOString() ?? null,
        customerPanel: {
          contact: summary.contact,
          externalId: summary.contact.externalId,
          emailBounce: bounce ? { at: iso(bounce.bounced_at), status: bounce.status, ticketNumber: bounce.ticket_number } : null,
          crm: crm ? customerView({ ...crm, createdAt: new Date(crm.createdAt), updatedAt: new Date(crm.updatedAt) }) : null,
          previousTickets: row.earlier_json.map((earlier) => toSummary(ticketRowOfJson(earlier))),
        },
        comments: commentViews(row.comments_json, attachmentsByKey(row.attachments_json), number),
        events: row.events_json.map((e) => ({
          seq: e.seq,
          type: e.type,
          actor: { kind: e.actor_kind, id: e.actor_id, name: e.actor_name },
          changes: e.changes,
          at: iso(e.created_at),
        })),
        undeliveredMail: row.undelivered_json.map((n) => ({
          kind: n.kind,
          recipient: n.recipient,
          status: n.status === 'failed' ? 'failed' as const : 'retrying' as const,
          failure: n.failure,
          seq: eventOfNotification(n.key),
          at: iso(n.created_at),
        })),
      };
    },

    /** A ticket's attachments, by the message key of the comment they came with. */
    async attachmentsByMessage(number: number): Promise<Map<string, AttachmentView[]>> {
      const rows = await sequelize.query<AttachmentRow>(`${THREAD_ATTACHMENTS} ORDER BY sort`, { type: QueryTypes.SELECT, replacements: { number } });
      return attachmentsByKey(rows);
    },

    /**
     * The thread: this ticket's comments and those of tickets merged into it (marked), in
     * the order they were written; a message split off is marked as moved (and left out of
     * the customer's view). `onlySeq`: this ticket's comment of that change only.
     */
    async comments(number: number, which: 'all' | 'public', onlySeq?: number): Promise<CommentView[]> {
      const [attachments, rows] = await Promise.all([
        this.attachmentsByMessage(number),
        sequelize.query<CommentRow>(`${threadComments(which, onlySeq !== undefined)} ORDER BY c.created_at, c.ticket_number, c.event_seq`, {
          type: QueryTypes.SELECT, replacements: { number, onlySeq },
        }),
      ]);
      return commentViews(rows, attachments, number);
    },

    /** What a customer with the link may see: public comments only, no operator details. */
    async publicView(number: number): Promise<PublicTicket | null> {
      const ticket = await this.summary(number);
      if (!ticket) return null;
      // The last change the customer can see: a note or a reassignment moves the ticket's
      // own updated_at, and must not show through.
      const [comments, [lastPublic]] = await Promise.all([
        this.comments(number, 'public'),
        sequelize.query<{ at: Date | null }>(
          `SELECT ${lastPublicChange(':number')} AS at`,
          { type: QueryTypes.SELECT, replacements: { number, publicChangeTypes: PUBLIC_CHANGE_TYPES } },
        ),
      ]);
      const customerName = [ticket.contact.firstName, ticket.contact.lastName].filter(Boolean).join(' ') || null;
      return {
        number: ticket.number,
        subject: ticket.subject,
        status: ticket.status,
        statusLabel: STATUS_LABELS[ticket.status],
        createdAt: ticket.createdAt,
        updatedAt: lastPublic?.at ? lastPublic.at.toISOString() : ticket.createdAt,
        comments: comments.map((c) => ({
          id: c.id,
          author: c.author.kind === 'operator'
            ? { kind: 'operator' as const, name: c.author.name }
            : { kind: 'customer' as const, name: customerName },
          body: c.body,
          bodyHtml: c.bodyHtml,
          attachments: c.attachments,
          createdAt: c.createdAt,
        })),
        answerOpensFollowUp: answerOpensFollowUp(ticket.status, ticket.closedAt, ticket.slaState),
      };
    },
  };
}

/** Whether the customer's word would open a follow-up ticket rather than reopen this one (its policy's reopen window is over). */
function answerOpensFollowUp(status: TicketStatus, closedAt: string | null, sla: SlaState | null): boolean {
  const within = sla?.policy.reopenWithinMs;
  return status === 'closed' && closedAt !== null && within !== undefined && Date.now() - Date.parse(closedAt) > within;
}

export type TicketQueries = ReturnType<typeof createTicketQueries>;

/**
 * An attachment's bytes, if it was kept: for operators any ticket's (`publicOf` null); for a
 * customer's link only one that came with a public message of that ticket (an internal
 * note's file never reaches the customer, whatever id they try).
 */
export async function attachmentContent(db: Database, publicOf: number | null, id: number) {
  const [row] = await db.sequelize.query<{ filename: string | null; content_type: string; content: Buffer | null; ticket_number: number | null; merged_into: number | null; public: boolean }>(
    `SELECT a.filename, a.content_type, a.content, coalesce(a.ticket_number, e.ticket_number) AS ticket_number,
       (SELECT t.merged_into FROM tickets t WHERE t.number = coalesce(a.ticket_number, e.ticket_number)) AS merged_into,
       EXISTS (SELECT 1 FROM comments c WHERE c.ticket_number = coalesce(a.ticket_number, e.ticket_number)
         AND c.message_key = coalesce(a.message_key, e.message_key) AND c.visibility = 'public') AS public
     FROM attachments a LEFT JOIN inbound_emails e ON e.id = a.inbound_email_id WHERE a.id = :id`,
    { type: QueryTypes.SELECT, replacements: { id } },
  );
  // Through a link: a file of its ticket's public messages, or of a ticket merged into it (the same customer's).
  if (!row?.content || (publicOf !== null && ((row.ticket_number !== publicOf && row.merged_into !== publicOf) || !row.public))) return null;
  return row;
}


/**
 * Sends an attachment as a download, never rendered by the browser: a customer's file may
 * be HTML with script in it. Images and PDFs keep their type so they preview once saved.
 */
export function sendAttachment(reply: { header(name: string, value: string): unknown; send(payload: Buffer): unknown }, file: { filename: string | null; content_type: string; content: Buffer | null }) {
  const safeType = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/i.test(file.content_type) ? file.content_type : 'application/octet-stream';
  const name = (file.filename ?? 'attachment').replace(/["\\\r\n]/g, '_');
  reply.header('content-type', safeType);
  reply.header('content-disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  return reply.send(file.content!);
}

export function customerView(c: {
  id: number; email: string | null; phone: string | null; firstName: string | null; lastName: string | null;
  externalId: string | null; company: string | null; createdAt: Date; updatedAt: Date;
}): CustomerView {
  return {
    id: c.id,
    email: c.email,
    phone: c.phone,
    firstName: c.firstName,
    lastName: c.lastName,
    externalId: c.externalId,
    company: c.company,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
