/**
 * The email channel against a real IMAP server (Dovecot) and a real SMTP server: mail
 * APPENDed to the helpdesk's inbox becomes tickets and comments through the mailbox
 * workflow; answers land on their ticket; robots never get answers or reopen anything.
 */
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { QueryTypes } from 'sequelize';
import type { Dovecot } from './support/dovecot';
import { Harness, Session, eventually, TEST_SECRET_KEY } from './support/harness';
import { operatorReplyAddress, replyAddress } from '../mail/threading';
import { PROCESSED_FLAG } from '../mail/inbound/imap';
import { SmtpSink } from './support/smtp-sink';
import { signingDomain } from './support/dkim';
import { HELPDESK_MAILBOX as MAILBOX, plainMail, processedMail, ProcessedMail, startMailboxHarness, uniqueAddress } from './support/mail-delivery';

let stack: Awaited<ReturnType<typeof startMailboxHarness>>;
let dovecot: Dovecot;
let h: Harness;
let agent: Session;
let imap: ImapFlow;
/** The customers' provider: it signs their mail, so their domain vouches for it (DMARC). */
const provider = signingDomain('example.com');

beforeAll(async () => {
  stack = await startMailboxHarness({
    otherUsers: { 'sales@helpdesk.test': 'sales-password' },
    dns: provider.records,
    env: { MAIL_POLL_INTERVAL: '2s', MAIL_MAX_MESSAGE_SIZE: '100000', MAIL_RATE_LIMIT_PER_RECIPIENT: '3', MAIL_MAX_ATTACHMENT_SIZE: '2000' },
  });
  ({ dovecot, h, imap } = stack);
  agent = await h.login('agent');
});
afterAll(() => stack?.close());

const unique = uniqueAddress;
const mail = (headers: Record<string, string>, body?: string) => plainMail(MAILBOX, headers, body);

/** Delivers like an MTA would: IMAP APPEND into the inbox; waits until it was processed. */
async function deliver(raw: string): Promise<ProcessedMail> {
  const messageId = /^Message-ID: (<[^>]+>)/im.exec(raw)![1]!;
  await imap.append('INBOX', raw);
  return processedMail(h, messageId);
}

async function ticket(number: number) {
  return (await h.request(agent, 'GET', `/api/tickets/${number}`)).json();
}

it('a new mail becomes a ticket with source email, and the customer gets the acknowledgement with the public link', async () => {
  const from = unique('ann');
  const result = await deliver(mail({ From: `Ann Lee <${from}>`, Subject: 'Printer on fire' }, 'Flames everywhere.'));
  expect(result.outcome).toBe('created');
  const t = await ticket(result.ticket_number!);
  expect(t).toMatchObject({ source: 'email', status: 'new', subject: 'Printer on fire' });
  expect(t.contact).toMatchObject({ email: from, firstName: 'Ann', lastName: 'Lee' });
  expect(t.comments.map((c: { body: string; channel: string }) => [c.channel, c.body])).toEqual([['email', 'Flames everywhere.']]);
  await h.smtp.waitFor(() => h.smtp.to(from).length === 1);
  const ack = h.smtp.to(from)[0]!;
  expect(ack.parsed.text).toContain(t.publicUrl);
  expect(ack.parsed.replyTo?.value[0]?.address).toBe(replyAddress(MAILBOX, t.number, TEST_SECRET_KEY));
  // Marked processed in the mailbox only after the ticket was durable.
  const lock = await imap.getMailboxLock('INBOX');
  try {
    const uids = (await imap.search({ keyword: PROCESSED_FLAG }, { uid: true })) || [];
    expect(uids.length).toBeGreaterThan(0);
  } finally {
    lock.release();
  }
});

