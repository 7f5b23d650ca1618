import type { NotificationKind } from '../domain/ticket';

/** Our Message-IDs use the sender's domain, so inbound mail can tell our own mail apart. */
export function messageIdDomain(mailFrom: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  return address.split('@')[1]?.trim() || 'helpdesk.invalid';
}

/** One notification per ticket event and recipient: the key of idempotent sending. */
export function notificationKey(ticketNumber: number, seq: number, kind: NotificationKind, recipient: string): string {
  return `ticket-${ticketNumber}-event-${seq}-${kind}-${recipient}`;
}

export function notificationMessageId(key: string, domain: string): string {
  return `<${key}@${domain}>`;
}

/** The root every notification of a ticket refers to, so mail clients show one thread. */
export function threadMessageId(ticketNumber: number, domain: string): string {
  return `<ticket-${ticketNumber}@${domain}>`;
}
