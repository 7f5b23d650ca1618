import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Config } from '../../config';
import type { Database } from '../../db';
import { createTicketStore } from '../../db/tickets';
import { createNotificationStore, flagBouncingAddress } from '../../db/notifications';
import type { Mailer } from '../../mail/outbound/mailer';
import type { createRenderer } from '../../mail/outbound/render';
import { AuditRecord, CommentRecord, Contact, STATUS_LABELS, TicketState, TICKET_NOT_FOUND, notificationKey } from '../../domain/ticket';
import { SLA_TARGET_LABELS, SlaPolicy, SlaTarget, matchingPolicy } from '../../domain/sla';
import type { InboxEntry } from '../../domain/inbox';
import { isOperatorMarkdown, markdownHtmlToText, markdownToHtml } from '../../mail/outbound/markdown';
import { policyOf } from '../../db/sla-policies';
import { commentAttachments } from '../../db/attachments';
import { emailVerificationCode, hashPublicToken, mailedTicketUrl, publicToken } from '../../security/public-token';
import {
  mailboxAddress, messageIdDomain, notificationMessageId, operatorReplyAddress, replyAddress, senderName, threadMessageId,
} from '../../mail/threading';
import { PermanentRefusal, smtpMailer } from '../../mail/outbound/mailer';
import { open } from '../../security/secret-box';
import type { TicketNotification } from '../../workflows/ticket/definitions';

