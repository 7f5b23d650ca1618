/**
 * The live-update contract between the API's event streams and the UIs: the event names
 * and what a ticket change says. Pure (no I/O), so the browser bundles import it too.
 */
import type { TicketEventType } from '../domain/ticket';

/** The PostgreSQL NOTIFY channel the write of each change announces it on (db/tickets.ts). */
export const TICKET_CHANGES_CHANNEL = 'ticket_changes';

/** The channel an operator's arrival, leaving or typing on a ticket is announced on (db/presence.ts): the ticket's number. */
export const PRESENCE_CHANNEL = 'ticket_presence';

/** The channel a new entry in an operator's bell is announced on (db/tickets.ts): the operator's id. */
export const INBOX_CHANNEL = 'operator_inbox';

/** How often an open ticket tells the others it is still open, and how long one unheard of counts as there. */
export const PRESENCE_HEARTBEAT_MS = 4_000;
export const PRESENCE_TTL_MS = 12_000;
/** Typing stops counting this long after the last keystroke. */
export const TYPING_PAUSE_MS = 6_000;

/** Someone else with the ticket open. */
export interface Presence {
  operatorId: number;
  name: string;
  /** Writing a reply or note right now. */
  typing: boolean;
}

/** Deliberately small: who may see what is decided when the browser fetches the ticket. */
export interface TicketChange {
  number: number;
  seq: number;
  type: TicketEventType;
}

/** Server-sent event names: operators' stream (`ticket`, `resync`) and the public page's (`changed`, `resync`). */
export const LIVE_EVENTS = {
  /** A ticket changed: `TicketChange`. */
  ticket: 'ticket',
  /** Something the customer can see on their ticket changed; fetch it again. */
  changed: 'changed',
  /** Something new in this operator's bell: ask for it. */
  inbox: 'inbox',
  /** Who has a ticket open changed: `{number}`; ask who. */
  presence: 'presence',
  /** Changes may have been missed (the stream was down): fetch everything again. */
  resync: 'resync',
} as const;
