/**
 * Ticket intake and operator round trips through the real API, worker, Temporal dev
 * server and PostgreSQL, each beside the bare Temporal operation it stands on, through
 * the same client in the same run:
 *  - tickets opened per second by POST /api/tickets from 32 concurrent clients, against
 *    bare starts per second of an empty workflow from 32 concurrent callers;
 *  - p50/p99 of PATCH /api/tickets/:n (a status change, persisted and returned) against a
 *    bare Workflow Update round trip on a workflow that only answers it.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ensureTemporalCli, startTemporalDevServer } from '../scripts/temporal-dev-server';
import { freePort } from '../test/support/ports';
import { loadConfig, Config } from '../config';
import { connectDatabase } from '../db';
import { migrate } from '../db/migrate';
import { outboxMailer } from '../mail/mailer';
import { createRenderer } from '../mail/render';
import { activitySettings } from '../activities';
import { createTicketWorker } from '../worker';
import { buildApp } from '../api/app';
import { hashPassword } from '../security/passwords';
import { touchUpdate } from './support/baseline-workflows';
import { machine, percentile, round, scratchDatabase } from './support/measure';

const TICKETS = Number(process.env.BENCH_TICKETS_OPENED ?? 1000);
const CONCURRENCY = 32;
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 300);


/** Runs `count` calls of `task`, `concurrency` at a time; answers calls per second. */
async function throughput(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<{ seconds: number; perSecond: number }> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await task(next++);
  }));
  const seconds = (performance.now() - start) / 1000;
  return { seconds: round(seconds, 2), perSecond: round(count / seconds) };
}

async function latencies(count: number, task: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await task(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) };
}

export async function ticketOperations() {
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never });
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-'));
  const devServer = await startTemporalDevServer({
    binary: ensureTemporalCli(), port: await freePort(), uiPort: await freePort(), dbFile: null, namespace: 'default', headless: true, logFile: join(dir, 'temporal.log'),
  });
  const database = await scratchDatabase('ops');
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const taskQueue = `bench-${randomUUID()}`;
    const port = await freePort();
    const config = loadConfig({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      MAIL_RATE_LIMIT_PER_RECIPIENT: '100000',
      RATE_LIMIT_API: '1000000',
    }) as Config & { SECRET_KEY: string; DATABASE_URL: string };
    const db = connectDatabase(config.DATABASE_URL, { poolMax: 20 });
    stops.push(() => db.sequelize.close());
    await migrate(db.sequelize);

    const connection = await Connection.connect({ address: devServer.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });
    const workerConnection = await NativeConnection.connect({ address: devServer.address });
    // Mail goes to an outbox folder: an SMTP sink parsing every mail in this process would
    // bill its own work to the helpdesk.
    const mailer = outboxMailer(join(dir, 'outbox'), () => undefined);
    const ticketWorker = await createTicketWorker({
      connection: workerConnection, namespace: 'default', taskQueue, maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      activities: { db, mailer, render: createRenderer(), ...activitySettings(config), log: () => undefined },
    });
    const baselineQueue = `${taskQueue}-baseline`;
    const baselineWorker = await Worker.create({
      connection: workerConnection, namespace: 'default', taskQueue: baselineQueue,
      workflowsPath: require.resolve('./support/baseline-workflows'),
    });
    const running = [ticketWorker.run(), baselineWorker.run()];
    stops.push(async () => {
      ticketWorker.shutdown();
      baselineWorker.shutdown();
      await Promise.all(running);
      await workerConnection.close();
      mailer.close();
    });

    const app = await buildApp({ config, db, temporal: client, workflowTimeoutMs: 60_000 });
    await app.listen({ host: '127.0.0.1', port });
    stops.push(() => app.close());
    const base = `http://127.0.0.1:${port}`;
    await db.Operator.create({ email: 'bench@bench.test', name: 'Bench', role: 'agent', passwordHash: await hashPassword('bench-password-123') });
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@bench.test', password: 'bench-password-123' }) });
    const headers = {
      'content-type': 'application/json',
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
    };
    const openTicket = async (i: number) => {
      const response = await fetch(`${base}/api/tickets`, {
        method: 'POST', headers,
        body: JSON.stringify({ subject: `Bench ticket ${i}`, body: 'Opened by the benchmark.', customer: { email: `bench-${i % 500}@example.com` } }),
      });
      if (response.status !== 201) throw new Error(`POST /api/tickets answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { number: number }).number;
    };
    const bareStart = (i: number) => client.workflow.start('emptyWorkflow', { taskQueue: baselineQueue, workflowId: `empty-${i}-${randomUUID()}` });

    process.stdout.write('Warming up ... ');
    await throughput(64, CONCURRENCY, (i) => openTicket(-1 - i));
    await throughput(64, CONCURRENCY, bareStart);
    console.log('done');

    // Measured in turns, so neither side always runs on a warmer or busier machine.
    const intake = await throughput(TICKETS, CONCURRENCY, openTicket);
    const starts = await throughput(TICKETS, CONCURRENCY, bareStart);

    const number = await openTicket(-1000);
    const statuses = ['in_progress', 'waiting'];
    const patch = await latencies(ROUND_TRIPS, async (i) => {
      const response = await fetch(`${base}/api/tickets/${number}`, { method: 'PATCH', headers, body: JSON.stringify({ status: statuses[i % 2] }) });
      if (response.status !== 200) throw new Error(`PATCH answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    });
    const updatable = await client.workflow.start('updatableWorkflow', { taskQueue: baselineQueue, workflowId: `updatable-${randomUUID()}` });
    await updatable.executeUpdate(touchUpdate, { args: [0] });
    const update = await latencies(ROUND_TRIPS, (i) => updatable.executeUpdate(touchUpdate, { args: [i + 1] }));
    await updatable.executeUpdate(touchUpdate, { args: [-1] });

    const results = {
      benchmark: 'ticket operations',
      machine: machine(),
      intake: {
        tickets: TICKETS, concurrency: CONCURRENCY,
        helpdesk: { what: 'POST /api/tickets', ...intake },
        baseline: { what: 'client.workflow.start of an empty workflow', ...starts },
        ratio: round(intake.perSecond / starts.perSecond, 3),
        goal: 'ratio of at least 0.7',
      },
      roundTrip: {
        requests: ROUND_TRIPS,
        helpdesk: { what: 'PATCH /api/tickets/:n status change, persisted and returned', ...patch },
        baseline: { what: 'executeUpdate on a workflow that only answers it', ...update },
        ratioP50: round(patch.p50 / update.p50, 2),
        goal: 'p50 within 1.5x of the bare update',
      },
    };
    console.log(`\nTicket operations on ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB (${results.machine.cpu})`);
    console.log(`  intake:     ${intake.perSecond} tickets/s (${TICKETS} by ${CONCURRENCY} clients in ${intake.seconds} s) vs ${starts.perSecond} bare starts/s: ratio ${results.intake.ratio} (goal 0.7)`);
    console.log(`  round trip: PATCH p50 ${patch.p50} ms, p99 ${patch.p99} ms vs bare update p50 ${update.p50} ms, p99 ${update.p99} ms: p50 ratio ${results.roundTrip.ratioP50} (goal 1.5)`);
    return results;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await devServer.stop();
    await database.drop();
  }
}
