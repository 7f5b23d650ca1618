/**
 * The customer side in a real browser (Debian's Chromium through playwright-core), against
 * the real API, worker, Temporal dev server, PostgreSQL and SMTP server: the widget
 * embedded in another website's page, and the public ticket page behind each link.
 */
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { startHarness, Harness, Session, eventually } from './support/harness';
import { freePort } from './support/ports';
import { launchBrowser, openPage, screenshot, WatchedPage } from './support/browser';
import { externalIdSignature } from '../security/widget-identity';
import { solveChallenge } from 'altcha-lib';
import type { Challenge } from 'altcha-lib/types';
import { deriveKey } from 'altcha-lib/algorithms/sha';

const WIDGET_SECRET = 'shop-widget-secret-for-tests';
const PER_EMAIL_LIMIT = 3;

let h: Harness;
let browser: Browser;
let helpdesk: string;
let shop: string;
let shopServer: Server;
let operator: Session;
const pages: WatchedPage[] = [];

/** Another website: any page it is asked for embeds the widget, as the query says. */
function shopPage(query: URLSearchParams) {
  const attributes = ['externalId', 'externalIdSignature']
    .filter((name) => query.has(name))
    .map((name) => ` data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${query.get(name)}"`)
    .join('') + [...query.keys()].filter((name) => /^field-[a-z0-9_]+$/.test(name)).map((name) => ` data-${name}="${query.get(name)}"`).join('');
  const script = `<script src="${helpdesk}/widget.js" async${attributes}></script>`;
  // The shop's own CSS is hostile on purpose: it must not reach into the widget.
  return `<!doctype html><html><head><title>Example Shop</title>
<style>button { font-size: 40px !important; background: red !important; } * { font-family: serif; }</style>
${script}${query.has('twice') ? script : ''}</head>
<body><h1>Example Shop</h1><p>Products and prices.</p></body></html>`;
}

beforeAll(async () => {
  const port = await freePort();
  helpdesk = `http://127.0.0.1:${port}`;
  h = await startHarness({
    // The widget solves a small proof-of-work challenge before each ticket, as a website that turns it on.
    env: { PUBLIC_URL: helpdesk, WIDGET_SECRET, WIDGET_DEMO: 'true', WIDGET_PROOF_OF_WORK: '2000', WIDGET_TICKETS_PER_HOUR_PER_EMAIL: String(PER_EMAIL_LIMIT), WIDGET_TICKETS_PER_HOUR_PER_ADDRESS: '1000' },
  });
  await h.app.listen({ host: '127.0.0.1', port });
  shopServer = createServer((request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(shopPage(new URL(request.url ?? '/', 'http://shop').searchParams));
  });
  const shopPort = await freePort();
  await new Promise<void>((resolve) => shopServer.listen(shopPort, '127.0.0.1', resolve));
  // "localhost" and "127.0.0.1" are different origins: the shop is another website.
  shop = `http://localhost:${shopPort}`;
  browser = await launchBrowser();
  operator = await h.login('agent', 'Sam Support');
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => shopServer?.close(resolve));
  await h?.close();
});

afterEach(() => {
  for (const watched of pages.splice(0)) {
    expect(watched.problems).toEqual([]);
    expect(watched.dialogs).toEqual([]);
  }
});

async function newPage(): Promise<WatchedPage> {
  const watched = await openPage(browser);
  pages.push(watched);
  return watched;
}

const uniqueEmail = (name = 'visitor') => `${name}-${randomUUID().slice(0, 8)}@example.com`;

/** Refusals a test provokes on purpose: Chromium logs every 4xx answer as a console error. */
function expectRefusals(watched: WatchedPage, statuses: number[]) {
  for (const status of statuses) {
    const index = watched.problems.findIndex((p) => p.includes(`status of ${status} `));
    expect(index).toBeGreaterThanOrEqual(0);
    watched.problems.splice(index, 1);
  }
}

async function openShop(page: Page, params: Record<string, string> = {}) {
  await page.goto(`${shop}/?${new URLSearchParams(params)}`);
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog', { name: 'Contact us' }).waitFor();
}

