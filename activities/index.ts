import { ApplicationFailure } from '@temporalio/activity';
import { Op, QueryTypes } from 'sequelize';
import type { Config } from '../config';
import type { Database } from '../db';
import type { Mailer } from '../mail/outbound/mailer';
import type { createRenderer } from '../mail/outbound/render';
import {
  AuditRecord,
  CommentRecord,
  Contact,
  REMEMBERED_MESSAGE_KEYS,
  STATUS_LABELS,
  TicketState,
  TicketStatus,
  TICKET_NOT_FOUND,
  emailIsVerified,
  notificationKey,
  normalizeEmail,
} from '../domain/ticket';
import { emailVerificationCode, hashPublicToken, mailedTicketUrl, publicToken } from '../security/public-token';
import {
  mailboxAddress, messageIdDomain, notificationMessageId, operatorReplyAddress, replyAddress, senderName, threadMessageId,
} from '../mail/threading';
import { PermanentRefusal, smtpMailer } from '../mail/outbound/mailer';
import { open } from '../security/secret-box';
import { ticketChangeNotification, ticketChangePayload } from '../live/ticket-changes';
import type { TicketNotification } from '../workflows/ticket/definitions';

export interface ActivityDeps {
  db: Database;
  mailer: Mailer;
  render: ReturnType<typeof createRenderer>;
  secretKey: string;
  publicUrl: string;
  mailFrom: string;
  /** Most notifications one address gets per hour. */
  recipientHourlyLimit: number;
  log?: (line: string) => void;
}

/** The settings the activities take from the configuration. */
export function activitySettings(config: Config & { SECRET_KEY: string }) {
  return {
    secretKey: config.SECRET_KEY,
    publicUrl: config.PUBLIC_URL,
    mailFrom: config.MAIL_FROM,
    recipientHourlyLimit: config.MAIL_RATE_LIMIT_PER_RECIPIENT,
  };
}

export interface PersistInput {
  state: TicketState;
  audit: AuditRecord;
  comment: CommentRecord | null;
  /** Also find the CRM customer for the ticket's contact (a new ticket), in the same round trip. */
  findCrmCustomer?: boolean;
}

export interface PersistResult {
  /** The CRM customer matching the contact, when asked for and found. */
  crmCustomerId: number | null;
}

export type NotificationInput = TicketNotification;


/**
 * Every activity here is idempotent: it may run again after a crash or a timeout and
 * leaves the same rows and sends the same mail once.
 */
