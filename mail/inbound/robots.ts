/**
 * Which mail a machine wrote, and what kind: delivery failures (the standard DSN of RFC
 * 3464 and the de-facto reports of Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yahoo,
 * Courier, Lotus Domino and Japanese carriers), delay warnings, abuse and DMARC reports,
 * out-of-office and other auto-replies, mailing lists, and no-reply senders. Pure: it reads
 * a parsed mail, no I/O. Every pattern is a plain substring or a linear regex over text cut
 * to a few kilobytes first, since all of it is written by strangers.
 */
import type { ParsedMail } from 'mailparser';
import type { RobotMailKind } from '../../domain/inbound-email';

export type MailKind = RobotMailKind;

/** The headers of the message a report returned (ours, if it answers mail we sent). */
export interface ReturnedHeaders {
  messageIds: string[];
  /** Every address in its address fields (our signed reply address among them, if ours). */
  addresses: string[];
  /** Whom it was for (To, Cc): who did not get it. */
  recipients: string[];
}

export interface MailClass {
  kind: MailKind;
  /** What gave it away, for the record: "Postfix bounce", "Auto-Submitted: auto-replied". */
  reason: string;
  /** For a failure or delay: the address that did not take the mail, and the status code. */
  recipient: string | null;
  status: string | null;
  /** Sent again it would fail again (5.x.x, or a failure report without a status). */
  permanent: boolean;
  /** What the report quotes of the mail it returns, to prove it answers ours. */
  returned: ReturnedHeaders | null;
}

/** How much of a body the patterns read: reports say what they are near the top. */
const TEXT_SCAN_LIMIT = 64 * 1024;
/** How much of a returned message is read for its headers. */
const RETURNED_SCAN_LIMIT = 128 * 1024;

const header = (mail: ParsedMail, name: string): string | null => {
  const line = mail.headerLines.find((h) => h.key === name);
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim().slice(0, 2000) : null;
};

const lower = (value: string | null | undefined) => (value ?? '').toLowerCase();

function contentType(mail: ParsedMail): { value: string; reportType: string } {
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | string | undefined;
  if (typeof type === 'string') return { value: type.toLowerCase(), reportType: '' };
  return { value: lower(type?.value), reportType: lower(type?.params?.['report-type']) };
}

/** Local parts mail systems send their reports from. */
const REPORT_SENDERS = [
  'mailer-daemon', 'mailer_daemon', 'mailerdaemon', 'postmaster', 'post_master', 'post.master', 'mail.delivery.system',
  'mail-delivery-system', 'maildelivery', 'mail-daemon', 'mdaemon', 'mailadmin', 'mail.administrator', 'bounce', 'bounces',
];
/** Display names of the same. */
const REPORT_SENDER_NAMES = ['mail delivery subsystem', 'mail delivery system', 'mail delivery service', 'mailer-daemon', 'postmaster', 'mail administrator', 'microsoft outlook', 'mail system'];

