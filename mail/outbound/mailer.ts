import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  /** Idempotency key: a retried send of the same key writes the same outbox file. */
  key: string;
  from: string | { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  replyTo?: string;
  headers?: Record<string, string>;
  /** Files that go with it (an operator's reply's). */
  attachments?: Array<{ filename: string | null; contentType: string; content: Buffer }>;
}

export interface Mailer {
  /** Where mail goes, for the start banner and the logs. */
  readonly describe: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

function message(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    replyTo: mail.replyTo,
    headers: mail.headers,
    attachments: mail.attachments?.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, content: a.content })),
  };
}

/**
 * The relay refused the mail for good (an SMTP 5xx: no such user, no such domain, refused
 * by policy): sending it again meets the same answer. `response` is the server's own words.
 */
export class PermanentRefusal extends Error {
  constructor(readonly response: string) {
    super(`the mail server refused it for good: ${response}`);
    this.name = 'PermanentRefusal';
  }
}

export function smtpMailer(smtpUrl: string): Mailer {
  // Pooled: the connection (and its TLS handshake and login) is kept for the next mail
  // instead of one conversation per mail; the mail sender sends several at once.
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 4 });
  return {
    describe: `SMTP ${new URL(smtpUrl).host}`,
    async send(mail) {
      try {
        await transport.sendMail(message(mail));
      } catch (error) {
        const { responseCode, response } = error as { responseCode?: number; response?: string };
        if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
          throw new PermanentRefusal((response ?? String(responseCode)).slice(0, 500));
        }
        throw error;
      }
    },
    close: () => transport.close(),
  };
}

/** Without SMTP every mail becomes an .eml file: nothing is lost while setting up. */
export function outboxMailer(dir: string, log: (line: string) => void = console.log): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `outbox folder ${dir}`,
    async send(mail) {
      const file = join(dir, `${mail.key.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
      if (await stat(file).then(() => true, () => false)) return;
      // Customer mail: readable by the helpdesk's own user only.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const info = await transport.sendMail(message(mail));
      // Written under a temporary name and renamed, so a reader never sees half a mail.
      await writeFile(`${file}.tmp`, info.message as Buffer, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      log(`mail to ${mail.to} "${mail.subject}" written to ${file}`);
    },
    close: () => transport.close(),
  };
}
