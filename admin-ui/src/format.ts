import { html } from 'lit';
import { PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS } from '../../domain/ticket';
import type { TicketPriority, TicketSource, TicketStatus } from '../../domain/ticket';

export { PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS };
export { historySentence } from '../../domain/history';
export type { TicketPriority, TicketSource, TicketStatus };

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "yesterday"; under a minute is "just now". */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

export const fullTime = (iso: string) => absolute.format(new Date(iso));

export function personName(person: { firstName: string | null; lastName: string | null; email?: string | null; phone?: string | null }): string {
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ');
  return name || person.email || person.phone || 'Unknown customer';
}

export const count = (n: number) => n.toLocaleString('en');

/** An attachment's or a mail's size as people read it: 512 B, 14 KB, 3.2 MB. */
export const fileSize = (bytes: number) =>
  (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** "1 message", "3 messages". */
export const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/**
 * An email address that may wrap where a person would break it (after the @ and before
 * dots), never in the middle of a name.
 */
export const address = (email: string) =>
  html`<span class="address">${email.split(/(?=[.@])|(?<=@)/).map((part, i) => html`${i ? html`<wbr>` : null}<span>${part}</span>`)}</span>`;

/** "35 min", "2 h", "3 d": how long, to one unit. */
export function shortDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/** An SLA due time as a badge reads: "due in 35 min", "overdue 2 h" (and whether it is soon). */
export function dueText(dueAt: string, now = Date.now()): { text: string; state: 'overdue' | 'soon' | 'later' } {
  const left = Date.parse(dueAt) - now;
  if (left < 0) return { text: `overdue ${shortDuration(left)}`, state: 'overdue' };
  return { text: `due in ${shortDuration(left)}`, state: left < 60 * 60_000 ? 'soon' : 'later' };
}