describe('answers land on their ticket', () => {
  let number: number;
  let customer: string;
  let ackMessageId: string;

  beforeAll(async () => {
    customer = unique('bob');
    number = (await deliver(mail({ From: customer, Subject: 'Broken login' }, 'I cannot log in.'))).ticket_number!;
    await h.smtp.waitFor(() => h.smtp.to(customer).length === 1);
    ackMessageId = h.smtp.to(customer)[0]!.parsed.messageId!;
  });

  it('by In-Reply-To our Message-ID, with the quoted history stripped', async () => {
    const result = await deliver(mail({ From: customer, Subject: 'Re: [#0] Broken login', 'In-Reply-To': ackMessageId, References: ackMessageId },
      'Still broken.\r\n\r\nOn Tue, Jan 6, 2026 at 09:00 Helpdesk <support@helpdesk.test> wrote:\r\n> we have received your request\r\n'));
    expect(result).toMatchObject({ outcome: 'appended', ticket_number: number });
    const bodies = (await ticket(number)).comments.map((c: { body: string }) => c.body);
    expect(bodies).toEqual(['I cannot log in.', 'Still broken.']);
    expect(result.raw!.toString()).toContain('> we have received your request');
  });

  it('by our signed reply address, even from a colleague who was forwarded the mail', async () => {
    const result = await deliver(mail({ From: unique('colleague'), To: replyAddress(MAILBOX, number, TEST_SECRET_KEY), Subject: 'Fwd: Broken login' }, 'Same here.'));
    expect(result).toMatchObject({ outcome: 'appended', ticket_number: number });
  });

  it('by the [#number] subject tag from the customer (their domain vouching for it), but not from a stranger', async () => {
    const fromCustomer = await deliver(await provider.sign(mail({ From: customer.toUpperCase(), Subject: `Re: [#${number}] Broken login` }, 'Any news?')));
    expect(fromCustomer).toMatchObject({ outcome: 'appended', ticket_number: number });
    const fromStranger = await deliver(mail({ From: unique('mallory'), Subject: `Re: [#${number}] Broken login` }, 'Let me in.'));
    expect(fromStranger.outcome).toBe('created');
    expect(fromStranger.ticket_number).not.toBe(number);
    expect((await ticket(number)).comments.map((c: { body: string }) => c.body)).not.toContain('Let me in.');
  });

  it('an answer to a ticket merged into another lands on that one', async () => {
    const second = (await deliver(mail({ From: customer, Subject: 'Broken login again' }, 'It happened again.'))).ticket_number!;
    await h.smtp.waitFor(() => h.smtp.to(customer).length === 2);
    const secondAck = h.smtp.to(customer)[1]!.parsed.messageId!;
    const merged = await h.request(agent, 'POST', `/api/tickets/${second}/merge`, { into: number });
    expect(merged.statusCode).toBe(200);
    const result = await deliver(mail({ From: customer, Subject: 'Re: Broken login again', 'In-Reply-To': secondAck, References: secondAck }, 'Any progress?'));
    expect(result).toMatchObject({ outcome: 'appended', ticket_number: number });
    expect((await ticket(number)).comments.at(-1)).toMatchObject({ body: 'Any progress?', mergedFrom: null });
    expect((await ticket(second)).status).toBe('closed');
  });

  it('the same message delivered twice leaves one comment, and its copy is recorded as a duplicate of the first', async () => {
    const raw = mail({ From: customer, 'In-Reply-To': ackMessageId }, 'Delivered twice.');
    expect((await deliver(raw)).outcome).toBe('appended');
    // The copy came by another route: a relay added its own header on the way.
    await imap.append('INBOX', `Received: from relay2.example.com by mx.helpdesk.test\r\n${raw}`);
    const marker = await deliver(mail({ From: customer, 'In-Reply-To': ackMessageId }, 'After the copy.'));
    expect(marker.outcome).toBe('appended');
    const bodies = (await ticket(number)).comments.map((c: { body: string }) => c.body);
    expect(bodies.filter((b: string) => b === 'Delivered twice.')).toHaveLength(1);
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(raw)![1]!;
    const rows = await h.db.sequelize.query<{ id: string; outcome: string; duplicate_of: string | null; ticket_number: number | null }>(
      'SELECT id::text AS id, outcome, duplicate_of::text AS duplicate_of, ticket_number FROM inbound_emails WHERE message_key = :messageId ORDER BY inbound_emails.id',
      { type: QueryTypes.SELECT, replacements: { messageId } },
    );
    expect(rows).toEqual([
      expect.objectContaining({ outcome: 'appended', ticket_number: number }),
      expect.objectContaining({ outcome: 'duplicate', duplicate_of: rows[0]!.id, ticket_number: number }),
    ]);
  });

  it('another message that reuses a Message-ID already seen is a message of its own, not dropped', async () => {
    const first = mail({ From: customer, 'In-Reply-To': ackMessageId }, 'The first with this ID.');
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(first)![1]!;
    expect((await deliver(first)).outcome).toBe('appended');
    // A broken mailer (or someone who wants this answer ignored) sends another mail under the same ID.
    const second = mail({ From: customer, 'In-Reply-To': ackMessageId, 'Message-ID': messageId, Subject: 'Another one' }, 'A different answer, same ID.');
    await imap.append('INBOX', second);
    const result = await processedMail(h, `${messageId}#`, 30_000, true);
    expect(result.outcome).toBe('appended');
    const bodies = (await ticket(number)).comments.map((c: { body: string }) => c.body);
    expect(bodies).toEqual(expect.arrayContaining(['The first with this ID.', 'A different answer, same ID.']));
  });

  it('a reply to a closed ticket reopens it; an out-of-office never does', async () => {
    await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'closed' });
    const ooo = await deliver(mail({ From: customer, 'In-Reply-To': ackMessageId, 'Auto-Submitted': 'auto-replied', Subject: 'Out of office' }, 'I am away.'));
    expect(ooo).toMatchObject({ outcome: 'appended', ticket_number: number });
    expect((await ticket(number)).status).toBe('closed');
    const reply = await deliver(mail({ From: customer, 'In-Reply-To': ackMessageId }, 'It broke again.'));
    expect(reply.outcome).toBe('appended');
    expect((await ticket(number)).status).toBe('new');
  });
});

