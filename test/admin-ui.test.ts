/**
 * The admin UI in a real browser (Debian's Chromium through playwright-core) against the
 * real API, worker, Temporal dev server, PostgreSQL and SMTP server: an operator handles
 * a customer's ticket from first sight to closed, while a colleague watches it live.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Browser, Page } from 'playwright-core';
import { startHarness, Harness, Session, eventually } from './support/harness';
import { freePort } from './support/ports';
import { launchBrowser, openPage, screenshot, WatchedPage } from './support/browser';
import { ticketCommandsFor } from '../workflows/ticket/client';
import { createMailIngestion } from '../mail/inbound/ingest';
import { createTicketIntake } from '../intake/open-ticket';
import { teamDispatchFor } from '../workflows/team-dispatcher/client';

let h: Harness;
let browser: Browser;
let baseUrl: string;
let olivia: Session;
let colleague: Session;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  // Every browser logs in from 127.0.0.1: the per-address login limit is not under test here.
  h = await startHarness({ env: { PUBLIC_URL: baseUrl, RATE_LIMIT_LOGIN: '1000' } });
  await h.app.listen({ host: '127.0.0.1', port });
  browser = await launchBrowser();
  olivia = await h.login('agent', 'Olivia Operator');
  colleague = await h.login('agent', 'Colin Colleague');
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

afterEach(() => {
  // Whatever a test did, the pages it opened logged no error and ran no injected script.
  for (const watched of pages.splice(0)) {
    expect(watched.problems).toEqual([]);
    expect(watched.dialogs).toEqual([]);
  }
});

/** Refusals a test provokes on purpose: Chromium logs every 4xx answer as a console error. */
function expectRefusals(watched: WatchedPage, statuses: number[]) {
  for (const status of statuses) {
    const index = watched.problems.findIndex((p) => p.includes(`status of ${status} `));
    expect(index).toBeGreaterThanOrEqual(0);
    watched.problems.splice(index, 1);
  }
}

const uniqueEmail = (name = 'customer') => `${name}-${randomUUID().slice(0, 8)}@example.com`;

async function newPage(viewport?: { width: number; height: number }): Promise<WatchedPage> {
  const watched = await openPage(browser, viewport);
  pages.push(watched);
  return watched;
}

