/**
 * What an outsider can do to the helpdesk over HTTP: each attack the security review
 * reproduced, named after it, with what it must no longer achieve.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { startHarness, Harness, Session, expectError } from './support/harness';
import { buildApp } from '../api/app';
import type { App } from '../api/types';
import { rateLimitCounters } from '../db/rate-limits';
import { freePort } from './support/ports';
import { externalIdSignature, unexpiringExternalIdSignature } from '../security/widget-identity';

let h: Harness;
let agent: Session;
const WIDGET_SECRET = 'attacks-widget-secret-0123456789abcdef';

beforeAll(async () => {
  h = await startHarness({
    env: { RATE_LIMIT_LOGIN: '10', RATE_LIMIT_PUBLIC: '20', WIDGET_TICKETS_PER_HOUR_PER_ADDRESS: '3', WIDGET_SECRET },
  });
  agent = await h.login('agent');
});
afterAll(() => h.close());

/**
 * Another API process beside the harness's, on the same database and Temporal, with some
 * settings changed. Its own requests come from 127.0.0.1 unless they name an address, so
 * it has no low API limit for them to run into (only the harness's app tests that one).
 */
const anotherApi = (settings: Partial<typeof h.config> = {}, logger?: Parameters<typeof buildApp>[0]['logger']) =>
  buildApp({ config: { ...h.config, RATE_LIMIT_API: 100_000, ...settings }, db: h.db, temporal: h.temporal, ...(logger ? { logger } : {}) });

/** Account names guessed at are this file run's own: failed logins count per account. */
const RUN = randomUUID().slice(0, 8);
let addresses = 0;
/** An address of the attacker's, different in every test. */
const newAddress = () => `198.51.100.${++addresses}`;
const madeUpCookie = () => `hd_session=${randomBytes(32).toString('base64url')}`;

const login = (app: App, remoteAddress: string, email: string, password: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress, headers });

