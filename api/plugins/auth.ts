import '@fastify/cookie';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Op, QueryTypes } from 'sequelize';
import type { Database, Operator } from '../../db';
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
/** When a session ends: idle expiry, but never later than its absolute lifetime (`:maxAgeMs`). */
const SESSION_ENDS = "least(s.expires_at, s.created_at + :maxAgeMs * interval '1 millisecond')";
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

  const endListeners: Array<(ended: EndedSessions) => void> = [];
  app.decorate('sessions', {
    async create(operatorId: number) {
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAt = new Date(Date.now() + sessionTtlMs);
      await db.Session.create({ tokenHash: hashToken(token), operatorId, csrfToken, expiresAt });
      // Expired sessions are swept here rather than by a timer: logins are rare enough.
      await db.Session.destroy({ where: { expiresAt: { [Op.lt]: new Date() } } });
      return { token, csrfToken, expiresAt };
    },
    async destroy(token: string) {
      await db.Session.destroy({ where: { tokenHash: hashToken(token) } });
      for (const listener of endListeners) listener({ token });
    },
    onEnd(listener: (ended: EndedSessions) => void) {
      endListeners.push(listener);
    },
    async endAllOf(operatorId: number, except?: string) {
      const kept = except === undefined ? null : hashToken(except);
      await db.Session.destroy({ where: { operatorId, ...(kept ? { tokenHash: { [Op.ne]: kept } } : {}) } });
      // Streams of this process end now; other API processes find out at their next look.
      for (const listener of endListeners) listener({ operatorId, ...(except !== undefined ? { except } : {}) });
    },
    validUntil: (token: string) => validSessionExpiry(db, hashToken(token), sessionMaxAgeMs),
  });

  app.decorate('requireOperator', async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw unauthorized();
    const tokenHash = hashToken(token);
    // Every operator request starts here: one round trip for the session and its operator.
    const [session] = await db.sequelize.query<{
      operator_id: number; csrf_token: string; expires_at: Date; created_at: Date; email: string; name: string; role: Operator['role']; active: boolean;
      signature: string | null;
    }>(
      `SELECT s.operator_id, s.csrf_token, ${SESSION_ENDS} AS expires_at, s.created_at, o.email, o.name, o.role, o.active, o.signature
       FROM sessions s JOIN operators o ON o.id = s.operator_id WHERE s.token_hash = :tokenHash`,
      { type: QueryTypes.SELECT, replacements: { tokenHash, maxAgeMs: sessionMaxAgeMs } },
    );
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
      await db.Session.update({ expiresAt }, { where: { tokenHash } });
      reply.setCookie(SESSION_COOKIE, token, cookieOptions(secureCookies, expiresAt));
    }
    request.operator = {
      id: session.operator_id,
      email: session.email,
      name: session.name,
      role: session.role,
      active: session.active,
      signature: session.signature,
      csrfToken: session.csrf_token,
    };
  });

  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (request.operator?.role !== 'admin') throw forbidden('Only an admin may do this.');
  });
}, { name: 'auth', dependencies: ['@fastify/cookie'] });

/** When a session ends if nothing extends it; null once it has ended or its operator is disabled. */
async function validSessionExpiry(db: Database, tokenHash: string, maxAgeMs: number): Promise<Date | null> {
  const [session] = await db.sequelize.query<{ expires_at: Date }>(
    `SELECT ${SESSION_ENDS} AS expires_at FROM sessions s JOIN operators o ON o.id = s.operator_id
     WHERE s.token_hash = :tokenHash AND o.active AND ${SESSION_ENDS} > now()`,
    { type: QueryTypes.SELECT, replacements: { tokenHash, maxAgeMs } },
  );
  return session?.expires_at ?? null;
}

/**
 * The rate-limit bucket of a session cookie: its own when the session exists, else null
 * (the request counts against its address). Valid sessions are remembered for a while so
 * the limiter costs no extra query on most requests; an invalid one is never remembered.
 */
export function validSessionBuckets(db: Database, sessionMaxAgeMs: number) {
  const remembered = new Map<string, number>();
  return {
    async of(token: string): Promise<string | null> {
      const tokenHash = hashToken(token);
      const until = remembered.get(tokenHash);
      if (until !== undefined && until > Date.now()) return `session:${tokenHash}`;
      if (!(await validSessionExpiry(db, tokenHash, sessionMaxAgeMs))) return null;
      if (remembered.size >= MAX_REMEMBERED_SESSIONS) remembered.clear();
      remembered.set(tokenHash, Date.now() + SESSION_BUCKET_TTL_MS);
      return `session:${tokenHash}`;
    },
  };
}

export function cookieOptions(secure: boolean, expires?: Date) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure, ...(expires ? { expires } : {}) };
}