async function logIn(page: Page, session: Session, path = '/admin/') {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Email').fill(session.operator.email);
  await page.getByLabel('Password').fill(session.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** A customer's mail turned ticket, the way the mailbox workflow opens one. */
async function customerEmailsIn(subject: string, body: string, contact: { email: string; firstName?: string; lastName?: string }) {
  const [row] = await h.db.sequelize.query<{ number: number }>("SELECT nextval('ticket_number_seq')::int AS number", { type: QueryTypes.SELECT });
  const number = row!.number;
  await ticketCommandsFor(h.temporal, h.config).create({
    number, subject, body, priority: 'normal', source: 'email',
    contact: { email: contact.email, phone: null, firstName: contact.firstName ?? null, lastName: contact.lastName ?? null, externalId: null },
    mailbox: null, createdBy: null, assigneeId: null, messageKey: `<${randomUUID()}@mail.example.com>`, suppressAcknowledgement: false,
  });
  return number;
}

const selectValue = (page: Page, label: string) => page.getByLabel(label, { exact: true }).inputValue();

async function waitUntil(check: () => Promise<boolean>, what: string) {
  await eventually(async () => (await check()) || undefined, 20_000, what);
}

describe('Logging in', () => {
  it('shows a clear error for a wrong password, then logs in and out', async () => {
    const watched = await newPage();
    const { page } = watched;
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Email').fill(olivia.operator.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    expectRefusals(watched, [401]);
    await screenshot(page, 'admin-login-refused');

    // By keyboard alone: the fields are labelled and in order, Enter submits.
    await page.getByLabel('Password').fill('');
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type(olivia.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'All open' }).waitFor();
    expect(page.url()).toBe(`${baseUrl}/admin/tickets`);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to the helpdesk' }).waitFor();
    // The session is gone on the server too, not only in the page.
    const session = await page.evaluate<{ operator: unknown }>("fetch('/api/auth/session').then((r) => r.json())");
    expect(session.operator).toBeNull();
  });

  it('takes an operator to the ticket a mail linked to once they have logged in', async () => {
    const number = await customerEmailsIn('Deep link check', 'Hello', { email: uniqueEmail() });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    await page.getByRole('heading', { name: `#${number} Deep link check` }).waitFor();
  });
});

describe('Handling a ticket', () => {
  it('from a new customer mail to closed, with a colleague watching live', async () => {
    const email = uniqueEmail('dana');
    const subject = `Invoice missing ${randomUUID().slice(0, 6)}`;
    // The customer wrote before, and the CRM knows them under another address.
    const earlier = await customerEmailsIn(`Earlier question ${randomUUID().slice(0, 6)}`, 'Old one', { email, firstName: 'Dana', lastName: 'Scully' });
    const crmName = `Dana${randomUUID().slice(0, 4)}`;
    const crm = (await h.request(olivia, 'POST', '/api/customers', { email: uniqueEmail('dana-work'), firstName: crmName, lastName: 'Scully', externalId: `EXT-${randomUUID().slice(0, 6)}`, company: 'FBI' })).json();

    const a = await newPage();
    const b = await newPage();
    await logIn(a.page, olivia);
    await logIn(b.page, colleague);
    await a.page.getByRole('heading', { name: 'All open' }).waitFor();

    // A new mail arrives while both look at the list: it appears without a reload.
    const number = await customerEmailsIn(subject, 'I never got the invoice for October.', { email, firstName: 'Dana', lastName: 'Scully' });
    await a.page.getByRole('link', { name: subject }).waitFor();
    await b.page.getByRole('link', { name: subject }).waitFor();
    // Searching narrows the list to it.
    await a.page.getByLabel('Search').fill(subject);
    await waitUntil(async () => (await a.page.locator('tbody tr').count()) === 1, 'the search to narrow the list');
    await screenshot(a.page, 'admin-ticket-list');

    await a.page.getByRole('link', { name: subject }).click();
    await a.page.getByRole('heading', { name: `#${number} ${subject}` }).waitFor();
    expect(a.page.url()).toBe(`${baseUrl}/admin/tickets/${number}`);
    await b.page.goto(`${baseUrl}/admin/tickets/${number}`);
    await b.page.getByRole('heading', { name: `#${number} ${subject}` }).waitFor();

    // The customer panel: contact data, not in the CRM yet, the earlier ticket.
    const panel = a.page.locator('customer-panel');
    await panel.getByText(email).first().waitFor();
    await panel.getByText('Not in CRM').waitFor();
    await panel.getByRole('link', { name: new RegExp(`#${earlier} `) }).waitFor();
    expect(await a.page.getByText('I never got the invoice for October.').count()).toBe(1);

    // Link the CRM record found by searching.
    await panel.getByRole('button', { name: 'Link CRM customer…' }).click();
    await a.page.getByLabel('Search the CRM').fill(crmName);
    await a.page.getByRole('button', { name: `Link ${crmName} Scully` }).waitFor();
    await screenshot(a.page, 'admin-crm-dialog');
    await a.page.getByRole('button', { name: `Link ${crmName} Scully` }).click();
    await panel.getByRole('link', { name: `${crmName} Scully` }).waitFor();
    await panel.getByRole('link', { name: new RegExp(`#${earlier} `) }).waitFor();
    expect((await h.request(olivia, 'GET', `/api/tickets/${number}`)).json().customerId).toBe(crm.id);

    await a.page.getByRole('button', { name: 'Assign to me' }).click();
    await waitUntil(async () => (await a.page.getByLabel('Assignee', { exact: true }).locator('option:checked').textContent()) === 'Olivia Operator', 'the assignee');
    await waitUntil(async () => (await selectValue(b.page, 'Assignee')) === String(olivia.operator.id), 'the colleague to see the assignment');

    await a.page.getByLabel('Priority', { exact: true }).selectOption('high');
    await waitUntil(async () => (await selectValue(b.page, 'Priority')) === 'high', 'the colleague to see the priority');

    // An internal note: chosen on purpose, shown as one, never mailed.
    const note = `Internal: customer owes us ${randomUUID().slice(0, 6)}`;
    await a.page.getByText('Internal note', { exact: true }).click();
    await a.page.getByRole('textbox', { name: /Internal note: only operators see it/ }).fill(note);
    await a.page.getByRole('button', { name: 'Add internal note' }).click();
    await a.page.getByRole('article', { name: /Internal note by Olivia Operator/ }).getByText(note).waitFor();
    await b.page.getByText(note).waitFor();

    const reply = `Here is your invoice ${randomUUID().slice(0, 6)}`;
    await a.page.getByText('Public reply', { exact: true }).first().click();
    await a.page.getByRole('textbox', { name: /Public reply: the customer sees it/ }).fill(reply);
    await a.page.getByRole('button', { name: 'Send public reply' }).click();
    await a.page.getByRole('article', { name: /Public message by Olivia Operator/ }).getByText(reply).waitFor();
    await b.page.getByText(reply).waitFor();
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes(reply)));

    // The customer answers through their link: both open views show it.
    const answer = `Thanks, got it ${randomUUID().slice(0, 6)}`;
    const token = (await a.page.getByLabel("Customer's public link").inputValue()).split('/t/')[1];
    expect((await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: answer })).statusCode).toBe(201);
    await a.page.getByRole('article', { name: /Public message by Dana Scully/ }).getByText(answer).waitFor();
    await b.page.getByText(answer).waitFor();

    await a.page.getByLabel('Status', { exact: true }).selectOption('waiting');
    await waitUntil(async () => (await selectValue(b.page, 'Status')) === 'waiting', 'the colleague to see Waiting');
    await screenshot(a.page, 'admin-ticket-view');

    await a.page.getByLabel('Status', { exact: true }).selectOption('closed');
    await waitUntil(async () => (await selectValue(b.page, 'Status')) === 'closed', 'the colleague to see Closed');
    await b.page.locator('.head .badge.status-closed').waitFor();

    // The customer got exactly one mail with the reply, and none with the note.
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.subject?.includes(`#${number}`) && /closed/i.test(m.parsed.text ?? '')));
    const mails = h.smtp.to(email);
    expect(mails.filter((m) => m.raw.includes(reply))).toHaveLength(1);
    expect(mails.filter((m) => m.raw.includes(note))).toHaveLength(0);
    const saved = (await h.request(olivia, 'GET', `/api/tickets/${number}`)).json();
    expect(saved).toMatchObject({ status: 'closed', priority: 'high', assignee: { id: olivia.operator.id }, customerId: crm.id });
  });

  it('shows the workflow refusing a change and puts the control back; a closed ticket offers Reopen and reply', async () => {
    const email = uniqueEmail('refusal');
    const number = await customerEmailsIn('Refusal check', 'Hello', { email });
    const watched = await newPage();
    const { page } = watched;
    await logIn(page, olivia, `/admin/tickets/${number}`);
    await page.getByLabel('Status', { exact: true }).selectOption('in_progress');
    await page.locator('.head .badge.status-in_progress').waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('new');
    await page.getByRole('alert').filter({ hasText: '"New" is only for fresh tickets' }).waitFor();
    expect(await selectValue(page, 'Status')).toBe('in_progress');

    // A refusal goes with the next action.
    await page.getByLabel('Priority', { exact: true }).selectOption('high');
    await page.locator('.head .badge.priority-high').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    // A closed ticket says so where the reply is written, before anything is typed, and the
    // reply reopens it in the same change: one mail, the reply.
    await page.getByLabel('Status', { exact: true }).selectOption('closed');
    await page.locator('.head .badge.status-closed').waitFor();
    await page.getByRole('note').filter({ hasText: 'This ticket is closed. Replying reopens it' }).waitFor();
    expect(await page.getByRole('button', { name: 'Send public reply' }).count()).toBe(0);
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => /closed/i.test(m.parsed.text ?? '')));
    const before = h.smtp.to(email).length;
    await page.getByRole('textbox', { name: /Public reply/ }).fill('Not too late after all.');
    await page.getByRole('button', { name: 'Reopen and reply' }).click();
    await page.locator('.head .badge.status-in_progress').waitFor();
    await page.getByRole('status').filter({ hasText: 'Ticket reopened; reply sent to the customer.' }).waitFor();
    await page.getByRole('article', { name: /Public message by Olivia Operator/ }).getByText('Not too late after all.').waitFor();
    await h.smtp.waitFor(() => h.smtp.to(email).length === before + 1);
    expect(h.smtp.to(email).at(-1)!.parsed.text).toContain('Not too late after all.');
    // The confirmation goes by itself.
    await page.getByRole('status').filter({ hasText: 'Ticket reopened' }).waitFor({ state: 'detached', timeout: 10_000 });
    expectRefusals(watched, [409]);
  });

  it('Send and close: one change, the reply is the only mail, and the history reads as sentences', async () => {
    const email = uniqueEmail('sendclose');
    const number = await customerEmailsIn('Send and close', 'Is it fixed?', { email, firstName: 'Sam' });
    await h.smtp.waitFor(() => h.smtp.to(email).length === 1);
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByText('Assigned to you').waitFor();
    expect(await page.getByRole('button', { name: 'Assign to me' }).count()).toBe(0);
    await page.getByRole('textbox', { name: /Public reply/ }).fill('Yes, fixed in version 2.');
    await page.getByRole('button', { name: 'Send and close' }).click();
    await page.locator('.head .badge.status-closed').waitFor();
    await h.smtp.waitFor(() => h.smtp.to(email).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const mails = h.smtp.to(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.parsed.text).toContain('Yes, fixed in version 2.');
    expect(mails[1]!.parsed.text).toContain('(Closed)');

    await page.getByText(/^History/).click();
    const history = page.locator('details ol');
    await history.getByText('The customer opened the ticket (New, Normal priority)').waitFor();
    await history.getByText('Olivia Operator took it').waitFor();
    await history.getByText('Olivia Operator replied to the customer').waitFor();
    await history.getByText('Olivia Operator closed the ticket').waitFor();
    expect(await history.textContent()).not.toMatch(/null|undefined/);
  });

  it('Wait until tomorrow 9:00: the ticket shows when it comes back, the list too, and the history says so', async () => {
    const email = uniqueEmail('snooze');
    const number = await customerEmailsIn('Waiting for the vendor', 'Any news?', { email, firstName: 'Vera' });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    await page.getByRole('button', { name: 'Wait until…' }).click();
    await page.getByRole('group', { name: 'Wait until' }).getByRole('button', { name: 'Tomorrow 9:00' }).click();
    await page.locator('.head .badge.status-waiting').waitFor();
    const now = new Date();
    const tomorrowNine = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
    const detail = (await h.request(olivia, 'GET', `/api/tickets/${number}`)).json() as { waitingUntil: string; nextClock: { event: string; at: string } };
    expect(detail.waitingUntil).toBe(tomorrowNine.toISOString());
    expect(detail.nextClock).toEqual({ event: 'wake_up', at: tomorrowNine.toISOString() });
    expect(await page.locator('.head .badge.status-waiting').textContent()).toContain('until');
    await page.getByRole('status').filter({ hasText: 'Back to In Progress' }).waitFor();
    await page.getByText(/^History/).click();
    await page.locator('details ol').getByText(/Olivia Operator set the status from New to Waiting until/).waitFor();

    await page.goto(`${baseUrl}/admin/tickets?status=waiting`);
    await page.getByRole('row').filter({ hasText: 'Waiting for the vendor' }).getByText(/until (in |tomorrow)/).waitFor();
  });

  it('My tickets says it shows your tickets, and Anyone shows everyone\'s', async () => {
    const { page } = await newPage();
    await logIn(page, olivia, '/admin/tickets?view=mine');
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    expect(await page.getByLabel('Assignee', { exact: true }).locator('option:checked').textContent()).toBe('Me');
    expect(await page.getByLabel('Status', { exact: true }).locator('option:checked').textContent()).toBe('Any open status');
    await page.getByLabel('Assignee', { exact: true }).selectOption({ label: 'Anyone' });
    await waitUntil(async () => page.url().includes('assignee=any'), 'the filter to apply');
    expect(await page.getByLabel('Assignee', { exact: true }).locator('option:checked').textContent()).toBe('Anyone');
  });

  it('gives the public link to copy and the workflow in Temporal Web', async () => {
    const number = await customerEmailsIn('Link check', 'Hello', { email: uniqueEmail() });
    const { page, context } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    await logIn(page, olivia, `/admin/tickets/${number}`);
    const link = await page.getByLabel("Customer's public link").inputValue();
    expect(link).toMatch(new RegExp(`^${baseUrl}/t/[A-Za-z0-9_-]{43}$`));
    await page.getByRole('button', { name: 'Copy public link' }).click();
    await page.getByText('Link copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);
    await page.getByText('Link copied.').waitFor({ state: 'detached', timeout: 10_000 });

    // A link that went to the wrong person: a new one, and the old one is dead.
    await page.getByRole('button', { name: 'Rotate public link' }).click();
    await page.getByRole('button', { name: 'Make new link' }).click();
    await page.getByText('New link made. The old one no longer works.').waitFor();
    const rotated = await page.getByLabel("Customer's public link").inputValue();
    expect(rotated).not.toBe(link);
    expect((await h.request(null, 'GET', `/api/public/tickets/${link.split('/t/')[1]}`)).statusCode).toBe(404);
    expect((await h.request(null, 'GET', `/api/public/tickets/${rotated.split('/t/')[1]}`)).statusCode).toBe(200);
    const temporal = await page.getByRole('link', { name: 'Open in Temporal Web' }).getAttribute('href');
    expect(temporal).toBe(`${h.config.TEMPORAL_UI_URL}/namespaces/default/workflows/ticket-${number}`);
  });
});

