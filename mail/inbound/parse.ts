/**
 * An inbound email as the helpdesk sees it: parsed with mailparser, HTML sanitised,
 * quoted history stripped, classified (automatic? a bounce?) and matched to a ticket.
 * No I/O here beyond parsing the bytes given, so it is tested without any server.
 */
import { simpleParser, AddressObject, ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { convert as htmlToText } from 'html-to-text';
import { detect as detectCharset } from 'chardet';
import iconv from 'iconv-lite';
import { visibleReply } from './reply-text';
import { classifyMail, MailClass } from './robots';
import { ticketFromMessageId, ticketFromReplyAddress } from '../threading';

export interface InboundAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
}

export interface InboundMessage {
  messageId: string | null;
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  subject: string;
  /** The reply as shown: quoted history and signature stripped. */
  visibleText: string;
  /** The whole plain-text body, quotes included. */
  fullText: string;
  /** Sanitised HTML, safe to show; null for plain-text mail. */
  html: string | null;
  inReplyTo: string[];
  references: string[];
  attachments: InboundAttachment[];
  /** What kind of machine wrote this mail (mail/inbound/robots.ts), or null for a person. */
  robot: MailClass | null;
  /** Why this mail was written by a machine, or null: it gets no acknowledgement and moves no ticket. */
  automatic: string | null;
  /** A report about mail (a failure, a delay, an abuse or DMARC report): never a customer's words. */
  bounce: boolean;
  /** For a failure or delay: the address that did not take the mail, and its status code. */
  bounced: { address: string | null; status: string | null } | null;
}

const REPORT_KINDS: ReadonlyArray<MailClass['kind']> = ['bounce', 'delay', 'feedback_report'];

/** Longer subjects are cut before anything reads them; a ticket keeps 255 characters. */
const MAX_SUBJECT_LENGTH = 1000;

/** More MIME parts than this is an attack on the parser, not a customer's mail. */
export const MAX_MIME_PARTS = 500;

/**
 * A header as it came, from the raw lines: mailparser folds some (List-*, Return-Path)
 * into structures or drops them, and what matters here is that they were there.
 */
const rawHeader = (mail: ParsedMail, name: string): string | null => {
  const line = mail.headerLines.find((h) => h.key === name);
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : null;
};

/** `ann@example.com.` (a trailing dot, valid in DNS, refused by most relays) is `ann@example.com`. */
const cleanAddress = (address: string) => address.trim().replace(/\.+$/, '');

const addresses = (field: AddressObject | AddressObject[] | undefined): Array<{ address: string; name: string | null }> =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((group) => group.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .filter((a) => a.address && cleanAddress(a.address).includes('@'))
    .map((a) => ({ address: cleanAddress(a.address!), name: a.name?.trim() || null }));

/** Who wrote it: From, or when it names no address, Reply-To, then Sender. */
function author(mail: ParsedMail): { address: string; name: string | null } | null {
  const from = addresses(mail.from)[0];
  if (from) return from;
  const fallback = addresses(mail.replyTo)[0] ?? addresses(mail.headers.get('sender') as AddressObject | undefined)[0];
  if (!fallback) return null;
  // A display name in a From without an address still names the person.
  return { address: fallback.address, name: fallback.name ?? mail.from?.value[0]?.name?.trim() ?? null };
}

/** The text of an HTML body as a person reads it: paragraphs, line breaks, lists, links and quotes kept. */
const HTML_TEXT_LIMIT = 2_000_000;
function textOfHtml(html: string): string {
  return htmlToText(html.slice(0, HTML_TEXT_LIMIT), {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable' },
    ],
  });
}