export interface TicketActivityDeps {
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
export function ticketActivitySettings(config: Config & { SECRET_KEY: string }) {
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
  /** Who is told of the change (the bell), written with it. */
  inbox?: InboxEntry[];
  /** Also find the CRM customer for the ticket's contact (a new ticket), in the same round trip. */
  findCrmCustomer?: boolean;
  /** Also find the SLA policy that applies (a new ticket), in the same round trip. */
  findSlaPolicy?: boolean;
  /**
   * The mail the change asks for, queued in the same write for the mail sender
   * (workflows/mail-sender) of this worker's task queue. Runs from before the outbox send
   * each as an activity of their own instead.
   */
  mail?: TicketNotification[];
}

export interface PersistResult {
  /** The CRM customer matching the contact, when asked for and found. */
  crmCustomerId: number | null;
  /** The SLA policy that applies, when asked for: null when none does. */
  slaPolicy?: SlaPolicy | null;
}

export type NotificationInput = TicketNotification;

/** Mail that carries the files of the comment it tells of. */
const FILES_GO_WITH = new Set(['public_reply', 'outbound_message', 'mentioned']);


/**
 * Every activity here is idempotent: it may run again after a crash or a timeout and
 * leaves the same rows and sends the same mail once.
 */
export function createTicketActivities({ db, mailer, render, secretKey, publicUrl, mailFrom, recipientHourlyLimit, log = console.warn }: TicketActivityDeps) {
  const tickets = createTicketStore(db);
  const notifications = createNotificationStore(db);
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

  return {
    /** Writes the ticket row, its audit record and its comment in one transaction, and announces the change. */
    async persistTicketChange({ state, audit, comment, inbox = [], findCrmCustomer = false, findSlaPolicy = false, mail = [] }: PersistInput): Promise<PersistResult> {
      const publicTokenHash = hashPublicToken(publicToken(secretKey, state.number, state.linkVersion ?? 1));
      const commentHtml = comment && isOperatorMarkdown(comment) ? markdownToHtml(comment.body) : null;
      const queue = mail.map(({ ticketNumber, seq, kind, recipient }) => ({ key: notificationKey(ticketNumber, seq, kind, recipient), seq, kind, recipient }));
      const written = await tickets.persistChange({
        state, audit, comment, inbox, commentHtml, publicTokenHash, findCrmCustomer, readSlaPolicies: findSlaPolicy,
        ...(queue.length ? { mail: { queue, taskQueue: Context.current().info.taskQueue } } : {}),
      });
      if (!findSlaPolicy) return { crmCustomerId: written.crmCustomerId };
      return { crmCustomerId: written.crmCustomerId, slaPolicy: matchingPolicy((written.slaPolicies ?? []).map(policyOf), state) };
    },

    /** The persisted state, to start a new run of a ticket whose workflow had ended. */
    async loadTicketState(ticketNumber: number): Promise<TicketState> {
      const state = await tickets.state(ticketNumber);
      if (!state) throw ApplicationFailure.nonRetryable(`Ticket #${ticketNumber} is not in the database`, TICKET_NOT_FOUND);
      return state;
    },

    /**
     * The CRM customer a ticket belongs to. New tickets find it in their creation's write;
     * this is for runs recorded before that, which replay this step as it ran.
     */
    findCrmCustomer: (contact: Contact): Promise<number | null> => tickets.crmCustomerOf(contact),

    /**
     * Sends one notification at most once per event and recipient. The row is claimed
     * before sending and marked after; the Message-ID is derived from the same key, so
     * even the one unavoidable duplicate (a crash between the SMTP "250" and the mark)
     * carries the same Message-ID and mail clients fold it.
     */
    async sendNotification({ ticketNumber, seq, kind, recipient }: NotificationInput): Promise<'sent' | 'already_sent' | 'skipped' | 'failed'> {
      const key = notificationKey(ticketNumber, seq, kind, recipient);
      const row = await notifications.context({ key, ticketNumber, seq, kind, recipient });
      if (row?.notification_status && row.notification_status !== 'sending' && row.notification_status !== 'queued') {
        return row.notification_status === 'sent' ? 'already_sent' : row.notification_status;
      }
      if (!row) throw ApplicationFailure.nonRetryable(`Ticket #${ticketNumber} is not in the database`, TICKET_NOT_FOUND);
      const to = row.recipient;
      const thread = threadMessageId(row.number, domain, secretKey);
      // The acknowledgement starts the thread; every later mail answers it.
      const startsThread = kind === 'ticket_created' || kind === 'outbound_message';
      const messageId = startsThread ? thread : notificationMessageId(key, domain, secretKey);
      const claimed = row.notification_status === 'sending';
      const record = (status: 'sending' | 'skipped') => notifications.claim({
        key, ticketNumber, kind, recipient: to ?? '', messageId, status, attempts: (row.attempts ?? 0) + (status === 'sending' ? 1 : 0),
      });
      if (!to || (recipient === 'customer' && row.comment_visibility !== null && row.comment_visibility !== 'public')) {
        // Internal notes never mail the customer, whatever asked for it (a mention mails the colleagues it names).
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
        // An operator's Markdown: its HTML for the HTML part, readable text for the text part.
        body: row.comment_html ? markdownHtmlToText(row.comment_html) : row.comment_body,
        body_html: row.comment_html,
        author: row.author_name,
        // Only the customer's copy carries the code that proves they read mail to the address.
        ticket_url: mailedTicketUrl(publicUrl, publicToken(secretKey, row.number, row.token_version),
          recipient === 'customer' && !row.contact_email_verified && row.contact_email ? emailVerificationCode(secretKey, row.number, row.contact_email) : null),
        admin_url: `${publicUrl}/admin/tickets/${row.number}`,
        ...slaFacts(row.event_changes),
      });
      const route = outgoing(row.mailbox_address === null ? null : { address: row.mailbox_address, smtpSealed: row.smtp_sealed });
      // An operator's files go with their words: to the customer with the reply, to colleagues with a mention.
      const files = FILES_GO_WITH.has(kind) ? await commentAttachments(db, ticketNumber, seq) : [];
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
          // Every agent's copy invites no answer by mail: which of them would it be from?
          replyTo: recipient === 'agents' || recipient === 'mentioned' ? route.address
            : recipient === 'customer' || row.assignee_id === null
              ? replyAddress(route.address, row.number, secretKey)
              : operatorReplyAddress(route.address, row.number, row.assignee_id, secretKey),
          // RFC 3834: mail no human wrote says so, so other robots don't answer it.
          headers: kind === 'public_reply' || kind === 'outbound_message' ? {} : { 'Auto-Submitted': 'auto-generated' },
          ...(files.length ? { attachments: files } : {}),
        });
      } catch (error) {
        if (!(error instanceof PermanentRefusal)) {
          // Refused for now (4xx, no answer): the workflow tries again later; the reason
          // shows on the ticket meanwhile.
          const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
          await notifications.refusedForNow(key, reason).catch(() => undefined);
          throw error;
        }
        // Refused for good: recorded with the server's answer, and the address flagged as
        // bouncing on the ticket, instead of trying again for ever (which held up the ticket).
        log(`notification ${key} to ${to} failed: ${error.response}`);
        await notifications.refused(key, error.response);
        await flagBouncingAddress(db, { address: to, ticketNumber, status: /\b[45]\.\d{1,3}\.\d{1,3}\b/.exec(error.response)?.[0] ?? error.response.slice(0, 3) });
        return 'failed';
      }
      // The mail is out: failing now would make the retry send it again. A database that
      // is away for a moment (a restart) is waited for instead, within the timeout.
      await persistently(() => notifications.sent(key), 20_000);
      return 'sent';
    },

    /** The mail was tried for as long as the settings allow: recorded as failed, with why. */
    async giveUpNotification({ notification: { ticketNumber, seq, kind, recipient }, reason }: { notification: NotificationInput; reason: string }): Promise<void> {
      const key = notificationKey(ticketNumber, seq, kind, recipient);
      await notifications.givenUp(key, reason);
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

export type TicketActivities = ReturnType<typeof createTicketActivities>;

type OutgoingFrom = string | { name: string; address: string };

/** An SLA warning's target and due time, as its audit record holds them, for the mail. */
function slaFacts(changes: Record<string, { from: unknown; to: unknown }> | null): { target?: string; due?: string } {
  const target = changes?.slaTarget?.to;
  const due = changes?.due?.to;
  return {
    ...(typeof target === 'string' && target in SLA_TARGET_LABELS ? { target: SLA_TARGET_LABELS[target as SlaTarget] } : {}),
    ...(typeof due === 'string' ? { due: `${due.slice(0, 16).replace('T', ' ')} UTC` } : {}),
  };
}