describe('SLA', () => {
  it('an admin adds a policy on its screen; its ticket shows when the answer is due, the alert comes live, and Overdue finds it once missed', async () => {
    const admin = await h.login('admin', 'Ada Admin');
    const mailbox = `sla-ui-${randomUUID().slice(0, 8)}`;
    const name = `Urgent care ${randomUUID().slice(0, 6)}`;
    const { page } = await newPage();
    await logIn(page, admin, '/admin/sla-policies');
    await page.getByRole('heading', { name: 'SLA policies' }).waitFor();
    const form = page.getByRole('form', { name: 'Add an SLA policy' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Mailboxes (empty: any)').fill(mailbox);
    await form.getByLabel('Urgent: First response').fill('6s');
    await form.getByLabel('Normal: Resolution').fill('2d');
    await form.getByRole('button', { name: 'Add policy' }).click();
    await page.getByRole('status').filter({ hasText: `${name} is added` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByText('first response 6s').waitFor();
    await row.getByText('Around the clock, paused while waiting').waitFor();

    const [numbered] = await h.db.sequelize.query<{ number: number }>("SELECT nextval('ticket_number_seq')::int AS number", { type: QueryTypes.SELECT });
    const number = numbered!.number;
    await ticketCommandsFor(h.temporal, h.config).create({
      number, subject: 'Checkout is broken', body: 'Nobody can pay.', priority: 'urgent', source: 'email',
      contact: { email: uniqueEmail('sla'), phone: null, firstName: 'Uma', lastName: null, externalId: null },
      mailbox, createdBy: null, assigneeId: null, messageKey: `<${randomUUID()}@mail.example.com>`, suppressAcknowledgement: true,
    });
    await page.goto(`${baseUrl}/admin/tickets?view=dueSoon`);
    await page.getByRole('heading', { name: 'Due soon' }).waitFor();
    await page.locator(`tr[data-ticket="${number}"] .badge.due-soon`).getByText(/^due in \d+ min$/).waitFor();
    await page.getByRole('status', { name: 'SLA alerts' }).getByText(`Ticket #${number}`).waitFor({ timeout: 15_000 });
    await page.getByRole('status', { name: 'SLA alerts' }).getByText('missed an SLA target').waitFor({ timeout: 15_000 });

    await page.goto(`${baseUrl}/admin/tickets?view=overdue`);
    await page.locator(`tr[data-ticket="${number}"] .badge.due-overdue`).getByText(/^overdue \d+ min$/).waitFor();
    await page.goto(`${baseUrl}/admin/tickets/${number}`);
    const card = page.getByRole('region', { name: 'SLA' });
    await card.getByText(`SLA: ${name}`).waitFor();
    await card.getByText('a target was missed').waitFor();
    await page.getByText(/^History/).click();
    await page.locator('details ol').getByText(/First response target missed/).waitFor();
    await page.locator('details ol').getByText(new RegExp(`SLA policy ${name} \\(v1\\) applies: first response due`)).waitFor();
  });

  it('keeps a lunch break: a day with two spans of opening hours is changed on the screen without losing one', async () => {
    const admin = await h.login('admin', 'Ada Admin');
    const name = `Office ${randomUUID().slice(0, 6)}`;
    const closed = { sunday: [], monday: [], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [] };
    const none = { firstResponse: null, nextResponse: null, resolution: null };
    const made = await h.request(admin, 'POST', '/api/sla-policies', {
      name, mailboxes: [`hours-${randomUUID().slice(0, 8)}`],
      targets: { low: none, normal: { ...none, firstResponse: '4h' }, high: none, urgent: none },
      businessHours: { timeZone: 'Europe/Berlin', week: { ...closed, monday: [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '17:00' }] }, holidays: [] },
    });
    expect(made.statusCode).toBe(201);
    const { id } = made.json() as { id: number };
    const { page } = await newPage();
    await logIn(page, admin, '/admin/sla-policies');
    await page.getByRole('button', { name: `Change ${name}` }).click();
    const form = page.getByRole('form', { name: `Change ${name}` });
    const monday = form.getByRole('group', { name: 'Monday hours' });
    expect(await monday.getByLabel('Monday from (2)').inputValue()).toBe('13:00');
    await form.getByRole('group', { name: 'Saturday hours' }).getByText('Closed').waitFor();
    await form.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await form.getByLabel('Saturday to').fill('13:00');
    await monday.getByLabel('Monday to (2)').fill('18:00');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: `${name} is changed` }).waitFor();
    const policy = (await h.request(admin, 'GET', '/api/sla-policies')).json() as Array<{ id: number; businessHours: { week: Record<string, unknown> } }>;
    expect(policy.find((p) => p.id === id)!.businessHours.week).toEqual({
      ...closed, monday: [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '18:00' }], saturday: [{ from: '09:00', to: '13:00' }],
    });
  });
});

describe('Canned replies', () => {
  it('an operator writes one on its screen, types :: and its shortcut in a reply, takes it with Enter, edits it and sends it', async () => {
    const email = uniqueEmail('dora');
    const number = await customerEmailsIn('Invoice missing', 'Where is my invoice for May?', { email, firstName: 'Dora' });
    const shortcut = `inv${randomUUID().slice(0, 4)}`;
    const title = `Invoice resent ${shortcut}`;
    const { page } = await newPage();
    await logIn(page, olivia, '/admin/canned-replies');
    await page.getByRole('heading', { name: 'Canned replies' }).waitFor();
    const form = page.getByRole('form', { name: 'Add a canned reply' });
    await form.getByLabel('Title').fill(title);
    await form.getByLabel('Shortcut (typed after ::)').fill(shortcut);
    await form.getByLabel('Text').fill('Hi {{customer.first_name}}, I sent the invoice for ticket #{{ticket.number}} again.\n{{operator.name}}');
    await form.getByRole('button', { name: 'Add canned reply' }).click();
    await page.getByRole('status').filter({ hasText: `${title} is added` }).waitFor();
    await page.getByRole('row').filter({ hasText: title }).getByText('Only you').waitFor();

    await page.goto(`${baseUrl}/admin/tickets/${number}`);
    const box = page.getByRole('textbox', { name: /Public reply/ });
    await box.click();
    await box.pressSequentially(`Thanks for waiting. ::${shortcut.slice(0, 5)}`);
    const list = page.getByRole('listbox', { name: 'Canned replies' });
    await list.getByRole('option', { name: new RegExp(title) }).waitFor();
    await box.press('Enter');
    await list.waitFor({ state: 'detached' });
    await waitUntil(async () => (await box.inputValue()).includes('Hi Dora,'), 'the reply to be filled in');
    expect(await box.inputValue()).toBe(`Thanks for waiting. Hi Dora, I sent the invoice for ticket #${number} again.\nOlivia Operator`);
    // Editable before it goes: the cursor is after the inserted text.
    await box.press('End');
    await box.pressSequentially(' (and the one for April)');
    await page.getByRole('button', { name: 'Send public reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Reply sent to the customer.' }).waitFor();
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('(and the one for April)')));
    expect(h.smtp.to(email).find((m) => m.parsed.text?.includes('(and the one for April)'))!.parsed.text).toContain(`Hi Dora, I sent the invoice for ticket #${number} again.`);

    // The picker, by keyboard alone: open it, search, arrow down, Enter.
    await page.getByRole('button', { name: 'Canned reply' }).click();
    const search = page.getByRole('combobox', { name: 'Search canned replies' });
    await search.pressSequentially(shortcut);
    await search.press('ArrowDown');
    await search.press('Enter');
    await waitUntil(async () => (await box.inputValue()).startsWith('Hi Dora,'), 'the picked reply to be inserted');
    await page.goto(`${baseUrl}/admin/canned-replies`);
    await page.getByRole('row').filter({ hasText: title }).getByText('2 times').waitFor();
  });
});

