import '@fastify/cookie';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Operator } from '../../db';
import { createSessionStore } from '../../db/sessions';
import { forbidden, unauthorized } from '../errors';

export const SESSION_COOKIE = 'hd_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthenticatedOperator {
  id: number;
  email: string;
  name: string;
  role: Operator['role'];
  active: boolean;
  signature: string | null;
  /** Takes new tickets from their teams now. */
  available: boolean;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that changes nothing, called by a tool that can't send the CSRF token: why. */
    csrfExempt?: string;
  }
  interface FastifyRequest {
    operator: AuthenticatedOperator | null;
  }
  interface FastifyInstance {
    /** preHandler: a logged-in operator, and for writes the session's CSRF token. */
    requireOperator: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler, after requireOperator: an admin. */
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    sessions: {
      create(operatorId: number): Promise<{ token: string; csrfToken: string; expiresAt: Date }>;
      destroy(token: string): Promise<void>;
      /** Called with the session token of every session that is logged out. */
      onEnd(listener: (ended: EndedSessions) => void): void;
      /**
       * Ends every session of an operator (disabled, new password), streams included;
       * `except`: the session of the operator who set their own password.
       */
      endAllOf(operatorId: number, except?: string): Promise<void>;
      /** When the session ends if nothing extends it; null once it has ended or its operator is disabled. */
      validUntil(token: string): Promise<Date | null>;
    };
  }
}

/** Sessions that just ended: one by its token (logout), or all of an operator's. */
export type EndedSessions = { token: string } | { operatorId: number; except?: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** How long a session found valid keeps its own rate-limit bucket before it is looked up again. */
const SESSION_BUCKET_TTL_MS = 30_000;
const MAX_REMEMBERED_SESSIONS = 10_000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Operator sessions: a random token in an HttpOnly, SameSite=Strict cookie, stored only
 * hashed. Writes also need the session's CSRF token in a header, which another site's
 * page can neither read nor set.
 */
export default fp<{ db: Database; sessionTtlMs: number; sessionMaxAgeMs: number; secureCookies: boolean }>(async (app, { db, sessionTtlMs, sessionMaxAgeMs, secureCookies }) => {
  app.decorateRequest('operator', null);
  const store = createSessionStore(db, sessionMaxAgeMs);

  const endListeners: Array<(ended: EndedSessions) => void> = [];
  app.decorate('sessions', {
    async create(operatorId: number) {
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAt = new Date(Date.now() + sessionTtlMs);
      await store.add({ tokenHash: hashToken(token), operatorId, csrfToken, expiresAt });
      return { token, csrfToken, expiresAt };
    },
    async destroy(token: string) {
      await store.remove(hashToken(token));
      for (const listener of endListeners) listener({ token });
    },
    onEnd(listener: (ended: EndedSessions) => void) {
      endListeners.push(listener);
    },
    async endAllOf(operatorId: number, except?: string) {
      await store.removeAllOf(operatorId, except === undefined ? null : hashToken(except));
      // Streams of this process end now; other API processes find out at their next look.
      for (const listener of endListeners) listener({ operatorId, ...(except !== undefined ? { except } : {}) });
    },
    validUntil: (token: string) => store.validUntil(hashToken(token)),
  });

  app.decorate('requireOperator', async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw unauthorized();
    const tokenHash = hashToken(token);
    const session = await store.withOperator(tokenHash);
    if (!session || session.expires_at.getTime() < Date.now()) throw unauthorized('Your session has ended; log in again.');
    if (!session.active) throw unauthorized('This operator account is disabled.');
    if (!SAFE_METHODS.has(request.method) && !request.routeOptions.config?.csrfExempt) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrf_token)) {
        throw forbidden(`Missing or wrong ${CSRF_HEADER} header; take it from GET /api/me.`);
      }
    }
    // Sliding expiry, written at most once per half TTL, never past the session's absolute end.
    const absoluteEnd = session.created_at.getTime() + sessionMaxAgeMs;
    if (session.expires_at.getTime() - Date.now() < sessionTtlMs / 2 && session.expires_at.getTime() < absoluteEnd) {
      const expiresAt = new Date(Math.min(Date.now() + sessionTtlMs, absoluteEnd));
      await store.extend(tokenHash, expiresAt);
      reply.setCookie(SESSION_COOKIE, token, cookieOptions(secureCookies, expiresAt));
    }
    request.operator = {
      id: session.operator_id,
      email: session.email,
      name: session.name,
      role: session.role,
      active: session.active,
      signature: session.signature,
      available: session.available,
      csrfToken: session.csrf_token,
    };
  });

  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (request.operator?.role !== 'admin') throw forbidden('Only an admin may do this.');
  });
}, { name: 'auth', dependencies: ['@fastify/cookie'] });

/**
 * The rate-limit bucket of a session cookie: its own when the session exists, else null
 * (the request counts against its address). Valid sessions are remembered for a while so
 * the limiter costs no extra query on most requests; an invalid one is never remembered.
 */
export function validSessionBuckets(db: Database, sessionMaxAgeMs: number) {
  const store = createSessionStore(db, sessionMaxAgeMs);
  const remembered = new Map<string, number>();
  return {
    async of(token: string): Promise<string | null> {
      const tokenHash = hashToken(token);
      const until = remembered.get(tokenHash);
      if (until !== undefined && until > Date.now()) return `session:${tokenHash}`;
      if (!(await store.validUntil(tokenHash))) return null;
      if (remembered.size >= MAX_REMEMBERED_SESSIONS) remembered.clear();
      remembered.set(tokenHash, Date.now() + SESSION_BUCKET_TTL_MS);
      return `session:${tokenHash}`;
    },
  };
}

export function cookieOptions(secure: boolean, expires?: Date) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure, ...(expires ? { expires } : {}) };
}