describe("an operator's mail is never a customer's words", () => {
  let number: number;
  let customer: string;
  let notice: { subject: string; messageId: string; replyTo: string };

  beforeAll(async () => {
    customer = unique('carol');
    number = (await deliver(mail({ From: customer, Subject: 'Where is my parcel?' }, 'It did not come.'))).ticket_number!;
    await h.smtp.waitFor(() => h.smtp.to(customer).length === 1);
    await h.request(agent, 'PATCH', `/api/tickets/${number}`, { assigneeId: agent.operator.id });
    const ack = h.smtp.to(customer)[0]!.parsed;
    await deliver(mail({ From: customer, Subject: `Re: ${ack.subject}`, 'In-Reply-To': ack.messageId! }, 'Still nothing.'));
    await h.smtp.waitFor(() => h.smtp.to(agent.operator.email).length === 1);
    const told = h.smtp.to(agent.operator.email)[0]!.parsed;
    notice = { subject: told.subject!, messageId: told.messageId!, replyTo: told.replyTo!.value[0]!.address! };
  });

  it('the assignee answers the "customer answered" mail from their own address: it is their public reply, mailed to the customer', async () => {
    expect(notice.replyTo).toBe(operatorReplyAddress(MAILBOX, number, agent.operator.id, TEST_SECRET_KEY));
    const answer = await deliver(plainMail(notice.replyTo, {
      From: `${agent.operator.name} <${agent.operator.email}>`, Subject: `Re: ${notice.subject}`, 'In-Reply-To': notice.messageId,
    }, 'It ships tomorrow.\r\n\r\nOn Monday, the helpdesk wrote:\r\n> Still nothing.'));
    expect(answer.outcome).toBe('appended');
    const t = await ticket(number);
    expect(t.comments.at(-1)).toMatchObject({ visibility: 'public', body: 'It ships tomorrow.', author: { kind: 'operator', id: agent.operator.id } });
    await h.smtp.waitFor(() => h.smtp.to(customer).some((m) => m.parsed.text?.includes('It ships tomorrow.')));
  });

  it('mail from an operator\'s address that does not answer their notification, and mail to that address from anyone else, is refused and kept', async () => {
    const before = (await ticket(number)).comments.length;
    const ack = h.smtp.to(customer)[0]!.parsed;
    // The operator answers the customer's thread (a Cc, a forward): not filed as the customer's words.
    const sideways = await deliver(mail({ From: agent.operator.email, Subject: `Re: ${ack.subject}`, 'In-Reply-To': ack.messageId! }, 'Internal: call them.'));
    expect(sideways.outcome).toBe('rejected');
    expect(sideways.reason).toMatch(/operator's address/);
    // Someone who got hold of the notification answers to its address.
    const stranger = await deliver(plainMail(notice.replyTo, { From: unique('mallory'), Subject: `Re: ${notice.subject}` }, 'Refund me.'));
    expect(stranger.outcome).toBe('rejected');
    expect(stranger.reason).toMatch(/another address/);
    // The operator's out-of-office answering the notification.
    const away = await deliver(plainMail(notice.replyTo, {
      From: agent.operator.email, Subject: `Out of office: ${notice.subject}`, 'Auto-Submitted': 'auto-replied',
    }, 'I am away until Monday.'));
    expect(away.outcome).toBe('rejected');
    expect((await ticket(number)).comments).toHaveLength(before);
    expect(h.smtp.to(customer).some((m) => /call them|Refund me|away until/.test(m.parsed.text ?? ''))).toBe(false);
  });
});

describe('robots and odd mail', () => {
  it('an auto-reply with no ticket opens one but gets no acknowledgement', async () => {
    const from = unique('robot');
    const result = await deliver(mail({ From: from, Precedence: 'bulk' }, 'Newsletter'));
    expect(result.outcome).toBe('created');
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.smtp.to(from)).toHaveLength(0);
  });

  /** A delivery report as an MTA writes it, returning the headers of the mail it could not deliver. */
  const report = (recipient: string, returnedHeaders: string) => mail({
    From: 'Mail Delivery System <MAILER-DAEMON@mx.example.com>',
    Subject: 'Undelivered Mail Returned to Sender',
    'Content-Type': 'multipart/report; report-type=delivery-status; boundary=r',
  }, `--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n`
    + `Final-Recipient: rfc822; ${recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\n${returnedHeaders}\r\n--r--`);

  it('a bounce that returns our mail is recorded against its ticket, flags the address and opens nothing', async () => {
    const customer = unique('gone');
    const { ticket_number: number } = await deliver(mail({ From: customer }, 'Hi'));
    await h.smtp.waitFor(() => h.smtp.to(customer).length === 1);
    const ack = h.smtp.to(customer)[0]!.parsed;
    const before = await h.db.Ticket.count();
    const bounce = await deliver(report(customer, `Message-ID: ${ack.messageId}\r\nFrom: ${MAILBOX}\r\nTo: ${customer}\r\nSubject: ${ack.subject}`));
    expect(bounce).toMatchObject({ outcome: 'bounce', ticket_number: number });
    expect(await h.db.Ticket.count()).toBe(before);
    const t = await ticket(number!);
    expect(t.comments).toHaveLength(1);
    // The operator sees that the customer's address bounced.
    expect(t.customerPanel.emailBounce).toMatchObject({ status: '5.1.1', ticketNumber: number });
  });

  it("a forged bounce (no mail of ours in it) flags nobody's address and is recorded as unrelated", async () => {
    const customer = unique('victim');
    const { ticket_number: number } = await deliver(mail({ From: customer }, 'Hello'));
    await h.smtp.waitFor(() => h.smtp.to(customer).length === 1);
    // Whoever knows the ticket's number and the customer's address can write this.
    const forged = await deliver(report(customer, `Message-ID: <ticket-${number}.0123456789abcdef0123@helpdesk.test>\r\nTo: ${customer}\r\nSubject: [#${number}] Question`));
    expect(forged.outcome).toBe('bounce');
    expect(forged.ticket_number).toBeNull();
    expect(forged.reason).toMatch(/unrelated/);
    expect((await ticket(number!)).customerPanel.emailBounce).toBeNull();
  });

  it('bounces, delay warnings, abuse reports and out-of-office replies of every family open no ticket and get no answer', async () => {
    const before = await h.db.Ticket.count();
    const sent = h.smtp.mails.length;
    for (const [headers, body, outcome] of [
      [{ From: 'Mail.Delivery.System@mx.provider.example', Subject: 'Undeliverable mail' }, 'Unable to deliver message to the following address(es).\r\n<x@provider.example>: 550 5.2.1', 'bounce'],
      [{ From: 'post_master@mail.vendor.example', Subject: 'Undeliverable message' }, 'The following message to <y@vendor.example> was undeliverable.', 'bounce'],
      [{ From: 'relay@filter.example', 'Return-Path': '<MAILER-DAEMON>', Subject: 'Delivery failure' }, 'Your message could not be delivered: 550 5.7.1', 'bounce'],
      [{ From: 'MAILER-DAEMON@yahoo.example', Subject: 'Failure Notice' }, 'Sorry, we were unable to deliver your message to the following address.', 'bounce'],
      [{ From: 'MAILER-DAEMON@slow.example', Subject: 'Delayed Mail (still being retried)' }, 'THIS IS A WARNING ONLY. Final-Recipient: rfc822; z@slow.example', 'bounce'],
      [{ From: 'staff@abuse.example', Subject: 'Abuse report', 'Content-Type': 'multipart/report; report-type=feedback-report; boundary=f' }, '--f\r\nContent-Type: text/plain\r\n\r\nAbuse report\r\n--f--', 'bounce'],
      [{ From: unique('rita'), Subject: 'Automatic reply: Question' }, 'I am out of the office until Monday.', 'automatic'],
      [{ From: unique('stefan'), Subject: 'Abwesenheitsnotiz: Rechnung' }, 'Ich bin nicht im Büro.', 'automatic'],
    ] as Array<[Record<string, string>, string, string]>) {
      expect([headers.Subject, (await deliver(mail(headers, body))).outcome]).toEqual([headers.Subject, outcome]);
    }
    expect(await h.db.Ticket.count()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.smtp.mails.length).toBe(sent);
  });

  it('one address gets at most MAIL_RATE_LIMIT_PER_RECIPIENT mails an hour: a loop with another robot ends', async () => {
    const looping = unique('loop');
    for (let i = 0; i < 5; i++) expect((await deliver(mail({ From: looping, Subject: `Loop ${i}` }, `Round ${i}`))).outcome).toBe('created');
    await eventually(async () => (await h.db.Notification.count({ where: { recipient: looping } })) === 5, 20_000, 'all notifications decided');
    await h.smtp.waitFor(() => h.smtp.to(looping).length >= 3);
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.smtp.to(looping)).toHaveLength(3);
    expect(await h.db.Notification.count({ where: { recipient: looping, status: 'skipped' } })).toBe(2);
  });

  it('our own mail coming back is ignored', async () => {
    expect((await deliver(mail({ From: `Helpdesk <${MAILBOX}>` }, 'Loop'))).outcome).toBe('own_mail');
  });

  it('HTML-only mail and other charsets come through readable', async () => {
    const html = await deliver(mail({ From: unique('html'), 'Content-Type': 'text/html; charset=utf-8' }, '<p>Hello <b>world</b><script>alert(1)</script></p>'));
    expect((await ticket(html.ticket_number!)).comments[0].body).toMatch(/^Hello world/);
    const latin2 = await deliver(mail({ From: unique('pl'), Subject: '=?ISO-8859-2?Q?Zam=F3wienie?=', 'Content-Type': 'text/plain; charset=ISO-8859-2', 'Content-Transfer-Encoding': 'quoted-printable' }, 'Za=BF=F3=B3=E6'));
    const t = await ticket(latin2.ticket_number!);
    expect(t.subject).toBe('Zamówienie');
    expect(t.comments[0].body).toBe('Zażółć');
  });

  it('attachments are kept with the comment; one over the cap is recorded, not dropped; downloads never render', async () => {
    const part = (name: string, type: string, content: Buffer) =>
      `--m\r\nContent-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${content.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`;
    const big = Buffer.alloc(5000, 7);
    const body = `--m\r\nContent-Type: text/plain\r\n\r\nScreenshots attached.\r\n`
      + part('note.txt', 'text/plain', Buffer.from('hello attachment'))
      + part('page.html', 'text/html', Buffer.from('<script>alert(1)</script>'))
      + part('big.bin', 'application/octet-stream', big) + '--m--';
    const result = await deliver(mail({ From: unique('files'), 'Content-Type': 'multipart/mixed; boundary=m' }, body));
    const t = await ticket(result.ticket_number!);
    expect(t.comments[0].body).toBe('Screenshots attached.');
    const files = t.comments[0].attachments;
    expect(files.map((f: { filename: string; stored: boolean; size: number }) => [f.filename, f.stored, f.size])).toEqual([
      ['note.txt', true, 16], ['page.html', true, 25], ['big.bin', false, 5000],
    ]);
    const note = await h.request(agent, 'GET', `/api/attachments/${files[0].id}`);
    expect(note.body).toBe('hello attachment');
    expect(note.headers['content-disposition']).toMatch(/^attachment; filename="note.txt"/);
    const html = await h.request(agent, 'GET', `/api/attachments/${files[1].id}`);
    expect(html.headers['content-type']).toBe('application/octet-stream');
    expect(html.headers['content-security-policy']).toContain('sandbox');
    expect((await h.request(agent, 'GET', `/api/attachments/${files[2].id}`)).statusCode).toBe(404);
    // The customer gets them through the ticket's link, and only this ticket's.
    const token = t.publicUrl.split('/t/')[1];
    const publicView = (await h.request(null, 'GET', `/api/public/tickets/${token}`)).json();
    expect(publicView.comments[0].attachments).toHaveLength(3);
    expect((await h.request(null, 'GET', `/api/public/tickets/${token}/attachments/${files[0].id}`)).body).toBe('hello attachment');
    const other = await deliver(mail({ From: unique('other') }, 'No files'));
    const otherToken = (await ticket(other.ticket_number!)).publicUrl.split('/t/')[1];
    expect((await h.request(null, 'GET', `/api/public/tickets/${otherToken}/attachments/${files[0].id}`)).statusCode).toBe(404);
  });

  it('a message over the size limit is recorded with its headers, not dropped', async () => {
    const result = await deliver(mail({ From: unique('big') }, 'x'.repeat(150_000)));
    expect(result.outcome).toBe('too_large');
    expect(result.raw!.toString()).toContain('Message-ID:');
    expect(result.raw!.length).toBeLessThan(10_000);
  });

  it('a MIME bomb is kept raw and reported, and the mailbox goes on', async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const bomb = await deliver(mail({ From: unique('bomb'), 'Content-Type': 'multipart/mixed; boundary=b' }, `${parts}--b--`));
    expect(bomb.outcome).toBe('unparseable');
    expect(bomb.raw!.toString()).toContain('part 1999');
    // Reported to operators, with the original to download.
    const listed = (await h.request(agent, 'GET', '/api/inbound-emails?outcome=unparseable')).json();
    const entry = listed.items.find((i: { reason: string }) => /MIME parts/.test(i.reason));
    expect(entry).toMatchObject({ outcome: 'unparseable', ticketNumber: null });
    const download = await h.request(agent, 'GET', `/api/inbound-emails/${entry.id}/raw`);
    expect(download.headers['content-type']).toBe('message/rfc822');
    expect(download.headers['content-disposition']).toMatch(/^attachment/);
    expect(download.body).toContain('part 1999');
    const after = await deliver(mail({ From: unique('after') }, 'Still working?'));
    expect(after.outcome).toBe('created');
  });

  it('broken headers do not stop the mailbox', async () => {
    const broken = await deliver(`Message-ID: <${randomUUID()}@example.com>\r\nFrom: =?utf-8?B?####?= <<<broken\r\nSubject: =?bogus?Q?x?=\r\nContent-Type: multipart/mixed; boundary=\r\n\r\nbody\r\n`);
    // Its sender can't be parsed into an address: kept and reported, not a ticket.
    expect(broken.outcome).toBe('rejected');
    expect(broken.reason).toMatch(/sender/);
    expect(broken.raw!.toString()).toContain('<<<broken');
    const after = await deliver(mail({ From: unique('after2') }, 'Next one'));
    expect(after.outcome).toBe('created');
  });
});

