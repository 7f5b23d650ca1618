/**
 * The mail a ticket sends, one row per event and recipient (the key says which), and the
 * addresses that refused mail for good. The notification activity claims a row before it
 * sends and settles it after, so each mail goes out once.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';
import { OPERATOR_MAIL_CHOICES, type NotificationKind, type NotificationRecipient, type TicketStatus } from '../domain/ticket';
import { DEFAULT_INBOX_PREFERENCES } from '../domain/inbox';

/** Whether an operator (a table alias) wants this kind of mail: their choice, else the default; mail with no choice always goes. */
const WANTS_IT = (operator: string) =>
  `(:choice::text IS NULL OR coalesce((${operator}.notification_preferences -> :choice::text ->> 'mail')::boolean, :choiceDefault))`;
/** Whether the operator made the change the mail tells of: nobody is told of their own doing. */
const MADE_IT = (operator: string) => `(e.actor_kind = 'operator' AND e.actor_id IS NOT DISTINCT FROM ${operator}.id)`;
const defaultMailChoice = (kind: NotificationKind) => {
  const choice = OPERATOR_MAIL_CHOICES[kind];
  return choice ? DEFAULT_INBOX_PREFERENCES[choice].mail : true;
};

/** Everything one mail needs, read in one round trip: it goes out with every new ticket. */
export interface NotificationContext {
  number: number;
  subject: string;
  status: TicketStatus;
  contact_email: string | null;
  contact_first_name: string | null;
  contact_last_name: string | null;
  token_version: number;
  contact_email_verified: boolean;
  assignee_id: number | null;
  notification_status: 'queued' | 'sending' | 'sent' | 'skipped' | 'failed' | null;
  attempts: number | null;
  /** Null when the event wrote no comment (a status change). */
  comment_visibility: string | null;
  comment_body: string | null;
  /** The comment's HTML when it is an operator's Markdown. */
  comment_html: string | null;
  /** Who wrote the event's comment, else the operator who made the change. */
  author_name: string | null;
  mailbox_address: string | null;
  smtp_sealed: string | null;
  recipient: string | null;
  mailed_this_hour: number;
  /** What the event that asked for the mail changed (an SLA warning says which target, due when). */
  event_changes: Record<string, { from: unknown; to: unknown }> | null;
}

/** A mail the write of a change queued (db/tickets.ts), as its sender takes it. */
export interface QueuedMail {
  key: string;
  ticketNumber: number;
  seq: number;
  kind: NotificationKind;
  recipient: NotificationRecipient;
  /** Attempts so far. */
  attempts: number;
  queuedAt: Date;
}

/** The channel the write of a change announces queued mail on; the payload is the task queue whose sender sends it. */
export const MAIL_QUEUED_CHANNEL = 'mail_queued';

/**
 * The part of a change's write (db/tickets.ts) that queues its mail: one row per mail,
 * none twice (a retried write queues nothing new), and a NOTIFY that wakes the sender
 * once committed. `:mail` is a JSON array of {key, seq, kind, recipient}.
 */
export const QUEUE_MAIL_SQL = `, queued_mail AS (
    INSERT INTO notifications (key, ticket_number, seq, kind, recipient_role, recipient, message_id, status, task_queue, next_attempt_at)
    SELECT m.key, :number, m.seq, m.kind, m.recipient, '', '', 'queued', :taskQueue, now()
    FROM jsonb_to_recordset(:mail::jsonb) AS m(key text, seq int, kind text, recipient text)
    ON CONFLICT (key) DO NOTHING
    RETURNING 1),
  mail_rung AS (SELECT pg_notify('${MAIL_QUEUED_CHANNEL}', :taskQueue) WHERE EXISTS (SELECT 1 FROM queued_mail))`;

export type NotificationClaim = {
  key: string; ticketNumber: number; kind: string; recipient: string; messageId: string; status: 'sending' | 'skipped'; attempts: number;
};

/**
 * Remembers an address that refused mail for good (a bounce, or the relay's 5xx), so the
 * ticket shows it; the latest refusal wins.
 */
