import { SMTPServer } from 'smtp-server';
import { simpleParser, ParsedMail } from 'mailparser';

export interface ReceivedMail {
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * A client killed mid-conversation (a worker under kill -9) resets its connection: what a
 * real relay shrugs off, not a failure of the test or the drill.
 */
export function shrugOffResets(server: SMTPServer): void {
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
}

/** A real SMTP server that keeps every mail it is handed, for tests to look at. */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Recipients this server refuses for good, as a relay refuses an unknown user: 550. */
  readonly refused = new Set<string>();
  /** Recipients this server turns away for now, as a greylisting or full mailbox does: 451. */
  readonly deferred = new Set<string>();
  /** How long the server takes to answer a mail it has taken in full, as a slow relay does. */
  answerDelayMs = 0;
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      // Takes any login over plain text, for mailboxes configured with credentials.
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.deferred.has(address.address.toLowerCase())) {
          return callback(Object.assign(new Error('4.7.1 Greylisted, please try again later'), { responseCode: 451 }));
        }
        if (!this.refused.has(address.address.toLowerCase())) return callback();
        return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await simpleParser(raw);
          this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
          setTimeout(() => callback(), this.answerDelayMs);
        });
      },
    });
  }

  async start(): Promise<string> {
    shrugOffResets(this.server);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  /** Waits until `predicate` holds for the mails received so far. */
  async waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.mails)) {
      if (Date.now() > deadline) throw new Error(`Expected mail did not arrive; got ${this.mails.length}: ${this.mails.map((m) => `${m.to} ${m.parsed.subject}`).join('; ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
