/**
 * The classifier against real-shaped mail of each family (written here, in the shape each
 * mail system sends; test/fixtures/mail/). `{{OUR_MESSAGE_ID}}` and `{{OUR_REPLY_ADDRESS}}`
 * stand for what our own mail carried, signed under the test secret.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { classifyMail, MailKind } from './robots';
import { parseInbound, reportedTicket } from './parse';
import { replyAddress, threadMessageId } from '../threading';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'mail');
const secretKey = 'classifier-test-secret-0123456789abcdef';
const mailbox = { address: 'support@helpdesk.test', messageIdDomain: 'helpdesk.test', secretKey };

function fixture(name: string): Buffer {
  return Buffer.from(readFileSync(join(FIXTURES, name), 'utf8')
    .replaceAll('{{OUR_MESSAGE_ID}}', threadMessageId(1042, 'helpdesk.test', secretKey))
    .replaceAll('{{OUR_REPLY_ADDRESS}}', replyAddress('support@helpdesk.test', 1042, secretKey)));
}

type Expected = { kind: MailKind | null; recipient?: string | null; status?: string | null; permanent?: boolean; proves?: number | null };

const EXPECTED: Record<string, Expected> = {
  'postfix-dsn.eml': { kind: 'bounce', recipient: 'ann@example.com', status: '5.1.1', permanent: true, proves: 1042 },
  'exim-plain.eml': { kind: 'bounce', recipient: 'bob@isp.example', permanent: true, proves: 1042 },
  'sendmail-report-no-type.eml': { kind: 'bounce', recipient: 'carol@corp.example', status: '5.1.1', permanent: true, proves: 1042 },
  'qmail.eml': { kind: 'bounce', recipient: 'dave@host.example', status: '5.1.1', permanent: true, proves: 1042 },
  'exchange-legacy.eml': { kind: 'bounce', recipient: 'erin@contoso.example', status: '5.1.1', permanent: true, proves: 1042 },
  'office365-german.eml': { kind: 'bounce', recipient: 'frank@fabrikam.example', status: '5.1.10', permanent: true, proves: 1042 },
  'gmail-no-content-type.eml': { kind: 'bounce', recipient: 'grace@gmail.example', status: '5.1.1', permanent: true, proves: 1042 },
  'yahoo.eml': { kind: 'bounce', recipient: 'heidi@yahoo.example', permanent: true, proves: 1042 },
  'courier.eml': { kind: 'bounce', recipient: 'ivan@courier.example', status: '5.0.0', permanent: true, proves: 1042 },
  'lotus-domino.eml': { kind: 'bounce', recipient: 'judy@acme.example', permanent: true, proves: null },
  'japanese-carrier.eml': { kind: 'bounce', recipient: 'kenji@ezweb.example', permanent: true, proves: null },
  'mail-delivery-system-sender.eml': { kind: 'bounce', recipient: 'liam@provider.example', status: '5.2.1', permanent: true, proves: 1042 },
  'post-master-sender.eml': { kind: 'bounce', recipient: 'mia@vendor.example', status: '5.1.0', permanent: true, proves: null },
  'return-path-mailer-daemon.eml': { kind: 'bounce', recipient: 'noah@filter-customer.example', status: '5.7.1', permanent: true, proves: 1042 },
  'postfix-delay.eml': { kind: 'delay', recipient: 'olga@slow.example', status: '4.4.1', permanent: false, proves: 1042 },
  'arf-feedback.eml': { kind: 'feedback_report', proves: 1042 },
  'dmarc-aggregate.eml': { kind: 'feedback_report', proves: null },
  'report-without-type.eml': { kind: 'bounce', recipient: 'quinn@other.example', status: '5.1.1', permanent: true, proves: null },
  'outlook-automatic-reply.eml': { kind: 'out_of_office' },
  'german-abwesenheit.eml': { kind: 'out_of_office' },
  'auto-reply-subject.eml': { kind: 'auto_reply' },
  'rfc3834-vacation.eml': { kind: 'auto_reply' },
  'mailman-moderation.eml': { kind: 'mailing_list' },
  'newsletter.eml': { kind: 'mailing_list' },
  'no-reply-notification.eml': { kind: 'no_reply' },
  'person-mentions-undeliverable.eml': { kind: null },
  'person-forwards-bounce.eml': { kind: null },
  'person-out-of-office-question.eml': { kind: null },
  'person-plain.eml': { kind: null },
};

test('every fixture has its expectation', () => {
  expect(readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')).sort()).toEqual(Object.keys(EXPECTED).sort());
});

describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
  it(`is ${expected.kind ?? 'a person'}`, async () => {
    const mail = await simpleParser(fixture(name));
    const found = classifyMail(mail);
    expect(found?.kind ?? null).toBe(expected.kind);
    if (!found) return;
    expect(found.reason.length).toBeGreaterThan(0);
    if (expected.recipient !== undefined) expect(found.recipient).toBe(expected.recipient);
    if (expected.status !== undefined) expect(found.status).toBe(expected.status);
    if (expected.permanent !== undefined) expect(found.permanent).toBe(expected.permanent);
    if (expected.proves !== undefined) expect(reportedTicket(found, mailbox)).toBe(expected.proves);
  });
});

test('a report forged with another secret proves nothing', async () => {
  const forged = Buffer.from(readFileSync(join(FIXTURES, 'postfix-dsn.eml'), 'utf8')
    .replaceAll('{{OUR_MESSAGE_ID}}', threadMessageId(1042, 'helpdesk.test', 'not-our-secret-0123456789abcdef0123'))
    .replaceAll('{{OUR_REPLY_ADDRESS}}', replyAddress('support@helpdesk.test', 1042, 'not-our-secret-0123456789abcdef0123')));
  const parsed = await parseInbound(forged);
  expect(parsed.bounce).toBe(true);
  expect(reportedTicket(parsed.robot!, mailbox)).toBeNull();
});

test('a huge report is read in bounded time', async () => {
  const line = `${'x'.repeat(5000)} user unknown ${'@'.repeat(3000)}\r\n`;
  const raw = Buffer.from(`From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <big@mx.example>\r\n\r\n${line.repeat(400)}`);
  const started = Date.now();
  const parsed = await parseInbound(raw);
  expect(parsed.robot?.kind).toBe('bounce');
  expect(Date.now() - started).toBeLessThan(2_000);
});
