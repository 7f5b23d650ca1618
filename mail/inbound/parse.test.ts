import { findTicketReference, isOwnMail, parseInbound, splitName, ticketSubject, UnparseableEmail, MAX_MIME_PARTS } from './parse';
import { replyAddress, threadMessageId } from '../threading';

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

describe('bodies that read right', () => {
  const headers = (extra: string) => `From: Hanna Berg <hanna@example.de>\r\nTo: support@helpdesk.test\r\nSubject: Frage\r\nMessage-ID: <b1@example.de>\r\n${extra}`;

  it('HTML-only mail keeps its paragraphs, lists, links and entities, and loses its quoted history', async () => {
    const html = '<div>Hallo.</div><div>Jetzt muss ich &lt;wirklich&gt; fragen: Tom &amp; Jerry?</div><ul><li>eins</li><li>zwei</li></ul>'
      + '<p>Siehe <a href="https://example.de/faq">die FAQ</a>.</p>'
      + '<div class="gmail_quote">Am Mo., 30. Nov. 2026 um 10:00 schrieb Support &lt;support@helpdesk.test&gt;:<blockquote>Alte Antwort</blockquote></div>';
    const m = await parseInbound(Buffer.from(`${headers('Content-Type: text/html; charset=utf-8\r\n')}\r\n${html}\r\n`));
    expect(m.visibleText).toMatch(/^Hallo\.\n+Jetzt muss ich <wirklich> fragen: Tom & Jerry\?/);
    expect(m.visibleText).toMatch(/eins\n.*zwei/);
    expect(m.visibleText).toContain('https://example.de/faq');
    expect(m.visibleText).not.toContain('Alte Antwort');
    expect(m.visibleText).not.toMatch(/&lt;|&amp;/);
    expect(m.html).toContain('<ul>');
  });

  it('an empty text part beside the HTML one: the HTML is the text', async () => {
    const raw = `${headers('MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=alt\r\n')}\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\r\n--alt\r\n`
      + 'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Der Drucker brennt.</p><p>Bitte schnell!</p>\r\n--alt--\r\n';
    const m = await parseInbound(Buffer.from(raw));
    expect(m.visibleText).toBe('Der Drucker brennt.\n\nBitte schnell!');
  });

  it('raw 8-bit Latin-1 without a charset reads as German, subject and body', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: jurgen@example.de\r\nTo: support@helpdesk.test\r\nMessage-ID: <b2@example.de>\r\nSubject: '),
      Buffer.from('Grüße aus München: die Räder sind kaputt', 'latin1'),
      Buffer.from('\r\n\r\n'),
      Buffer.from('Schöne Grüße, die Räder und Türen schließen nicht mehr. Können Sie helfen?', 'latin1'),
      Buffer.from('\r\n'),
    ]);
    const m = await parseInbound(raw);
    expect(m.subject).toBe('Grüße aus München: die Räder sind kaputt');
    expect(m.visibleText).toBe('Schöne Grüße, die Räder und Türen schließen nicht mehr. Können Sie helfen?');
  });

  it('Shift_JIS without a charset, and Latin-1 that claims to be UTF-8, read right', async () => {
    const japanese = '注文した商品がまだ届いていません。配送状況を確認していただけますか。よろしくお願いいたします。';
    const sjis = await parseInbound(Buffer.concat([
      Buffer.from('From: taro@example.jp\r\nTo: support@helpdesk.test\r\nSubject: Order\r\nMessage-ID: <b3@example.jp>\r\n\r\n'),
      (await import('iconv-lite')).default.encode(japanese, 'Shift_JIS'),
      Buffer.from('\r\n'),
    ]));
    expect(sjis.visibleText).toBe(japanese);
    const claimed = await parseInbound(Buffer.concat([
      Buffer.from('From: ana@example.es\r\nTo: support@helpdesk.test\r\nSubject: Hola\r\nMessage-ID: <b4@example.es>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'),
      Buffer.from('La señora García pidió una canción en el décimo año; ¿está aquí la información?', 'latin1'),
      Buffer.from('\r\n'),
    ]));
    expect(claimed.visibleText).toBe('La señora García pidió una canción en el décimo año; ¿está aquí la información?');
  });

  it('a From without an address falls back to Reply-To, then Sender; a trailing dot is dropped', async () => {
    const noAddress = await parseInbound(mail({ From: 'Ann Lee', 'Reply-To': 'ann.lee@example.com' }));
    expect(noAddress.from).toEqual({ address: 'ann.lee@example.com', name: 'Ann Lee' });
    const bySender = await parseInbound(mail({ From: 'undisclosed', Sender: 'Bob <bob@example.com>' }));
    expect(bySender.from?.address).toBe('bob@example.com');
    const dotted = await parseInbound(mail({ From: 'Cleo <cleo@example.com.>' }));
    expect(dotted.from?.address).toBe('cleo@example.com');
  });

  it('a forwarded message attached without a name is named after its subject', async () => {
    const raw = `${headers('MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=fw\r\n')}\r\n--fw\r\nContent-Type: text/plain\r\n\r\nSee the mail below.\r\n--fw\r\n`
      + 'Content-Type: message/rfc822\r\n\r\nFrom: shop@example.com\r\nSubject: Your order: 77/2026\r\n\r\nShipped.\r\n--fw--\r\n';
    const m = await parseInbound(Buffer.from(raw));
    expect(m.attachments.map((a) => a.filename)).toEqual(['Your order 77 2026.eml']);
  });
});
