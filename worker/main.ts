/** The worker process for production: `npm run worker`. */
import { NativeConnection } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireForServer, temporalAddress, Config } from '../config';
import { connectDatabase } from '../db';
import { createMailboxStore } from '../db/mailboxes';
import { createTicketStore } from '../db/tickets';
import { migrate } from '../db/migrate';
import { createMailDeps } from '../mail/outbound';
import { ticketActivitySettings } from '../activities/ticket';
import { mailboxActivitySettings } from '../activities/mailbox';
import { threadedMailParser } from '../mail/inbound/threaded-parser';
import { helpdeskDataConverter } from '../security/payload-codec';
import { createTicketWorker, mailboxesFromConfig } from './index';
import { startMailboxWorkflows } from '../workflows/mailbox/client';
import { startMailSender } from '../workflows/mail-sender/client';
import { ticketCommandsFor } from '../workflows/ticket/client';
import { ensureSearchAttributes } from '../workflows/ticket/search-attributes';
import { teamDispatchFor } from '../workflows/team-dispatcher/client';

export async function runWorker(config: Config & { DATABASE_URL: string; SECRET_KEY: string }, signal?: AbortSignal, onReady?: () => void): Promise<void> {
  const db = connectDatabase(config.DATABASE_URL);
  await migrate(db.sequelize);
  const mail = createMailDeps(config);
  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  // Mail ingestion talks to ticket workflows the way the API does.
  const clientConnection = await Connection.connect({ address: temporalAddress(config) });
  const dataConverter = helpdeskDataConverter(config);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const mailboxes = mailboxesFromConfig(config);
  const parser = threadedMailParser({ timeoutMs: config.MAIL_PARSE_TIMEOUT });
  try {
    const added = await ensureSearchAttributes(clientConnection, config.TEMPORAL_NAMESPACE);
    if (added.length) console.log(`worker: added the search attributes ${added.join(', ')} to namespace "${config.TEMPORAL_NAMESPACE}"`);
    const ticketStore = createTicketStore(db);
    const commands = ticketCommandsFor(client, config, { ticketExists: (n) => ticketStore.exists(n) });
    const worker = await createTicketWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE,
      stickyTimeoutMs: config.WORKER_STICKY_TIMEOUT,
      dataConverter,
      activities: { db, ...mail, ...ticketActivitySettings(config) },
      mailSender: { databaseUrl: config.DATABASE_URL, giveUpAfterMs: config.MAIL_GIVE_UP_AFTER },
      mailboxes: { db, commands, mailboxes, parser, ...mailboxActivitySettings(config), autoIdleDelayMs: 1000, dispatch: teamDispatchFor(client, config.TEMPORAL_TASK_QUEUE) },
      sla: { db, commands },
    });
    await startMailSender(client, config.TEMPORAL_TASK_QUEUE);
    const stored = await createMailboxStore(db).activeNames();
    await startMailboxWorkflows(client, config.TEMPORAL_TASK_QUEUE, [...mailboxes.map((m) => m.name), ...stored]);
    for (const m of mailboxes) console.log(`worker: taking mail from ${m.identity.address} (${m.imap.host}:${m.imap.port}/${m.imap.folder})`);
    console.log(`worker: polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${temporalAddress(config)}; mail goes to ${mail.mailer.describe}`);
    signal?.addEventListener('abort', () => worker.shutdown(), { once: true });
    const running = worker.run();
    onReady?.();
    await running;
  } finally {
    await connection.close();
    await clientConnection.close();
    await parser.close();
    mail.mailer.close();
    await db.sequelize.close();
  }
}

if (require.main === module) {
  const config = loadConfig();
  requireForServer(config);
  // The SDK's worker shuts down gracefully on SIGINT/SIGTERM by itself.
  runWorker(config).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
