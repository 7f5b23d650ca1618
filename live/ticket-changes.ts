/**
 * Live ticket changes: the worker's persist activity announces every change with
 * PostgreSQL NOTIFY inside the transaction that writes it, so listeners hear of it only
 * once it is committed, whichever process wrote it. The API listens and fans the news
 * out to browsers as server-sent events.
 */
import { Client } from 'pg';

import { INBOX_CHANNEL, PRESENCE_CHANNEL, TICKET_CHANGES_CHANNEL, type TicketChange } from './events';

export type { TicketChange } from './events';

export interface TicketChangeListener {
  close(): Promise<void>;
}

/**
 * Holds one LISTEN connection and comes back after PostgreSQL restarts. Changes made while
 * it was away are not replayed: `onResync` tells subscribers to fetch afresh instead.
 */
export function listenForTicketChanges(
  databaseUrl: string,
  handlers: {
    onChange: (change: TicketChange) => void; onPresence?: (ticketNumber: number) => void; onInbox?: (operatorId: number) => void;
    onResync: () => void; log?: (line: string) => void;
  },
): TicketChangeListener {
  let client: Client | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let everConnected = false;

  const connect = async () => {
    if (closed) return;
    const next = new Client({ connectionString: databaseUrl });
    next.on('notification', (message) => {
      if (message.channel === PRESENCE_CHANNEL || message.channel === INBOX_CHANNEL) {
        const id = Number(message.payload);
        if (Number.isInteger(id)) (message.channel === PRESENCE_CHANNEL ? handlers.onPresence : handlers.onInbox)?.(id);
        return;
      }
      if (message.channel !== TICKET_CHANGES_CHANNEL || !message.payload) return;
      try {
        handlers.onChange(JSON.parse(message.payload) as TicketChange);
      } catch {
        // Only our own activity writes to this channel; a bad payload is not worth a crash.
      }
    });
    next.on('error', (error) => {
      handlers.log?.(`live: lost the PostgreSQL listener (${error.message}); reconnecting`);
      retry();
    });
    next.on('end', () => retry());
    try {
      await next.connect();
      await next.query(`LISTEN ${TICKET_CHANGES_CHANNEL}; LISTEN ${PRESENCE_CHANNEL}; LISTEN ${INBOX_CHANNEL}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      if (everConnected) handlers.onResync();
      everConnected = true;
    } catch (error) {
      handlers.log?.(`live: cannot listen for ticket changes (${(error as Error).message}); retrying`);
      next.removeAllListeners('end');
      await next.end().catch(() => undefined);
      retry();
    }
  };

  function retry() {
    if (closed || retryTimer) return;
    const old = client;
    client = null;
    old?.removeAllListeners('end');
    old?.end().catch(() => undefined);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, 1000);
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => undefined);
      }
    },
  };
}

/** `null` means "changes may have been missed: fetch afresh". */
export type TicketChangeSubscriber = (change: TicketChange | null) => void;

export interface TicketChangeHub {
  subscribe(subscriber: TicketChangeSubscriber): () => void;
  /** Who has which ticket open changed (operators' streams only: customers never hear who is looking). */
  subscribePresence(subscriber: (ticketNumber: number) => void): () => void;
  /** Something new in an operator's bell (their own stream tells them). */
  subscribeInbox(subscriber: (operatorId: number) => void): () => void;
  close(): Promise<void>;
}

/** One LISTEN connection per process, shared by every stream that process serves. */
export function ticketChangeHub(databaseUrl: string, log?: (line: string) => void): TicketChangeHub {
  const subscribers = new Set<TicketChangeSubscriber>();
  const presenceSubscribers = new Set<(ticketNumber: number) => void>();
  const inboxSubscribers = new Set<(operatorId: number) => void>();
  const emit = (change: TicketChange | null) => {
    for (const subscriber of subscribers) subscriber(change);
  };
  const listener = listenForTicketChanges(databaseUrl, {
    onChange: emit,
    onPresence: (number) => { for (const subscriber of presenceSubscribers) subscriber(number); },
    onInbox: (operatorId) => { for (const subscriber of inboxSubscribers) subscriber(operatorId); },
    onResync: () => emit(null),
    log,
  });
  return {
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    subscribePresence(subscriber) {
      presenceSubscribers.add(subscriber);
      return () => presenceSubscribers.delete(subscriber);
    },
    subscribeInbox(subscriber) {
      inboxSubscribers.add(subscriber);
      return () => inboxSubscribers.delete(subscriber);
    },
    close: () => listener.close(),
  };
}
