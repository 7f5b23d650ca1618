/**
 * At the settings a user runs (MAIL_POLL_INTERVAL 60 s), new mail is taken when the IMAP
 * server announces it (IDLE), within seconds, not at the next poll: again and again, since
 * the watcher goes back to IDLE after each fetch.
 */
import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import type { Harness } from './support/harness';
import { HELPDESK_MAILBOX, plainMail, processedMail, startMailboxHarness, uniqueAddress } from './support/mail-delivery';

let stack: Awaited<ReturnType<typeof startMailboxHarness>>;
let h: Harness;
let imap: ImapFlow;

beforeAll(async () => {
  stack = await startMailboxHarness();
  ({ h, imap } = stack);
  expect(h.config.MAIL_POLL_INTERVAL).toBe(60_000);
});
afterAll(() => stack?.close());

it('a new mail becomes a ticket within seconds at the default poll interval, each of three in a row', async () => {
  // The watcher is waiting: the first poll after start is over.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  for (let i = 0; i < 3; i++) {
    const messageId = `<${randomUUID()}@example.com>`;
    const started = Date.now();
    await imap.append('INBOX', plainMail(HELPDESK_MAILBOX, { From: uniqueAddress('idle'), 'Message-ID': messageId, Subject: `Idle ${i}` }, 'Hello'));
    const row = await processedMail(h, messageId, 20_000);
    expect(row.outcome).toBe('created');
    expect(Date.now() - started).toBeLessThan(8_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
});