describe('more mailboxes, stored in the database', () => {
  it('an admin adds one; its mail becomes tickets; its password is never shown', async () => {
    const admin = await h.login('admin');
    const imapUrl = `imap://sales%40helpdesk.test:sales-password@${dovecot.host}:${dovecot.port}/INBOX`;
    // The sales mailbox sends through a server of its own.
    const salesSmtp = new SmtpSink();
    const smtpUrl = (await salesSmtp.start()).replace('smtp://', 'smtp://sales:smtp-password@');
    const name = `sales-${randomUUID().slice(0, 6)}`;
    expect((await h.request(agent, 'POST', '/api/mailboxes', { name, address: 'sales@helpdesk.test', imapUrl })).statusCode).toBe(403);
    const created = await h.request(admin, 'POST', '/api/mailboxes', { name, address: 'sales@helpdesk.test', imapUrl, smtpUrl });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name, address: 'sales@helpdesk.test', active: true, source: 'database',
      imap: { user: 'sales@helpdesk.test', folder: 'INBOX' }, smtp: { host: '127.0.0.1', user: 'sales' },
    });
    const listed = await h.request(admin, 'GET', '/api/mailboxes');
    for (const body of [created.body, listed.body]) {
      expect(body).not.toContain('sales-password');
      expect(body).not.toContain('smtp-password');
    }
    const [row] = await h.db.sequelize.query<{ imap_sealed: string; smtp_sealed: string }>('SELECT imap_sealed, smtp_sealed FROM mailboxes WHERE name = :name', { type: QueryTypes.SELECT, replacements: { name } });
    expect(row!.imap_sealed).not.toContain('sales-password');
    expect(row!.smtp_sealed).not.toContain('smtp-password');
    expect((await h.request(admin, 'POST', '/api/mailboxes', { name: 'x', address: 'x@example.com', imapUrl: 'http://nope' })).statusCode).toBe(422);

    const sales = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, logger: false, auth: { user: 'sales@helpdesk.test', pass: 'sales-password' } });
    await sales.connect();
    const from = unique('buyer');
    await sales.append('INBOX', mail({ From: from, To: 'sales@helpdesk.test', Subject: 'Quote please' }, 'How much for 10?'));
    await sales.logout();
    const number = await eventually(async () => (await h.db.Ticket.findOne({ where: { contactEmail: from } }))?.number, 30_000, 'the sales mail to become a ticket');
    expect((await ticket(number)).subject).toBe('Quote please');
    // Its answers are matched by its own signed address.
    const reply = await h.db.sequelize.query<{ mailbox: string }>('SELECT mailbox FROM inbound_emails WHERE ticket_number = :number', { type: QueryTypes.SELECT, replacements: { number } });
    expect(reply.map((r) => r.mailbox)).toEqual([name]);
    // Its acknowledgement goes out through the mailbox's own server, from its address, and
    // answers are asked for at its signed address.
    await salesSmtp.waitFor(() => salesSmtp.to(from).length === 1);
    const ack = salesSmtp.to(from)[0]!;
    expect(ack.parsed.from?.value[0]?.address).toBe('sales@helpdesk.test');
    expect(ack.parsed.replyTo?.value[0]?.address).toBe(replyAddress('sales@helpdesk.test', number, TEST_SECRET_KEY));
    expect(h.smtp.to(from)).toHaveLength(0);
    await salesSmtp.close();

    const off = await h.request(admin, 'PATCH', `/api/mailboxes/${created.json().id}`, { active: false });
    expect(off.json().active).toBe(false);
    const handle = h.temporal.workflow.getHandle(`mailbox-${name}`);
    expect((await handle.describe()).status.name).not.toBe('RUNNING');
  });
});