async function fillForm(page: Page, form: { firstName?: string; lastName?: string; email?: string; phone?: string; subject?: string; message?: string }) {
  const panel = page.getByRole('dialog', { name: 'Contact us' });
  if (form.firstName !== undefined) await panel.getByLabel('First name').fill(form.firstName);
  if (form.lastName !== undefined) await panel.getByLabel('Last name').fill(form.lastName);
  if (form.email !== undefined) await panel.getByLabel('Email').fill(form.email);
  if (form.phone !== undefined) await panel.getByLabel('Phone (optional)').fill(form.phone);
  if (form.subject !== undefined) await panel.getByLabel('Subject').fill(form.subject);
  if (form.message !== undefined) await panel.getByLabel('Message').fill(form.message);
}

const inAnHour = () => new Date(Date.now() + 3_600_000);
/** What the widget does before it sends, for the requests this test sends itself. */
async function solvedChallenge() {
  const { challenge } = (await (await fetch(`${helpdesk}/api/widget/challenge`)).json()) as { challenge: Challenge };
  return { challenge, solution: await solveChallenge({ challenge, deriveKey }) };
}
const signed = (externalId: string) => ({ externalId, externalIdSignature: externalIdSignature(WIDGET_SECRET, externalId, inAnHour()) });

async function ticket(number: number) {
  return (await h.request(operator, 'GET', `/api/tickets/${number}`)).json();
}