describe('Formatting', () => {
  it('previews a Markdown reply as the customer will see it, and the thread shows it formatted once sent', async () => {
    const number = await customerEmailsIn('Export broken', 'The CSV export is empty.', { email: uniqueEmail('ivan'), firstName: 'Ivan' });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    const box = page.getByRole('textbox', { name: /Public reply/ });
    await box.fill('**Fixed** in version 2:\n\n- open *Export*\n- pick CSV');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.locator('strong').getByText('Fixed').waitFor();
    await preview.getByRole('listitem').filter({ hasText: 'pick CSV' }).waitFor();
    await box.fill('**Fixed** in version 2:\n\n- open *Export*\n- pick CSV\n- done');
    await preview.getByRole('listitem').filter({ hasText: 'done' }).waitFor();
    await page.getByRole('button', { name: 'Send public reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Reply sent to the customer.' }).waitFor();
    await page.locator('ticket-thread').locator('strong').getByText('Fixed').waitFor();
    await page.locator('ticket-thread').locator('em').getByText('Export').waitFor();
    expect(await page.getByRole('region', { name: 'Preview' }).count()).toBe(0);
  });
});

describe('Attachments', () => {
  it('an operator attaches files to a reply by the picker and by pasting a screenshot; they go with the mail and show in the thread', async () => {
    const email = uniqueEmail('jon');
    const number = await customerEmailsIn('Printer setup', 'How do I set it up?', { email, firstName: 'Jon' });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    const box = page.getByRole('textbox', { name: /Public reply/ });
    await box.fill('The guide and a screenshot are attached.');
    await page.getByLabel('Attach files').setInputFiles([
      { name: 'guide.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Unpack. 2. Plug in.') },
      { name: 'wrong.txt', mimeType: 'text/plain', buffer: Buffer.from('oops') },
    ]);
    const attached = page.getByRole('list', { name: 'Attached files' });
    await attached.getByText('guide.txt').waitFor();
    await page.getByRole('button', { name: 'Remove wrong.txt' }).click();
    // Runs in the page; the test's own types know no DOM.
    await box.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'image.png', { type: 'image/png' }));
      document.querySelector('helpdesk-admin').shadowRoot.querySelector('ticket-view').shadowRoot.querySelector('reply-box').shadowRoot
        .querySelector('textarea').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await attached.getByText(/^📎 pasted-.*\.png/).waitFor();
    expect(await attached.getByRole('listitem').count()).toBe(2);
    await page.getByRole('button', { name: 'Send public reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Reply sent to the customer.' }).waitFor();
    expect(await page.getByRole('list', { name: 'Attached files' }).count()).toBe(0);
    await page.locator('ticket-thread').getByRole('link', { name: /guide\.txt/ }).waitFor();
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('The guide and a screenshot')));
    const mail = h.smtp.to(email).find((m) => m.parsed.text?.includes('The guide and a screenshot'))!;
    expect(mail.parsed.attachments.map((a) => a.filename)).toEqual(['guide.txt', expect.stringMatching(/^pasted-.*\.png$/)]);
  });
});

describe('Notifications', () => {
  it('a colleague mentioned in a note with @ and a few letters hears of it in the bell, live, and opening it reads it', async () => {
    const number = await customerEmailsIn('Refund twice?', 'I was charged two times.', { email: uniqueEmail('hana'), firstName: 'Hana' });
    const theirs = await newPage();
    await logIn(theirs.page, colleague, '/admin/tickets');
    const bell = theirs.page.getByRole('button', { name: /^Notifications/ });
    await bell.click();
    const panel = theirs.page.getByRole('region', { name: 'Notifications' });
    await panel.getByText(`New ticket #${number}, nobody assigned`).waitFor();
    if (await panel.getByRole('button', { name: 'Mark all read' }).count()) await panel.getByRole('button', { name: 'Mark all read' }).click();
    await bell.click();

    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    await page.getByText('Internal note', { exact: true }).click();
    const box = page.getByRole('textbox', { name: /Internal note: only operators see it/ });
    await box.pressSequentially('Checking with billing, @Col');
    const choices = page.getByRole('listbox', { name: 'Mention a colleague' });
    await choices.getByRole('option', { name: 'Colin Colleague' }).waitFor();
    await box.press('Enter');
    await choices.waitFor({ state: 'detached' });
    await box.pressSequentially('please confirm the second charge.');
    expect(await box.inputValue()).toBe('Checking with billing, @Colin Colleague please confirm the second charge.');
    await page.getByRole('button', { name: 'Add internal note' }).click();
    await page.getByRole('status').filter({ hasText: 'Internal note added.' }).waitFor();

    // Colin's bell rings without a reload.
    await theirs.page.getByRole('button', { name: /^Notifications, \d+ unread$/ }).waitFor();
    await bell.click();
    const entry = panel.getByRole('link', { name: new RegExp(`Olivia Operator mentioned you on #${number} \\(unread\\)`) });
    await entry.click();
    await theirs.page.getByText('please confirm the second charge.').waitFor();
    await waitUntil(async () => {
      const { items } = (await h.request(colleague, 'GET', '/api/inbox?limit=100')).json() as { items: Array<{ ticket: { number: number }; read: boolean }> };
      return items.filter((i) => i.ticket.number === number).every((i) => i.read);
    }, 'the ticket\'s entries to be read');
  });
});

describe('Collision', () => {
  it("a reply written while the customer answered is not sent: the box shows the answer beside the draft, and the second send goes out", async () => {
    const email = uniqueEmail('eve');
    const number = await customerEmailsIn('Parcel lost', 'My parcel never came.', { email, firstName: 'Eve' });
    const watched = await newPage();
    const { page } = watched;
    // The live stream never answers in this page, as when it has dropped: only the rule stops the blind reply.
    await page.route('**/api/events**', () => undefined);
    await logIn(page, olivia, `/admin/tickets/${number}`);
    await page.getByText('My parcel never came.').waitFor();
    await page.getByRole('textbox', { name: /Public reply/ }).fill('We are sending a new parcel today.');

    const { publicUrl } = (await h.request(olivia, 'GET', `/api/tickets/${number}`)).json() as { publicUrl: string };
    expect((await h.request(null, 'POST', `/api/public/tickets/${publicUrl.split('/t/')[1]}/comments`, { body: 'Found it at the neighbour, all good!' })).statusCode).toBe(201);

    await page.getByRole('button', { name: 'Send public reply' }).click();
    const missed = page.getByRole('region', { name: 'Written while you wrote' });
    await missed.getByText('Found it at the neighbour, all good!').waitFor();
    await missed.getByText('The customer').waitFor();
    await page.getByRole('alert').filter({ hasText: 'while you wrote' }).waitFor();
    expectRefusals(watched, [409]);
    expect(await page.getByRole('textbox', { name: /Public reply/ }).inputValue()).toBe('We are sending a new parcel today.');
    expect(h.smtp.to(email).some((m) => m.parsed.text?.includes('new parcel'))).toBe(false);

    await page.getByRole('textbox', { name: /Public reply/ }).fill('Glad it turned up, Eve!');
    await page.getByRole('button', { name: 'Send public reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Reply sent to the customer.' }).waitFor();
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('Glad it turned up')));
    expect(h.smtp.to(email).some((m) => m.parsed.text?.includes('new parcel'))).toBe(false);
  });

  it('shows who else has the ticket open and who is writing, live, and not once they left or their browser went away', async () => {
    const number = await customerEmailsIn('Two-factor lost', 'I lost my phone.', { email: uniqueEmail('gail'), firstName: 'Gail' });
    const mine = await newPage();
    const theirs = await newPage();
    await logIn(mine.page, olivia, `/admin/tickets/${number}`);
    await logIn(theirs.page, colleague, `/admin/tickets/${number}`);
    const company = mine.page.getByRole('status', { name: 'Also on this ticket' });
    await company.getByText('Colin Colleague is viewing it too.').waitFor({ timeout: 5_000 });
    await theirs.page.getByRole('status', { name: 'Also on this ticket' }).getByText('Olivia Operator is viewing it too.').waitFor({ timeout: 5_000 });

    await theirs.page.getByRole('textbox', { name: /Public reply/ }).pressSequentially('Can you confirm');
    await company.getByText('Colin Colleague is writing on this ticket.').waitFor({ timeout: 5_000 });
    // A pause in typing is no longer writing.
    await company.getByText('Colin Colleague is viewing it too.').waitFor({ timeout: 12_000 });

    // Off to another screen: gone at once.
    await theirs.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    await company.waitFor({ state: 'detached', timeout: 5_000 });

    // Back, then the browser loses the network without a word: gone once it has not been heard of for a while.
    await theirs.page.goto(`${baseUrl}/admin/tickets/${number}`);
    await company.getByText('Colin Colleague is viewing it too.').waitFor({ timeout: 10_000 });
    await theirs.context.setOffline(true);
    await company.waitFor({ state: 'detached', timeout: 25_000 });
    await theirs.context.setOffline(false);
    // What the offline browser logged of its failed requests; anything else still fails the test.
    const offline = /ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|Failed to fetch/;
    theirs.problems.splice(0, theirs.problems.length, ...theirs.problems.filter((p) => !offline.test(p)));
  });

  it('says so in the box when the live thread brings a message while a reply is being written', async () => {
    const number = await customerEmailsIn('Login loop', 'The login page reloads forever.', { email: uniqueEmail('finn'), firstName: 'Finn' });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    await page.getByText('The login page reloads forever.').waitFor();
    await page.getByRole('textbox', { name: /Public reply/ }).fill('Please clear your cookies.');
    const { publicUrl } = (await h.request(olivia, 'GET', `/api/tickets/${number}`)).json() as { publicUrl: string };
    await h.request(null, 'POST', `/api/public/tickets/${publicUrl.split('/t/')[1]}/comments`, { body: 'It works in another browser.' });
    await page.getByText('It works in another browser.').waitFor();
    await page.getByRole('status').filter({ hasText: 'A new message came in above while you wrote.' }).waitFor();
  });
});