export function createActivities({ db, mailer, render, secretKey, publicUrl, mailFrom, recipientHourlyLimit, log = console.warn }: ActivityDeps) {
  const { sequelize } = db;
  const domain = messageIdDomain(mailFrom);
  const mailboxMailers = new Map<string, Mailer>();

  /**
   * How a ticket's mail goes out: through its stored mailbox's own server and address when
   * it came in through one (so answers come back there), else through the default.
   */
  function outgoing(mailbox: { address: string; smtpSealed: string | null } | null): { mailer: Mailer; from: OutgoingFrom; address: string } {
    if (!mailbox) return { mailer, from: mailFrom, address: mailboxAddress(mailFrom) };
    let routed = mailer;
    if (mailbox.smtpSealed) {
      routed = mailboxMailers.get(mailbox.smtpSealed) ?? smtpMailer(open(secretKey, mailbox.smtpSealed));
      mailboxMailers.set(mailbox.smtpSealed, routed);
    }
    return { mailer: routed, from: { name: senderName(mailFrom) || mailbox.address, address: mailbox.address }, address: mailbox.address };
  }

  /** Claims (status "sending") or settles ("skipped") a notification; a retry overwrites its own row. */
  async function recordNotification(row: { key: string; ticketNumber: number; kind: string; recipient: string; messageId: string; status: 'sending' | 'skipped'; attempts: number }) {
    await sequelize.query(
      `INSERT INTO notifications (key, ticket_number, kind, recipient, message_id, status, attempts, sent_at)
       VALUES (:key, :ticketNumber, :kind, :recipient, :messageId, :status, :attempts, NULL)
       ON CONFLICT (key) DO UPDATE SET recipient = EXCLUDED.recipient, message_id = EXCLUDED.message_id,
         status = EXCLUDED.status, attempts = EXCLUDED.attempts, sent_at = NULL`,
      { replacements: row },
    );
  }

  return {
    /** Writes the ticket row, its audit record and its comment in one transaction. */
    async persistTicketChange({ state, audit, comment, findCrmCustomer: withCrmLookup = false }: PersistInput): Promise<PersistResult> {
      // One statement, so one round trip and its own transaction: PostgreSQL runs every
      // data-modifying WITH part exactly once, and the NOTIFY is delivered only on commit.
      const commentPart = comment
        ? `, added_comment AS (
             INSERT INTO comments (ticket_number, event_seq, visibility, author_kind, author_id, body, channel, message_key, created_at)
             VALUES (:number, :seq, :visibility, :authorKind, :authorId, :body, :channel, :messageKey, :at)
             ON CONFLICT DO NOTHING)`
        : '';
      const crm = withCrmLookup ? crmLookup(state.contact) : null;
      const [row] = await sequelize.query<{ crm_customer_id: number | null }>(
        `WITH ticket_row AS (
           INSERT INTO tickets (number, public_token_hash, token_version, subject, status, priority, source,
             assignee_id, customer_id, contact_email, contact_phone, contact_first_name, contact_last_name,
             external_id, contact_email_verified, mailbox, event_seq, comment_count, created_at, updated_at, closed_at)
           VALUES (:number, :tokenHash, :tokenVersion, :subject, :status, :priority, :source, :assigneeId, :customerId,
             :email, :phone, :firstName, :lastName, :externalId, :emailVerified, :mailbox, :eventSeq, :commentCount, :createdAt, :updatedAt, :closedAt)
           -- A retry or an out-of-order replay never moves the row backwards.
           ON CONFLICT (number) DO UPDATE SET
             subject = EXCLUDED.subject, status = EXCLUDED.status, priority = EXCLUDED.priority,
             assignee_id = EXCLUDED.assignee_id, customer_id = EXCLUDED.customer_id,
             contact_email_verified = EXCLUDED.contact_email_verified, event_seq = EXCLUDED.event_seq, comment_count = EXCLUDED.comment_count,
             updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at,
             token_version = EXCLUDED.token_version, public_token_hash = EXCLUDED.public_token_hash
           WHERE tickets.event_seq < EXCLUDED.event_seq),
         audit_row AS (
           INSERT INTO ticket_events (ticket_number, seq, type, actor_kind, actor_id, changes, created_at)
           VALUES (:number, :seq, :type, :actorKind, :actorId, :changes, :at)
           ON CONFLICT (ticket_number, seq) DO NOTHING)${commentPart}
         SELECT ${ticketChangeNotification}, ${crm ? crm.sql : 'NULL'} AS crm_customer_id`,
        {
          type: QueryTypes.SELECT,
          replacements: {
            ...crm?.replacements,
            number: state.number,
            tokenHash: hashPublicToken(publicToken(secretKey, state.number, state.linkVersion ?? 1)),
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
            seq: audit.seq,
            type: audit.type,
            actorKind: audit.actor.kind,
            actorId: audit.actor.kind === 'operator' ? audit.actor.id : null,
            changes: JSON.stringify(audit.changes),
            at: audit.at,
            ...(comment ?? {}),
            ...ticketChangePayload({ number: state.number, seq: audit.seq, type: audit.type }),
          },
        },
      );
      return { crmCustomerId: row?.crm_customer_id ?? null };
    },

    /** The persisted state, to start a new run of a ticket whose workflow had ended. */
    async loadTicketState(ticketNumber: number): Promise<TicketState> {
      const row = await db.Ticket.findByPk(ticketNumber);
      if (!row) {
        throw ApplicationFailure.nonRetryable(`Ticket #${ticketNumber} is not in the database`, TICKET_NOT_FOUND);
      }
      const keys = await db.Comment.findAll({
        attributes: ['messageKey'],
        where: { ticketNumber, authorKind: 'customer', messageKey: { [Op.ne]: null } },
        order: [['eventSeq', 'DESC']],
        limit: REMEMBERED_MESSAGE_KEYS,
      });
      return {
        number: row.number,
        subject: row.subject,
        status: row.status,
        priority: row.priority,
        source: row.source,
        assigneeId: row.assigneeId,
        customerId: row.customerId,
        contact: {
          email: row.contactEmail,
          phone: row.contactPhone,
          firstName: row.contactFirstName,
          lastName: row.contactLastName,
          externalId: row.externalId,
          ...(row.contactEmailVerified ? {} : { emailVerified: false }),
        },
        mailbox: row.mailbox,
        eventSeq: row.eventSeq,
        commentCount: row.commentCount,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
        closedAt: row.closedAt ? row.closedAt.toISOString() : null,
        recentMessageKeys: keys.map((k) => k.messageKey).filter((k): k is string => k !== null).reverse(),
        ...(row.tokenVersion === 1 ? {} : { linkVersion: row.tokenVersion }),
      };
    },

    /**
     * The CRM customer a ticket belongs to. New tickets find it in their creation's write;
     * this is for runs recorded before that, which replay this step as it ran.
     */
    async findCrmCustomer(contact: Contact): Promise<number | null> {
      const { sql, replacements } = crmLookup(contact);
      const [row] = await sequelize.query<{ id: number | null }>(`SELECT ${sql} AS id`, { type: QueryTypes.SELECT, replacements });
      return row?.id ?? null;
    },

    /**
     * Sends one notification at most once per event and recipient. The row is claimed
     * before sending and marked after; the Message-ID is derived from the same key, so
     * even the one unavoidable duplicate (a crash between the SMTP "250" and the mark)
     * carries the same Message-ID and mail clients fold it.
     */
    async sendNotification({ ticketNumber, seq, kind, recipient }: NotificationInput): Promise<'sent' | 'already_sent' | 'skipped' | 'failed'> {
      const key = notificationKey(ticketNumber, seq, kind, recipient);
      // Everything the mail needs in one round trip: it goes out with every new ticket.
      const [row] = await sequelize.query<NotificationContext>(
        `SELECT t.number, t.subject, t.status, t.contact_email, t.contact_first_name, t.contact_last_name,
           t.token_version, t.contact_email_verified, t.assignee_id, n.status AS notification_status, n.attempts,
           c.visibility AS comment_visibility, c.body AS comment_body, author.name AS author_name,
           m.address AS mailbox_address, m.smtp_sealed,
           CASE WHEN :recipient = 'customer' THEN t.contact_email ELSE assignee.email END AS recipient,
           (SELECT count(*)::int FROM notifications r
            WHERE mail_identity(r.recipient) = mail_identity(CASE WHEN :recipient = 'customer' THEN t.contact_email ELSE assignee.email END)
              AND r.status IN ('sending', 'sent') AND r.created_at > now() - interval '1 hour') AS mailed_this_hour
         FROM tickets t
         LEFT JOIN notifications n ON n.key = :key
         LEFT JOIN comments c ON c.ticket_number = t.number AND c.event_seq = :seq
         LEFT JOIN operators author ON c.author_kind = 'operator' AND author.id = c.author_id
         LEFT JOIN operators assignee ON assignee.id = t.assignee_id
         LEFT JOIN mailboxes m ON m.name = t.mailbox
         WHERE t.number = :ticketNumber`,
        { type: QueryTypes.SELECT, replacements: { key, seq, recipient, ticketNumber } },
      );
      if (row?.notification_status && row.notification_status !== 'sending') {
        return row.notification_status === 'sent' ? 'already_sent' : row.notification_status;
      }
      if (!row) throw ApplicationFailure.nonRetryable(`Ticket #${ticketNumber} is not in the database`, TICKET_NOT_FOUND);
      const to = row.recipient;
      const thread = threadMessageId(row.number, domain, secretKey);
      // The acknowledgement starts the thread; every later mail answers it.
      const startsThread = kind === 'ticket_created' || kind === 'outbound_message';
      const messageId = startsThread ? thread : notificationMessageId(key, domain, secretKey);
      const claimed = row.notification_status === 'sending';
      const record = (status: 'sending' | 'skipped') => recordNotification({
        key, ticketNumber, kind, recipient: to ?? '', messageId, status, attempts: (row.attempts ?? 0) + (status === 'sending' ? 1 : 0),
      });
      if (!to || (row.comment_visibility !== null && row.comment_visibility !== 'public')) {
        // Internal notes never mail the customer, whatever asked for it.
        await record('skipped');
        return 'skipped';
      }
      if (!claimed && row.mailed_this_hour >= recipientHourlyLimit) {
        // A loop with another robot, or a flood: the customer has had enough mail this hour.
        log(`notification ${key} to ${to} skipped: over ${recipientHourlyLimit} mails this hour`);
        await record('skipped');
        return 'skipped';
      }
      await record('sending');

      const customerName = [row.contact_first_name, row.contact_last_name].filter(Boolean).join(' ') || null;
      const mail = render(kind, {
        number: row.number,
        subject: row.subject,
        status: STATUS_LABELS[row.status],
        name: recipient === 'customer' ? customerName : customerName ?? row.contact_email,
        body: row.comment_body,
        author: row.author_name,
        // Only the customer's copy carries the code that proves they read mail to the address.
        ticket_url: mailedTicketUrl(publicUrl, publicToken(secretKey, row.number, row.token_version),
          recipient === 'customer' && !row.contact_email_verified && row.contact_email ? emailVerificationCode(secretKey, row.number, row.contact_email) : null),
        admin_url: `${publicUrl}/admin/tickets/${row.number}`,
      });
      const route = outgoing(row.mailbox_address === null ? null : { address: row.mailbox_address, smtpSealed: row.smtp_sealed });
      try {
        await route.mailer.send({
          key,
          from: route.from,
          to,
          ...mail,
          messageId,
          ...(startsThread ? {} : { inReplyTo: thread, references: [thread] }),
          // A customer's answer to this address lands on this ticket: the signature proves it.
          // The assignee's answer to their mail becomes their public reply: the address says whose.
          replyTo: recipient === 'customer' || row.assignee_id === null
            ? replyAddress(route.address, row.number, secretKey)
            : operatorReplyAddress(route.address, row.number, row.assignee_id, secretKey),
          // RFC 3834: mail no human wrote says so, so other robots don't answer it.
          headers: kind === 'public_reply' || kind === 'outbound_message' ? {} : { 'Auto-Submitted': 'auto-generated' },
        });
      } catch (error) {
        if (!(error instanceof PermanentRefusal)) {
          // Refused for now (4xx, no answer): the workflow tries again later; the reason
          // shows on the ticket meanwhile.
          const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
          await sequelize.query("UPDATE notifications SET failure = :reason WHERE key = :key AND status = 'sending'", { replacements: { key, reason } })
            .catch(() => undefined);
          throw error;
        }
        // Refused for good: recorded with the server's answer, and the address flagged as
        // bouncing on the ticket, instead of trying again for ever (which held up the ticket).
        log(`notification ${key} to ${to} failed: ${error.response}`);
        await sequelize.query(
          `WITH failed AS (UPDATE notifications SET status = 'failed', failure = :failure WHERE key = :key)
           INSERT INTO bounced_addresses (address, ticket_number, status, bounced_at) VALUES (lower(:to), :ticketNumber, :code, now())
           ON CONFLICT (address) DO UPDATE SET ticket_number = EXCLUDED.ticket_number, status = EXCLUDED.status, bounced_at = now()`,
          { replacements: { key, failure: error.response, to, ticketNumber, code: /\b[45]\.\d{1,3}\.\d{1,3}\b/.exec(error.response)?.[0] ?? error.response.slice(0, 3) } },
        );
        return 'failed';
      }
      // The mail is out: failing now would make the retry send it again. A database that
      // is away for a moment (a restart) is waited for instead, within the timeout.
      await persistently(() => sequelize.query("UPDATE notifications SET status = 'sent', sent_at = now(), failure = NULL WHERE key = :key", { replacements: { key } }), 20_000);
      return 'sent';
    },

    /** The mail was tried for as long as the settings allow: recorded as failed, with why. */
    async giveUpNotification({ notification: { ticketNumber, seq, kind, recipient }, reason }: { notification: NotificationInput; reason: string }): Promise<void> {
      const key = notificationKey(ticketNumber, seq, kind, recipient);
      await sequelize.query(
        `UPDATE notifications SET status = 'failed', failure = :reason || coalesce(': ' || failure, '')
         WHERE key = :key AND status = 'sending'`,
        { replacements: { key, reason } },
      );
    },
  };

  async function persistently<T>(action: () => Promise<T>, forMs: number): Promise<T> {
    const deadline = Date.now() + forMs;
    for (let wait = 200; ; wait = Math.min(wait * 2, 2000)) {
      try {
        return await action();
      } catch (error) {
        if (Date.now() + wait > deadline) throw error;
        log(`notification: could not record a sent mail (${(error as Error).message}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

export type TicketActivities = ReturnType<typeof createActivities>;

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

type OutgoingFrom = string | { name: string; address: string };

interface NotificationContext {
  number: number;
  subject: string;
  status: TicketStatus;
  contact_email: string | null;
  contact_first_name: string | null;
  contact_last_name: string | null;
  token_version: number;
  contact_email_verified: boolean;
  assignee_id: number | null;
  notification_status: 'sending' | 'sent' | 'skipped' | 'failed' | null;
  attempts: number | null;
  /** Null when the event wrote no comment (a status change). */
  comment_visibility: string | null;
  comment_body: string | null;
  author_name: string | null;
  mailbox_address: string | null;
  smtp_sealed: string | null;
  recipient: string | null;
  mailed_this_hour: number;
}
