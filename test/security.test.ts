/**
 * The security checks a reviewer would make by hand: roles, cookies behind HTTPS, which
 * origins may call what, and the headers every kind of answer carries.
 */
import { startHarness, Harness, Session } from './support/harness';

let h: Harness;
let agent: Session;
let admin: Session;

beforeAll(async () => {
  // As deployed behind HTTPS.
  h = await startHarness({ env: { PUBLIC_URL: 'https://help.example.com', WIDGET_DEMO: 'true' } });
  agent = await h.login('agent');
  admin = await h.login('admin');
});
afterAll(() => h.close());

it('marks the session cookie Secure, HttpOnly and SameSite=Strict behind HTTPS', async () => {
  const response = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: agent.operator.email, password: agent.password } });
  const cookie = response.cookies.find((c) => c.name === 'hd_session')!;
  expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
});

it.each([
  ['GET', '/api/mailboxes', undefined],
  ['POST', '/api/mailboxes', { name: 'x', address: 'x@example.com', imapUrl: 'imap://u:p@127.0.0.1:1/INBOX' }],
  ['PATCH', '/api/mailboxes/1', { active: false }],
  ['POST', '/api/operators', { email: 'new@example.com', name: 'New', password: 'long-enough-pw', role: 'admin' }],
  ['PATCH', '/api/operators/1', { role: 'admin' }],
] as const)('an agent may not %s %s (admins only)', async (method, url, payload) => {
  const response = await h.request(agent, method, url, payload);
  expect(response.statusCode).toBe(403);
  expect(response.json()).toEqual({ error: 'forbidden', message: 'Only an admin may do this.' });
  expect((await h.request(admin, 'GET', '/api/mailboxes')).statusCode).toBe(200);
});

it('answers other websites only on the customer-facing routes, and never with cookies', async () => {
  const origin = 'https://evil.example';
  const operatorPreflight = await h.app.inject({
    method: 'OPTIONS', url: '/api/tickets', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' },
  });
  expect(operatorPreflight.headers['access-control-allow-origin']).toBeUndefined();
  const operatorGet = await h.request(agent, 'GET', '/api/tickets', undefined, { origin });
  expect(operatorGet.headers['access-control-allow-origin']).toBeUndefined();

  const widgetPreflight = await h.app.inject({
    method: 'OPTIONS', url: '/api/widget/tickets', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' },
  });
  expect(widgetPreflight.headers['access-control-allow-origin']).toBe('*');
  expect(widgetPreflight.headers['access-control-allow-credentials']).toBeUndefined();
  const publicGet = await h.app.inject({ method: 'GET', url: `/api/public/tickets/${'A'.repeat(43)}`, headers: { origin } });
  expect(publicGet.statusCode).toBe(404);
  expect(publicGet.headers['access-control-allow-origin']).toBe('*');
});

it('sends the protective headers on API answers and pages', async () => {
  const json = await h.request(agent, 'GET', '/api/tickets');
  expect(json.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
  for (const url of ['/admin/tickets', `/t/${'A'.repeat(43)}`, '/widget/demo']) {
    const page = await h.app.inject({ method: 'GET', url });
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  }
});