describe('a made-up session cookie gets no rate-limit bucket of its own', () => {
  it('wrong logins with a new cookie each are still limited per address', async () => {
    const from = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await login(h.app, from, 'admin@example.com', `guess-${i}`, { cookie: madeUpCookie() })).statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('public-link guesses with a new cookie each are still limited per address', async () => {
    const from = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const guess = randomBytes(32).toString('base64url');
      statuses.push((await h.app.inject({ method: 'GET', url: `/api/public/tickets/${guess}`, remoteAddress: from, headers: { cookie: madeUpCookie() } })).statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it('widget tickets with a new cookie each are still limited per address', async () => {
    const from = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await h.app.inject({
        method: 'POST', url: '/api/widget/tickets', remoteAddress: from, headers: { cookie: madeUpCookie() },
        payload: { firstName: 'Flo', lastName: 'Od', email: `flood-${randomUUID().slice(0, 8)}@example.com`, subject: 'Hi', message: 'Hello' },
      })).statusCode);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  it('operator requests with a made-up cookie count against the address; a logged-in operator there keeps working', async () => {
    const limited = await anotherApi({ RATE_LIMIT_API: 40 });
    try {
      const from = newAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 42; i++) {
        statuses.push((await limited.inject({ method: 'GET', url: '/api/tickets', remoteAddress: from, headers: { cookie: madeUpCookie() } })).statusCode);
      }
      expect(statuses.slice(0, 40).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(40)).toEqual([429, 429]);
      // A session of its own, so no other test's requests count in its bucket.
      const colleague = await h.login('agent');
      const answer = await limited.inject({ method: 'GET', url: '/api/tickets', remoteAddress: from, headers: { cookie: colleague.cookie } });
      expect(answer.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('password guessing', () => {
  it('one account guessed from many addresses is locked for a while, even for its right password, and others are not', async () => {
    const victim = await h.login('admin');
    const bystander = await h.login('agent');
    for (let i = 0; i < 10; i++) expectError(await login(h.app, newAddress(), victim.operator.email.toUpperCase(), `guess-${i}`), 401);
    const locked = await login(h.app, newAddress(), victim.operator.email, victim.password);
    expectError(locked, 429, 'rate_limited');
    expect(locked.json().message).toMatch(/failed logins for this account/);
    expect((await login(h.app, newAddress(), bystander.operator.email, bystander.password)).statusCode).toBe(200);
  });

  it('two API processes count one limit together', async () => {
    const second = await anotherApi();
    try {
      const from = newAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push((await login(i % 2 === 0 ? h.app : second, from, `nobody-${i}-${RUN}@example.com`, 'guess')).statusCode);
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await second.close();
    }
  });

  it('behind a trusted proxy each visitor has their own limit; elsewhere X-Forwarded-For buys nothing', async () => {
    const proxied = await anotherApi({ TRUST_PROXY: ['127.0.0.1'] });
    try {
      const attacker = `203.0.113.${10 + Math.floor(Math.random() * 200)}`;
      for (let i = 0; i < 10; i++) {
        expectError(await login(proxied, '127.0.0.1', `nobody-${i}-${RUN}@example.com`, 'guess', { 'x-forwarded-for': attacker }), 401);
      }
      expectError(await login(proxied, '127.0.0.1', 'nobody@example.com', 'guess', { 'x-forwarded-for': attacker }), 429, 'rate_limited');
      // The operator behind the same proxy still logs in.
      const colleague = await h.login('agent');
      expect((await login(proxied, '127.0.0.1', colleague.operator.email, colleague.password, { 'x-forwarded-for': `${attacker.replace(/\d+$/, '1')}` })).statusCode).toBe(200);

      // Not behind a trusted proxy: a forged header does not open a new bucket.
      const direct = newAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push((await login(h.app, direct, `nobody-${i}-${RUN}@example.com`, 'guess', { 'x-forwarded-for': `192.0.2.${i}` })).statusCode);
      }
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await proxied.close();
    }
  });
});

describe('the widget as a mail cannon', () => {
  const widgetTicket = (from: string, email: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => h.app.inject({
    method: 'POST', url: '/api/widget/tickets', remoteAddress: from, headers,
    payload: { firstName: 'Mal', lastName: 'Lory', email, subject: 'Cheap pills at https://spam.example', message: 'Buy now at https://spam.example/pills', ...extra },
  });

  it('the acknowledgement carries nothing the stranger wrote but the subject', async () => {
    const victim = `victim-${randomUUID().slice(0, 8)}@example.com`;
    expect((await widgetTicket(newAddress(), victim)).statusCode).toBe(201);
    await h.smtp.waitFor(() => h.smtp.to(victim).length === 1);
    const mail = h.smtp.to(victim)[0]!;
    expect(mail.parsed.text).not.toContain('https://spam.example/pills');
    expect(String(mail.parsed.html)).not.toContain('https://spam.example/pills');
  });

  it('plus-addressed variants of one address count as one for the per-address limit', async () => {
    const victim = `flood-${randomUUID().slice(0, 8)}`;
    const statuses: number[] = [];
    // Five tickets an hour per address (the default); each from an address of its own.
    for (let i = 0; i < 7; i++) statuses.push((await widgetTicket(newAddress(), `${victim}+${i}@Victim.example`)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
  });

  it('uploads without an account stop at the hourly quota of their address', async () => {
    const from = newAddress();
    const file = { filename: 'scan.pdf', contentType: 'application/pdf', content: randomBytes(4_900_000).toString('base64') };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await widgetTicket(from, `uploader-${randomUUID().slice(0, 8)}@example.com`, { attachments: [file, file, file] })).statusCode);
    }
    // 30 MiB an hour per address: two forms of three 4.9 MB files, not a third.
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('replaying someone\'s Idempotency-Key with another body gets a 409 and no link', async () => {
    const key = randomUUID();
    const owner = `owner-${randomUUID().slice(0, 8)}@example.com`;
    const first = await widgetTicket(newAddress(), owner, {}, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const replayed = await widgetTicket(newAddress(), `thief-${randomUUID().slice(0, 8)}@example.com`, {}, { 'idempotency-key': key });
    expectError(replayed, 409, 'idempotency_key_reused');
    expect(replayed.body).not.toContain(first.json().token);
    // The owner's own retry still gets their ticket.
    const retried = await widgetTicket(newAddress(), owner, {}, { 'idempotency-key': key });
    expect(retried.statusCode).toBe(201);
    expect(retried.json().number).toBe(first.json().number);
  });

  it('tickets from many addresses stop at the hourly total of the form', async () => {
    // Other test files open widget tickets too: the cap is set just above what is counted now.
    const counted = await rateLimitCounters(h.db.sequelize).peek('widget:tickets');
    const capped = await anotherApi({ WIDGET_TICKETS_PER_HOUR: counted.hits + 2 });
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await capped.inject({
          method: 'POST', url: '/api/widget/tickets', remoteAddress: newAddress(),
          payload: { firstName: 'Many', lastName: 'Hands', email: `hand-${randomUUID().slice(0, 8)}@example.com`, subject: 'Hi', message: 'Hello' },
        }));
      }
      expect(answers.filter((a) => a.statusCode === 201).length).toBeLessThanOrEqual(2);
      const refused = answers.at(-1)!;
      expectError(refused, 429, 'rate_limited');
      expect(refused.json().message).toMatch(/write to us by email/);
    } finally {
      await capped.close();
    }
  });
});

it('the access log never holds a public link token', async () => {
  const lines: string[] = [];
  const logged = await anotherApi({}, { level: 'info', stream: { write: (line: string) => { lines.push(line); } } });
  try {
    const ticket = (await h.request(agent, 'POST', '/api/tickets', { subject: 'Logged', body: 'b', customer: { email: `log-${randomUUID().slice(0, 8)}@example.com` } })).json();
    const token = ticket.publicUrl.split('/t/')[1]!;
    expect((await logged.inject({ method: 'GET', url: `/api/public/tickets/${token}` })).statusCode).toBe(200);
    await logged.inject({ method: 'GET', url: `/t/${token}?from=mail` });
    await logged.inject({ method: 'GET', url: `/api/public/tickets/${token}/attachments/1` });
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).toContain('/api/public/tickets/[token]');
  } finally {
    await logged.close();
  }
});

it('the public view does not reveal that a note was written or the ticket reassigned', async () => {
  const colleague = await h.login('agent');
  const ticket = (await h.request(agent, 'POST', '/api/tickets', { subject: 'Quiet', body: 'b', customer: { email: `quiet-${randomUUID().slice(0, 8)}@example.com` } })).json();
  const token = ticket.publicUrl.split('/t/')[1]!;
  const publicView = async () => (await h.app.inject({ method: 'GET', url: `/api/public/tickets/${token}` })).json();
  const before = (await publicView()).updatedAt;
  await new Promise((r) => setTimeout(r, 20));
  expect((await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Customer seems angry', visibility: 'internal' })).statusCode).toBe(201);
  expect((await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { assigneeId: colleague.operator.id, priority: 'high' })).statusCode).toBe(200);
  expect((await publicView()).updatedAt).toBe(before);
  expect((await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'We are on it', visibility: 'public' })).statusCode).toBe(201);
  expect((await publicView()).updatedAt > before).toBe(true);
});

it('live streams are capped per client, per ticket link and in total, with a clear refusal', async () => {
  const streaming = await anotherApi({ LIVE_STREAMS_PER_CLIENT: 3, LIVE_STREAMS_TOTAL: 5, TRUST_PROXY: ['127.0.0.1'] });
  const port = await freePort();
  await streaming.listen({ host: '127.0.0.1', port });
  const open: Array<{ abort: () => void }> = [];
  try {
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ticket = (await h.request(agent, 'POST', '/api/tickets', { subject: `Live ${i}`, body: 'b', customer: { email: `live-${randomUUID().slice(0, 8)}@example.com` } })).json();
      tokens.push(ticket.publicUrl.split('/t/')[1]!);
    }
    // Plain requests on sockets of their own, closed when the test is done with them.
    const stream = (token: string, client: string) => new Promise<{ status: number; body: { message: string } | null }>((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path: `/api/public/tickets/${token}/events`, headers: { 'x-forwarded-for': client }, agent: false }, (response) => {
        if (response.statusCode === 200) {
          open.push({ abort: () => request.destroy() });
          resolve({ status: 200, body: null });
          return;
        }
        let text = '';
        response.on('data', (chunk) => { text += chunk; });
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
      });
      request.on('error', reject);
    });
    const [a, b, c] = ['192.0.2.10', '192.0.2.11', '192.0.2.12'];
    for (let i = 0; i < 3; i++) expect((await stream(tokens[0]!, a)).status).toBe(200);
    const refused = await stream(tokens[0]!, a);
    expect(refused.status).toBe(429);
    expect(refused.body!.message).toMatch(/Too many live connections/);
    expect((await stream(tokens[0]!, b)).status).toBe(429); // the link has its three
    expect((await stream(tokens[1]!, b)).status).toBe(200);
    expect((await stream(tokens[1]!, b)).status).toBe(200);
    expect((await stream(tokens[2]!, c)).status).toBe(429); // five in all
    // Closed streams make room again.
    for (const controller of open.splice(0)) controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect((await stream(tokens[2]!, c)).status).toBe(200);
  } finally {
    for (const controller of open) controller.abort();
    await streaming.close();
  }
});

describe('accounts', () => {
  it('an admin cannot give a colleague one of the passwords attackers try first', async () => {
    const admin = await h.login('admin');
    const email = `weak-${randomUUID().slice(0, 8)}@helpdesk.test`;
    for (const password of ['password123', 'Summer2024!', 'qwertyuiop1']) {
      expectError(await h.request(admin, 'POST', '/api/operators', { email, name: 'Weak', password, role: 'agent' }), 422);
    }
    const created = await h.request(admin, 'POST', '/api/operators', { email, name: 'Strong', password: 'lamp-orbit-vivid-oak', role: 'agent' });
    expect(created.statusCode).toBe(201);
    expectError(await h.request(admin, 'PATCH', `/api/operators/${created.json().id}`, { password: 'letmein2025' }), 422);
  });

  it('a session ends after its absolute lifetime, however busy the operator is', async () => {
    const shortLived = await anotherApi({ SESSION_MAX_AGE: 1500 });
    try {
      const colleague = await h.login('agent');
      const loggedIn = await login(shortLived, newAddress(), colleague.operator.email, colleague.password);
      const cookie = `hd_session=${loggedIn.cookies.find((c) => c.name === 'hd_session')!.value}`;
      const me = () => shortLived.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      expect((await me()).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 800));
      expect((await me()).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 900));
      expectError(await me(), 401);
    } finally {
      await shortLived.close();
    }
  });
});

describe('signed visitors', () => {
  const visitorTickets = (externalId: string, signature: string) => h.app.inject({
    method: 'GET', url: '/api/widget/tickets', remoteAddress: newAddress(), headers: { 'x-helpdesk-external-id': externalId, 'x-helpdesk-signature': signature },
  });

  it('a signature copied from a page stops working when it expires', async () => {
    const externalId = `shop-${randomUUID().slice(0, 8)}`;
    expect((await visitorTickets(externalId, externalIdSignature(WIDGET_SECRET, externalId, new Date(Date.now() + 60_000)))).statusCode).toBe(200);
    const expired = externalIdSignature(WIDGET_SECRET, externalId, new Date(Date.now() - 1000));
    expectError(await visitorTickets(externalId, expired), 403, 'signature_expired');
    expectError(await h.app.inject({
      method: 'POST', url: '/api/widget/tickets', remoteAddress: newAddress(),
      payload: { firstName: 'Old', lastName: 'Page', email: `old-${randomUUID().slice(0, 8)}@example.com`, subject: 'Hi', message: 'Hello', externalId, externalIdSignature: expired },
    }), 403, 'signature_expired');
  });

  it('the signature without an expiry counts only where a setting allows it', async () => {
    const externalId = `shop-${randomUUID().slice(0, 8)}`;
    expectError(await visitorTickets(externalId, unexpiringExternalIdSignature(WIDGET_SECRET, externalId)), 403, 'bad_signature');
    const lenient = await anotherApi({ WIDGET_ACCEPT_UNEXPIRING_SIGNATURES: true });
    try {
      const listed = await lenient.inject({ method: 'GET', url: '/api/widget/tickets', headers: { 'x-helpdesk-external-id': externalId, 'x-helpdesk-signature': unexpiringExternalIdSignature(WIDGET_SECRET, externalId) } });
      expect(listed.statusCode).toBe(200);
    } finally {
      await lenient.close();
    }
  });

  it('the demo website, which signs a visitor for anyone, is not served unless a setting asks for it', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/widget/demo' })).statusCode).toBe(404);
  });
});

