import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Our own Message-IDs and reply addresses carry an HMAC under the server secret, so that
 * an answer that quotes one is proof it answers our mail about that ticket; a bare
 * `[#1042]` in a subject is not (anyone can type it).
 */
const SIGNATURE_LENGTH = 20; // hex characters: 80 bits

function sign(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${value}`).digest('hex').slice(0, SIGNATURE_LENGTH);
}

function sameSignature(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Our Message-IDs use the sender's domain, so inbound mail can tell our own mail apart. */
export function messageIdDomain(mailFrom: string): string {
  return mailboxAddress(mailFrom).split('@')[1]?.trim().toLowerCase() || 'helpdesk.invalid';
}

/** `Helpdesk <support@example.com>` → `Helpdesk` (empty without a display name). */
export function senderName(mailFrom: string): string {
  return /^\s*"?([^"<]*?)"?\s*</.exec(mailFrom)?.[1]?.trim() ?? '';
}

/** `Helpdesk <support@example.com>` → `support@example.com`. */
export function mailboxAddress(mailFrom: string): string {
  return (/<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom).trim();
}

export function notificationMessageId(key: string, domain: string, secret: string): string {
  return `<${key}.${sign(secret, 'message-id', key)}@${domain}>`;
}

/** The root every notification of a ticket refers to, so mail clients show one thread. */
export function threadMessageId(ticketNumber: number, domain: string, secret: string): string {
  return notificationMessageId(`ticket-${ticketNumber}`, domain, secret);
}

/** The ticket one of our signed Message-IDs belongs to, or null for anyone else's. */
export function ticketFromMessageId(messageId: string, domain: string, secret: string): number | null {
  const match = /^<?(ticket-(\d+)(?:-event-[\w-]+)?)\.([0-9a-f]+)@([^>]+)>?$/i.exec(messageId.trim());
  if (!match || match[4]!.toLowerCase() !== domain) return null;
  return sameSignature(match[3]!.toLowerCase(), sign(secret, 'message-id', match[1]!)) ? Number(match[2]) : null;
}

/** `support@example.com` → `support+t1042-<signature>@example.com`, the Reply-To of a ticket's mail. */
export function replyAddress(mailbox: string, ticketNumber: number, secret: string): string {
  const [local, domain] = mailbox.split('@');
  return `${local}+t${ticketNumber}-${sign(secret, 'reply-to', String(ticketNumber))}@${domain}`;
}

/** The ticket a plus-addressed recipient of our mailbox names, if its signature holds. */
export function ticketFromReplyAddress(address: string, mailbox: string, secret: string): number | null {
  const [local, domain] = mailbox.toLowerCase().split('@');
  const match = /^([^+@]+)\+t(\d+)-([0-9a-f]+)@(.+)$/i.exec(address.trim().toLowerCase());
  if (!match || match[1] !== local || match[4] !== domain) return null;
  return sameSignature(match[3]!, sign(secret, 'reply-to', match[2]!)) ? Number(match[2]) : null;
}

/**
 * `support@example.com` → `support+t1042-o7-<signature>@example.com`: the Reply-To of the
 * mail telling operator 7 about ticket 1042. An answer to it from that operator's own
 * address is their public reply; the signature binds ticket and operator together.
 */
export function operatorReplyAddress(mailbox: string, ticketNumber: number, operatorId: number, secret: string): string {
  const [local, domain] = mailbox.split('@');
  return `${local}+t${ticketNumber}-o${operatorId}-${sign(secret, 'operator-reply', `${ticketNumber}:${operatorId}`)}@${domain}`;
}

/** The ticket and operator a plus-addressed recipient of our mailbox names, if its signature holds. */
export function operatorReplyFromAddress(address: string, mailbox: string, secret: string): { ticketNumber: number; operatorId: number } | null {
  const [local, domain] = mailbox.toLowerCase().split('@');
  const match = /^([^+@]+)\+t(\d+)-o(\d+)-([0-9a-f]+)@(.+)$/i.exec(address.trim().toLowerCase());
  if (!match || match[1] !== local || match[5] !== domain) return null;
  return sameSignature(match[4]!, sign(secret, 'operator-reply', `${match[2]}:${match[3]}`))
    ? { ticketNumber: Number(match[2]), operatorId: Number(match[3]) } : null;
}