export async function flagBouncingAddress(db: Database, bounce: { address: string; ticketNumber: number; status: string | null }): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO bounced_addresses (address, ticket_number, status, bounced_at) VALUES (lower(:address), :ticketNumber, :status, now())
     ON CONFLICT (address) DO UPDATE SET ticket_number = EXCLUDED.ticket_number, status = EXCLUDED.status, bounced_at = now()`,
    { replacements: bounce },
  );
}

/**
 * Whether operator `o` is of the team `team` (an SQL expression), as an SQL condition: true
 * for no team, and for a team with nobody active (someone must hear of its tickets).
 */
export const IN_TEAM = (team: string, o: string) => `(${team} IS NULL
  OR ${o}.id IN (SELECT m.operator_id FROM team_members m WHERE m.team_id = ${team})
  OR NOT EXISTS (SELECT 1 FROM team_members m JOIN operators x ON x.id = m.operator_id AND x.active WHERE m.team_id = ${team}))`;

export function createNotificationStore(db: Database) {
  const { sequelize } = db;
  return {
    /** The ticket, the event's comment, the recipient and this mail's row so far; null when there is no such ticket. */
    async context({ key, ticketNumber, seq, kind, recipient }: { key: string; ticketNumber: number; seq: number; kind: NotificationKind; recipient: NotificationRecipient }): Promise<NotificationContext | null> {
      const [row] = await sequelize.query<NotificationContext>(
        `SELECT t.number, t.subject, t.status, t.contact_email, t.contact_first_name, t.contact_last_name,
           t.token_version, t.contact_email_verified, t.assignee_id, n.status AS notification_status, n.attempts,
           c.visibility AS comment_visibility, c.body AS comment_body, c.body_html AS comment_html, coalesce(author.name, actor.name) AS author_name,
           m.address AS mailbox_address, m.smtp_sealed,
           CASE WHEN :recipient = 'customer' THEN t.contact_email
             -- "Every agent" of a team's ticket is its team (every agent when it has nobody active).
             WHEN :recipient = 'agents' THEN (SELECT string_agg(o.email, ', ' ORDER BY o.id) FROM operators o
               WHERE o.active AND ${WANTS_IT('o')} AND NOT ${MADE_IT('o')} AND ${IN_TEAM('t.team_id', 'o')})
             WHEN :recipient = 'mentioned' THEN (SELECT string_agg(o.email, ', ' ORDER BY o.id) FROM operators o
               WHERE o.active AND ${WANTS_IT('o')} AND NOT ${MADE_IT('o')}
                 AND o.id IN (SELECT jsonb_array_elements_text(e.changes -> 'mentions' -> 'to')::int))
             WHEN ${WANTS_IT('assignee')} AND NOT (:kind = 'ticket_assigned' AND ${MADE_IT('assignee')}) THEN assignee.email
             END AS recipient,
           -- The hourly limit guards customers against loops; colleagues are not counted.
           CASE WHEN :recipient = 'customer' THEN (SELECT count(*)::int FROM notifications r
            WHERE mail_identity(r.recipient) = mail_identity(t.contact_email)
              AND r.status IN ('sending', 'sent') AND r.created_at > now() - interval '1 hour') ELSE 0 END AS mailed_this_hour,
           e.changes AS event_changes
         FROM tickets t
         LEFT JOIN notifications n ON n.key = :key
         LEFT JOIN comments c ON c.ticket_number = t.number AND c.event_seq = :seq
         LEFT JOIN operators author ON c.author_kind = 'operator' AND author.id = c.author_id
         LEFT JOIN operators assignee ON assignee.id = t.assignee_id
         LEFT JOIN mailboxes m ON m.name = t.mailbox
         LEFT JOIN ticket_events e ON e.ticket_number = t.number AND e.seq = :seq
         LEFT JOIN operators actor ON e.actor_kind = 'operator' AND actor.id = e.actor_id
         WHERE t.number = :ticketNumber`,
        {
          type: QueryTypes.SELECT,
          replacements: { key, seq, kind, recipient, ticketNumber, choice: OPERATOR_MAIL_CHOICES[kind] ?? null, choiceDefault: defaultMailChoice(kind) },
        },
      );
      return row ?? null;
    },

    /**
     * Claims (status "sending") or settles ("skipped") a notification; a retry overwrites its
     * own row. A queued row being sent stays due and held by its sender until it is settled.
     */
    async claim(row: NotificationClaim): Promise<void> {
      await sequelize.query(
        `INSERT INTO notifications (key, ticket_number, kind, recipient, message_id, status, attempts, sent_at)
         VALUES (:key, :ticketNumber, :kind, :recipient, :messageId, :status, :attempts, NULL)
         ON CONFLICT (key) DO UPDATE SET recipient = EXCLUDED.recipient, message_id = EXCLUDED.message_id,
           status = EXCLUDED.status, attempts = EXCLUDED.attempts, sent_at = NULL,
           next_attempt_at = CASE WHEN EXCLUDED.status = 'sending' THEN notifications.next_attempt_at END,
           claimed_until = CASE WHEN EXCLUDED.status = 'sending' THEN notifications.claimed_until END`,
        { replacements: row },
      );
    },

    /**
     * Takes up to `limit` queued mails that are due for this sender's helpdesk, each held for
     * `leaseMs`: a sender that dies with one leaves it to the next once the hold runs out.
     * Oldest first; another sender's held rows are skipped, not waited for.
     */
    async claimDue(taskQueue: string, limit: number, leaseMs: number): Promise<QueuedMail[]> {
      return sequelize.query<QueuedMail>(
        `UPDATE notifications n SET claimed_until = now() + make_interval(secs => :leaseSeconds)
         FROM (SELECT key FROM notifications
               WHERE task_queue = :taskQueue AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED) due
         WHERE n.key = due.key
         RETURNING n.key, n.ticket_number AS "ticketNumber", n.seq, n.kind, n.recipient_role AS recipient, n.attempts,
           n.created_at AS "queuedAt"`,
        { type: QueryTypes.SELECT, replacements: { taskQueue, limit, leaseSeconds: leaseMs / 1000 } },
      );
    },

    /**
     * Lets go of every hold on this helpdesk's queued mail: the sender starting now is the
     * only one (one activity at a time), so any hold left is a dead sender's.
     */
    async releaseHolds(taskQueue: string): Promise<number> {
      const [, affected] = await sequelize.query(
        'UPDATE notifications SET claimed_until = NULL WHERE task_queue = :taskQueue AND next_attempt_at IS NOT NULL AND claimed_until IS NOT NULL',
        { replacements: { taskQueue } },
      );
      return typeof affected === 'number' ? affected : (affected as { rowCount?: number })?.rowCount ?? 0;
    },

    /** When this sender's next queued mail falls due (a retry's time, a dead sender's hold running out); null: none is queued. */
    async nextDueAt(taskQueue: string): Promise<Date | null> {
      const [row] = await sequelize.query<{ due: Date | null }>(
        `SELECT min(greatest(next_attempt_at, coalesce(claimed_until, next_attempt_at))) AS due
         FROM notifications WHERE task_queue = :taskQueue AND next_attempt_at IS NOT NULL`,
        { type: QueryTypes.SELECT, replacements: { taskQueue } },
      );
      return row?.due ?? null;
    },

    /** Refused for now: due again at `at`, for whichever sender is then running. */
    async retryAt(key: string, at: Date): Promise<void> {
      await sequelize.query(
        'UPDATE notifications SET next_attempt_at = :at, claimed_until = NULL WHERE key = :key AND next_attempt_at IS NOT NULL',
        { replacements: { key, at } },
      );
    },

    /** Refused for now: the reason shows on the ticket while the workflow waits to try again. */
    async refusedForNow(key: string, reason: string): Promise<void> {
      await sequelize.query("UPDATE notifications SET failure = :reason WHERE key = :key AND status = 'sending'", { replacements: { key, reason } });
    },

    /** Refused for good, with the server's answer. */
    async refused(key: string, failure: string): Promise<void> {
      await sequelize.query(
        "UPDATE notifications SET status = 'failed', failure = :failure, next_attempt_at = NULL, claimed_until = NULL WHERE key = :key",
        { replacements: { key, failure } },
      );
    },

    async sent(key: string): Promise<void> {
      await sequelize.query(
        "UPDATE notifications SET status = 'sent', sent_at = now(), failure = NULL, next_attempt_at = NULL, claimed_until = NULL WHERE key = :key",
        { replacements: { key } },
      );
    },

    /** Tried for as long as the settings allow: failed, with why and the last refusal. */
    async givenUp(key: string, reason: string): Promise<void> {
      await sequelize.query(
        `UPDATE notifications SET status = 'failed', failure = :reason || coalesce(': ' || failure, ''), next_attempt_at = NULL, claimed_until = NULL
         WHERE key = :key AND status IN ('queued', 'sending')`,
        { replacements: { key, reason } },
      );
    },
  };
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;