const isUtf8 = (bytes: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/**
 * Mail written in raw 8-bit without saying in which charset (a Subject in Latin-1, a body in
 * Shift_JIS with no `charset=`), or saying UTF-8 and meaning something else: the charset is
 * detected and the bytes re-encoded as UTF-8 before parsing, so the text reads right.
 * Only the header block and the body of a single-part mail are touched.
 */
export function withDetectedCharset(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const split = crlf >= 0 ? crlf : raw.indexOf('\n\n');
  if (split < 0) return raw;
  const separator = crlf >= 0 ? 4 : 2;
  let head = raw.subarray(0, split);
  let body = raw.subarray(split + separator);
  let changed = false;
  const recode = (bytes: Buffer): Buffer | null => {
    if (!bytes.some((b) => b >= 0x80) || isUtf8(bytes)) return null;
    const charset = detectCharset(bytes.subarray(0, 64 * 1024));
    if (!charset || !iconv.encodingExists(charset) || /^utf-?8$/i.test(charset)) return null;
    return Buffer.from(iconv.decode(bytes, charset), 'utf8');
  };
  const newHead = recode(head);
  if (newHead) {
    head = newHead;
    changed = true;
  }
  const headText = head.toString('latin1');
  const type = /^content-type:[ \t]*([^\r\n;]*)([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(headText.slice(0, 64 * 1024));
  const mediaType = (type?.[1] ?? 'text/plain').trim().toLowerCase();
  const declared = /charset="?([^";\s]+)/i.exec(type?.[2] ?? '')?.[1]?.toLowerCase() ?? null;
  const transferEncoding = /^content-transfer-encoding:[ \t]*(\S+)/im.exec(headText.slice(0, 64 * 1024))?.[1]?.toLowerCase() ?? '7bit';
  const plainBytes = ['7bit', '8bit', 'binary'].includes(transferEncoding);
  if (mediaType.startsWith('text/') && plainBytes && (declared === null || /^(utf-?8|us-ascii)$/.test(declared))) {
    const newBody = recode(body);
    if (newBody) {
      body = newBody;
      changed = true;
      // Says UTF-8 now, which it is.
      const fixedHead = type
        ? headText.replace(type[0], `Content-Type: ${mediaType}; charset=utf-8`)
        : `${headText}\r\nContent-Type: text/plain; charset=utf-8`;
      head = Buffer.from(fixedHead, 'latin1');
    }
  }
  return changed ? Buffer.concat([head, Buffer.from(crlf >= 0 ? '\r\n\r\n' : '\n\n'), body]) : raw;
}

/** A filename for a forwarded message attached without one: its own subject. */
function forwardedName(content: Buffer): string {
  const subject = /^subject:[ \t]*([^\r\n]{1,150})/im.exec(content.subarray(0, 16 * 1024).toString('utf8'))?.[1]?.trim() || 'forwarded message';
  return `${subject.replace(/[\\/:*?"<>|\x00-\x1f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100) || 'forwarded message'}.eml`;
}

const messageIds = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? value.split(/\s+/) : []).map((id) => id.trim()).filter((id) => /^<[^>]+>$/.test(id));

/** Counts MIME parts in the raw bytes before parsing, so a bomb never reaches the parser. */
export function countMimeParts(raw: Buffer): number {
  let count = 0;
  let from = 0;
  const needle = Buffer.from('\nContent-Type:', 'latin1');
  const lower = Buffer.from('\ncontent-type:', 'latin1');
  for (;;) {
    const a = raw.indexOf(needle, from);
    const b = raw.indexOf(lower, from);
    const next = a === -1 ? b : b === -1 ? a : Math.min(a, b);
    if (next === -1) return count;
    count += 1;
    from = next + 1;
  }
}

export class UnparseableEmail extends Error {}

export async function parseInbound(raw: Buffer): Promise<InboundMessage> {
  if (countMimeParts(raw) > MAX_MIME_PARTS) throw new UnparseableEmail(`more than ${MAX_MIME_PARTS} MIME parts`);
  let mail: ParsedMail;
  try {
    mail = await simpleParser(withDetectedCharset(raw), { skipImageLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: HTML_TEXT_LIMIT });
  } catch (error) {
    throw new UnparseableEmail(error instanceof Error ? error.message : String(error));
  }
  const from = author(mail);
  const html = typeof mail.html === 'string' ? sanitizeHtml(mail.html) : null;
  // HTML-only mail, or an empty text part beside the HTML one: the text is the HTML's, as read.
  const text = mail.text?.trim() ? mail.text : html ? textOfHtml(html) : '';
  const fullText = text.replace(/\r\n/g, '\n').trim();
  const visibleText = visibleReply(fullText);
  const robot = classifyMail(mail);
  const report = robot !== null && REPORT_KINDS.includes(robot.kind);
  return {
    messageId: mail.messageId ? (mail.messageId.startsWith('<') ? mail.messageId : `<${mail.messageId}>`) : null,
    from,
    to: addresses(mail.to).map((a) => a.address),
    cc: addresses(mail.cc).map((a) => a.address),
    subject: (mail.subject ?? '').slice(0, MAX_SUBJECT_LENGTH).trim(),
    visibleText,
    fullText,
    html,
    inReplyTo: messageIds(mail.inReplyTo),
    references: messageIds(mail.references),
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? (a.contentType.toLowerCase() === 'message/rfc822' ? forwardedName(a.content) : null),
      contentType: a.contentType, size: a.size, content: a.content,
    })),
    robot,
    automatic: robot?.reason ?? null,
    bounce: report,
    bounced: report && robot.kind !== 'feedback_report' ? { address: robot.recipient, status: robot.status } : null,
  };
}