/** Subjects of delivery failures, by the systems that write them (lower case, matched from the start or anywhere as noted). */
const FAILURE_SUBJECTS: Array<[string, string]> = [
  ['undelivered mail returned to sender', 'Postfix'],
  ['mail delivery failed', 'Exim'],
  ['returned mail:', 'Sendmail'],
  ['failure notice', 'qmail / Yahoo'],
  ['undeliverable:', 'Exchange'],
  ['undeliverable mail', 'Exchange / generic MTA'],
  ['unzustellbar:', 'Exchange (German)'],
  ['non remis :', 'Exchange (French)'],
  ['non remis:', 'Exchange (French)'],
  ['no se puede entregar:', 'Exchange (Spanish)'],
  ['onbestelbaar:', 'Exchange (Dutch)'],
  ['olevererbart:', 'Exchange (Swedish)'],
  ['niet bezorgd', 'Exchange (Dutch)'],
  ['delivery status notification (failure)', 'Gmail'],
  ['mail delivery failure', 'generic MTA or Japanese carrier'],
  ['delivery failure', 'Lotus Domino / generic MTA'],
  ['delivery has failed', 'Exchange'],
  ['delivery notification: delivery has failed', 'Lotus Domino'],
  ['mail system error - returned mail', 'Mirapoint'],
  ['nondeliverable mail', 'Novell GroupWise'],
  ['message delivery has failed', 'Exchange'],
  ['mail could not be delivered', 'generic MTA'],
  ['undeliverable message', 'generic MTA'],
  ['returned mail', 'generic MTA'],
  ['delivery failure notification', 'generic MTA'],
  ['メール配信エラー', 'Japanese carrier'],
  ['不達', 'Japanese carrier'],
  ['unable to deliver', 'generic MTA'],
  ['could not deliver', 'generic MTA'],
];
const DELAY_SUBJECTS = ['delivery status notification (delay)', 'warning: could not send message for past', 'delayed mail', 'delivery delayed', 'mail delivery delayed', 'warning: message', 'delivery notification: delivery has been delayed'];

/** Sentences reports open with, by the systems that write them (lower case). */
const FAILURE_BODIES: Array<[string, string]> = [
  ['this is the mail system at host', 'Postfix'],
  ['i\'m sorry to have to inform you that your message could not', 'Postfix'],
  ['this message was created automatically by mail delivery software', 'Exim'],
  ['a message that you sent could not be delivered to one or more of its', 'Exim'],
  ['the original message was received at', 'Sendmail'],
  ['----- the following addresses had permanent fatal errors -----', 'Sendmail'],
  ['hi. this is the qmail-send program at', 'qmail'],
  ['i\'m afraid i wasn\'t able to deliver your message to the following addresses', 'qmail'],
  ['delivery has failed to these recipients or groups', 'Exchange'],
  ['your message to', 'Exchange'],
  ['couldn\'t be delivered', 'Exchange / Office 365'],
  ['your message did not reach some or all of the intended recipients', 'Exchange'],
  ['the following recipient(s) cannot be reached', 'Exchange'],
  ['your message wasn\'t delivered to', 'Gmail'],
  ['address not found', 'Gmail'],
  ['delivery to the following recipient failed permanently', 'Gmail'],
  ['sorry, we were unable to deliver your message to the following address', 'Yahoo'],
  ['this message was created automatically by the mail system (ecelerity)', 'Yahoo'],
  ['your message cannot be delivered to the following recipients', 'Courier'],
  ['this is a delivery status notification, automatically generated by', 'Courier'],
  ['your document:', 'Lotus Domino'],
  ['was not delivered to:', 'Lotus Domino'],
  ['unable to deliver message to the following address', 'generic MTA'],
  ['the following message to', 'generic MTA'],
  ['was undeliverable', 'generic MTA'],
  ['could not be delivered to the following recipients', 'generic MTA'],
  ['permanent error', 'generic MTA'],
  ['user unknown', 'generic MTA'],
  ['mailbox unavailable', 'generic MTA'],
  ['次のアドレスへのメール送信に失敗しました', 'Japanese carrier'],
  ['送信したメールは相手に届きませんでした', 'Japanese carrier'],
  ['メールを配送できませんでした', 'Japanese carrier'],
];

/** Subjects of out-of-office and other auto-replies, in the languages mail programs write them. */
const OUT_OF_OFFICE_SUBJECTS = [
  'out of office', 'out of the office', 'automatic reply', 'abwesenheitsnotiz', 'abwesend', 'automatische antwort',
  'réponse automatique', 'absence du bureau', 'respuesta automática', 'fuera de la oficina', 'risposta automatica',
  'fuori ufficio', 'autosvar', 'automatisch antwoord', 'afwezig', 'poza biurem', 'automatická odpověď', '自動応答', '不在',
  'on vacation', 'vacation reply', 'away from the office', 'i am away', 'i\'m away',
];
const AUTO_REPLY_SUBJECTS = ['auto reply', 'auto-reply', 'autoreply', 'auto response', 'autoresponse', 'automated response', 'automatic response', 'auto:'];

