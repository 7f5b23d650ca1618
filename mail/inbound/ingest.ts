import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db';
import { Contact, MAX_BODY_LENGTH, normalizeEmail, validateContact } from '../../domain/ticket';
import type { InboundOutcome } from '../../domain/inbound-email';
import type { TicketCommands } from '../../workflows/ticket/client';
import type { MailKind } from './robots';
import type { TicketIntake } from '../../intake/open-ticket';
import { addCustomerMessageUpdate, addOperatorCommentUpdate } from '../../workflows/ticket/definitions';
import { operatorReplyFromAddress } from '../threading';
import {
  InboundMessage,
  MailboxIdentity,
  UnparseableEmail,
  findTicketReference,
  isOwnMail,
  reportedTicket,
  splitName,
  ticketSubject,
} from './parse';

export type IngestOutcome = Exclude<InboundOutcome, 'received'>;

/** The ticket's rules refused the message: final, retrying would meet the same answer. */
function ruleRejection(error: unknown): string | null {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure ? error.cause.message : null;
}

export interface ReceivedMessage {
  uidValidity: number;
  uid: number;
  size: number;
  /** Null when the message was over the size limit and only its headers were fetched. */
  raw: Buffer | null;
  headers: Buffer | null;
}

export interface MailIngestionDeps {
  db: Database;
  commands: TicketCommands;
  /** Opens the tickets new mail asks for (intake/open-ticket.ts). */
  intake: TicketIntake;
  mailbox: MailboxIdentity & { name: string };
  maxAttachmentBytes: number;
  /** Parses raw mail; a server parses off its event loop (`threadedMailParser`). */
  parse: (raw: Buffer) => Promise<InboundMessage>;
  /** Whether the sender's domain vouches for the mail (DMARC): a bare subject tag needs it. */
  passesDmarc: (raw: Buffer) => Promise<boolean>;
  /** Kinds of robot mail that open a ticket when they answer none (MAIL_ROBOTS_OPENING_TICKETS). */
  robotsOpeningTickets?: readonly MailKind[];
  log: (line: string) => void;
}

/** Out-of-office replies never open a ticket unless the settings say so; reports never. */
export const DEFAULT_ROBOTS_OPENING_TICKETS: readonly MailKind[] = ['auto_reply', 'mailing_list', 'no_reply'];

/**
 * What makes two deliveries the same message: who wrote it, when, about what, and its body.
 * Relays add their own headers on the way, so the whole raw mail differs between copies.
 */
function contentDigest(raw: Buffer): string {
  const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = (split >= 0 ? raw.subarray(0, split) : raw).toString('latin1');
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head.slice(0, 64 * 1024))?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  return createHash('sha256')
    .update(`${field('from')}\n${field('date')}\n${field('subject')}\n`)
    .update(split >= 0 ? raw.subarray(split) : Buffer.alloc(0))
    .digest('hex');
}

const EMPTY_BODY = '(no text)';
const CUT_NOTE = '\n\n[…] The rest of this mail is in its original.';

/** The comment a mail becomes: its visible text, cut to what a comment holds (the original keeps it all). */
function commentBody(text: string): string {
  if (text.trim() === '') return EMPTY_BODY;
  return text.length <= MAX_BODY_LENGTH ? text : text.slice(0, MAX_BODY_LENGTH - CUT_NOTE.length) + CUT_NOTE;
}

function messageIdFromHeaders(headers: Buffer | null): string | null {
  return headers ? /^message-id:\s*(<[^>\r\n]+>)/im.exec(headers.toString('latin1'))?.[1] ?? null : null;
}

/** A message's identity in its mailbox: its Message-ID, or where it lies when it has none. */
function messageKey(message: ReceivedMessage, messageId: string | null): string {
  return messageId ?? `imap:${message.uidValidity}:${message.uid}`;
}

/**
 * What happens to one message from a helpdesk mailbox. It is recorded (raw) before
 * anything else, so a retry after a crash finds it and carries on with the same ticket
 * number; it is done when this returns, and only then may the mailbox mark it processed.
 */
