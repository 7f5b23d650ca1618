import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { App } from '../types';
import { ErrorBody } from '../errors';
import type { EventStreams } from '../event-streams';
import type { TicketChangeHub } from '../../live/ticket-changes';
import { SESSION_COOKIE } from '../plugins/auth';
import { LIVE_EVENTS } from '../../live/events';

/**
 * Server-sent events for the admin UI: `ticket` when a ticket changed (the UI then fetches
 * what it shows), `resync` when changes may have been missed. EventSource reconnects by
 * itself, and the UI refetches on every (re)connect.
 */
export default async function eventRoutes(app: App, { changes, streams, sessionCheckMs }: { changes: TicketChangeHub; streams: EventStreams; sessionCheckMs: number }) {
  // A stream belongs to the session that opened it and ends with it: logged out, the
  // operator hears nothing more even if the connection stays up.
  const openStreams = new Set<{ token: string; operatorId: number; end: () => void }>();
  app.sessions.onEnd((ended) => {
    for (const stream of [...openStreams]) {
      if ('token' in ended ? stream.token === ended.token : stream.operatorId === ended.operatorId && stream.token !== ended.except) stream.end();
    }
  });

  app.get('/api/events', {
    schema: {
      tags: ['live'],
      summary: 'Server-sent events: `ticket` {number, seq, type} on every change, `presence` {number} when who has a ticket open changed, `inbox` when your bell has something new, `resync` after an outage; ends with the session',
      produces: ['text/event-stream'],
      response: { 200: Type.String(), 401: ErrorBody, 429: ErrorBody },
    },
    preHandler: app.requireOperator,
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE]!;
    let unsubscribe = () => {};
    let unsubscribePresence = () => {};
    let unsubscribeInbox = () => {};
    let recheck: NodeJS.Timeout | undefined;
    let ended = false;
    const { send, end } = streams.open(request, reply, [`session:${createHash('sha256').update(token).digest('hex')}`], () => {
      ended = true;
      clearTimeout(recheck);
      unsubscribe();
      unsubscribePresence();
      unsubscribeInbox();
      openStreams.delete(entry);
    });
    const entry = { token, operatorId: request.operator!.id, end };
    unsubscribe = changes.subscribe((change) => (change ? send(LIVE_EVENTS.ticket, change) : send(LIVE_EVENTS.resync, {})));
    unsubscribePresence = changes.subscribePresence((number) => send(LIVE_EVENTS.presence, { number }));
    const operatorId = request.operator!.id;
    unsubscribeInbox = changes.subscribeInbox((id) => { if (id === operatorId) send(LIVE_EVENTS.inbox, {}); });
    openStreams.add(entry);
    // A logout is heard at once, but only by this API process; expiry, a logout through
    // another process and a disabled operator are found by looking again: at the latest
    // when the session would expire, and every sessionCheckMs.
    const check = () => {
      if (ended) return;
      // A database that is away for a moment does not end the stream; the next look decides.
      app.sessions.validUntil(token).then((until) => (until ? lookAgainBy(until) : end()), () => lookAgainBy(new Date(Date.now() + sessionCheckMs)));
    };
    const lookAgainBy = (validUntil: Date) => {
      if (ended) return;
      recheck = setTimeout(check, Math.max(0, Math.min(validUntil.getTime() - Date.now(), sessionCheckMs)));
      recheck.unref();
    };
    lookAgainBy(new Date(Date.now() + sessionCheckMs));
  });
}