/** Senders that say they take no answers. */
const NO_REPLY_LOCAL = /^(no-?reply|do-?not-?reply|donotreply|noreply-[\w.-]+|notifications?|notify|alerts?|automated|auto-?mailer)(\+[^@]*)?$/;
/** Senders of list software: the list's owner, request and bounce addresses. */
const LIST_SENDER_LOCAL = /-(owner|request|bounces)(\+[^@]*)?$/;

const localPart = (address: string) => lower(address.split('@')[0]);

function fromAddress(mail: ParsedMail): { address: string; name: string } {
  const from = mail.from?.value[0];
  return { address: lower(from?.address), name: lower(from?.name) };
}

function isReportSender(mail: ParsedMail): string | null {
  const { address, name } = fromAddress(mail);
  const local = localPart(address);
  // The name alone, or with a tag (`mailer-daemon+x`, `bounces-1234`); Exchange's system mailbox ends in its hex ID.
  if (REPORT_SENDERS.some((sender) => local === sender || /^[+\-_.\d]/.test(local.slice(sender.length)) && local.startsWith(sender))
    || /^microsoftexchange[0-9a-f]{32}$/.test(local)) return `sender ${address}`;
  if (REPORT_SENDER_NAMES.some((n) => name === n || name.startsWith(`${n} `))) return `sender "${name}"`;
  const returnPath = lower(header(mail, 'return-path'));
  if (returnPath === '<>' || (returnPath === '' && header(mail, 'return-path') !== null)) return 'empty Return-Path';
  if (returnPath.includes('mailer-daemon') || returnPath.includes('postmaster')) return `Return-Path ${returnPath}`;
  return null;
}

function bodyText(mail: ParsedMail): string {
  return lower((mail.text ?? '').slice(0, TEXT_SCAN_LIMIT));
}

const attachmentsOfType = (mail: ParsedMail, ...types: string[]) => mail.attachments.filter((a) => types.includes(lower(a.contentType)));

/** Reads `Name: value` fields of a delivery-status or feedback-report part. */
function reportFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of text.slice(0, TEXT_SCAN_LIMIT).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^\s/.test(line)) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return fields;
}

const EMAIL = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}/i;
const firstAddress = (text: string) => EMAIL.exec(text)?.[0]?.toLowerCase() ?? null;
const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