export interface MailboxIdentity {
  /** The helpdesk's address, e.g. support@example.com. */
  address: string;
  /** Domain of our Message-IDs. */
  messageIdDomain: string;
  secretKey: string;
}

export type TicketReference =
  | { ticketNumber: number; via: 'reply_address' | 'message_id'; signed: true }
  | { ticketNumber: number; via: 'subject_tag'; signed: false };

/**
 * Which ticket a mail answers, strongest proof first: our signed plus-address among its
 * recipients, our signed Message-ID in In-Reply-To/References, then a `[#1042]` subject
 * tag, which is not proof: the caller accepts it only from someone on the ticket.
 */
export function findTicketReference(message: InboundMessage, mailbox: MailboxIdentity): TicketReference | null {
  for (const recipient of [...message.to, ...message.cc]) {
    const ticketNumber = ticketFromReplyAddress(recipient, mailbox.address, mailbox.secretKey);
    if (ticketNumber !== null) return { ticketNumber, via: 'reply_address', signed: true };
  }
  for (const id of [...message.inReplyTo, ...[...message.references].reverse()]) {
    const ticketNumber = ticketFromMessageId(id, mailbox.messageIdDomain, mailbox.secretKey);
    if (ticketNumber !== null) return { ticketNumber, via: 'message_id', signed: true };
  }
  const tag = /\[#(\d{1,9})\]/.exec(message.subject);
  return tag ? { ticketNumber: Number(tag[1]), via: 'subject_tag', signed: false } : null;
}

/**
 * The ticket a report (bounce, delay, abuse report) proves it is about: the mail it returns
 * carries our signed Message-ID or our signed reply address for it. Anyone can write a
 * bounce; only our mail carries our signatures.
 */
export function reportedTicket(report: MailClass, mailbox: MailboxIdentity): number | null {
  for (const id of report.returned?.messageIds ?? []) {
    const ticketNumber = ticketFromMessageId(id, mailbox.messageIdDomain, mailbox.secretKey);
    if (ticketNumber !== null) return ticketNumber;
  }
  for (const address of report.returned?.addresses ?? []) {
    const ticketNumber = ticketFromReplyAddress(address, mailbox.address, mailbox.secretKey);
    if (ticketNumber !== null) return ticketNumber;
  }
  return null;
}

/** Mail we sent ourselves (a loop through a forwarder or an alias). */
export function isOwnMail(message: InboundMessage, mailbox: MailboxIdentity): boolean {
  const from = message.from?.address.toLowerCase() ?? '';
  const [local, domain] = mailbox.address.toLowerCase().split('@');
  const fromOurMailbox = from === `${local}@${domain}` || (from.startsWith(`${local}+`) && from.endsWith(`@${domain}`));
  return fromOurMailbox || (message.messageId !== null && ticketFromMessageId(message.messageId, mailbox.messageIdDomain, mailbox.secretKey) !== null);
}

/** The subject a new ticket takes: the mail's, without reply prefixes. */
export function ticketSubject(subject: string): string {
  const cleaned = subject.replace(/^((re|fwd?|aw|wg|sv|vs)\s*(\[\d+\])?:\s*)+/i, '').trim();
  return (cleaned || '(no subject)').slice(0, 255);
}

/** First and last name from a display name, as well as can be guessed. */
export function splitName(name: string | null): { firstName: string | null; lastName: string | null } {
  if (!name) return { firstName: null, lastName: null };
  const parts = name.replace(/"/g, '').trim().split(/\s+/);
  if (parts.length === 1) return { firstName: parts[0]!, lastName: null };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts[parts.length - 1]! };
}
