import { createHash } from 'node:crypto';
import type { Database } from '../../db';
import { createInboundEmailStore } from '../../db/inbound-emails';
import { flagBouncingAddress } from '../../db/notifications';
import { createOperatorStore } from '../../db/operators';
import { createTicketStore } from '../../db/tickets';
import { Contact, MAX_BODY_LENGTH, normalizeEmail, validateContact } from '../../domain/ticket';
import type { InboundOutcome } from '../../domain/inbound-email';
import { TicketCommandPort, TicketRefusal } from '../../domain/ticket-commands';
import type { MailKind } from './robots';
import type { TicketIntake } from '../../intake/open-ticket';
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
  commands: TicketCommandPort;
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
  const inbound = createInboundEmailStore(db);
  const tickets = createTicketStore(db);
  const operators = createOperatorStore(db);
  const record = (message: ReceivedMessage, key: string, fields: { sender?: string | null; subject?: string | null; digest?: string | null }) =>
    inbound.record({ mailbox: mailbox.name, uidValidity: message.uidValidity, uid: message.uid, key, size: message.size, raw: message.raw ?? message.headers, ...fields });
  const finish = async (id: string, outcome: IngestOutcome, fields: { ticketNumber?: number | null; reason?: string | null; duplicateOf?: string } = {}) => {
    await inbound.finish(id, outcome, fields);
    return outcome;
  };
  const storeAttachments = (inboundId: string, attachments: InboundMessage['attachments']) =>
    // Over the size limit: its name, type and size are kept, its bytes not.
    inbound.storeAttachments(inboundId, attachments.map((a) => ({ ...a, content: a.size <= maxAttachmentBytes ? a.content : null })));

  /**
   * The ticket a reference names, if it exists and, for an unsigned one, the sender is on
   * it; and whether the mail proves the ticket's address: an answer to our mail (signed)
   * sent from that address.
   */
  async function referencedTicket(message: InboundMessage, raw: Buffer): Promise<{ number: number; verifiesContact: boolean } | null> {
    const reference = findTicketReference(message, mailbox);
    if (!reference) return null;
    const ticket = await tickets.parties(reference.ticketNumber);
    if (!ticket) return null;
    const sender = normalizeEmail(message.from?.address ?? '');
    const fromContact = ticket.contactEmail !== null && normalizeEmail(ticket.contactEmail) === sender;
    if (reference.signed) return { number: ticket.number, verifiesContact: fromContact && !ticket.contactEmailVerified };
    // A bare [#1042] counts only from the ticket's customer (Zammad #5064, FreeScout
    // GHSA-6r38-6mcf-2ww3), and From is only the customer's when their domain vouches for
    // the mail: anyone can write anyone's address there.
    const participants = [ticket.contactEmail, ticket.customerEmail].filter((e): e is string => !!e).map(normalizeEmail);
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
    const operator = sender === '' ? null : await operators.byEmail(sender);
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
      const earlier = await inbound.earlierDelivery(row.id, key, digest);
      if (earlier?.same) {
        return finish(row.id, 'duplicate', { ticketNumber: earlier.ticket_number, reason: `the same message as inbound mail ${earlier.id}`, duplicateOf: earlier.id });
      }
      if (earlier) {
        // Another message under a Message-ID already seen (a broken mailer, or someone who
        // wants the first one's answers ignored): a message of its own.
        key = `${parsed.messageId}#${digest.slice(0, 16)}`;
        await inbound.rekey(row.id, key);
      }
    }
    if (isOwnMail(parsed, mailbox)) return finish(row.id, 'own_mail');
    await storeAttachments(row.id, parsed.attachments);

    if (parsed.bounce && parsed.robot) {
      // A report counts for a ticket only when it returns our mail about it (signed): anyone
      // can write a bounce. Never shown to the customer.
      const report = parsed.robot;
      const proven = reportedTicket(report, mailbox);
      const ticket = proven === null ? null : await tickets.parties(proven);
      const what = [report.reason, report.recipient, report.status].filter(Boolean).join(', ');
      if (!ticket) return finish(row.id, 'bounce', { reason: `${what}; unrelated: it returns no mail of ours` });
      const contact = ticket.contactEmail ? normalizeEmail(ticket.contactEmail) : null;
      if (report.kind === 'bounce' && report.permanent && contact !== null && (report.recipient === null || report.recipient === contact)) {
        await flagBouncingAddress(db, { address: contact, ticketNumber: ticket.number, status: report.status });
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
    const named = fromOperator?.ticketNumber ?? referenced?.number ?? null;
    // A ticket merged into another: the answer goes where its thread now is.
    const ticketNumber = named === null ? null : (await tickets.mergedTarget(named)) ?? named;
    const body = commentBody(parsed.visibleText);
    const automatic = parsed.automatic !== null;
    // The same mail taken again (a retry after a crash) is the same update: applied once.
    const updateId = `email-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

    try {
      if (fromOperator) {
        await commands.addOperatorComment(ticketNumber ?? fromOperator.ticketNumber, { visibility: 'public', body }, { kind: 'operator', id: fromOperator.operatorId }, updateId);
        return await finish(row.id, 'appended', { ticketNumber: ticketNumber ?? fromOperator.ticketNumber, reason: 'public reply by the assigned operator, by email' });
      }
      let followUpOf: number | null = null;
      if (ticketNumber !== null) {
        try {
          await commands.addCustomerMessage(ticketNumber, {
            body, channel: 'email', messageKey: key, automatic,
            // Robots answer from anywhere; only a person's answer proves the address.
            ...(referenced?.verifiesContact && !automatic ? { verifiesContact: true } : {}),
          }, updateId);
          return await finish(row.id, 'appended', { ticketNumber, reason: parsed.automatic });
        } catch (error) {
          // Closed too long ago to reopen (its policy says): the answer opens a follow-up.
          if (!(error instanceof TicketRefusal && error.reason === 'follow_up_needed')) throw error;
          followUpOf = ticketNumber;
        }
      }

      if (followUpOf === null && parsed.robot && !robotsOpeningTickets.includes(parsed.robot.kind)) {
        return await finish(row.id, 'automatic', { reason: `${parsed.robot.kind.replace(/_/g, ' ')}: ${parsed.robot.reason}` });
      }
      const contact: Contact = { email: parsed.from?.address ?? null, phone: null, ...splitName(parsed.from?.name ?? null), externalId: null };
      const problem = validateContact(contact);
      if (problem) return await finish(row.id, 'rejected', { reason: `sender: ${problem}` });
      const number = await intake.open({ numberFrom: { inboundEmailId: row.id }, ticket: {
        ...(followUpOf !== null ? { followUpOf } : {}),
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
      return await finish(row.id, 'created', { ticketNumber: number, reason: followUpOf !== null ? `a follow-up of #${followUpOf}` : parsed.automatic });
    } catch (error) {
      if (!(error instanceof TicketRefusal)) throw error;
      log(`mail ${key} was refused by its ticket: ${error.message}`);
      return finish(row.id, 'rejected', { ticketNumber, reason: error.message });
    }
  };
}

export type MailIngestion = ReturnType<typeof createMailIngestion>;
