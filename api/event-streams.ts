import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

/** Proxies close idle connections; a comment line every so often keeps a stream open. */
const HEARTBEAT_MS = 25_000;

export type SendEvent = (event: string, data: unknown) => void;

export interface StreamLimits {
  /** Streams one process holds open at once. */
  total: number;
  /** Streams of one group at once: a client's address, a session, a ticket's link. */
  perGroup: number;
}

const tooMany = () => new HttpError(429, 'too_many_streams',
  'Too many live connections are open; close other tabs of this page, or reload it in a minute.');

/**
 * Server-sent event streams of one app: opened by routes, kept alive by heartbeats, and
 * ended when the app closes (an open stream would otherwise hold the server's close).
 */
export function eventStreams(app: FastifyInstance, limits: StreamLimits) {
  const streams = new Map<ServerResponse, () => void>();
  const openPerGroup = new Map<string, number>();
  const leave = (groups: string[]) => {
    for (const group of groups) {
      const left = (openPerGroup.get(group) ?? 1) - 1;
      if (left <= 0) openPerGroup.delete(group);
      else openPerGroup.set(group, left);
    }
  };
  const heartbeat = setInterval(() => {
    for (const stream of streams.keys()) stream.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    for (const [stream, cleanup] of streams) {
      cleanup();
      stream.end();
    }
    streams.clear();
    openPerGroup.clear();
  });

  return {
    /**
     * Takes the response over as a stream; `cleanup` runs when either side ends it. Each
     * stream counts against the `groups` it is in (who opened it, what it follows), and is
     * refused with a 429 when any of them, or the process, has as many as the limits allow.
     */
    open(request: FastifyRequest, reply: FastifyReply, groups: string[], cleanupStream: () => void, headers: Record<string, string> = {}): { send: SendEvent; end: () => void } {
      if (streams.size >= limits.total || groups.some((group) => (openPerGroup.get(group) ?? 0) >= limits.perGroup)) throw tooMany();
      for (const group of groups) openPerGroup.set(group, (openPerGroup.get(group) ?? 0) + 1);
      const cleanup = () => {
        leave(groups);
        cleanupStream();
      };
      // Headers hooks set on the reply (CORS for the widget, say) go out with the stream.
      const fromHooks = reply.getHeaders() as Record<string, string>;
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, {
        ...fromHooks,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        // A stream's connection is never reused: ended (at shutdown, say), it closes, rather
        // than idling in keep-alive and holding the server's close for its timeout.
        connection: 'close',
        ...headers,
      });
      stream.write('retry: 2000\n\n');
      streams.set(stream, cleanup);
      request.raw.on('close', () => {
        if (streams.delete(stream)) cleanup();
      });
      const send: SendEvent = (event, data) => {
        if (streams.has(stream)) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const end = () => {
        if (streams.delete(stream)) {
          cleanup();
          stream.end();
        }
      };
      return { send, end };
    },
  };
}

export type EventStreams = ReturnType<typeof eventStreams>;
