/**
 * Live updates from GET /api/events. Every screen subscribes to what it shows and fetches
 * afresh when told; after a reconnect everyone refetches, since changes may have been
 * missed while the stream was down.
 */
import { LIVE_EVENTS, TicketChange } from '../../live/events';

export type { TicketChange };

type Listener = (change: TicketChange | null) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let opened = false;

function emit(change: TicketChange | null) {
  for (const listener of listeners) listener(change);
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
  source.addEventListener(LIVE_EVENTS.resync, () => emit(null));
  source.addEventListener('open', () => {
    if (opened) emit(null);
    opened = true;
  });
}

export function disconnectLive() {
  source?.close();
  source = null;
  opened = false;
}

/** `change` is null when everything should be fetched again. Returns the unsubscribe. */
export function onTicketChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