describe('a reopen window', () => {
  it("an answer to a ticket closed longer than its policy's reopen window opens a follow-up ticket linked to it; the old one stays closed", async () => {
    const admin = await h.login('admin');
    const policy = await h.request(admin, 'POST', '/api/sla-policies', {
      name: `Reopen window ${unique('p')}`, mailboxes: [h.mailboxes[0]!.name], reopenWithin: '1s',
      targets: Object.fromEntries(['low', 'normal', 'high', 'urgent'].map((p) => [p, { firstResponse: null, nextResponse: null, resolution: null }])),
    });
    expect(policy.statusCode).toBe(201);
    // The policy reaches this mailbox's open tickets (the rollout) before anything else happens,
    // so none of them is left half-way when this file's worker stops.
    const policyId = (policy.json() as { id: number }).id;
    await eventually(async () => {
      const [row] = await h.db.sequelize.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM tickets WHERE mailbox = :mailbox AND status <> 'closed' AND sla_policy_id IS DISTINCT FROM :policyId",
        { type: QueryTypes.SELECT, replacements: { mailbox: h.mailboxes[0]!.name, policyId } },
      );
      return row!.n === 0;
    }, 30_000, 'the policy to reach the open tickets');
    const customer = unique('late');
    const number = (await deliver(mail({ From: customer, Subject: 'Invoice question' }, 'Why is it so high?'))).ticket_number!;
    await h.smtp.waitFor(() => h.smtp.to(customer).length === 1);
    const ack = h.smtp.to(customer)[0]!.parsed.messageId!;
    expect((await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'closed' })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const late = await deliver(mail({ From: customer, Subject: 'Re: Invoice question', 'In-Reply-To': ack }, 'And another thing.'));
    expect(late.outcome).toBe('created');
    expect(late.ticket_number).not.toBe(number);
    const followUp = await ticket(late.ticket_number!);
    expect(followUp).toMatchObject({ followUpOf: number, status: 'new', contact: { email: customer } });
    expect(followUp.comments.map((c: { body: string }) => c.body)).toEqual(['And another thing.']);
    expect(followUp.events[0].changes.followUpOf).toEqual({ from: null, to: number });
    const old = await ticket(number);
    expect(old.status).toBe('closed');
    expect(old.comments.map((c: { body: string }) => c.body)).not.toContain('And another thing.');
  });
});