describe('Organising the work', () => {
  /** A ticket by the API, as an operator's New ticket opens it. */
  async function opened(session: Session, fields: Record<string, unknown> = {}): Promise<number> {
    const response = await h.request(session, 'POST', '/api/tickets', { subject: `Order ${randomUUID().slice(0, 6)}`, body: 'Where is my parcel?', customer: { email: uniqueEmail() }, ...fields });
    expect(response.statusCode).toBe(201);
    return (response.json() as { number: number }).number;
  }

  it('tags a ticket by typing (Enter and comma), takes one off, filters the list by a tag and shows the colour an admin gave it', async () => {
    const tag = `billing-${randomUUID().slice(0, 4)}`;
    await opened(colleague);
    const number = await opened(olivia);
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    const input = page.getByLabel('Add a tag');
    await input.fill(`${tag.toUpperCase()}`);
    await input.press('Enter');
    await page.getByRole('group', { name: 'Tags' }).getByText(tag, { exact: true }).waitFor();
    await input.fill('refund, vip,');
    await page.getByRole('button', { name: 'Remove tag vip' }).waitFor();
    await page.getByRole('button', { name: 'Remove tag refund' }).click();
    await page.getByRole('button', { name: 'Remove tag refund' }).waitFor({ state: 'detached' });
    await page.getByText(/^History/).click();
    await page.locator('details ol').getByText(`Olivia Operator tagged it "${tag}"`).waitFor();
    await page.locator('details ol').getByText('Olivia Operator took off "refund"').waitFor();

    const admin = await h.login('admin', 'Ada Admin');
    const adminPage = await newPage();
    await logIn(adminPage.page, admin, '/admin/tags');
    await adminPage.page.getByLabel(`Colour of ${tag}`).selectOption('red');
    await adminPage.page.getByText(`${tag} is red now.`).waitFor();

    await page.goto(`${baseUrl}/admin/tickets?view=all`);
    await page.getByLabel('Tag', { exact: true }).fill(tag);
    await page.getByLabel('Tag', { exact: true }).press('Enter');
    await waitUntil(async () => (await page.locator('tbody tr').count()) === 1, 'the tag filter');
    const chip = page.locator('tbody tr').first().locator('td.tags .tag', { hasText: tag });
    expect(await chip.getAttribute('class')).toContain('tag-red');
    await page.getByRole('button', { name: `Stop filtering by ${tag}` }).click();
    await waitUntil(async () => (await page.locator('tbody tr').count()) > 1, 'the filter to go');
  });

  it('saves the filtered list as a view with its columns; the sidebar counts it and the count follows new tickets live', async () => {
    const tag = `enterprise-${randomUUID().slice(0, 4)}`;
    await opened(olivia, { tags: [tag] });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets?view=open&tag=${tag}&needsReply=true`);
    await waitUntil(async () => (await page.locator('tbody tr').count()) === 1, 'the filtered list');
    await page.getByRole('button', { name: 'Save as view' }).click();
    const name = `Enterprise ${randomUUID().slice(0, 4)}`;
    await page.getByLabel('Name of the view').fill(name);
    await page.getByLabel('Customer', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('heading', { name }).waitFor();
    const link = page.getByRole('navigation', { name: 'Ticket views' }).getByRole('link', { name: new RegExp(name) });
    await waitUntil(async () => (await link.textContent())?.trim().endsWith('1') ?? false, 'the view counted');
    expect(await page.locator('thead th').allTextContents()).not.toContain('Customer');
    expect(page.url()).not.toContain('tag=');

    // A colleague's new ticket with the tag: the list and the count follow without a reload.
    await opened(colleague, { tags: [tag] });
    await waitUntil(async () => (await page.locator('tbody tr').count()) === 2, 'the new ticket in the view');
    await waitUntil(async () => (await link.textContent())?.trim().endsWith('2') ?? false, 'the count to follow');
    await page.getByRole('button', { name: 'Delete view' }).click();
    await link.waitFor({ state: 'detached' });
  });

  it('changes many tickets at once: shift-click selects a range, each change is its own, a refusal is listed with its reason', async () => {
    const tag = `bulk-${randomUUID().slice(0, 4)}`;
    const numbers: number[] = [];
    for (let i = 0; i < 4; i++) numbers.push(await opened(colleague, { tags: [tag] }));
    // One is being handled already: it cannot go back to New.
    await h.request(colleague, 'PATCH', `/api/tickets/${numbers[0]}`, { status: 'in_progress' });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets?view=all&tag=${tag}&sort=number_asc`);
    await waitUntil(async () => (await page.locator('tbody tr').count()) === 4, 'the tagged tickets');
    await page.getByLabel(`Select #${numbers[0]}`).click();
    await page.getByLabel(`Select #${numbers[2]}`).click({ modifiers: ['Shift'] });
    await page.getByText('3 tickets selected').waitFor();
    await page.getByLabel('Assign the selected tickets').selectOption({ label: 'To me' });
    await page.getByRole('status').filter({ hasText: '3 tickets changed.' }).waitFor();
    await waitUntil(async () => (await page.locator('tbody tr', { hasText: 'Olivia Operator' }).count()) === 3, 'the assignee in the rows');

    await page.getByLabel('Select every ticket on this page').check();
    await page.getByText('4 tickets selected').waitFor();
    await page.getByLabel('Set the status of the selected tickets').selectOption({ label: 'New' });
    await page.getByRole('status').filter({ hasText: '1 refused' }).getByRole('link', { name: `#${numbers[0]}` }).waitFor();
    await page.getByRole('status').filter({ hasText: /already being handled/ }).waitFor();
    // What was refused stays selected, to try something else with it.
    await page.getByText('1 ticket selected').waitFor();
    const events = (await h.request(olivia, 'GET', `/api/tickets/${numbers[1]}`)).json().events as Array<{ type: string; actor: { name: string } }>;
    expect(events.filter((e) => e.type === 'assign' && e.actor.name === 'Olivia Operator')).toHaveLength(1);
  });

  it('an admin defines ticket fields on their screen; an operator sets them on a ticket and filters the list by one', async () => {
    const suffix = randomUUID().slice(0, 4);
    const admin = await h.login('admin', 'Ada Admin');
    const adminPage = await newPage();
    await logIn(adminPage.page, admin, '/admin/ticket-fields');
    const form = adminPage.page.getByRole('form', { name: 'Add a ticket field' });
    await form.getByLabel('Label', { exact: true }).fill(`Plan ${suffix}`);
    await form.getByLabel('Key (API, widget, filters)').fill(`plan_${suffix}`);
    await form.getByLabel('Type').selectOption({ label: 'One choice' });
    await form.getByLabel(/^Choices/).fill('free\npro\nenterprise');
    await form.getByRole('button', { name: 'Add field' }).click();
    await adminPage.page.getByText(`Plan ${suffix} is added.`).waitFor();
    await adminPage.page.getByRole('form', { name: 'Add a ticket field' }).getByLabel('Label', { exact: true }).fill(`Seats ${suffix}`);
    await adminPage.page.getByRole('form', { name: 'Add a ticket field' }).getByLabel('Key (API, widget, filters)').fill(`seats_${suffix}`);
    await adminPage.page.getByRole('form', { name: 'Add a ticket field' }).getByLabel('Type').selectOption({ label: 'Number' });
    await adminPage.page.getByRole('form', { name: 'Add a ticket field' }).getByRole('button', { name: 'Add field' }).click();
    await adminPage.page.getByText(`Seats ${suffix} is added.`).waitFor();

    const number = await opened(olivia);
    await opened(olivia);
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${number}`);
    const fields = page.getByRole('region', { name: 'Ticket fields' });
    await fields.getByLabel(`Plan ${suffix}`).selectOption('pro');
    await waitUntil(async () => ((await h.request(olivia, 'GET', `/api/tickets/${number}`)).json().fields as Record<string, unknown>)[`plan_${suffix}`] === 'pro', 'the plan set');
    await fields.getByLabel(`Seats ${suffix}`).fill('25');
    await fields.getByLabel(`Seats ${suffix}`).press('Tab');
    await waitUntil(async () => ((await h.request(olivia, 'GET', `/api/tickets/${number}`)).json().fields as Record<string, unknown>)[`seats_${suffix}`] === 25, 'the seats set');
    await page.getByText(/^History/).click();
    await page.locator('details ol').getByText(`Olivia Operator set Plan ${suffix} to pro`).waitFor();

    await page.goto(`${baseUrl}/admin/tickets?view=all`);
    await page.getByLabel('Field', { exact: true }).selectOption({ label: `Plan ${suffix}` });
    await page.getByLabel(`Plan ${suffix} is`).selectOption('pro');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await waitUntil(async () => (await page.locator('tbody tr').count()) === 1, 'the field filter');
    await page.locator('tbody tr', { hasText: `#${number}` }).waitFor();
  });

  it("merges a ticket into the customer's other one, whose thread then shows it; splits a customer's message off into a new ticket", async () => {
    const email = uniqueEmail('merge');
    const target = await opened(olivia, { subject: `Order late ${randomUUID().slice(0, 4)}`, body: 'Where is order 7?', customer: { email } });
    const source = await opened(colleague, { subject: `Order late again ${randomUUID().slice(0, 4)}`, body: 'Still nothing. Also, can I change my address?', customer: { email } });
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/tickets/${source}`);
    await page.getByRole('button', { name: 'Merge into…' }).click();
    await page.getByLabel(`Merge #${source} into ticket number`).fill(String(target));
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.waitForURL(`**/admin/tickets/${target}`);
    const merged = page.getByRole('article', { name: /Public message by/ }).filter({ hasText: 'Still nothing.' });
    await merged.getByRole('link', { name: `#${source}` }).waitFor();

    await merged.getByRole('button', { name: 'Split this message off into a new ticket' }).waitFor({ state: 'detached' });
    const own = page.getByRole('article', { name: /Public message by/ }).filter({ hasText: 'Where is order 7?' });
    await own.getByRole('button', { name: 'Split this message off into a new ticket' }).click();
    await page.getByLabel('Subject of the new ticket').fill('Order 7 address');
    await page.getByRole('button', { name: 'Split off', exact: true }).click();
    await page.getByRole('heading', { name: /Order 7 address/ }).waitFor();
    await page.getByText(`split off #${target}`).waitFor();
    await page.getByRole('link', { name: `#${target}` }).first().click();
    await page.getByRole('article', { name: /Message moved to/ }).waitFor();

    await page.goto(`${baseUrl}/admin/tickets/${source}`);
    await page.getByRole('status').filter({ hasText: `Merged into #${target}` }).waitFor();
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(0);
  });

  it('an admin sets up a team on its screen; a member marks themselves available and the team\'s next mail is theirs', async () => {
    const suffix = randomUUID().slice(0, 4);
    const admin = await h.login('admin', `Ada ${suffix}`);
    const member = await h.login('agent', `Max ${suffix}`);
    const mailbox = `sales-${suffix}`;
    const adminPage = await newPage();
    await logIn(adminPage.page, admin, '/admin/teams');
    const form = adminPage.page.getByRole('form', { name: 'Add a team' });
    // Exact labels: the shared database holds operators of other test files, one "Colleague Renamed".
    await form.getByLabel('Name', { exact: true }).fill(`Sales ${suffix}`);
    await form.getByLabel(/^Only these mailboxes/).fill(mailbox);
    await form.getByLabel(`Max ${suffix}`).check();
    await form.getByRole('button', { name: 'Add team' }).click();
    await adminPage.page.getByRole('cell', { name: `Sales ${suffix}`, exact: true }).waitFor();

    const { page } = await newPage();
    await logIn(page, member);
    await page.getByLabel('Available').check();
    await waitUntil(async () => ((await h.request(member, 'GET', '/api/auth/session')).json().operator.available as boolean), 'available');
    const intake = createTicketIntake({ db: h.db, commands: ticketCommandsFor(h.temporal, h.config), dispatch: teamDispatchFor(h.temporal, h.taskQueue) });
    const number = await intake.open({
      ticket: {
        subject: `Quote please ${suffix}`, body: 'How much for 10?', priority: 'normal', source: 'email',
        contact: { email: uniqueEmail(), phone: null, firstName: null, lastName: null, externalId: null },
        mailbox, createdBy: null, assigneeId: null, messageKey: `<${randomUUID()}@example.com>`, suppressAcknowledgement: true,
      },
      numberFrom: { creationKey: null },
    });
    await page.goto(`${baseUrl}/admin/tickets?view=mine`);
    await page.getByRole('link', { name: `Quote please ${suffix}` }).waitFor();
    await page.getByRole('link', { name: `Quote please ${suffix}` }).click();
    expect(await page.getByLabel('Team', { exact: true }).locator('option:checked').textContent()).toBe(`Sales ${suffix}`);
    expect(number).toBeGreaterThan(0);
  });

  it("shows a ticket the customer wrote to as unread until it is opened; Mark unread brings it back", async () => {
    const subject = `Unread ${randomUUID().slice(0, 6)}`;
    const number = await customerEmailsIn(subject, 'Hello?', { email: uniqueEmail() });
    const { page } = await newPage();
    await logIn(page, colleague, `/admin/tickets?view=all&q=${encodeURIComponent(subject)}`);
    const row = page.locator('tbody tr', { hasText: subject });
    await waitUntil(async () => ((await row.getAttribute('class')) ?? '').includes('unread'), 'the unread mark');
    await page.getByRole('link', { name: subject }).click();
    await page.getByRole('heading', { name: `#${number} ${subject}` }).waitFor();
    await page.getByRole('button', { name: 'Mark unread' }).waitFor();
    await page.getByRole('link', { name: 'Tickets', exact: true }).first().click();
    await page.getByLabel('Search').fill(subject);
    await waitUntil(async () => (await row.count()) === 1 && !((await row.getAttribute('class')) ?? '').includes('unread'), 'read once opened');
    await row.getByRole('link', { name: subject }).click();
    await page.getByRole('button', { name: 'Mark unread' }).click();
    await page.getByLabel('Search').fill(subject);
    await waitUntil(async () => ((await row.getAttribute('class')) ?? '').includes('unread'), 'unread again');
  });
});

