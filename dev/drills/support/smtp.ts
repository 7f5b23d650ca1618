import { SMTPServer } from 'smtp-server';
import { shrugOffResets } from '../../../test/support/smtp-sink';

export interface ReceivedMessage {
  messageId: string;
  to: string[];
}

/**
 * The drills' SMTP server: keeps the Message-ID of every mail it takes, so doubles can be
 * counted, and can refuse everything for a while, as a relay in trouble does (451).
 */
export class DrillSmtp {
  readonly received: ReceivedMessage[] = [];
  refusing = false;
  port = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (this.refusing) {
          const error = Object.assign(new Error('Temporarily unavailable, try again later'), { responseCode: 451 });
          return callback(error);
        }
        const head = Buffer.concat(chunks).toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
        const messageId = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? '(none)';
        this.received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });

  async start(): Promise<string> {
    shrugOffResets(this.server);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
