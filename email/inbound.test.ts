import { findTicketReference, isOwnMail, parseInbound, splitName, ticketSubject, UnparseableEmail, MAX_MIME_PARTS } from './inbound';
import { replyAddress, threadMessageId } from '../mail/threading';

const secretKey = 'unit-test-secret-0123456789abcdef0123456789';
const mailbox = { address: 'support@helpdesk.test', messageIdDomain: 'helpdesk.test', secretKey };

const mail = (headers: Record<string, string>, body = 'Hello') => Buffer.from(
  Object.entries({ From: 'Ann Lee <ann@example.com>', To: 'support@helpdesk.test', Subject: 'Printer', 'Message-ID': '<m1@example.com>', ...headers })
    .map(([k, v]) => `${k}: ${v}`).join('\r\n') + `\r\n\r\n${body}\r\n`,
);

describe('parsing inbound mail', () => {
  it('reads sender, recipients, subject and the reply without its quoted history', async () => {
    const m = await parseInbound(mail({ Cc: 'Bob <bob@example.com>' }, 'Thanks, that worked.\r\n\r\nOn Mon, Jan 5, 2026 at 10:00 Support <support@helpdesk.test> wrote:\r\n> Try turning it off.\r\n'));
    expect(m.from).toEqual({ address: 'ann@example.com', name: 'Ann Lee' });
    expect(m.to).toEqual(['support@helpdesk.test']);
    expect(m.cc).toEqual(['bob@example.com']);
    expect(m.messageId).toBe('<m1@example.com>');
    expect(m.visibleText).toBe('Thanks, that worked.');
    expect(m.fullText).toContain('> Try turning it off.');
    expect(m.automatic).toBeNull();
    expect(m.bounce).toBe(false);
  });

  it('decodes other charsets', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: jerzy@example.pl\r\nTo: support@helpdesk.test\r\nSubject: =?ISO-8859-2?Q?Zam=F3wienie?=\r\nContent-Type: text/plain; charset=ISO-8859-2\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      Buffer.from([0x5a, 0x61, 0xbf, 0xf3, 0xb3, 0xe6]), // "Zażółć" in ISO-8859-2
      Buffer.from('\r\n'),
    ]);
    const m = await parseInbound(raw);
    expect(m.subject).toBe('Zamówienie');
    expect(m.visibleText).toBe('Zażółć');
  });

  it('sanitises HTML and takes the text of HTML-only mail', async () => {
    const m = await parseInbound(mail({ 'Content-Type': 'text/html; charset=utf-8' }, '<p>Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(1)></p>'));
    expect(m.html).not.toContain('<script');
    expect(m.html).not.toContain('onerror');
    expect(m.visibleText).toMatch(/^Hi there/);
    expect(m.visibleText).not.toContain('alert');
  });

  it('refuses a MIME bomb before parsing it', async () => {
    const parts = Array.from({ length: MAX_MIME_PARTS + 1 }, () => '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n').join('');
    await expect(parseInbound(mail({ 'Content-Type': 'multipart/mixed; boundary=b' }, `${parts}--b--`))).rejects.toBeInstanceOf(UnparseableEmail);
  });

  it.each([
    ['Auto-Submitted: auto-replied', { 'Auto-Submitted': 'auto-replied' }],
    ['Precedence: bulk', { Precedence: 'bulk' }],
    ['Precedence: auto_reply', { Precedence: 'auto_reply' }],
    ['X-Autoreply', { 'X-Autoreply': 'yes' }],
    ['X-Autorespond', { 'X-Autorespond': 'Out of office' }],
    ['List-Unsubscribe', { 'List-Unsubscribe': '<mailto:leave@lists.example.com>' }],
    ['an empty Return-Path', { 'Return-Path': '<>' }],
    ['mailer-daemon', { From: 'Mail Delivery System <MAILER-DAEMON@mx.example.com>' }],
    ['postmaster', { From: 'postmaster@example.com' }],
  ])('knows automatic mail by %s', async (_name, headers) => {
    expect((await parseInbound(mail(headers))).automatic).not.toBeNull();
  });

  it('Auto-Submitted: no is a person', async () => {
    expect((await parseInbound(mail({ 'Auto-Submitted': 'no' }))).automatic).toBeNull();
  });

  it('knows a bounce', async () => {
    const m = await parseInbound(mail({ From: 'MAILER-DAEMON@mx.example.com', 'Content-Type': 'multipart/report; report-type=delivery-status; boundary=r' },
      '--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; Gone@Example.com\r\nStatus: 5.1.1\r\n--r--'));
    expect(m.bounce).toBe(true);
    expect(m.bounced).toEqual({ address: 'gone@example.com', status: '5.1.1' });
    expect(m.automatic).not.toBeNull();
  });
});

describe('matching a mail to its ticket', () => {
  it('by our signed reply address first', async () => {
    const m = await parseInbound(mail({ To: replyAddress('support@helpdesk.test', 1042, secretKey), Subject: 'Re: [#7] other' }));
    expect(findTicketReference(m, mailbox)).toEqual({ ticketNumber: 1042, via: 'reply_address', signed: true });
  });

  it('by our signed Message-ID in In-Reply-To or References', async () => {
    const m = await parseInbound(mail({ 'In-Reply-To': '<CAx@mail.example.com>', References: `${threadMessageId(1043, 'helpdesk.test', secretKey)} <CAx@mail.example.com>` }));
    expect(findTicketReference(m, mailbox)).toEqual({ ticketNumber: 1043, via: 'message_id', signed: true });
  });

  it('by a subject tag, unsigned', async () => {
    const m = await parseInbound(mail({ Subject: 'Re: [#1044] Printer' }));
    expect(findTicketReference(m, mailbox)).toEqual({ ticketNumber: 1044, via: 'subject_tag', signed: false });
  });

  it('not by a forged reply address or Message-ID', async () => {
    const m = await parseInbound(mail({ To: 'support+t1042-00000000000000000000@helpdesk.test', 'In-Reply-To': '<ticket-1042.00000000000000000000@helpdesk.test>' }));
    expect(findTicketReference(m, mailbox)).toBeNull();
  });

  it('knows our own mail', async () => {
    expect(isOwnMail(await parseInbound(mail({ From: 'Helpdesk <support@helpdesk.test>' })), mailbox)).toBe(true);
    expect(isOwnMail(await parseInbound(mail({ 'Message-ID': threadMessageId(5, 'helpdesk.test', secretKey) })), mailbox)).toBe(true);
    expect(isOwnMail(await parseInbound(mail({})), mailbox)).toBe(false);
  });
});

it('cleans subjects and splits names', () => {
  expect(ticketSubject('Re: Fwd: AW: Printer')).toBe('Printer');
  expect(ticketSubject('   ')).toBe('(no subject)');
  expect(splitName('Mary Ann Lee')).toEqual({ firstName: 'Mary Ann', lastName: 'Lee' });
  expect(splitName('Cher')).toEqual({ firstName: 'Cher', lastName: null });
});
