/** The IMAP server the email tests run against: Dovecot, started from the repo's config. */
import { ImapFlow } from 'imapflow';
import { startDovecot, Dovecot } from './support/dovecot';

let dovecot: Dovecot;
beforeAll(async () => { dovecot = await startDovecot({ 'support@helpdesk.test': 'inbox-password' }); });
afterAll(() => dovecot?.stop());

it('takes a message by IMAP APPEND and hands it back by FETCH', async () => {
  const client = new ImapFlow({
    host: dovecot.host, port: dovecot.port, secure: false, logger: false,
    auth: { user: 'support@helpdesk.test', pass: 'inbox-password' },
  });
  await client.connect();
  const raw = 'From: ann@example.com\r\nTo: support@helpdesk.test\r\nSubject: Help\r\nMessage-ID: <a1@example.com>\r\n\r\nPrinter on fire\r\n';
  await client.append('INBOX', raw);
  const lock = await client.getMailboxLock('INBOX');
  try {
    const message = await client.fetchOne('*', { envelope: true, source: true });
    expect(message && message.envelope?.subject).toBe('Help');
    expect(message && message.source?.toString()).toContain('Printer on fire');
  } finally {
    lock.release();
  }
  await client.logout();
  await expect(new ImapFlow({
    host: dovecot.host, port: dovecot.port, secure: false, logger: false,
    auth: { user: 'support@helpdesk.test', pass: 'wrong' },
  }).connect()).rejects.toThrow();
});
