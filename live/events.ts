/**
 * The live-update contract between the API's event streams and the UIs: the event names
 * and what a ticket change says. Pure (no I/O), so the browser bundles import it too.
 */
import type { TicketEventType } from '../domain/ticket';

/** The PostgreSQL NOTIFY channel the write of each change announces it on (db/tickets.ts). */
export const TICKET_CHANGES_CHANNEL = 'ticket_changes';

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
  /** Changes may have been missed (the stream was down): fetch everything again. */
  resync: 'resync',
} as const;