describe('Hostile text', () => {
  it('shows markup in a subject, a name and a comment as text and runs none of it', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    const number = await customerEmailsIn(`${payload} subject`, `${payload} body`, { email: uniqueEmail(), firstName: payload });
    await h.request(olivia, 'POST', `/api/tickets/${number}/comments`, { body: `note ${payload}`, visibility: 'internal' });
    const watched = await newPage();
    await logIn(watched.page, olivia, `/admin/tickets?view=all&q=${number}`);
    await watched.page.getByRole('link', { name: `${payload} subject` }).click();
    await watched.page.getByText(`${payload} body`).waitFor();
    await watched.page.getByText(`note ${payload}`).waitFor();
    await watched.page.locator('customer-panel').getByText(payload).first().waitFor();
    // No element was made from the payload anywhere in the page, shadow roots included.
    const images = await watched.page.locator('img').count();
    expect(images).toBe(0);
  });
});

describe('Operator-made tickets and the CRM', () => {
  it('opens a ticket for a customer picked from the CRM', async () => {
    const crmEmail = uniqueEmail('pick');
    const last = `Picker${randomUUID().slice(0, 4)}`;
    await h.request(olivia, 'POST', '/api/customers', { email: crmEmail, firstName: 'Pat', lastName: last, company: 'ACME' });
    const { page } = await newPage();
    await logIn(page, olivia);
    await page.getByRole('link', { name: 'New ticket' }).click();
    await page.getByLabel('Find in the CRM').fill(last);
    await page.getByRole('button', { name: new RegExp(`Pat ${last}`) }).click();
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(crmEmail);
    await screenshot(page, 'admin-new-ticket');
    await page.getByLabel('Subject').fill('Called about the contract');
    // The default: what the customer said on the phone, shown as theirs, mailed to nobody.
    await page.getByLabel('Their request').fill('Wants a call back on Monday.');
    await page.getByLabel('Priority').selectOption('urgent');
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await page.getByRole('heading', { name: /Called about the contract/ }).waitFor();
    const number = Number(/tickets\/(\d+)$/.exec(page.url())![1]);
    const saved = (await h.request(olivia, 'GET', `/api/tickets/${number}`)).json();
    expect(saved).toMatchObject({ source: 'admin', priority: 'urgent', assignee: { id: olivia.operator.id }, contact: { email: crmEmail } });
    expect(saved.comments).toEqual([expect.objectContaining({ body: 'Wants a call back on Monday.', channel: 'phone', author: expect.objectContaining({ kind: 'customer' }) })]);
    await page.locator('ticket-thread').getByText('by phone').waitFor();
    await page.locator('customer-panel').getByRole('link', { name: `Pat ${last}` }).waitFor();
    expect(h.smtp.to(crmEmail)).toEqual([]);
  });

  it('opens a ticket with a message to the customer, mailed in the operator\'s words', async () => {
    const email = uniqueEmail('outbound');
    const { page } = await newPage();
    await logIn(page, olivia, '/admin/tickets/new');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Subject').fill('Your replacement part');
    await page.getByRole('radio', { name: /A message to the customer/ }).check();
    await page.getByLabel('Your message to them').fill('The part arrived; shall we fit it on Tuesday?');
    expect(await page.getByLabel('They told you', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Open ticket and send' }).click();
    await page.getByRole('heading', { name: /Your replacement part/ }).waitFor();
    await h.smtp.waitFor(() => h.smtp.to(email).length === 1);
    expect(h.smtp.to(email)[0]!.parsed.text).toContain('The part arrived; shall we fit it on Tuesday?');
    await page.locator('.badge', { hasText: 'Waiting' }).first().waitFor();
  });

  it('refuses a ticket without a way to reach the customer, with a clear message', async () => {
    const { page } = await newPage();
    await logIn(page, olivia, '/admin/tickets/new');
    await page.getByLabel('Subject').fill('No contact');
    await page.getByLabel('Their request').fill('Hmm');
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await page.getByRole('alert').filter({ hasText: 'Give the customer an email, a phone number or an external ID.' }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill('not-an-address');
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await page.getByRole('alert').filter({ hasText: '"not-an-address" is not an email address.' }).waitFor();
    expect(page.url()).toBe(`${baseUrl}/admin/tickets/new`);
  });

  it('creates, finds and edits a customer', async () => {
    const last = `Crm${randomUUID().slice(0, 6)}`;
    const { page } = await newPage();
    await logIn(page, olivia);
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByRole('link', { name: 'New customer' }).click();
    await page.getByLabel('First name').fill('Erin');
    await page.getByLabel('Last name').fill(last);
    await page.getByLabel('Email').fill(`${last.toLowerCase()}@example.com`);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: `Erin ${last}` }).waitFor();

    await page.getByRole('link', { name: 'Customers' }).first().click();
    await page.getByLabel('Search customers').fill(last);
    await page.waitForURL(/\/admin\/customers\?q=/);
    await waitUntil(async () => (await page.locator('customer-list-view tbody tr').count()) === 1, 'the search to narrow the customers');
    await page.getByRole('link', { name: `Erin ${last}` }).click();
    await page.getByLabel('Company').fill('Initech');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await screenshot(page, 'admin-customer');
    const found = (await h.request(olivia, 'GET', `/api/customers?q=${last}`)).json();
    expect(found.items).toEqual([expect.objectContaining({ firstName: 'Erin', lastName: last, company: 'Initech' })]);
  });
  it('pages through the customers a search finds', async () => {
    const last = `Pages${randomUUID().slice(0, 6)}`;
    for (let i = 1; i <= 27; i++) {
      await h.request(olivia, 'POST', '/api/customers', { email: uniqueEmail(`pages-${i}`), firstName: `Member${i}`, lastName: last });
    }
    const { page } = await newPage();
    await logIn(page, olivia, `/admin/customers?q=${last}`);
    const list = page.locator('customer-list-view');
    const rows = list.locator('tbody tr');
    await list.getByText('27 customers').waitFor();
    await list.getByText('Page 1 of 2').waitFor();
    expect(await rows.count()).toBe(25);
    expect(await list.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);

    await list.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/page=2/);
    await list.getByText('Page 2 of 2').waitFor();
    await waitUntil(async () => (await rows.count()) === 2, 'the second page to show the last two customers');
    expect(await list.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    await list.getByRole('button', { name: 'Previous page' }).click();
    await list.getByText('Page 1 of 2').waitFor();
    await waitUntil(async () => (await rows.count()) === 25, 'the first page again');
  });
});

describe('Inbound mail', () => {
  it('lists what the mailbox took and what became of it, reports a mail that made no ticket and offers its original', async () => {
    const commands = ticketCommandsFor(h.temporal, h.config);
    const ingest = createMailIngestion({
      db: h.db,
      commands,
      intake: createTicketIntake({ db: h.db, commands }),
      mailbox: { name: `support-${randomUUID().slice(0, 6)}`, address: 'support@helpdesk.test', messageIdDomain: 'helpdesk.test', secretKey: h.config.SECRET_KEY },
      maxAttachmentBytes: 1_000_000,
      parse: (raw) => h.parser.parse(raw),
      passesDmarc: async () => false,
      log: () => undefined,
    });
    const subject = `Printer smoking ${randomUUID().slice(0, 6)}`;
    const sender = uniqueEmail('fiona');
    const mail = Buffer.from(`From: Fiona <${sender}>\r\nTo: support@helpdesk.test\r\nSubject: ${subject}\r\nMessage-ID: <${randomUUID()}@example.com>\r\nContent-Type: text/plain\r\n\r\nIt smokes.\r\n`);
    expect(await ingest({ uidValidity: 1, uid: 1, size: mail.length, raw: mail, headers: null })).toBe('created');
    // Over the size limit: only its headers were fetched, and it is kept with the reason.
    const headers = Buffer.from(`From: Huge <${uniqueEmail('huge')}>\r\nSubject: Scans\r\nMessage-ID: <${randomUUID()}@example.com>\r\n\r\n`);
    const hugeSize = 90_000_000 + Math.floor(Math.random() * 1_000_000);
    expect(await ingest({ uidValidity: 1, uid: 2, size: hugeSize, raw: null, headers })).toBe('too_large');
    const [row] = await h.db.sequelize.query<{ number: number }>('SELECT ticket_number AS number FROM inbound_emails WHERE sender = :sender', { type: QueryTypes.SELECT, replacements: { sender } });
    const number = row!.number;

    const { page } = await newPage();
    await logIn(page, olivia);
    await page.getByRole('link', { name: 'Inbound mail' }).click();
    const created = page.getByRole('row').filter({ hasText: subject });
    await created.getByText('New ticket').waitFor();
    await created.getByText(sender).waitFor();
    const huge = page.getByRole('row').filter({ hasText: `${hugeSize} bytes` });
    await huge.getByText('Too large').waitFor();

    // Only what needs a look: the mail that became a ticket is not among it.
    await page.getByLabel('Show').selectOption({ label: 'Needs attention (unreadable, too large, refused)' });
    await page.waitForURL(/outcome=needs_attention/);
    await created.waitFor({ state: 'detached' });
    await huge.getByText('Too large').waitFor();

    // The original downloads as it was kept (the headers, for one over the limit).
    const [download] = await Promise.all([page.waitForEvent('download'), huge.getByRole('link', { name: /Download the original/ }).click()]);
    const kept = await new Promise<string>((resolve, reject) => {
      download.createReadStream().then((stream) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
        stream.on('error', reject);
      }, reject);
    });
    expect(kept).toBe(headers.toString());

    // The ticket the good mail made is one click away.
    await page.getByLabel('Show').selectOption({ label: 'All mail' });
    await created.getByRole('link', { name: `#${number}` }).click();
    await page.getByRole('heading', { name: `#${number} ${subject}` }).waitFor();
  });
});

