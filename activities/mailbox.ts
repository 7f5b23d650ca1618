import { Context } from '@temporalio/activity';
import type { Database } from '../db';
import type { TicketCommands } from '../workflows/ticket/client';
import { createMailIngestion } from '../email/ingest';
import { ImapSettings, watchMailbox } from '../email/imap';
import type { MailboxIdentity } from '../email/inbound';

export interface MailboxConfig {
  name: string;
  imap: ImapSettings;
  identity: MailboxIdentity;
}

export interface MailboxActivityDeps {
  db: Database;
  commands: TicketCommands;
  /** Passwords stay here, in the worker; workflows only ever see a mailbox's name. */
  mailboxes: MailboxConfig[];
  maxMessageBytes: number;
  maxAttachmentBytes: number;
  pollIntervalMs: number;
  autoIdleDelayMs?: number;
  log?: (line: string) => void;
}

export function createMailboxActivities(deps: MailboxActivityDeps) {
  const byName = new Map(deps.mailboxes.map((m) => [m.name, m]));
  return {
    /** Ingests the mailbox's new mail for a while, then returns; the workflow calls it again. */
    async watchMailbox({ name, runForMs }: { name: string; runForMs: number }): Promise<{ processed: number }> {
      const mailbox = byName.get(name);
      if (!mailbox) throw new Error(`This worker has no mailbox named "${name}"`);
      const context = Context.current();
      const log = deps.log ?? ((line: string) => context.log.warn(line));
      return watchMailbox({
        name,
        imap: mailbox.imap,
        db: deps.db,
        ingest: createMailIngestion({
          db: deps.db, commands: deps.commands, mailbox: { ...mailbox.identity, name }, maxAttachmentBytes: deps.maxAttachmentBytes, log,
        }),
        maxMessageBytes: deps.maxMessageBytes,
        pollIntervalMs: deps.pollIntervalMs,
        autoIdleDelayMs: deps.autoIdleDelayMs,
        runForMs,
        heartbeat: (details) => context.heartbeat(details),
        signal: context.cancellationSignal,
      });
    },
  };
}

export type MailboxActivities = ReturnType<typeof createMailboxActivities>;
