import type { RobotMailKind } from '../../domain/inbound-email';
import { createTicketIntake } from '../../intake/open-ticket';
import { createMailboxStore } from '../../db/mailboxes';
import { Context } from '@temporalio/activity';
import type { Database } from '../../db';
import type { TeamDispatchPort, TicketCommandPort } from '../../domain/ticket-commands';
import { createMailIngestion } from '../../mail/inbound/ingest';
import { ImapSettings, parseImapUrl, watchMailbox } from '../../mail/inbound/imap';
import { open } from '../../security/secret-box';
import type { MailboxIdentity } from '../../mail/inbound/parse';
import type { MailParser } from '../../mail/inbound/threaded-parser';
import { dmarcVerifier, DnsResolver } from '../../mail/inbound/sender-authentication';
import type { Config } from '../../config';
import { messageIdDomain } from '../../mail/threading';

export interface MailboxConfig {
  name: string;
  imap: ImapSettings;
  identity: MailboxIdentity;
}

export interface MailboxActivityDeps {
  db: Database;
  commands: TicketCommandPort;
  /** From the environment. Passwords stay here, in the worker; workflows only see a mailbox's name. */
  mailboxes: MailboxConfig[];
  /** For mailboxes stored in the database: the key that opens their credentials, our Message-ID domain. */
  secretKey: string;
  messageIdDomain: string;
  maxMessageBytes: number;
  maxAttachmentBytes: number;
  pollIntervalMs: number;
  /** Robot mail that may open a ticket (MAIL_ROBOTS_OPENING_TICKETS). */
  robotsOpeningTickets?: readonly RobotMailKind[];
  /** Reads each raw mail; the worker's parses in threads, off the event loop. */
  parser: MailParser;
  /** Where DKIM keys and DMARC policies are looked up: the system's DNS unless a test gives its own. */
  dnsResolver?: DnsResolver;
  autoIdleDelayMs?: number;
  log?: (line: string) => void;
  /** Aborted when the worker starts to stop: watching a mailbox ends then. */
  stopping?: AbortSignal;
  /** Tells a team's dispatcher of its new tickets. */
  dispatch?: TeamDispatchPort;
}

/** The mailbox activities' settings, as the configuration gives them. */
export function mailboxActivitySettings(config: Config & { SECRET_KEY: string }) {
  return {
    secretKey: config.SECRET_KEY,
    messageIdDomain: messageIdDomain(config.MAIL_FROM),
    maxMessageBytes: config.MAIL_MAX_MESSAGE_SIZE,
    maxAttachmentBytes: config.MAIL_MAX_ATTACHMENT_SIZE,
    pollIntervalMs: config.MAIL_POLL_INTERVAL,
    robotsOpeningTickets: config.MAIL_ROBOTS_OPENING_TICKETS,
  };
}

export function createMailboxActivities(deps: MailboxActivityDeps) {
  const passesDmarc = dmarcVerifier(deps.dnsResolver);
  const byName = new Map(deps.mailboxes.map((m) => [m.name, m]));
  const intake = createTicketIntake({ db: deps.db, commands: deps.commands, ...(deps.dispatch ? { dispatch: deps.dispatch } : {}) });
  const stored = createMailboxStore(deps.db);

  /** A mailbox by name: from the environment, else an active one from the database. */
  async function resolve(name: string): Promise<MailboxConfig | null> {
    const configured = byName.get(name);
    if (configured) return configured;
    const row = await stored.active(name);
    if (!row) return null;
    return {
      name,
      imap: parseImapUrl(open(deps.secretKey, row.imap_sealed)),
      identity: { address: row.address, messageIdDomain: deps.messageIdDomain, secretKey: deps.secretKey },
    };
  }

  return {
    /**
     * Ingests the mailbox's new mail for a while, then returns; the workflow calls it
     * again until the mailbox is gone or switched off (`stopped`).
     */
    async watchMailbox({ name, runForMs }: { name: string; runForMs: number }): Promise<{ processed: number; stopped: boolean }> {
      const mailbox = await resolve(name);
      if (!mailbox) return { processed: 0, stopped: true };
      const context = Context.current();
      const log = deps.log ?? ((line: string) => context.log.warn(line));
      const result = await watchMailbox({
        name,
        imap: mailbox.imap,
        db: deps.db,
        ingest: createMailIngestion({
          db: deps.db, commands: deps.commands, intake, mailbox: { ...mailbox.identity, name }, maxAttachmentBytes: deps.maxAttachmentBytes,
          robotsOpeningTickets: deps.robotsOpeningTickets,
          parse: (raw) => deps.parser.parse(raw), passesDmarc, log,
        }),
        maxMessageBytes: deps.maxMessageBytes,
        pollIntervalMs: deps.pollIntervalMs,
        autoIdleDelayMs: deps.autoIdleDelayMs,
        runForMs,
        heartbeat: (details) => context.heartbeat(details),
        signal: deps.stopping ? AbortSignal.any([context.cancellationSignal, deps.stopping]) : context.cancellationSignal,
      });
      return { ...result, stopped: false };
    },
  };
}

export type MailboxActivities = ReturnType<typeof createMailboxActivities>;