describe('The widget on another website', () => {
  it('opens a ticket linked to the CRM by the signed external ID, acknowledged by mail with the link', async () => {
    const externalId = `cust-${randomUUID().slice(0, 8)}`;
    const customer = (await h.request(operator, 'POST', '/api/customers', { externalId, email: uniqueEmail('crm'), firstName: 'Known', lastName: 'Buyer' })).json();
    const email = uniqueEmail();
    const { page } = await newPage();
    await openShop(page, signed(externalId));
    // The shop's CSS stays out of the widget's Shadow DOM.
    const style = (selector: ReturnType<Page['getByRole']>) => selector.evaluate((el) => {
      const computed = (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string; fontFamily: string } }).getComputedStyle(el);
      return { fontSize: computed.fontSize, fontFamily: computed.fontFamily };
    });
    const launcher = await style(page.getByRole('button', { name: 'Close' }).last());
    expect(launcher.fontSize).not.toBe('40px');
    expect(launcher.fontFamily).not.toBe('serif');
    expect((await style(page.getByRole('textbox', { name: 'Email' }))).fontFamily).not.toBe('serif');

    await fillForm(page, { firstName: 'Wanda', lastName: 'Widget', email, phone: '+48 600 100 200', subject: 'Where is my parcel?', message: 'Ordered last week, nothing yet.' });
    await page.getByLabel('Attachments (optional)').setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('Order 42, paid') });
    await screenshot(page, 'widget-form');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Thank you!').waitFor();
    const link = await page.getByRole('link', { name: /\/t\// }).textContent();
    const number = Number(/#(\d+)/.exec((await page.getByRole('status').textContent())!)![1]);
    await screenshot(page, 'widget-sent');

    const saved = await eventually(async () => {
      const t = await ticket(number);
      return t.customerId === customer.id ? t : undefined;
    }, 20_000, 'the CRM link');
    expect(saved).toMatchObject({
      source: 'widget', subject: 'Where is my parcel?', status: 'new',
      contact: { email, firstName: 'Wanda', lastName: 'Widget', phone: '+48 600 100 200', externalId },
    });
    expect(saved.publicUrl).toBe(link);
    // The file came with the first message, for the operator and on the public page.
    expect(saved.comments[0].attachments).toEqual([expect.objectContaining({ filename: 'receipt.txt', size: 14, stored: true })]);
    const download = await h.request(operator, 'GET', `/api/attachments/${saved.comments[0].attachments[0].id}`);
    expect(download.body).toBe('Order 42, paid');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="receipt.txt"/);
    await page.goto(link!);
    const publicFile = await page.getByRole('link', { name: /receipt\.txt/ }).getAttribute('href');
    expect(await (await fetch(publicFile!)).text()).toBe('Order 42, paid');
    await h.smtp.waitFor(() => h.smtp.to(email).length === 1);
    expect(h.smtp.to(email)[0]!.parsed.text).toContain(link!);
  });

  it("fills in the ticket fields the website names on the widget's script tag (data-field-<key>), those an admin let it set", async () => {
    const admin = await h.login('admin');
    const plan = `plan_${randomUUID().slice(0, 6).replace(/-/g, '')}`;
    expect((await h.request(admin, 'POST', '/api/ticket-fields', { key: plan, label: 'Plan', type: 'select', options: ['free', 'pro'], widget: true })).statusCode).toBe(201);
    const { page } = await newPage();
    await openShop(page, { [`field-${plan}`]: 'pro' });
    await fillForm(page, { firstName: 'Fay', lastName: 'Fields', email: uniqueEmail(), subject: 'Upgrade', message: 'How do I add seats?' });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Thank you!').waitFor();
    const number = Number(/#(\d+)/.exec((await page.getByRole('status').textContent())!)![1]);
    expect((await ticket(number)).fields).toEqual({ [plan]: 'pro' });
  });

  it('ignores an unsigned external ID and refuses a forged signature with a clear message', async () => {
    const externalId = `cust-${randomUUID().slice(0, 8)}`;
    await h.request(operator, 'POST', '/api/customers', { externalId, email: uniqueEmail('crm') });

    const unsigned = await newPage();
    await openShop(unsigned.page, { externalId });
    await fillForm(unsigned.page, { firstName: 'Una', email: uniqueEmail(), subject: 'Unsigned', message: 'Hello' });
    await unsigned.page.getByRole('button', { name: 'Send' }).click();
    await unsigned.page.getByText('Thank you!').waitFor();
    const number = Number(/#(\d+)/.exec((await unsigned.page.getByRole('status').textContent())!)![1]);
    const saved = await ticket(number);
    expect(saved.contact.externalId).toBeNull();
    expect(saved.customerId).toBeNull();

    const forged = await newPage();
    await openShop(forged.page, { externalId, externalIdSignature: externalIdSignature('guessed-secret', externalId, inAnHour()) });
    await fillForm(forged.page, { firstName: 'Mallory', email: uniqueEmail(), subject: 'Forged', message: 'Let me in' });
    await forged.page.getByRole('button', { name: 'Send' }).click();
    await forged.page.getByRole('alert').filter({ hasText: "The external ID's signature is not valid." }).waitFor();
    expectRefusals(forged, [403]);
    // Nor does a forged signature list anyone's tickets.
    const listed = await fetch(`${helpdesk}/api/widget/tickets`, { headers: { 'x-helpdesk-external-id': externalId, 'x-helpdesk-signature': externalIdSignature('guessed-secret', externalId, inAnHour()) } });
    expect(listed.status).toBe(403);
  });

  it('checks the form as the visitor sends it, with the same rules as the API', async () => {
    const watched = await newPage();
    const { page } = watched;
    const posts: string[] = [];
    page.on('request', (request) => { if (request.method() === 'POST') posts.push(request.url()); });
    await openShop(page);
    await page.getByRole('button', { name: 'Send' }).click();
    const panel = page.getByRole('dialog', { name: 'Contact us' });
    await panel.getByText('Tell us your name.').waitFor();
    await panel.getByText('Give your email address, so we can answer.').waitFor();
    await panel.getByText('Give your message a subject.').waitFor();
    await panel.getByText('Write your message.').waitFor();
    expect(await panel.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await fillForm(page, { firstName: 'Ann', email: 'not-an-address', subject: 'Hi', message: 'x'.repeat(10_001) });
    await page.getByRole('button', { name: 'Send' }).click();
    await panel.getByText('"not-an-address" is not an email address.').waitFor();
    await panel.getByText('The message is longer than 10,000 characters.').waitFor();
    await panel.getByLabel('Attachments (optional)').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
    await page.getByRole('button', { name: 'Send' }).click();
    await panel.getByText('"huge.bin" is larger than 5 MB.').waitFor();
    expect(posts).toEqual([]);
    await screenshot(page, 'widget-problems');

    // Without the widget, the API says the same.
    const post = (body: Record<string, unknown>) => fetch(`${helpdesk}/api/widget/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const valid = { firstName: 'Ann', lastName: '', email: uniqueEmail(), subject: 'Hi', message: 'Hello' };
    const badEmail = await post({ ...valid, email: 'not-an-address' });
    expect(badEmail.status).toBe(422);
    expect(await badEmail.json()).toEqual({ error: 'invalid_input', message: '"not-an-address" is not an email address.' });
    const long = await post({ ...valid, message: 'x'.repeat(10_001) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { message: string }).message).toMatch(/message/);
    const huge = await post({ ...valid, message: 'x'.repeat(25_000_000) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ message: expect.stringMatching(/too large/i) });
    const bigFile = await post({ ...valid, attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(5 * 1024 * 1024 + 1).toString('base64') }] });
    expect(bigFile.status).toBe(422);
    expect(await bigFile.json()).toEqual({ error: 'invalid_input', message: '"big.bin" is larger than 5 MB.' });
    const bot = await post({ ...valid, website: 'http://spam.example' });
    expect(bot.status).toBe(422);
    expect(((await bot.json()) as { message: string }).message).toMatch(/filled in by a program/);
  });

  it('limits tickets per email address, saying so in the widget', async () => {
    const email = uniqueEmail('eager');
    for (let i = 0; i < PER_EMAIL_LIMIT; i++) {
      const response = await fetch(`${helpdesk}/api/widget/tickets`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ firstName: 'Eager', lastName: '', email, subject: `Try ${i}`, message: 'Hello', proofOfWork: await solvedChallenge() }),
      });
      expect(response.status).toBe(201);
    }
    const watched = await newPage();
    await openShop(watched.page);
    await fillForm(watched.page, { firstName: 'Eager', email, subject: 'One more', message: 'Hello again' });
    await watched.page.getByRole('button', { name: 'Send' }).click();
    await watched.page.getByRole('alert').filter({ hasText: `You have opened ${PER_EMAIL_LIMIT} tickets in the last hour` }).waitFor();
    expectRefusals(watched, [429]);
  });

  it('is harmless when loaded twice: one widget, no errors', async () => {
    const { page } = await newPage();
    await page.goto(`${shop}/?twice=1`);
    await page.getByRole('button', { name: 'Contact us' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('helpdesk-widget').count()).toBe(1);
  });
});

describe('Following a ticket through its link', () => {
  it('shows the public history live, never a note; the customer answers; closing and reopening from the page and the widget', async () => {
    const externalId = `cust-${randomUUID().slice(0, 8)}`;
    const email = uniqueEmail('follower');
    const created = await fetch(`${helpdesk}/api/widget/tickets`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Fay', lastName: 'Follower', email, subject: 'Broken zipper', message: 'The zipper broke on day one.', ...signed(externalId), proofOfWork: await solvedChallenge() }),
    });
    expect(created.status).toBe(201);
    const { number, publicUrl } = (await created.json()) as { number: number; publicUrl: string };

    const watched = await newPage();
    const { page } = watched;
    const bodies: string[] = [];
    page.on('response', async (response) => {
      if (!(response.headers()['content-type'] ?? '').includes('event-stream')) bodies.push(await response.text().catch(() => ''));
    });
    await page.goto(publicUrl);
    await page.getByRole('heading', { name: 'Broken zipper' }).waitFor();
    await page.getByText('The zipper broke on day one.').waitFor();
    await page.getByText('New', { exact: true }).waitFor();

    // The operator writes a note and a reply; the open page shows the reply by itself.
    const note = `NOTE-${randomUUID()}`;
    const reply = `We are sending a new one ${randomUUID().slice(0, 6)}`;
    await h.request(operator, 'POST', `/api/tickets/${number}/comments`, { body: note, visibility: 'internal' });
    await h.request(operator, 'POST', `/api/tickets/${number}/comments`, {
      body: reply, visibility: 'public', attachments: [{ filename: 'label.txt', contentType: 'text/plain', content: Buffer.from('Return label').toString('base64') }],
    });
    const replied = page.getByRole('article', { name: 'Reply from Sam Support' });
    await replied.getByText(reply).waitFor();
    const label = replied.getByRole('link', { name: /label\.txt/ });
    const download = await fetch(new URL((await label.getAttribute('href'))!, publicUrl));
    expect(await download.text()).toBe('Return label');

    // The customer answers with a photo of the damage.
    const answer = `Thank you ${randomUUID().slice(0, 6)}`;
    await page.getByLabel('Your answer').fill(answer);
    await page.getByLabel('Attach files (optional)').setInputFiles({ name: 'zipper.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('jpeg bytes') });
    await page.getByRole('button', { name: 'Send answer' }).click();
    await page.getByText('Sent. We will get back to you.').waitFor();
    await page.getByRole('article', { name: 'Your message' }).filter({ hasText: answer }).getByRole('link', { name: /zipper\.jpg/ }).waitFor();
    const thread = (await ticket(number)).comments;
    expect(thread.at(-1)).toMatchObject({ body: answer, channel: 'web', author: { kind: 'customer' }, attachments: [expect.objectContaining({ filename: 'zipper.jpg', size: 10 })] });

    // Closed by the operator: the page says so; writing reopens the ticket.
    await h.request(operator, 'PATCH', `/api/tickets/${number}`, { status: 'closed' });
    await page.getByText('This ticket is closed. Writing here reopens it.').waitFor();
    await screenshot(page, 'ticket-page-closed');
    await page.getByLabel('Your answer').fill('It broke again.');
    await page.getByRole('button', { name: 'Send and reopen' }).click();
    await page.getByText('Sent. Your ticket is open again.').waitFor();
    expect((await ticket(number)).status).not.toBe('closed');

    // Nothing the page received, HTML or JSON, carried the note.
    expect(bodies.length).toBeGreaterThan(3);
    expect(bodies.join('\n')).not.toContain(note);
    expect(await page.content()).not.toContain(note);
    expect(await page.getByText(note).count()).toBe(0);

    // Closed again, and reopened from the widget by the visitor the shop vouches for.
    await h.request(operator, 'PATCH', `/api/tickets/${number}`, { status: 'closed' });
    const shopper = await newPage();
    await openShop(shopper.page, signed(externalId));
    await shopper.page.getByRole('tab', { name: 'Your tickets' }).click();
    await shopper.page.getByRole('button', { name: /Broken zipper/ }).click();
    await shopper.page.getByText('This ticket is closed. Writing here reopens it.').waitFor();
    await shopper.page.getByLabel('Your answer').fill('Reopening from the shop.');
    await shopper.page.getByRole('button', { name: 'Send and reopen' }).click();
    await shopper.page.getByText('Sent. Your ticket is open again.').waitFor();
    await screenshot(shopper.page, 'widget-your-ticket');
    expect((await ticket(number)).status).not.toBe('closed');
    expect(await shopper.page.getByText(note).count()).toBe(0);
  });

  it('answers an unknown or malformed link with the same 404, under a strict policy', async () => {
    const unknown = await fetch(`${helpdesk}/t/${'A'.repeat(43)}`);
    const malformed = await fetch(`${helpdesk}/t/not-a-token`);
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(await unknown.text()).toBe(await malformed.text());
    for (const response of [unknown, malformed]) {
      expect(response.headers.get('x-robots-tag')).toBe('noindex, nofollow');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });
});

describe('Hostile input', () => {
  it('shows script and HTML from every field as text, in the widget, the page and the admin API', async () => {
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const email = uniqueEmail('hostile');
    const watched = await newPage();
    await openShop(watched.page);
    await fillForm(watched.page, { firstName: payload, lastName: payload, email, subject: `Subject ${payload}`, message: `Body ${payload}` });
    await watched.page.getByRole('button', { name: 'Send' }).click();
    await watched.page.getByText('Thank you!').waitFor();
    const link = (await watched.page.getByRole('link', { name: /\/t\// }).textContent())!;

    await watched.page.goto(link);
    await watched.page.getByRole('heading', { name: `Subject ${payload}` }).waitFor();
    await watched.page.getByText(`Body ${payload}`).waitFor();
    expect(await watched.page.locator('img').count()).toBe(0);
    const number = Number(/Ticket #(\d+)/.exec((await watched.page.getByText(/Ticket #\d+/).textContent())!)![1]);
    expect((await ticket(number)).contact).toMatchObject({ firstName: payload, lastName: payload });
  });
});

it('serves a demo website with the widget', async () => {
  const { page } = await newPage();
  await page.goto(`${helpdesk}/widget/demo`);
  await page.getByRole('heading', { name: 'Example Shop' }).waitFor();
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog', { name: 'Contact us' }).getByLabel('Email').waitFor();
  await page.getByRole('tab', { name: 'Your tickets' }).waitFor();
});
