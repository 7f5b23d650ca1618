import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { ImapFlow } from 'imapflow';
import { eventually, Harness, HarnessOptions, startHarness } from './harness';
import { startDovecot } from './dovecot';

/** A customer's address of its own, at the domain the tests' DKIM zone signs for. */
export const uniqueAddress = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;

/** A plain mail to `to`, with a fresh Message-ID unless the headers give one. */
export function plainMail(to: string, headers: Record<string, string>, body = 'Hello'): string {
  const all = { To: to, Subject: 'Question', 'Message-ID': `<${randomUUID()}@example.com>`, Date: new Date().toUTCString(), ...headers };
  return `${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}\r\n`;
}

export interface ProcessedMail { outcome: string; ticket_number: number | null; reason: string | null; raw: Buffer | null }

/** Waits until the mailbox is done with the message: what became of it. */
export function processedMail(h: Harness, messageId: string, timeoutMs = 30_000, keyPrefix = false): Promise<ProcessedMail> {
  return eventually(async () => {
    const [row] = await h.db.sequelize.query<ProcessedMail>(
      `SELECT outcome, ticket_number, reason, raw FROM inbound_emails
       WHERE ${keyPrefix ? 'starts_with(message_key, :key)' : 'message_key = :key'} AND outcome <> 'received' ORDER BY id`,
      { type: QueryTypes.SELECT, replacements: { key: messageId } },
    );
    return row;
  }, timeoutMs, `mail ${messageId} to be processed`);
}

export const HELPDESK_MAILBOX = 'support@helpdesk.test';
const MAILBOX_PASSWORD = 'inbox-password';

/**
 * The helpdesk with a real IMAP mailbox: Dovecot (with any further users given), the
 * harness taking mail from HELPDESK_MAILBOX, and an IMAP client that delivers to it as an
 * MTA would (APPEND). `close` stops all three.
 */
export async function startMailboxHarness(options: Omit<HarnessOptions, 'mailbox'> & { otherUsers?: Record<string, string> } = {}) {
  const { otherUsers = {}, ...harnessOptions } = options;
  const dovecot = await startDovecot({ [HELPDESK_MAILBOX]: MAILBOX_PASSWORD, ...otherUsers });
  const h = await startHarness({
    ...harnessOptions,
    mailbox: { imap: { host: dovecot.host, port: dovecot.port, secure: false, user: HELPDESK_MAILBOX, password: MAILBOX_PASSWORD, folder: 'INBOX' }, address: HELPDESK_MAILBOX },
  });
  const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, logger: false, auth: { user: HELPDESK_MAILBOX, pass: MAILBOX_PASSWORD } });
  await imap.connect();
  return {
    dovecot, h, imap,
    async close() {
      await imap.logout();
      await h.close();
      await dovecot.stop();
    },
  };
}