describe('Temporal Web', () => {
  it('what Temporal stores is ciphertext: an internal note and the customer\'s words are not readable there, nor the customer\'s email', async () => {
    const email = `private-${randomUUID().slice(0, 8)}@example.com`;
    const ticket = (await h.request(agent, 'POST', '/api/tickets', { subject: 'Encrypted', body: 'My card number is 4111', customer: { email } })).json();
    expect((await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Note: customer is on a final warning', visibility: 'internal' })).statusCode).toBe(201);
    const { history } = await h.temporal.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: `ticket-${ticket.number}` } });
    // Every payload's bytes as Temporal stores (and Temporal Web shows) them.
    const stored: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (node instanceof Uint8Array) {
        stored.push(Buffer.from(node).toString('latin1'));
        return;
      }
      for (const value of Object.values(node)) walk(value);
    };
    walk(history);
    const everything = stored.join('\n');
    expect(everything).toContain('binary/encrypted');
    for (const secret of ['4111', 'final warning', email, 'Encrypted']) expect(everything).not.toContain(secret);
    const described = await h.temporal.workflow.getHandle(`ticket-${ticket.number}`).describe();
    expect(described.searchAttributes.CustomerEmail).toBeUndefined();
    expect(described.searchAttributes.TicketNumber).toEqual([ticket.number]);
  });

  it('its codec server decodes for a logged-in admin asking from Temporal Web, and for nobody else', async () => {
    const ticket = (await h.request(agent, 'POST', '/api/tickets', { subject: 'Decoded', body: 'Readable for admins', customer: { email: `codec-${randomUUID().slice(0, 8)}@example.com` } })).json();
    const { history } = await h.temporal.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: `ticket-${ticket.number}` } });
    const sealed = history!.events!.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
    expect(sealed.length).toBeGreaterThan(0);
    const payloads = sealed.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data!).toString('base64'),
    }));
    const origin = new URL(h.config.TEMPORAL_UI_URL).origin;
    const decode = (headers: Record<string, string>) => h.app.inject({ method: 'POST', url: '/api/temporal-codec/decode', headers: { origin, ...headers }, payload: { payloads } });

    const admin = await h.login('admin');
    const decoded = await decode({ cookie: admin.cookie });
    expect(decoded.statusCode).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(origin);
    expect(decoded.headers['access-control-allow-credentials']).toBe('true');
    const texts = decoded.json().payloads.map((p: { data: string }) => Buffer.from(p.data, 'base64').toString());
    expect(texts.join('\n')).toContain('Readable for admins');

    expectError(await decode({ cookie: agent.cookie }), 403);
    expectError(await decode({}), 401);
    const elsewhere = await h.app.inject({ method: 'OPTIONS', url: '/api/temporal-codec/decode', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(elsewhere.headers['access-control-allow-origin']).not.toBe('https://evil.example');
  });
});

