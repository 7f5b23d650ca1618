/**
 * Every route against bad input and missing rights: always a 4xx with `{error, message}`,
 * never a 500, and nothing private in what the public routes answer.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session, expectError } from './support/harness';

let h: Harness;
let agent: Session;
let admin: Session;
let ticket: { number: number; publicUrl: string };
let token: string;

beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_LOGIN: '5', RATE_LIMIT_PUBLIC: '30' } });
  agent = await h.login('agent');
  admin = await h.login('admin');
  ticket = (await h.request(agent, 'POST', '/api/tickets', {
    subject: 'Input', body: 'Body', customer: { email: `input-${randomUUID().slice(0, 8)}@example.com` },
  })).json();
  token = ticket.publicUrl.split('/t/')[1]!;
});
afterAll(() => h.close());

describe('operator routes need a logged-in operator', () => {
  // Every row has all three values: jest takes a missing last one for a `done` callback.
  const routes: Array<[string, string, unknown]> = [
    ['GET', '/api/me', undefined],
    ['GET', '/api/events', undefined],
    ['POST', '/api/auth/logout', {}],
    ['GET', '/api/tickets', undefined],
    ['POST', '/api/tickets', { subject: 's', body: 'b', customer: { email: 'a@example.com' } }],
    ['GET', '/api/tickets/1001', undefined],
    ['PATCH', '/api/tickets/1001', { status: 'waiting' }],
    ['POST', '/api/tickets/1001/comments', { body: 'x', visibility: 'public' }],
    ['GET', '/api/operators', undefined],
    ['POST', '/api/operators', { email: 'x@example.com', name: 'X', password: 'long-enough-pw', role: 'agent' }],
    ['PATCH', '/api/operators/1', { active: false }],
    ['GET', '/api/customers', undefined],
    ['POST', '/api/customers', { email: 'x@example.com' }],
    ['GET', '/api/customers/1', undefined],
    ['PATCH', '/api/customers/1', { company: 'X' }],
    ['GET', '/api/inbound-emails', undefined],
    ['GET', '/api/attachments/1', undefined],
    ['GET', '/api/mailboxes', undefined],
    ['POST', '/api/mailboxes', { name: 'x', address: 'x@example.com', imapUrl: 'imap://u:p@h/INBOX' }],
    ['PATCH', '/api/mailboxes/1', { active: false }],
    ['GET', '/api/inbound-emails/1/raw', undefined],
  ];
  it.each(routes)('%s %s without a session: 401', async (method, url, payload) => {
    expectError(await h.request(null, method as 'GET', url, payload), 401, 'unauthorized');
  });

  it.each(routes.filter(([method]) => method !== 'GET'))('%s %s without the CSRF header: 403', async (method, url, payload) => {
    const response = await h.app.inject({ method: method as 'POST', url, payload: payload as object, headers: { cookie: agent.cookie } });
    expectError(response, 403, 'forbidden');
  });

  it('a forged session cookie is refused', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/tickets', headers: { cookie: 'hd_session=forged' } });
    expectError(response, 401);
  });

  it('an agent may not add operators; an admin may', async () => {
    const payload = { email: `new-${randomUUID().slice(0, 8)}@helpdesk.test`, name: 'New', password: 'long-enough-pw', role: 'agent' };
    expectError(await h.request(agent, 'POST', '/api/operators', payload), 403, 'forbidden');
    expect((await h.request(admin, 'POST', '/api/operators', payload)).statusCode).toBe(201);
    expectError(await h.request(admin, 'POST', '/api/operators', payload), 409, 'operator_exists');
  });

  it('logout ends the session', async () => {
    const session = await h.login('agent');
    expect((await h.request(session, 'POST', '/api/auth/logout', {})).statusCode).toBe(204);
    expectError(await h.request(session, 'GET', '/api/me'), 401);
  });
});

describe('login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and answers the CSRF token', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: agent.operator.email.toUpperCase(), password: agent.password } });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'hd_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(response.json().csrfToken).toEqual(expect.any(String));
    expect(response.body).not.toContain('passwordHash');
  });

  it('a wrong password or unknown email gets the same 401', async () => {
    const wrong = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: agent.operator.email, password: 'nope' }, remoteAddress: '10.9.0.1' });
    const unknown = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: 'nope' }, remoteAddress: '10.9.0.1' });
    expectError(wrong, 401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('is rate limited per address', async () => {
    const attempt = () => h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x@example.com', password: 'nope' }, remoteAddress: '10.9.0.2' });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt()).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expectError(await attempt(), 429, 'rate_limited');
  });
});

describe('bad input gets a clear 4xx, never a 500', () => {
  const long = 'x'.repeat(100_001);
  const cases: Array<[string, 'GET' | 'POST' | 'PATCH', () => string, unknown, number]> = [
    ['login without password', 'POST', () => '/api/auth/login', { email: 'a@example.com' }, 400],
    ['login with extra fields', 'POST', () => '/api/auth/login', { email: 'a@example.com', password: 'x', admin: true }, 400],
    ['create without subject', 'POST', () => '/api/tickets', { body: 'b', customer: { email: 'a@example.com' } }, 400],
    ['create with a bad email', 'POST', () => '/api/tickets', { subject: 's', body: 'b', customer: { email: 'not-an-email' } }, 400],
    ['create with no way to reach the customer', 'POST', () => '/api/tickets', { subject: 's', body: 'b', customer: { firstName: 'A' } }, 422],
    ['create with a blank subject', 'POST', () => '/api/tickets', { subject: '   ', body: 'b', customer: { email: 'a@example.com' } }, 422],
    ['create with an unknown priority', 'POST', () => '/api/tickets', { subject: 's', body: 'b', priority: 'asap', customer: { email: 'a@example.com' } }, 400],
    ['create with a body over 100,000 characters', 'POST', () => '/api/tickets', { subject: 's', body: long, customer: { email: 'a@example.com' } }, 400],
    ['create assigned to nobody known', 'POST', () => '/api/tickets', { subject: 's', body: 'b', assigneeId: 999999, customer: { email: 'a@example.com' } }, 422],
    ['list with a huge page size', 'GET', () => '/api/tickets?pageSize=1000', undefined, 400],
    ['list with an unknown status', 'GET', () => '/api/tickets?status=open', undefined, 400],
    ['list with an unknown parameter', 'GET', () => '/api/tickets?foo=1', undefined, 400],
    ['list with a bad sort', 'GET', () => '/api/tickets?sort=evil;drop', undefined, 400],
    ['a ticket number that is not a number', 'GET', () => '/api/tickets/abc', undefined, 400],
    ['an unknown ticket', 'GET', () => '/api/tickets/99999999', undefined, 404],
    ['patch an unknown ticket', 'PATCH', () => '/api/tickets/99999999', { status: 'waiting' }, 404],
    ['patch with nothing', 'PATCH', () => `/api/tickets/${ticket.number}`, {}, 400],
    ['patch with an unknown status', 'PATCH', () => `/api/tickets/${ticket.number}`, { status: 'done' }, 400],
    ['assign to an unknown operator', 'PATCH', () => `/api/tickets/${ticket.number}`, { assigneeId: 999999 }, 422],
    ['link an unknown customer', 'PATCH', () => `/api/tickets/${ticket.number}`, { customerId: 999999 }, 422],
    ['comment without visibility', 'POST', () => `/api/tickets/${ticket.number}/comments`, { body: 'x' }, 400],
    ['comment with a blank body', 'POST', () => `/api/tickets/${ticket.number}/comments`, { body: '  \n ', visibility: 'internal' }, 422],
    ['comment on an unknown ticket', 'POST', () => '/api/tickets/99999999/comments', { body: 'x', visibility: 'internal' }, 404],
    ['customer with nothing to match on', 'POST', () => '/api/customers', { firstName: 'A' }, 422],
    ['customer with a bad email', 'POST', () => '/api/customers', { email: 'x' }, 400],
    ['an unknown customer', 'GET', () => '/api/customers/999999', undefined, 404],
    ['edit an unknown customer', 'PATCH', () => '/api/customers/999999', { company: 'X' }, 404],
    ['an unknown route', 'GET', () => '/api/nothing-here', undefined, 404],
    ['inbound mail with an unknown outcome', 'GET', () => '/api/inbound-emails?outcome=lost', undefined, 400],
    ['an unknown inbound mail', 'GET', () => '/api/inbound-emails/999999/raw', undefined, 404],
  ];
  it.each(cases)('%s', async (_name, method, url, payload, status) => {
    expectError(await h.request(agent, method, url(), payload), status);
  });

  it('malformed JSON and a wrong content type', async () => {
    const headers = { cookie: agent.cookie, 'x-csrf-token': agent.csrfToken };
    expectError(await h.app.inject({ method: 'POST', url: '/api/tickets', payload: '{"subject":', headers: { ...headers, 'content-type': 'application/json' } }), 400);
    expectError(await h.app.inject({ method: 'POST', url: '/api/tickets', payload: 'subject=x', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } }), 415);
  });

  it('a second customer with the same email (any case) or external ID is a conflict', async () => {
    const email = `dup-${randomUUID().slice(0, 8)}@example.com`;
    expect((await h.request(agent, 'POST', '/api/customers', { email, externalId: `x-${email}` })).statusCode).toBe(201);
    expectError(await h.request(agent, 'POST', '/api/customers', { email: email.toUpperCase() }), 409, 'customer_exists');
    expectError(await h.request(agent, 'POST', '/api/customers', { externalId: `x-${email}` }), 409, 'customer_exists');
  });
});

describe('public routes', () => {
  it('an unknown, malformed or rotated token is the same 404', async () => {
    const unknown = await h.request(null, 'GET', `/api/public/tickets/${'A'.repeat(43)}`);
    const malformed = await h.request(null, 'GET', '/api/public/tickets/short');
    expectError(unknown, 404);
    expect(malformed.json()).toEqual(unknown.json());
    expectError(await h.request(null, 'POST', `/api/public/tickets/${'A'.repeat(43)}/comments`, { body: 'hi' }), 404);
  });

  it('bad comments are refused', async () => {
    expectError(await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, {}), 400);
    expectError(await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: ' ' }), 422);
    expectError(await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: 'x', visibility: 'internal' }), 400);
  });

  it('never show internal notes, operator emails or other tickets', async () => {
    const secret = `secret-note-${randomUUID()}`;
    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: secret, visibility: 'internal' });
    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'public answer', visibility: 'public' });
    const view = await h.request(null, 'GET', `/api/public/tickets/${token}`);
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('public answer');
    expect(view.body).not.toContain(secret);
    expect(view.body).not.toContain(agent.operator.email);
    expect(view.body).not.toContain('"visibility"');
    expect(view.headers['referrer-policy']).toBe('no-referrer');
  });

  it('token lookups are rate limited per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      statuses.push((await h.app.inject({ method: 'GET', url: `/api/public/tickets/${'B'.repeat(43)}`, remoteAddress: '10.9.0.3' })).statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});

it('health reports PostgreSQL and Temporal', async () => {
  const response = await h.request(null, 'GET', '/healthz');
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ status: 'ok', postgres: true, temporal: true });
});

it('OpenAPI describes every route', async () => {
  const spec = (await h.request(null, 'GET', '/docs/json')).json();
  expect(Object.keys(spec.paths).sort()).toEqual([
    '/api/attachments/{id}', '/api/auth/login', '/api/auth/logout', '/api/auth/session', '/api/canned-replies', '/api/canned-replies/{id}',
    '/api/customers', '/api/customers/{id}', '/api/events', '/api/formatting/preview', '/api/inbound-emails', '/api/inbound-emails/{id}/raw',
    '/api/inbox', '/api/inbox/read', '/api/mailboxes', '/api/mailboxes/{id}', '/api/me', '/api/me/availability', '/api/me/notifications',
    '/api/me/password', '/api/operators', '/api/operators/{id}', '/api/public/tickets/{token}', '/api/public/tickets/{token}/attachments/{id}',
    '/api/public/tickets/{token}/comments', '/api/public/tickets/{token}/events', '/api/public/tickets/{token}/verify', '/api/sla-policies',
    '/api/sla-policies/{id}', '/api/tags', '/api/tags/{name}', '/api/teams', '/api/teams/{id}', '/api/temporal-codec/decode',
    '/api/temporal-codec/encode', '/api/ticket-fields', '/api/ticket-fields/{key}', '/api/tickets', '/api/tickets/bulk', '/api/tickets/{number}',
    '/api/tickets/{number}/canned-replies/{id}/fill', '/api/tickets/{number}/comments', '/api/tickets/{number}/merge',
    '/api/tickets/{number}/presence', '/api/tickets/{number}/public-link', '/api/tickets/{number}/read', '/api/tickets/{number}/split', '/api/views',
    '/api/views/counts', '/api/views/{id}', '/api/widget/challenge', '/api/widget/tickets', '/healthz',
  ]);
});
