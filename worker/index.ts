import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createTicketActivities, TicketActivityDeps } from '../activities/ticket';
import { createMailboxActivities, MailboxActivityDeps, MailboxConfig } from '../activities/mailbox';
import { createSlaActivities, SlaActivityDeps } from '../activities/sla';
import { createTeamActivities } from '../activities/teams';
import { createMailSenderActivities } from '../activities/mail-sender';
import type { Config } from '../config';
import { parseImapUrl } from '../mail/inbound/imap';
import { mailboxAddress, messageIdDomain } from '../mail/threading';

export interface TicketWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: TicketActivityDeps;
  /** Sending the mail ticket changes queue (workflows/mail-sender). */
  mailSender: { databaseUrl: string; giveUpAfterMs: number };
  /** Inbound email, when a mailbox is configured. */
  mailboxes?: MailboxActivityDeps;
  /** Bringing SLA policy changes to the open tickets. */
  sla?: SlaActivityDeps;
  maxCachedWorkflows: number;
  /** The same as the clients': payloads are encrypted (security/payload-codec.ts). */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** How long a stopping worker lets activities in flight (a mail being sent) finish. */
  shutdownGraceMs: number;
  /** WORKER_STICKY_TIMEOUT. */
  stickyTimeoutMs: number;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createTicketWorker(options: TicketWorkerOptions): Promise<Worker> {
  const stopping = new AbortController();
  const ticketActivities = createTicketActivities(options.activities);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: {
      ...ticketActivities,
      ...createMailSenderActivities({
        db: options.activities.db, send: ticketActivities.sendNotification, stopping: stopping.signal, ...options.mailSender,
        ...(options.activities.log ? { log: options.activities.log } : {}),
      }),
      ...(options.mailboxes ? createMailboxActivities({ ...options.mailboxes, stopping: stopping.signal }) : {}),
      ...(options.sla ? createSlaActivities(options.sla) : {}),
      // A team's dispatcher assigns through the same ticket commands as the SLA rollout.
      ...(options.sla ? createTeamActivities(options.sla) : {}),
    },
    maxCachedWorkflows: options.maxCachedWorkflows,
    dataConverter: options.dataConverter,
    // A mail cut off mid-conversation is sent again by the next worker: one being sent
    // when the worker is told to stop is let finish.
    shutdownGraceTime: options.shutdownGraceMs,
    // Tasks of a worker killed without a word wait this long on its queue before another
    // worker takes them (the drill timers-worker-kill: 10 s put its clocks p50 4.7 s late, 5 s
    // under 1 s); shorter makes a worker busy for that long replay what it had in memory.
    stickyQueueScheduleToStartTimeout: options.stickyTimeoutMs,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
  // Watching a mailbox and sending queued mail never finish by themselves: they stop when
  // the worker does (mail being sent within the grace time; the SDK calls this for SIGINT/SIGTERM too).
  const shutdown = worker.shutdown.bind(worker);
  worker.shutdown = () => {
    stopping.abort();
    shutdown();
  };
  return worker;
}

/** The mailboxes the settings name (one for now: IMAP_URL). */
export function mailboxesFromConfig(config: Config & { SECRET_KEY: string }): MailboxConfig[] {
  if (!config.IMAP_URL) return [];
  const address = config.MAILBOX_ADDRESS ?? mailboxAddress(config.MAIL_FROM);
  return [{
    name: 'default',
    imap: parseImapUrl(config.IMAP_URL),
    identity: { address, messageIdDomain: messageIdDomain(config.MAIL_FROM), secretKey: config.SECRET_KEY },
  }];
}
