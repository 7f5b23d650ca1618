/**
 * Live updates from GET /api/events. Every screen subscribes to what it shows and fetches
 * afresh when told; after a reconnect everyone refetches, since changes may have been
 * missed while the stream was down.
 */
import { LIVE_EVENTS, TicketChange } from '../../live/events';

export type { TicketChange };

type Listener = (change: TicketChange | null) => void;

const listeners = new Set<Listener>();
/** Told the ticket whose company changed, or null after a reconnect (ask again). */
const presenceListeners = new Set<(ticketNumber: number | null) => void>();
/** Told when this operator's bell has something new (or may have: after a reconnect). */
const inboxListeners = new Set<() => void>();
let source: EventSource | null = null;

function emit(change: TicketChange | null) {
  for (const listener of listeners) listener(change);
  if (change === null) {
    for (const listener of presenceListeners) listener(null);
    for (const listener of inboxListeners) listener();
  }
}

export function connectLive() {
  if (source) return;
  source = new EventSource('/api/events');
  source.addEventListener(LIVE_EVENTS.ticket, (event) => {
    try {
      emit(JSON.parse((event as MessageEvent<string>).data) as TicketChange);
    } catch {
      // A frame we can't read: ignore it rather than break the page.
    }
  });
  source.addEventListener(LIVE_EVENTS.presence, (event) => {
    try {
      const { number } = JSON.parse((event as MessageEvent<string>).data) as { number: number };
      for (const listener of presenceListeners) listener(number);
    } catch {
      // As above.
    }
  });
  source.addEventListener(LIVE_EVENTS.inbox, () => { for (const listener of inboxListeners) listener(); });
  source.addEventListener(LIVE_EVENTS.resync, () => emit(null));
  // Every opening, the first too: a change committed between a screen's first fetch and the
  // stream's opening was announced to nobody, and would stay unseen until the next one.
  source.addEventListener('open', () => emit(null));
}

export function disconnectLive() {
  source?.close();
  source = null;
}

/** `change` is null when everything should be fetched again. Returns the unsubscribe. */
export function onTicketChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Who has which ticket open changed (null: maybe missed, ask again). Returns the unsubscribe. */
export function onPresenceChange(listener: (ticketNumber: number | null) => void): () => void {
  presenceListeners.add(listener);
  return () => presenceListeners.delete(listener);
}

/** This operator's bell has something new. Returns the unsubscribe. */
export function onInbox(listener: () => void): () => void {
  inboxListeners.add(listener);
  return () => inboxListeners.delete(listener);
}
