import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { createOperatorStore } from '../../db/operators';
import { ErrorBody, HttpError, unauthorized } from '../errors';
import type { RateLimitCounters } from '../../db/rate-limits';
import { perAddress } from '../client-address';
import { LoginBody, MeView, OperatorView } from '../schemas';
import { SESSION_COOKIE, cookieOptions } from '../plugins/auth';
import { hashPassword, verifyPassword } from '../../security/passwords';
import { operatorView } from './operators';

// Verifying against a real hash when the email is unknown keeps the answer's timing the
// same, so the login does not tell which addresses are operators.
let dummyHash: Promise<string> | null = null;
const unknownOperatorHash = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

/** Failed logins of one account are counted in windows of this length. */
const ACCOUNT_FAILURE_WINDOW_MS = 15 * 60_000;

export interface AuthRouteDeps {
  db: Database;
  counters: RateLimitCounters;
  secureCookies: boolean;
  /** Attempts per minute from one address. */
  loginRateLimit: number;
  /** Failures per account and window, from all addresses together. */
  loginFailuresPerAccount: number;
}

export default async function authRoutes(app: App, { db, counters, secureCookies, loginRateLimit, loginFailuresPerAccount }: AuthRouteDeps) {
  const operators = createOperatorStore(db);
  app.post('/api/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Log in as an operator; sets the session cookie',
      body: LoginBody,
      response: { 200: MeView, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
    },
    config: { rateLimit: { max: loginRateLimit, timeWindow: '1 minute', keyGenerator: perAddress } },
  }, async (request, reply) => {
    const email = request.body.email.trim().toLowerCase();
    // Guessing one account's password from many addresses meets this limit; it applies
    // to any address typed, so it tells nothing about which are operators.
    const failuresKey = `login-failures:${email}`;
    const failures = await counters.peek(failuresKey);
    if (failures.hits >= loginFailuresPerAccount) {
      throw new HttpError(429, 'rate_limited',
        `Too many failed logins for this account; try again in ${Math.ceil(failures.ttlMs / 60_000)} minutes.`);
    }
    const record = await operators.byEmail(email);
    const valid = await verifyPassword(record?.passwordHash ?? await unknownOperatorHash(), request.body.password);
    if (!record || !valid || !record.active) {
      await counters.hit(failuresKey, ACCOUNT_FAILURE_WINDOW_MS);
      throw unauthorized('Wrong email or password.');
    }
    const session = await app.sessions.create(record.id);
    reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(secureCookies, session.expiresAt));
    return { operator: operatorView(record), csrfToken: session.csrfToken };
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody } },
    preHandler: app.requireOperator,
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await app.sessions.destroy(token);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(secureCookies));
    return reply.code(204).send(null);
  });

  // The admin UI asks this first: "not logged in" is an answer here, not an error, so
  // opening the login page logs no failed request in the browser.
  app.get('/api/auth/session', {
    schema: {
      tags: ['auth'],
      summary: 'The logged-in operator and CSRF token, or nulls when there is no valid session',
      response: { 200: Type.Object({ operator: Type.Union([OperatorView, Type.Null()]), csrfToken: Type.Union([Type.String(), Type.Null()]) }) },
    },
  }, async (request, reply) => {
    try {
      await app.requireOperator(request, reply);
    } catch {
      return { operator: null, csrfToken: null };
    }
    const operator = request.operator!;
    return { operator: operatorView(operator), csrfToken: operator.csrfToken };
  });

  app.get('/api/me', {
    schema: { tags: ['auth'], summary: 'The logged-in operator and the CSRF token for writes', response: { 200: MeView, 401: ErrorBody } },
    preHandler: app.requireOperator,
  }, async (request) => {
    const operator = request.operator!;
    return { operator: operatorView(operator), csrfToken: operator.csrfToken };
  });
}