/** The headers of the returned message: its Message-IDs and addresses, wherever the report keeps them. */
function returnedHeaders(mail: ParsedMail): ReturnedHeaders | null {
  const parts = attachmentsOfType(mail, 'message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'text/rfc822');
  const texts = parts.map((p) => p.content.subarray(0, RETURNED_SCAN_LIMIT).toString('utf8'));
  // Reports that quote the message in their text (qmail, Exim, Lotus): after the marker.
  const body = (mail.text ?? '').slice(0, RETURNED_SCAN_LIMIT);
  const marker = /(original message|copy of the message|below this line|message headers follow|undelivered message|returned message|original-message)/i.exec(body);
  if (marker) texts.push(body.slice(marker.index));
  if (texts.length === 0) return null;
  const messageIds = new Set<string>();
  const addresses = new Set<string>();
  const recipients = new Set<string>();
  for (const text of texts) {
    for (const line of text.split(/\r?\n/).slice(0, 400)) {
      const match = /^\s*(message-id|in-reply-to|references|reply-to|from|to|cc)\s*:\s*(.*)$/i.exec(line.slice(0, 2000));
      if (!match) continue;
      const field = match[1]!.toLowerCase();
      if (['message-id', 'in-reply-to', 'references'].includes(field)) {
        for (const id of match[2]!.match(/<[^<>\s]{1,300}>/g) ?? []) messageIds.add(id);
      } else {
        for (const address of match[2]!.match(new RegExp(EMAIL.source, 'gi')) ?? []) {
          addresses.add(address.toLowerCase());
          if (field === 'to' || field === 'cc') recipients.add(address.toLowerCase());
        }
      }
    }
  }
  return { messageIds: [...messageIds], addresses: [...addresses], recipients: [...recipients] };
}

function failureOf(kind: 'bounce' | 'delay', reason: string, mail: ParsedMail, fields: Map<string, string[]> | null): MailClass {
  const returned = returnedHeaders(mail);
  const dsnRecipient = fields?.get('final-recipient')?.[0] ?? fields?.get('original-recipient')?.[0] ?? null;
  const failedHeader = header(mail, 'x-failed-recipients');
  const text = bodyText(mail);
  // Addresses of the report itself and of our own mail are not the one that failed.
  const ours = new Set([fromAddress(mail).address, ...addressesOf(mail, 'to'), ...(returned?.addresses.filter((a) => !returned.recipients.includes(a)) ?? [])]);
  const recipient = (dsnRecipient ? firstAddress(dsnRecipient) : null)
    ?? (failedHeader ? firstAddress(failedHeader) : null)
    ?? returned?.recipients[0]
    ?? [...text.matchAll(new RegExp(EMAIL.source, 'gi'))].map((m) => m[0].toLowerCase()).find((a) => !ours.has(a)) ?? null;
  const statusText = fields?.get('status')?.[0] ?? text;
  const statusMatch = STATUS.exec(statusText);
  const status = statusMatch ? statusMatch[0] : null;
  const action = lower(fields?.get('action')?.[0]);
  const actualKind = kind === 'bounce' && (action === 'delayed' || (status?.startsWith('4') && action !== 'failed')) ? 'delay' : kind;
  return {
    kind: actualKind,
    reason,
    recipient,
    status,
    permanent: actualKind === 'bounce' && (status === null || status.startsWith('5')),
    returned,
  };
}

function addressesOf(mail: ParsedMail, field: 'to' | 'cc'): string[] {
  const value = mail[field];
  return (Array.isArray(value) ? value : value ? [value] : []).flatMap((group) => group.value).map((a) => lower(a.address)).filter(Boolean);
}

const robot = (kind: MailKind, reason: string): MailClass => ({ kind, reason, recipient: null, status: null, permanent: false, returned: null });

/** What kind of machine wrote this mail, or null for a person. */
export function classifyMail(mail: ParsedMail): MailClass | null {
  const type = contentType(mail);
  const subject = lower(mail.subject).slice(0, 500);
  const reportSender = isReportSender(mail);

  // Standard reports (RFC 3464, RFC 5965): the machine-readable part says it all.
  // mailparser shows a message/delivery-status part as text: its fields are read from there.
  const dsnPart = attachmentsOfType(mail, 'message/delivery-status', 'message/global-delivery-status')[0];
  const fields = reportFields(dsnPart ? dsnPart.content.toString('utf8') : mail.text ?? '');
  const hasDsnFields = fields.has('final-recipient') && fields.has('action') && fields.has('status');
  if ((type.value === 'multipart/report' && type.reportType === 'delivery-status') || dsnPart || (hasDsnFields && reportSender)) {
    return failureOf('bounce', 'delivery status report (RFC 3464)', mail, fields);
  }
  const feedbackPart = attachmentsOfType(mail, 'message/feedback-report')[0];
  if (type.reportType === 'feedback-report' || feedbackPart) {
    return { ...robot('feedback_report', 'abuse feedback report (ARF, RFC 5965)'), returned: returnedHeaders(mail) };
  }
  if (/^report domain:.{1,300}submitter:/.test(subject) && mail.attachments.some((a) => /zip|gzip|xml/.test(lower(a.contentType)))) {
    return robot('feedback_report', 'DMARC aggregate report');
  }
  if (type.value === 'multipart/report') {
    return failureOf('bounce', `report (${type.reportType || 'no report-type'})`, mail, hasDsnFields ? fields : null);
  }

  // De-facto reports: a report sender, or a failure header, with a failure's subject or text.
  const failedRecipients = header(mail, 'x-failed-recipients');
  const failureSubject = FAILURE_SUBJECTS.find(([pattern]) => subject.startsWith(pattern)) ?? FAILURE_SUBJECTS.find(([pattern]) => subject.includes(pattern));
  const delaySubject = DELAY_SUBJECTS.find((pattern) => subject.startsWith(pattern));
  const text = bodyText(mail);
  const failureBody = FAILURE_BODIES.find(([pattern]) => text.includes(pattern));
  if (failedRecipients) return failureOf('bounce', 'X-Failed-Recipients (Exim)', mail, null);
  if (reportSender && delaySubject) return failureOf('delay', `delay warning (${delaySubject})`, mail, null);
  if (reportSender && (failureSubject || failureBody)) {
    return failureOf('bounce', `${(failureSubject ?? failureBody)![1]} bounce (${reportSender})`, mail, null);
  }
  // A report sent from an ordinary-looking address (a relay, a hosted filter): it must
  // say so twice, by its subject and by its text, and quote the message it returns.
  if (failureSubject && failureBody && returnedHeaders(mail) && !subject.startsWith('fw') && !subject.startsWith('re:')) {
    return failureOf('bounce', `${failureBody[1]} bounce`, mail, null);
  }

  // Auto-replies (RFC 3834 and what mail programs really send).
  const autoSubmitted = lower(header(mail, 'auto-submitted'));
  const outOfOfficeSubject = OUT_OF_OFFICE_SUBJECTS.find((pattern) => subject.includes(pattern));
  if (autoSubmitted && autoSubmitted !== 'no') {
    return robot(outOfOfficeSubject ? 'out_of_office' : 'auto_reply', `Auto-Submitted: ${autoSubmitted}`);
  }
  if (header(mail, 'x-ms-exchange-inbox-rules-loop') !== null || lower(header(mail, 'x-auto-response-suppress')).includes('oof') && outOfOfficeSubject) {
    return robot('out_of_office', 'Exchange out-of-office');
  }
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-mail-autoreply', 'x-autogenerated', 'x-autoreply-from', 'x-vacation']) {
    if (header(mail, name) !== null) return robot(outOfOfficeSubject ? 'out_of_office' : 'auto_reply', name);
  }
  const precedence = lower(header(mail, 'precedence'));
  if (precedence === 'auto_reply') return robot(outOfOfficeSubject ? 'out_of_office' : 'auto_reply', 'Precedence: auto_reply');
  if (outOfOfficeSubject && (subject.indexOf(outOfOfficeSubject) < 3 || subject.startsWith('re:'))) return robot('out_of_office', `subject "${outOfOfficeSubject}"`);
  const autoReplySubject = AUTO_REPLY_SUBJECTS.find((pattern) => subject.startsWith(pattern));
  if (autoReplySubject) return robot('auto_reply', `subject "${autoReplySubject}"`);

  // Lists and bulk mail.
  if (['bulk', 'junk', 'list'].includes(precedence)) return robot('mailing_list', `Precedence: ${precedence}`);
  for (const name of ['list-id', 'list-unsubscribe', 'list-post', 'x-mailing-list', 'mailing-list', 'x-campaign', 'x-campaignid']) {
    if (header(mail, name) !== null) return robot('mailing_list', name);
  }
  const { address } = fromAddress(mail);
  if (LIST_SENDER_LOCAL.test(localPart(address))) return robot('mailing_list', `list sender ${address}`);
  if (reportSender) return robot('no_reply', reportSender);
  if (NO_REPLY_LOCAL.test(localPart(address))) return robot('no_reply', `sender ${address}`);
  return null;
}