export function createMailIngestion({
  db, commands, intake, mailbox, maxAttachmentBytes, parse, passesDmarc, robotsOpeningTickets = DEFAULT_ROBOTS_OPENING_TICKETS, log,
}: MailIngestionDeps) {
  const { sequelize } = db;

  /**
   * Every delivery gets its row, known by where it lies in the mailbox: a retry after a
   * crash finds its own row again, and a second copy of a message gets a row of its own.
   */
  async function record(message: ReceivedMessage, key: string, fields: { sender?: string | null; subject?: string | null; digest?: string | null }) {
    const [row] = await sequelize.query<{ id: string; outcome: string; ticket_number: number | null; message_key: string }>(
      `INSERT INTO inbound_emails (mailbox, uid_validity, uid, message_key, sender, subject, size, raw, content_digest)
       VALUES (:mailbox, :uidValidity, :uid, :key, :sender, :subject, :size, :raw, :digest)
       ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET mailbox = EXCLUDED.mailbox
       RETURNING id, outcome, ticket_number, message_key`,
      {
        type: QueryTypes.SELECT,
        replacements: {
          mailbox: mailbox.name, uidValidity: message.uidValidity, uid: message.uid, key,
          sender: fields.sender ?? null, subject: fields.subject?.slice(0, 1000) ?? null, size: message.size,
          raw: message.raw ?? message.headers, digest: fields.digest ?? null,
        },
      },
    );
    return row!;
  }

  /**
   * An earlier delivery of the same Message-ID, in any mailbox: the same content makes this
   * a duplicate of it; other content, a message of its own under a key of its own.
   */
  async function earlierDelivery(id: string, key: string, digest: string) {
    const rows = await sequelize.query<{ id: string; ticket_number: number | null; same: boolean }>(
      `SELECT id::text AS id, ticket_number, content_digest = :digest AS same FROM inbound_emails
       WHERE message_key = :key AND id < :id ORDER BY (content_digest = :digest) DESC, id LIMIT 1`,
      { type: QueryTypes.SELECT, replacements: { id, key, digest } },
    );
    return rows[0] ?? null;
  }

  async function finish(id: string, outcome: IngestOutcome, fields: { ticketNumber?: number | null; reason?: string | null; duplicateOf?: string } = {}) {
    await sequelize.query(
      `UPDATE inbound_emails SET outcome = :outcome, reason = :reason, ticket_number = coalesce(:ticketNumber, ticket_number),
         duplicate_of = :duplicateOf, processed_at = now() WHERE id = :id`,
      { replacements: { id, outcome, reason: fields.reason ?? null, ticketNumber: fields.ticketNumber ?? null, duplicateOf: fields.duplicateOf ?? null } },
    );
    return outcome;
  }

  async function storeAttachments(inboundId: string, attachments: InboundMessage['attachments']) {
    for (const [position, attachment] of attachments.entries()) {
      const kept = attachment.size <= maxAttachmentBytes;
      await sequelize.query(
        `INSERT INTO attachments (inbound_email_id, position, filename, content_type, size, content)
         VALUES (:inboundId, :position, :filename, :contentType, :size, :content)
         ON CONFLICT (inbound_email_id, position) DO NOTHING`,
        {
          replacements: {
            inboundId, position, filename: attachment.filename?.slice(0, 255) ?? null, contentType: attachment.contentType,
            size: attachment.size, content: kept ? attachment.content : null,
          },
        },
      );
    }
  }

  /**
   * The ticket a reference names, if it exists and, for an unsigned one, the sender is on
   * it; and whether the mail proves the ticket's address: an answer to our mail (signed)
   * sent from that address.
   */
  async function referencedTicket(message: InboundMessage, raw: Buffer): Promise<{ number: number; verifiesContact: boolean } | null> {
    const reference = findTicketReference(message, mailbox);
    if (!reference) return null;
    const ticket = await db.Ticket.findByPk(reference.ticketNumber);
    if (!ticket) return null;
    const sender = normalizeEmail(message.from?.address ?? '');
    const fromContact = ticket.contactEmail !== null && normalizeEmail(ticket.contactEmail) === sender;
    if (reference.signed) return { number: ticket.number, verifiesContact: fromContact && !ticket.contactEmailVerified };
    // A bare [#1042] counts only from the ticket's customer (Zammad #5064, FreeScout
    // GHSA-6r38-6mcf-2ww3), and From is only the customer's when their domain vouches for
    // the mail: anyone can write anyone's address there.
    const crm = ticket.customerId === null ? null : await db.Customer.findByPk(ticket.customerId);
    const participants = [ticket.contactEmail, crm?.email].filter((e): e is string => !!e).map(normalizeEmail);
    if (!participants.includes(sender) || !(await passesDmarc(raw))) return null;
    return { number: ticket.number, verifiesContact: false };
  }

  /**
   * An operator's mail is never filed as a customer's words. Their answer to the mail that
   * told them about a ticket (sent to its signed per-operator reply address, from their own
   * address) is their public reply; anything else from an operator's address, or to such
   * an address from anyone else, is refused and kept for a look.
   */
  async function operatorMail(message: InboundMessage): Promise<{ refusal: string; ticketNumber: number | null } | { ticketNumber: number; operatorId: number } | null> {
    const answered = [...message.to, ...message.cc]
      .map((address) => operatorReplyFromAddress(address, mailbox.address, mailbox.secretKey))
      .find((found) => found !== null) ?? null;
    const sender = normalizeEmail(message.from?.address ?? '');
    const [operator] = sender === '' ? [] : await sequelize.query<{ id: number; active: boolean }>(
      'SELECT id, active FROM operators WHERE lower(email) = :sender', { type: QueryTypes.SELECT, replacements: { sender } },
    );
    if (!answered && !operator) return null;
    const ticketNumber = answered?.ticketNumber ?? null;
    if (!operator || operator.id !== answered?.operatorId) {
      return {
        ticketNumber,
        refusal: operator
          ? "from an operator's address, not as an answer to their notification: an operator's mail is not filed as a customer's words"
          : "an answer to an operator's notification, from another address than that operator's",
      };
    }
    if (!operator.active) return { ticketNumber, refusal: 'from a disabled operator' };
    if (message.automatic !== null) return { ticketNumber, refusal: `an automatic answer from an operator's mailbox (${message.automatic})` };
    return { ticketNumber: answered.ticketNumber, operatorId: operator.id };
  }

  return async function ingest(message: ReceivedMessage): Promise<IngestOutcome> {
    if (message.raw === null) {
      const key = messageKey(message, messageIdFromHeaders(message.headers));
      const row = await record(message, key, {});
      if (row.outcome !== 'received') return row.outcome as IngestOutcome;
      log(`mail ${key} (${message.size} bytes) is over the size limit; kept its headers only`);
      return finish(row.id, 'too_large', { reason: `${message.size} bytes` });
    }

    let parsed: InboundMessage;
    try {
      parsed = await parse(message.raw);
    } catch (error) {
      if (!(error instanceof UnparseableEmail)) throw error;
      const key = messageKey(message, messageIdFromHeaders(message.raw));
      const row = await record(message, key, {});
      if (row.outcome !== 'received') return row.outcome as IngestOutcome;
      log(`mail ${key} could not be parsed (${error.message}); kept raw as inbound email ${row.id}`);
      return finish(row.id, 'unparseable', { reason: error.message });
    }

    const digest = contentDigest(message.raw);
    const row = await record(message, messageKey(message, parsed.messageId), { sender: parsed.from?.address, subject: parsed.subject, digest });
    if (row.outcome !== 'received') return row.outcome as IngestOutcome;
    let key = row.message_key;
    if (parsed.messageId !== null && key === parsed.messageId) {
      const earlier = await earlierDelivery(row.id, key, digest);
      if (earlier?.same) {
        return finish(row.id, 'duplicate', { ticketNumber: earlier.ticket_number, reason: `the same message as inbound mail ${earlier.id}`, duplicateOf: earlier.id });
      }
      if (earlier) {
        // Another message under a Message-ID already seen (a broken mailer, or someone who
        // wants the first one's answers ignored): a message of its own.
        key = `${parsed.messageId}#${digest.slice(0, 16)}`;
        await sequelize.query('UPDATE inbound_emails SET message_key = :key WHERE id = :id', { replacements: { key, id: row.id } });
      }
    }
    if (isOwnMail(parsed, mailbox)) return finish(row.id, 'own_mail');
    await storeAttachments(row.id, parsed.attachments);

    if (parsed.bounce && parsed.robot) {
      // A report counts for a ticket only when it returns our mail about it (signed): anyone
      // can write a bounce. Never shown to the customer.
      const report = parsed.robot;
      const proven = reportedTicket(report, mailbox);
      const ticket = proven === null ? null : await db.Ticket.findByPk(proven);
      const what = [report.reason, report.recipient, report.status].filter(Boolean).join(', ');
      if (!ticket) return finish(row.id, 'bounce', { reason: `${what}; unrelated: it returns no mail of ours` });
      const contact = ticket.contactEmail ? normalizeEmail(ticket.contactEmail) : null;
      if (report.kind === 'bounce' && report.permanent && contact !== null && (report.recipient === null || report.recipient === contact)) {
        await sequelize.query(
          `INSERT INTO bounced_addresses (address, ticket_number, status, bounced_at) VALUES (:address, :ticketNumber, :status, now())
           ON CONFLICT (address) DO UPDATE SET ticket_number = EXCLUDED.ticket_number, status = EXCLUDED.status, bounced_at = now()`,
          { replacements: { address: contact, ticketNumber: ticket.number, status: report.status } },
        );
      }
      return finish(row.id, 'bounce', { ticketNumber: ticket.number, reason: what });
    }

    const fromOperator = await operatorMail(parsed);
    if (fromOperator && 'refusal' in fromOperator) {
      log(`mail ${key} refused: ${fromOperator.refusal}`);
      return finish(row.id, 'rejected', { ticketNumber: fromOperator.ticketNumber, reason: fromOperator.refusal });
    }
    // An operator's answer names its ticket by its reply address: no other reference is looked up.
    const referenced = fromOperator ? null : await referencedTicket(parsed, message.raw);
    const ticketNumber = fromOperator?.ticketNumber ?? referenced?.number ?? null;
    const body = commentBody(parsed.visibleText);
    const automatic = parsed.automatic !== null;
    // The same mail taken again (a retry after a crash) is the same update: applied once.
    const updateId = `email-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

    try {
      if (fromOperator) {
        await commands.update(fromOperator.ticketNumber, addOperatorCommentUpdate, [
          { visibility: 'public', body }, { kind: 'operator', id: fromOperator.operatorId },
        ], updateId);
        return await finish(row.id, 'appended', { ticketNumber: fromOperator.ticketNumber, reason: 'public reply by the assigned operator, by email' });
      }
      if (ticketNumber !== null) {
        await commands.update(ticketNumber, addCustomerMessageUpdate, [{
          body, channel: 'email', messageKey: key, automatic,
          // Robots answer from anywhere; only a person's answer proves the address.
          ...(referenced?.verifiesContact && !automatic ? { verifiesContact: true } : {}),
        }], updateId);
        return await finish(row.id, 'appended', { ticketNumber, reason: parsed.automatic });
      }

      if (parsed.robot && !robotsOpeningTickets.includes(parsed.robot.kind)) {
        return await finish(row.id, 'automatic', { reason: `${parsed.robot.kind.replace(/_/g, ' ')}: ${parsed.robot.reason}` });
      }
      const contact: Contact = { email: parsed.from?.address ?? null, phone: null, ...splitName(parsed.from?.name ?? null), externalId: null };
      const problem = validateContact(contact);
      if (problem) return await finish(row.id, 'rejected', { reason: `sender: ${problem}` });
      const number = await intake.open({ numberFrom: { inboundEmailId: row.id }, ticket: {
        subject: ticketSubject(parsed.subject),
        body,
        priority: 'normal',
        source: 'email',
        contact,
        mailbox: mailbox.name,
        createdBy: null,
        assigneeId: null,
        messageKey: key,
        suppressAcknowledgement: automatic,
      } });
      return await finish(row.id, 'created', { ticketNumber: number, reason: parsed.automatic });
    } catch (error) {
      const rejection = ruleRejection(error);
      if (rejection === null) throw error;
      log(`mail ${key} was refused by its ticket: ${rejection}`);
      return finish(row.id, 'rejected', { ticketNumber, reason: rejection });
    }
  };
}

export type MailIngestion = ReturnType<typeof createMailIngestion>;
