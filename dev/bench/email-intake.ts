/**
 * `npm run bench`: email intake. 1,000 messages are APPENDed to a Dovecot inbox; the
 * figure is the time until every one is a persisted ticket, as messages per second,
 * beside a raw imapflow fetch-and-parse of the same 1,000 messages in the same run, and
 * beside the least the engine must add to each new ticket: the same fetch-and-parse, then
 * per mail an Update-with-Start whose handler runs one no-op local activity, as many at
 * once as the mailbox watcher ingests.
 * Prints the figures; `dev/bench/index.ts` writes them to bench-results.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { QueryTypes } from 'sequelize';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ensureTemporalCli, startTemporalDevServer } from '../../scripts/temporal-dev-server';
import { startDovecot } from '../../test/support/dovecot';
import { SmtpSink } from '../../test/support/smtp-sink';
import { freePort } from '../../test/support/ports';
import { loadConfig, Config } from '../../config';
import { connectDatabase } from '../../db';
import { migrate } from '../../db/migrate';
import { smtpMailer } from '../../mail/outbound/mailer';
import { createRenderer } from '../../mail/outbound/render';
import { ticketActivitySettings } from '../../activities/ticket';
import { mailboxActivitySettings } from '../../activities/mailbox';
import { threadedMailParser } from '../../mail/inbound/threaded-parser';
import { helpdeskDataConverter } from '../../security/payload-codec';
import { createTicketWorker } from '../../worker';
import { startMailboxWorkflows } from '../../workflows/mailbox/client';
import { startMailSender } from '../../workflows/mail-sender/client';
import { ticketCommandsFor } from '../../workflows/ticket/client';
import { messageIdDomain } from '../../mail/threading';
import { INGEST_CONCURRENCY } from '../../mail/inbound/imap';
import { machine, round, scratchDatabase } from './support/measure';
import { recordUpdate } from './support/baseline-workflows';
import { baselineActivities } from './support/baseline-activities';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const MAILBOX = 'support@helpdesk.test';

function message(i: number): string {
  return [
    `From: Customer ${i} <customer-${i}@example.com>`,
    `To: ${MAILBOX}`,
    `Subject: Question number ${i}`,
    `Message-ID: <bench-${i}-${randomUUID()}@example.com>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, this is question ${i}. The printer shows error E${i % 97} since this morning.`,
    '',
    'Regards,',
    `Customer ${i}`,
    '',
  ].join('\r\n');
}

export async function emailIntake() {
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never });
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-'));
  const cli = ensureTemporalCli();
  const devServer = await startTemporalDevServer({
    binary: cli, port: await freePort(), uiPort: await freePort(), dbFile: null, namespace: 'default', headless: true, logFile: join(dir, 'temporal.log'),
  });
  const database = await scratchDatabase('email');
  const dovecot = await startDovecot({ [MAILBOX]: 'bench-password' });
  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start();
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const config = loadConfig({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: devServer.address,
      SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
      SMTP_URL: smtpUrl,
      MAIL_FROM: `Helpdesk <${MAILBOX}>`,
      MAIL_RATE_LIMIT_PER_RECIPIENT: '1000',
      MAIL_POLL_INTERVAL: '1s',
    }) as Config & { SECRET_KEY: string; DATABASE_URL: string };
    const db = connectDatabase(config.DATABASE_URL);
    stops.push(() => db.sequelize.close());
    await migrate(db.sequelize);

    const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, logger: false, auth: { user: MAILBOX, pass: 'bench-password' } });
    await imap.connect();
    process.stdout.write(`Appending ${MESSAGES} messages ... `);
    for (let i = 0; i < MESSAGES; i++) await imap.append('INBOX', message(i));
    console.log('done');

    // Baseline: what fetching and parsing alone costs, on the same server and messages.
    const baselineStart = performance.now();
    const lock = await imap.getMailboxLock('INBOX');
    let parsed = 0;
    try {
      for await (const fetched of imap.fetch('1:*', { source: true })) {
        await simpleParser(fetched.source!);
        parsed += 1;
      }
    } finally {
      lock.release();
    }
    const baselineSeconds = (performance.now() - baselineStart) / 1000;

    const connection = await Connection.connect({ address: devServer.address });
    const client = new Client({ connection });
    stops.push(() => connection.close());

    // Second baseline: fetch, parse and one durable Temporal step per mail.
    const baselineQueue = `bench-baseline-${randomUUID()}`;
    const baselineWorkerConnection = await NativeConnection.connect({ address: devServer.address });
    const baselineWorker = await Worker.create({
      connection: baselineWorkerConnection, namespace: 'default', taskQueue: baselineQueue,
      workflowsPath: require.resolve('./support/baseline-workflows'), activities: baselineActivities,
    });
    const engineSeconds = await baselineWorker.runUntil(async () => {
      const engineStart = performance.now();
      const sources: Buffer[] = [];
      const engineLock = await imap.getMailboxLock('INBOX');
      try {
        for await (const fetched of imap.fetch('1:*', { source: true })) sources.push(fetched.source!);
      } finally {
        engineLock.release();
      }
      let next = 0;
      await Promise.all(Array.from({ length: INGEST_CONCURRENCY }, async () => {
        while (next < sources.length) {
          const parsedMail = await simpleParser(sources[next++]!);
          await client.workflow.executeUpdateWithStart(recordUpdate, {
            args: [next],
            startWorkflowOperation: new WithStartWorkflowOperation('recordingWorkflow', {
              taskQueue: baselineQueue, workflowId: `mail-${parsedMail.messageId ?? randomUUID()}`, workflowIdConflictPolicy: 'USE_EXISTING',
            }),
          });
        }
      }));
      return (performance.now() - engineStart) / 1000;
    });
    await baselineWorkerConnection.close();
    await imap.logout();

    // The helpdesk: the mailbox workflow's watcher takes them until each is a ticket.
    const taskQueue = `bench-${randomUUID()}`;
    const mailboxes = [{
      name: 'bench',
      imap: { host: dovecot.host, port: dovecot.port, secure: false, user: MAILBOX, password: 'bench-password', folder: 'INBOX' },
      identity: { address: MAILBOX, messageIdDomain: messageIdDomain(config.MAIL_FROM), secretKey: config.SECRET_KEY },
    }];
    // The helpdesk's own client encrypts payloads; the baselines above run without.
    const dataConverter = helpdeskDataConverter(config);
    const helpdeskClient = new Client({ connection, dataConverter });
    const commands = ticketCommandsFor(helpdeskClient, { ...config, TEMPORAL_TASK_QUEUE: taskQueue });
    const workerConnection = await NativeConnection.connect({ address: devServer.address });
    const mailer = smtpMailer(smtpUrl);
    const parser = threadedMailParser({ timeoutMs: config.MAIL_PARSE_TIMEOUT });
    const worker = await createTicketWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE,
      stickyTimeoutMs: config.WORKER_STICKY_TIMEOUT,
      dataConverter,
      activities: { db, mailer, render: createRenderer(), ...ticketActivitySettings(config), log: () => undefined },
      mailSender: { databaseUrl: config.DATABASE_URL, giveUpAfterMs: config.MAIL_GIVE_UP_AFTER },
      mailboxes: { db, commands, mailboxes, parser, ...mailboxActivitySettings(config), autoIdleDelayMs: 200, log: () => undefined },
    });
    const running = worker.run();
    stops.push(async () => { worker.shutdown(); await running; await workerConnection.close(); mailer.close(); await parser.close(); });

    const start = performance.now();
    await startMailSender(helpdeskClient, taskQueue);
    await startMailboxWorkflows(helpdeskClient, taskQueue, mailboxes.map((m) => m.name), 10 * 60_000);
    let persisted = 0;
    while (persisted < MESSAGES) {
      await new Promise((r) => setTimeout(r, 200));
      const [row] = await db.sequelize.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM tickets WHERE source = 'email'", { type: QueryTypes.SELECT });
      persisted = row!.n;
      if (performance.now() - start > 30 * 60_000) throw new Error(`only ${persisted} of ${MESSAGES} after 30 minutes`);
    }
    const seconds = (performance.now() - start) / 1000;
    await helpdeskClient.workflow.getHandle('mailbox-bench').terminate('bench over');

    const results = {
      benchmark: 'email intake',
      machine: machine(),
      messages: MESSAGES,
      helpdesk: { seconds: round(seconds), messagesPerSecond: round(MESSAGES / seconds) },
      baseline: { what: 'imapflow fetch + mailparser parse', seconds: round(baselineSeconds), messagesPerSecond: round(parsed / baselineSeconds) },
      ratio: round((MESSAGES / seconds) / (parsed / baselineSeconds), 3),
      goal: 'ratio of at least 0.5 (issue: proof under load)',
      engineBaseline: {
        what: `fetch + parse + per mail an Update-with-Start running a no-op local activity, ${INGEST_CONCURRENCY} at once`,
        seconds: round(engineSeconds), messagesPerSecond: round(MESSAGES / engineSeconds),
      },
      ratioToEngine: round(engineSeconds / seconds, 3),
    };
    console.log(`\nEmail intake on ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB (${results.machine.cpu})`);
    console.log(`  helpdesk: ${MESSAGES} mails to persisted tickets in ${results.helpdesk.seconds} s = ${results.helpdesk.messagesPerSecond} mails/s`);
    console.log(`  baseline: fetch and parse only in ${results.baseline.seconds} s = ${results.baseline.messagesPerSecond} mails/s`);
    console.log(`  ratio:    ${results.ratio} of the baseline (goal 0.5)`);
    console.log(`  engine:   fetch, parse and a durable update-with-start per mail in ${results.engineBaseline.seconds} s = ${results.engineBaseline.messagesPerSecond} mails/s: ratio ${results.ratioToEngine}`);
    return results;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await smtp.close();
    await dovecot.stop();
    await devServer.stop();
    await database.drop();
  }
}

