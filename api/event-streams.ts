import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Proxies close idle connections; a comment line every so often keeps a stream open. */
const HEARTBEAT_MS = 25_000;

export type SendEvent = (event: string, data: unknown) => void;

/**
 * Server-sent event streams of one app: opened by routes, kept alive by heartbeats, and
 * ended when the app closes (an open stream would otherwise hold the server's close).
 */
export function eventStreams(app: FastifyInstance) {
  const streams = new Map<ServerResponse, () => void>();
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
  });

  return {
    /** Takes the response over as a stream; `cleanup` runs when either side ends it. */
    open(request: FastifyRequest, reply: FastifyReply, cleanup: () => void, headers: Record<string, string> = {}): { send: SendEvent; end: () => void } {
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