describe('an unsigned widget ticket and someone else\'s address', () => {
  it('links no CRM record, shows no one\'s history and lists in nobody\'s "Your tickets" until the link mailed to the address is followed', async () => {
    const email = `real-customer-${randomUUID().slice(0, 8)}@example.com`;
    const externalId = `shop-${randomUUID().slice(0, 8)}`;
    const crm = (await h.request(agent, 'POST', '/api/customers', { email, externalId, firstName: 'Real', lastName: 'Customer' })).json();
    const earlier = (await h.request(agent, 'POST', '/api/tickets', { subject: 'My order history', body: 'Private', customer: { email } })).json();
    const yourTickets = async () => (await h.app.inject({
      method: 'GET', url: '/api/widget/tickets',
      headers: { 'x-helpdesk-external-id': externalId, 'x-helpdesk-signature': externalIdSignature(WIDGET_SECRET, externalId, new Date(Date.now() + 60_000)) },
    })).json().items.map((t: { number: number }) => t.number);

    const opened = await h.app.inject({
      method: 'POST', url: '/api/widget/tickets', remoteAddress: newAddress(),
      payload: { firstName: 'Real', lastName: 'Customer', email, subject: 'Change my delivery address', message: 'Send it to 1 Impostor Lane' },
    });
    expect(opened.statusCode).toBe(201);
    const { number, publicUrl, token } = opened.json();
    const view = async () => (await h.request(agent, 'GET', `/api/tickets/${number}`)).json();
    const before = await view();
    expect(before.customerId).toBeNull();
    expect(before.contact.emailVerified).toBe(false);
    expect(before.customerPanel.crm).toBeNull();
    expect(before.customerPanel.previousTickets.map((t: { number: number }) => t.number)).not.toContain(earlier.number);
    expect(await yourTickets()).not.toContain(number);

    // Only the mail to the address carries the proof; the widget's own answer does not.
    expect(publicUrl).not.toContain('verify=');
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.subject?.includes(`#${number}`)));
    const mailed = /\/t\/[A-Za-z0-9_-]{43}\?verify=([A-Za-z0-9_-]+)/.exec(h.smtp.to(email).find((m) => m.parsed.subject?.includes(`#${number}`))!.parsed.text!)![1]!;
    const verify = (code: string) => h.app.inject({ method: 'POST', url: `/api/public/tickets/${token}/verify`, payload: { code } });
    expectError(await verify('A'.repeat(22)), 422);
    expect((await view()).contact.emailVerified).toBe(false);

    expect((await verify(mailed)).statusCode).toBe(200);
    const after = await view();
    expect(after.contact.emailVerified).toBe(true);
    expect(after.customerId).toBe(crm.id);
    expect(after.events.map((e: { type: string }) => e.type)).toContain('verify_contact');
    expect(await yourTickets()).toContain(number);
  });
});