describe('Your profile', () => {
  it('an operator renames themselves and sets a signature; the header and later replies show them', async () => {
    const me = await h.login('agent', 'Administrator');
    const watched = await newPage();
    const { page } = watched;
    await logIn(page, me);
    await page.getByRole('link', { name: 'Administrator' }).click();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    await page.getByLabel('Display name').fill('Petra Support');
    await page.getByLabel('Signature').fill('Petra\nSupport team');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('link', { name: 'Petra Support' }).waitFor();
    expect((await h.request(me, 'GET', '/api/me')).json().operator).toMatchObject({ name: 'Petra Support', signature: 'Petra\nSupport team' });

    await page.getByLabel('Current password').fill('wrong one');
    await page.getByLabel('New password', { exact: true }).fill('quiet-harbor-lamps-7');
    await page.getByLabel('New password again').fill('quiet-harbor-lamps-7');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your current password is not right.' }).waitFor();
    await page.getByLabel('Current password').fill(me.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    await page.getByRole('heading', { name: 'All open' }).waitFor();
    expectRefusals(watched, [422]);
  });
});

describe('Operators', () => {
  it('an admin adds a colleague who can log in, then disables them: logged out and locked out', async () => {
    const ada = await h.login('admin', 'Ada Admin');
    const email = uniqueEmail('nina');
    const password = 'nina-first-password';
    const { page } = await newPage();
    await logIn(page, ada);
    await page.getByRole('link', { name: 'Operators', exact: true }).click();
    // Exact labels: each row's role control is labelled with its operator's name.
    await page.getByLabel('Name', { exact: true }).fill('Nina Newcomer');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel(/^First password/).fill(password);
    await page.getByRole('button', { name: 'Add operator' }).click();
    await page.getByRole('status').filter({ hasText: `Nina Newcomer can now log in as ${email}.` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByText('Active').waitFor();

    const nina = await newPage();
    await logIn(nina.page, { ...ada, operator: { ...ada.operator, email }, password });
    await nina.page.getByRole('heading', { name: 'All open' }).waitFor();
    // She is an agent: she sees the team but can change nothing in it.
    await nina.page.getByRole('link', { name: 'Operators', exact: true }).click();
    await nina.page.getByText('Only an admin can add or change operators.').waitFor();
    expect(await nina.page.getByRole('button', { name: 'Add operator' }).count()).toBe(0);

    await row.getByRole('button', { name: 'Disable Nina Newcomer' }).click();
    await page.getByRole('status').filter({ hasText: 'Nina Newcomer was disabled and logged out.' }).waitFor();
    await row.getByText('Disabled').waitFor();
    // Her session is gone: the next page she loads asks her to log in, and her password no longer works.
    await nina.page.reload();
    await nina.page.getByRole('heading', { name: 'Log in to the helpdesk' }).waitFor();
    await nina.page.getByLabel('Email').fill(email);
    await nina.page.getByLabel('Password').fill(password);
    await nina.page.getByRole('button', { name: 'Log in' }).click();
    await nina.page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    expectRefusals(nina, [401]);
  });
});

describe('Mailboxes', () => {
  it('an admin adds a mailbox whose password never shows again, and switches it off', async () => {
    const ada = await h.login('admin', 'Ada Mailboxes');
    const name = `ui-${randomUUID().slice(0, 6)}`;
    const password = `s3cret:p@ss/${randomUUID().slice(0, 6)}`;
    const closedPort = await freePort();
    const { page } = await newPage();
    await logIn(page, ada);
    await page.getByRole('link', { name: 'Mailboxes', exact: true }).click();
    await page.getByLabel(/^Name/).fill(name);
    await page.getByLabel('Address customers write to').fill(`${name}@helpdesk.test`);
    await page.getByLabel('IMAP server').fill('127.0.0.1');
    await page.getByLabel(/^IMAP port/).fill(String(closedPort));
    await page.getByLabel('IMAP user').fill('help desk@helpdesk.test');
    await page.getByLabel('IMAP password').fill(password);
    await page.getByRole('button', { name: 'Add mailbox' }).click();
    await page.getByRole('status').filter({ hasText: `Mail to ${name}@helpdesk.test is now taken from 127.0.0.1.` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: `${name}@helpdesk.test` });
    // The user came through the URL encoding as typed; the password is nowhere on the page.
    await row.getByText(`help desk@helpdesk.test at 127.0.0.1:${closedPort} (TLS), folder INBOX`).waitFor();
    await row.getByText('the default outgoing server').waitFor();
    expect(await page.getByText(password).count()).toBe(0);
    expect(await page.getByLabel('IMAP password').inputValue()).toBe('');

    await row.getByRole('button', { name: `Switch off ${name}` }).click();
    await page.getByRole('status').filter({ hasText: `${name}@helpdesk.test is switched off` }).waitFor();
    await row.getByRole('cell', { name: 'Off', exact: true }).waitFor();
  });

  it('is not offered to an agent', async () => {
    const { page } = await newPage();
    await logIn(page, olivia);
    await page.getByRole('link', { name: 'Operators', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Mailboxes', exact: true }).count()).toBe(0);
  });
});

describe('Layout', () => {
  it('fits a narrow window without sideways scrolling; a long address wraps at its @ and dots, never inside a word', async () => {
    const longAddress = `constantinople.bartholomew-${randomUUID().slice(0, 6)}@customer-service.department.example.com`;
    const number = await customerEmailsIn('A rather long subject line to see how the narrow layout wraps it', 'Body', { email: longAddress });
    const { page } = await newPage({ width: 400, height: 800 });
    await logIn(page, olivia);
    await page.getByRole('heading', { name: 'All open' }).waitFor();
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'admin-ticket-list-narrow');
    await page.goto(`${baseUrl}/admin/tickets/${number}`);
    await page.getByRole('heading', { name: /A rather long subject/ }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'admin-ticket-view-narrow');
    // Where each line of the address starts, as laid out: only at "@…" or ".…" boundaries.
    // Runs in the page; this file is type-checked without the DOM's types, hence the `any`s.
    const lineStarts = await page.locator('customer-panel dd a .address').evaluate((element: any) => {
      const doc = (globalThis as any).document;
      const starts: string[] = [];
      let lastTop: number | null = null;
      const walker = doc.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
      const text: string = element.textContent ?? '';
      let offset = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length: number = node.textContent.length;
        for (let i = 0; i < length; i++) {
          const range = doc.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const top: number = range.getBoundingClientRect().top;
          if (lastTop !== null && top > lastTop + 2) starts.push(text.slice(Math.max(0, offset + i - 1), offset + i + 1));
          lastTop = top;
        }
        offset += length;
      }
      return starts;
    });
    expect(lineStarts.length).toBeGreaterThan(0);
    for (const start of lineStarts) expect([start, start[0] === '@' || start[1] === '.']).toEqual([start, true]);
  });
});

describe('Serving the admin UI', () => {
  it('answers every /admin address with the app under a strict policy, and the bundle cached by its hash', async () => {
    const root = await fetch(`${baseUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/admin/');
    for (const path of ['/admin', '/admin/tickets/12345', '/admin/customers']) {
      const page = await fetch(`${baseUrl}${path}`);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const body = await page.text();
      expect(body).toContain('<meta name="robots" content="noindex, nofollow">');
      const script = /src="(\/admin\/assets\/admin\.js\?v=[0-9a-f]{12})"/.exec(body)![1]!;
      const bundle = await fetch(`${baseUrl}${script}`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(bundle.headers.get('cache-control')).toContain('immutable');
    }
    expect((await fetch(`${baseUrl}/admin/assets/../../package.json`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/admin/assets/nothing.js`)).status).toBe(404);
  });
});
