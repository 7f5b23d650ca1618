import { Type } from 'typebox';
import type { App } from '../types';
import { ErrorBody } from '../errors';
import type { EventStreams } from '../event-streams';
import type { TicketChangeHub } from '../../live/ticket-changes';
import { SESSION_COOKIE } from '../plugins/auth';

/**
 * Server-sent events for the admin UI: `ticket` when a ticket changed (the UI then fetches
 * what it shows), `resync` when changes may have been missed. EventSource reconnects by
 * itself, and the UI refetches on every (re)connect.
 */
export default async function eventRoutes(app: App, { changes, streams }: { changes: TicketChangeHub; streams: EventStreams }) {
  // A stream belongs to the session that opened it and ends with it: logged out, the
  // operator hears nothing more even if the connection stays up.
  const bySession = new Map<string, Set<() => void>>();
  app.sessions.onEnd((token) => {
    for (const end of bySession.get(token) ?? []) end();
  });

  app.get('/api/events', {
    schema: {
      tags: ['live'],
      summary: 'Server-sent events: `ticket` {number, seq, type} on every change, `resync` after an outage; ends with the session',
      produces: ['text/event-stream'],
      response: { 200: Type.String(), 401: ErrorBody, 429: ErrorBody },
    },
    preHandler: app.requireOperator,
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE]!;
    let unsubscribe = () => {};
    const { send, end } = streams.open(request, reply, () => {
      unsubscribe();
      const ends = bySession.get(token);
      ends?.delete(end);
      if (ends?.size === 0) bySession.delete(token);
    });
    unsubscribe = changes.subscribe((change) => (change ? send('ticket', change) : send('resync', {})));
    bySession.set(token, (bySession.get(token) ?? new Set()).add(end));
  });
}