it('with WIDGET_PROOF_OF_WORK, a form without a solved challenge, with a wrong one or a spent one opens no ticket', async () => {
  const guarded = await anotherApi({ WIDGET_PROOF_OF_WORK: 2000 });
  try {
    const form = () => ({ firstName: 'Bo', lastName: 'T', email: `pow-${randomUUID().slice(0, 8)}@example.com`, subject: 'Hi', message: 'Hello' });
    const send = (extra: Record<string, unknown> = {}) => guarded.inject({ method: 'POST', url: '/api/widget/tickets', remoteAddress: newAddress(), payload: { ...form(), ...extra } });
    const solved = async () => {
      const { challenge } = (await guarded.inject({ method: 'GET', url: '/api/widget/challenge' })).json();
      expect(challenge).not.toBeNull();
      return { challenge, solution: (await solveChallenge({ challenge, deriveKey }))! };
    };
    expectError(await send(), 422, 'proof_of_work');
    const wrong = await solved();
    expectError(await send({ proofOfWork: { ...wrong, solution: { ...wrong.solution, counter: wrong.solution.counter + 1 } } }), 422, 'proof_of_work');
    const proof = await solved();
    expect((await send({ proofOfWork: proof })).statusCode).toBe(201);
    expectError(await send({ proofOfWork: proof }), 422, 'proof_of_work');
    // Off by default: no challenge, and the form is taken without one.
    expect((await h.app.inject({ method: 'GET', url: '/api/widget/challenge' })).json()).toEqual({ challenge: null });
  } finally {
    await guarded.close();
  }
});
