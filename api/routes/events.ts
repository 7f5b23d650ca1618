import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import type { App } from '../types';
import { ErrorBody } from '../errors';
import { listenForTicketChanges, TicketChange } from '../../live/ticket-changes';

/** Proxies close idle connections; a comment line every so often keeps the stream open. */
const HEARTBEAT_MS = 25_000;

/**
 * Server-sent events for the admin UI: `ticket` when a ticket changed (the UI then fetches
 * what it shows), `resync` when changes may have been missed. EventSource reconnects by
 * itself, and the UI refetches on every (re)connect.
 */
export default async function eventRoutes(app: App, { databaseUrl }: { databaseUrl: string }) {
  const streams = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  };
  const listener = listenForTicketChanges(databaseUrl, {
    onChange: (change: TicketChange) => broadcast('ticket', change),
    onResync: () => broadcast('resync', {}),
    log: (line) => app.log.warn(line),
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  // Open streams would hold the server's close forever.
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    for (const stream of streams) stream.end();
    streams.clear();
  });
  app.addHook('onClose', async () => listener.close());

  app.get('/api/events', {
    schema: {
      tags: ['live'],
      summary: 'Server-sent events: `ticket` {number, seq, type} on every change, `resync` after an outage',
      produces: ['text/event-stream'],
      response: { 200: Type.String(), 401: ErrorBody, 429: ErrorBody },
    },
    preHandler: app.requireOperator,
  }, async (request, reply) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    stream.write('retry: 2000\n\n');
    streams.add(stream);
    request.raw.on('close', () => streams.delete(stream));
  });
}
