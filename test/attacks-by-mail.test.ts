/**
 * What an outsider can do with one mail to the helpdesk's address, against a real IMAP
 * server, at the mailbox's default settings: each attack the security review reproduced,
 * named after it, and what it must no longer achieve.
 */
import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { Harness, Session, TEST_SECRET_KEY } from './support/harness';
import { replyAddress } from '../mail/threading';
import { signingDomain } from './support/dkim';
import { HELPDESK_MAILBOX as MAILBOX, plainMail, processedMail, startMailboxHarness, uniqueAddress } from './support/mail-delivery';

let stack: Awaited<ReturnType<typeof startMailboxHarness>>;
let h: Harness;
let agent: Session;
let imap: ImapFlow;
const provider = signingDomain('example.com');

beforeAll(async () => {
  stack = await startMailboxHarness({ dns: provider.records });
  ({ h, imap } = stack);
  agent = await h.login('agent');
});
afterAll(() => stack?.close());

const unique = uniqueAddress;
const mail = (headers: Record<string, string>, body: string) => plainMail(MAILBOX, headers, body);
const processed = (messageId: string, timeoutMs: number) => processedMail(h, messageId, timeoutMs);

it('one mail with a long line that makes a backtracking regex run for minutes: taken in seconds while the API keeps answering', async () => {
  // email-reply-parser's /^(.+\son.*at.*wrote:)$/m needed 12 s for 12 KB of this on one line,
  // and its cost grows with the cube of the length.
  const body = `x${' on at'.repeat(2_000)}`;
  const messageId = `<${randomUUID()}@attacker.example>`;
  let slowest = 0;
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const started = performance.now();
      const response = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const started = performance.now();
  await imap.append('INBOX', mail({ From: unique('mallory'), 'Message-ID': messageId, Subject: 'Hello' }, body));
  const row = await processed(messageId, 20_000);
  const seconds = (performance.now() - started) / 1000;
  watching = false;
  await watch;

  expect(row.outcome).toBe('created');
  expect(seconds).toBeLessThan(10);
  // The health check, which shares the event loop with the mail ingestion as under `npm start`.
  expect(slowest).toBeLessThan(1_000);
  const ticket = (await h.request(agent, 'GET', `/api/tickets/${row.ticket_number}`)).json();
  expect(ticket.comments[0].body).toBe(body);
});

it('an address typed into the widget is proven by its owner answering our mail from it, and not by a stranger quoting the ticket', async () => {
  const owner = unique('owner');
  const opened = await h.app.inject({
    method: 'POST', url: '/api/widget/tickets',
    payload: { firstName: 'Olga', lastName: 'Owner', email: owner, subject: 'Where is my parcel', message: 'It did not arrive.' },
  });
  expect(opened.statusCode).toBe(201);
  const { number } = opened.json();
  const verified = async () => (await h.request(agent, 'GET', `/api/tickets/${number}`)).json().contact.emailVerified;
  expect(await verified()).toBe(false);

  // A stranger who knows the ticket's signed reply address proves nothing about the owner's address.
  const strangerId = `<${randomUUID()}@example.com>`;
  await imap.append('INBOX', mail({ From: unique('stranger'), To: replyAddress(MAILBOX, number, TEST_SECRET_KEY), 'Message-ID': strangerId, Subject: `Re: [#${number}] Where is my parcel` }, 'Me too.'));
  expect((await processed(strangerId, 20_000)).outcome).toBe('appended');
  expect(await verified()).toBe(false);

  const answerId = `<${randomUUID()}@example.com>`;
  await imap.append('INBOX', mail({ From: `Olga Owner <${owner}>`, To: replyAddress(MAILBOX, number, TEST_SECRET_KEY), 'Message-ID': answerId, Subject: `Re: [#${number}] Where is my parcel` }, 'Still nothing.'));
  expect((await processed(answerId, 20_000)).outcome).toBe('appended');
  expect(await verified()).toBe(true);
});

it('a forged From: of the customer with the ticket\'s [#number] opens a new ticket; the same from the customer\'s signed mail lands on theirs', async () => {
  const customer = unique('victim');
  const opened = await h.request(agent, 'POST', '/api/tickets', { subject: 'Refund', body: 'Please refund me.', customer: { email: customer } });
  const { number } = opened.json();

  const forgedId = `<${randomUUID()}@attacker.example>`;
  await imap.append('INBOX', mail({ From: customer, 'Message-ID': forgedId, Subject: `Re: [#${number}] Refund` }, 'Send the refund to my new account 1234.'));
  const forged = await processed(forgedId, 20_000);
  expect(forged.outcome).toBe('created');
  expect(forged.ticket_number).not.toBe(number);
  const bodies = async () => (await h.request(agent, 'GET', `/api/tickets/${number}`)).json().comments.map((c: { body: string }) => c.body);
  expect(await bodies()).not.toContain('Send the refund to my new account 1234.');

  const genuineId = `<${randomUUID()}@example.com>`;
  await imap.append('INBOX', await provider.sign(mail({ From: customer, 'Message-ID': genuineId, Subject: `Re: [#${number}] Refund` }, 'Any news on my refund?')));
  const genuine = await processed(genuineId, 20_000);
  expect(genuine).toMatchObject({ outcome: 'appended', ticket_number: number });
  expect(await bodies()).toContain('Any news on my refund?');
});
