import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, ActivityDeps } from '../activities';
import { createMailboxActivities, MailboxActivityDeps, MailboxConfig } from '../activities/mailbox';
import type { Config } from '../config';
import { parseImapUrl } from '../email/imap';
import { mailboxAddress, messageIdDomain } from '../mail/threading';

export interface TicketWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  /** Inbound email, when a mailbox is configured. */
  mailboxes?: MailboxActivityDeps;
  maxCachedWorkflows: number;
  /** The same as the clients': payloads are encrypted (security/payload-codec.ts). */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export function createTicketWorker(options: TicketWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: {
      ...createActivities(options.activities),
      ...(options.mailboxes ? createMailboxActivities(options.mailboxes) : {}),
    },
    maxCachedWorkflows: options.maxCachedWorkflows,
    dataConverter: options.dataConverter,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
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
