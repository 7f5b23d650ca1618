import { Type } from 'typebox';
import type { App } from '../types';
import { ErrorBody } from '../errors';
import type { EventStreams } from '../event-streams';
import type { TicketChangeHub } from '../../live/ticket-changes';

/**
 * Server-sent events for the admin UI: `ticket` when a ticket changed (the UI then fetches
 * what it shows), `resync` when changes may have been missed. EventSource reconnects by
 * itself, and the UI refetches on every (re)connect.
 */
export default async function eventRoutes(app: App, { changes, streams }: { changes: TicketChangeHub; streams: EventStreams }) {
  app.get('/api/events', {
    schema: {
      tags: ['live'],
      summary: 'Server-sent events: `ticket` {number, seq, type} on every change, `resync` after an outage',
      produces: ['text/event-stream'],
      response: { 200: Type.String(), 401: ErrorBody, 429: ErrorBody },
    },
    preHandler: app.requireOperator,
  }, async (request, reply) => {
    let unsubscribe = () => {};
    const send = streams.open(request, reply, () => unsubscribe());
    unsubscribe = changes.subscribe((change) => (change ? send('ticket', change) : send('resync', {})));
  });
}
