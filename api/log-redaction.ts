import type { FastifyRequest } from 'fastify';

/** Paths that carry a customer's ticket link: the token is their only credential. */
const TOKEN_IN_PATH = /(\/t\/|\/api\/public\/tickets\/)[^/?#]+/g;

export const redactUrl = (url: string) => url.replace(TOKEN_IN_PATH, '$1[token]');

/** Fastify's request log line, with link tokens taken out of the URL. */
export function requestLogSerializer(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
