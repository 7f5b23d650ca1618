/**
 * Ticket intake and operator round trips through the helpdesk as deployed (the API and
 * the worker as processes of their own) on a Temporal dev server and PostgreSQL, each
 * beside the bare Temporal operation it stands on, through the same SDK in the same run:
 *  - tickets opened per second by POST /api/tickets from 32 concurrent clients, against
 *    bare starts per second of an empty workflow from 32 concurrent callers;
 *  - p50/p99 of PATCH /api/tickets/:n (a status change, persisted and returned; ten on each
 *    of 30 tickets) against a bare Workflow Update round trip on a workflow that only
 *    answers it.
 * A second baseline for each is the least a durable, persisted change costs on Temporal:
 * an Update-with-Start (or an Update) whose handler runs one local activity that does
 * nothing. The gap between the two baselines is Temporal's; the rest is the helpdesk's.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ensureTemporalCli, startTemporalDevServer } from '../../scripts/temporal-dev-server';
import { freePort } from '../../test/support/ports';
import { recordAndIndexUpdate, recordUpdate, touchUpdate } from './support/baseline-workflows';
import { startingSearchAttributes } from '../../workflows/ticket/client';
import { ticketWorkflowId } from '../../workflows/ticket/definitions';
import type { NewTicket } from '../../domain/ticket';
import { baselineActivities } from './support/baseline-activities';
import { startHelpdeskProcesses } from './support/helpdesk-processes';
import { cpuPerOperation, formatCpu, machine, percentile, round, scratchDatabase } from './support/measure';

const TICKETS = Number(process.env.BENCH_TICKETS_OPENED ?? 1000);
const CONCURRENCY = 32;
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 300);
const CHANGES_PER_TICKET = 10;


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
    const admin = { email: 'bench@bench.test', password: 'bench-password-123' };
    const port = await freePort();
    const helpdesk = await startHelpdeskProcesses({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
      SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // Mail goes to an outbox folder: an SMTP sink parsing every mail would bill its own
      // work to the helpdesk.
      OUTBOX_DIR: join(dir, 'outbox'),
      MAIL_RATE_LIMIT_PER_RECIPIENT: '100000',
      RATE_LIMIT_API: '1000000',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
    }, { port, logDir: dir });
    stops.push(() => helpdesk.stop());
    const base = helpdesk.base;

    const connection = await Connection.connect({ address: devServer.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });
    const workerConnection = await NativeConnection.connect({ address: devServer.address });
    const baselineQueue = `bench-baseline-${randomUUID()}`;
    const baselineWorker = await Worker.create({
      connection: workerConnection, namespace: 'default', taskQueue: baselineQueue,
      workflowsPath: require.resolve('./support/baseline-workflows'),
      activities: baselineActivities,
    });
    const running = baselineWorker.run();
    stops.push(async () => {
      baselineWorker.shutdown();
      await running;
      await workerConnection.close();
    });

    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
    const headers = {
      'content-type': 'application/json',
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
    };
    const openTicket = async (i: number) => {
      const response = await fetch(`${base}/api/tickets`, {
        method: 'POST', headers,
        body: JSON.stringify({ subject: `Bench ticket ${i}`, body: 'Opened by the benchmark.', customer: { email: `bench-${i % 500}@example.com` }, acknowledge: true }),
      });
      if (response.status !== 201) throw new Error(`POST /api/tickets answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { number: number }).number;
    };
    const bareStart = (i: number) => client.workflow.start('emptyWorkflow', { taskQueue: baselineQueue, workflowId: `empty-${i}-${randomUUID()}` });
    const recordedStart = (i: number) => client.workflow.executeUpdateWithStart(recordUpdate, {
      args: [i],
      startWorkflowOperation: new WithStartWorkflowOperation('recordingWorkflow', {
        taskQueue: baselineQueue, workflowId: `recording-${i}-${randomUUID()}`, workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });

    // The search attributes a bench ticket starts with (number, status, priority, source, customer's address).
    const indexedStart = (i: number) => client.workflow.executeUpdateWithStart(recordUpdate, {
      args: [i],
      startWorkflowOperation: new WithStartWorkflowOperation('recordingWorkflow', {
        taskQueue: baselineQueue, workflowId: `indexed-${i}-${randomUUID()}`, workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: startingSearchAttributes({
          number: 1_000_000 + i, subject: `Bench ticket ${i}`, body: 'Opened by the benchmark.', priority: 'normal', source: 'admin',
          contact: { email: `bench-${i % 500}@example.com`, phone: null, firstName: null, lastName: null, externalId: null },
          mailbox: null, createdBy: 1, assigneeId: null, messageKey: null, suppressAcknowledgement: false,
        } as NewTicket, true),
      }),
    });
    /** Events in a workflow's history (the current run). */
    const historyLength = async (workflowId: string) => (await client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;

    process.stdout.write('Warming up ... ');
    await throughput(64, CONCURRENCY, (i) => openTicket(-1 - i));
    await throughput(64, CONCURRENCY, bareStart);
    await throughput(64, CONCURRENCY, recordedStart);
    await throughput(64, CONCURRENCY, indexedStart);
    console.log('done');

    // Work a measurement leaves behind (acknowledgements still being mailed, empty
    // workflows not yet run) is waited out, so the next measurement does not pay for it.
    const outbox = join(dir, 'outbox');
    const mailsOut = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).length : 0);
    const settle = async () => {
      const deadline = Date.now() + 300_000;
      let mails = -1;
      for (;;) {
        const running = await client.workflow.count(`WorkflowType = 'emptyWorkflow' AND ExecutionStatus = 'Running'`);
        const nowMails = mailsOut();
        if (running.count === 0 && nowMails === mails) return;
        if (Date.now() > deadline) throw new Error('The work of the previous measurement did not finish in 5 minutes');
        mails = nowMails;
        await sleep(1000);
      }
    };

    // CPU per operation of every process involved: the benchmark process is the load, and
    // for the baselines also their worker.
    const processes = {
      temporal: devServer.process.pid!, worker: helpdesk.worker.pid!, api: helpdesk.api.pid!, postgres: 'postgres' as const, benchmark: process.pid,
    };
    // The helpdesk's own work includes what it leaves behind (the acknowledgement mail).
    const counted = <T>(operations: number, measure: () => Promise<T>) =>
      cpuPerOperation(processes, operations, async () => {
        const result = await measure();
        await settle();
        return result;
      });

    await settle();
    const { result: intake, cpuMsPerOperation: intakeCpu } = await counted(TICKETS, () => throughput(TICKETS, CONCURRENCY, openTicket));
    const { result: starts, cpuMsPerOperation: startsCpu } = await counted(TICKETS, () => throughput(TICKETS, CONCURRENCY, bareStart));
    const { result: recordedStarts, cpuMsPerOperation: recordedStartsCpu } = await counted(TICKETS, () => throughput(TICKETS, CONCURRENCY, recordedStart));
    const { result: indexedStarts, cpuMsPerOperation: indexedStartsCpu } = await counted(TICKETS, () => throughput(TICKETS, CONCURRENCY, indexedStart));
    const floorStart = { ...indexedStarts, cpu: indexedStartsCpu };

    // Spread over tickets as an operator works a queue, each ending with a dozen records in
    // its audit trail: on one ticket the answer would carry hundreds of them.
    const worked: number[] = [];
    for (let i = 0; i < Math.ceil(ROUND_TRIPS / CHANGES_PER_TICKET); i++) worked.push(await openTicket(-1000 - i));
    const eventsPerNewTicket = await historyLength(ticketWorkflowId(worked[0]!));
    const statuses = ['in_progress', 'waiting'];
    const { result: patch, cpuMsPerOperation: patchCpu } = await counted(ROUND_TRIPS, () => latencies(ROUND_TRIPS, async (i) => {
      const number = worked[i % worked.length];
      const change = Math.floor(i / worked.length);
      const response = await fetch(`${base}/api/tickets/${number}`, { method: 'PATCH', headers, body: JSON.stringify({ status: statuses[change % 2] }) });
      if (response.status !== 200) throw new Error(`PATCH answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }));
    const updatable = await client.workflow.start('updatableWorkflow', { taskQueue: baselineQueue, workflowId: `updatable-${randomUUID()}` });
    await updatable.executeUpdate(touchUpdate, { args: [0] });
    const { result: update, cpuMsPerOperation: updateCpu } = await counted(ROUND_TRIPS, () => latencies(ROUND_TRIPS, (i) => updatable.executeUpdate(touchUpdate, { args: [i + 1] })));
    await updatable.executeUpdate(touchUpdate, { args: [-1] });
    const recording = await client.workflow.start('recordingWorkflow', { taskQueue: baselineQueue, workflowId: `recording-${randomUUID()}` });
    await recording.executeUpdate(recordUpdate, { args: [0] });
    const { result: recordedUpdate, cpuMsPerOperation: recordedUpdateCpu } = await counted(ROUND_TRIPS, () => latencies(ROUND_TRIPS, (i) => recording.executeUpdate(recordUpdate, { args: [i + 1] })));
    await recording.executeUpdate(recordUpdate, { args: [-1] });
    const indexing = await client.workflow.start('recordingWorkflow', { taskQueue: baselineQueue, workflowId: `indexing-${randomUUID()}` });
    await indexing.executeUpdate(recordAndIndexUpdate, { args: [0] });
    const { result: indexedUpdate, cpuMsPerOperation: indexedUpdateCpu } = await counted(ROUND_TRIPS, () => latencies(ROUND_TRIPS, (i) => indexing.executeUpdate(recordAndIndexUpdate, { args: [i + 1] })));
    await indexing.executeUpdate(recordUpdate, { args: [-1] });
    const eventsPerStatusChange = round((await historyLength(ticketWorkflowId(worked[0]!)) - eventsPerNewTicket) / CHANGES_PER_TICKET, 1);
    const cpuAll = (cpu: Record<string, number>) => round(Object.values(cpu).reduce((a, b) => a + b, 0), 1);

    const results = {
      benchmark: 'ticket operations',
      machine: machine(),
      topology: 'API and worker as separate processes (as deployed); load and baselines from the benchmark process',
      intake: {
        tickets: TICKETS, concurrency: CONCURRENCY,
        helpdesk: { what: 'POST /api/tickets', ...intake, cpuMsPerTicket: intakeCpu },
        baseline: { what: 'client.workflow.start of an empty workflow', ...starts, cpuMsPerStart: startsCpu },
        ratio: round(intake.perSecond / starts.perSecond, 3),
        goal: 'ratio of at least 0.7',
        persistedBaseline: { what: 'executeUpdateWithStart whose handler runs one no-op local activity; the workflow stays open', ...recordedStarts, cpuMsPerStart: recordedStartsCpu },
        ratioToPersisted: round(intake.perSecond / recordedStarts.perSecond, 3),
        floor: { what: 'the same, started with the search attributes a ticket starts with', ...indexedStarts, cpuMsPerStart: indexedStartsCpu },
        ratioToFloor: round(intake.perSecond / floorStart.perSecond, 3),
        cpuRatioToFloor: round(cpuAll(intakeCpu) / cpuAll(indexedStartsCpu), 2),
        goals: { rate: 'ratioToFloor of at least 0.7', cpu: 'cpuRatioToFloor of at most 1.5', events: 'at most 9 history events per new ticket' },
        historyEventsPerNewTicket: eventsPerNewTicket,
      },
      roundTrip: {
        requests: ROUND_TRIPS,
        helpdesk: { what: `PATCH /api/tickets/:n status change, persisted and returned, ${CHANGES_PER_TICKET} on each of ${worked.length} tickets`, ...patch, cpuMsPerRequest: patchCpu },
        baseline: { what: 'executeUpdate on a workflow that only answers it', ...update, cpuMsPerUpdate: updateCpu },
        ratioP50: round(patch.p50 / update.p50, 2),
        goal: 'p50 within 1.5x of the bare update',
        persistedBaseline: { what: 'executeUpdate whose handler runs one no-op local activity', ...recordedUpdate, cpuMsPerUpdate: recordedUpdateCpu },
        ratioP50ToPersisted: round(patch.p50 / recordedUpdate.p50, 2),
        floor: { what: 'executeUpdate whose handler runs one no-op local activity and upserts one search attribute', ...indexedUpdate, cpuMsPerUpdate: indexedUpdateCpu },
        ratioP50ToFloor: round(patch.p50 / indexedUpdate.p50, 2),
        cpuRatioToFloor: round(cpuAll(patchCpu) / cpuAll(indexedUpdateCpu), 2),
        goals: { p50: 'ratioP50ToFloor of at most 1.4', cpu: 'cpuRatioToFloor of at most 1.5', events: 'at most 7 history events per status change' },
        historyEventsPerStatusChange: eventsPerStatusChange,
      },
    };
    console.log(`\nTicket operations on ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB (${results.machine.cpu}); API and worker as separate processes`);
    console.log(`  intake:     ${intake.perSecond} tickets/s (${TICKETS} by ${CONCURRENCY} clients in ${intake.seconds} s)`);
    console.log(`              vs ${starts.perSecond} bare starts/s: ratio ${results.intake.ratio} (goal 0.7)`);
    console.log(`              vs ${recordedStarts.perSecond} update-with-starts/s running a no-op local activity: ratio ${results.intake.ratioToPersisted}`);
    console.log(`              vs ${indexedStarts.perSecond} of those started with a ticket's search attributes (the floor): ratio ${results.intake.ratioToFloor} (goal 0.7)`);
    console.log(`  CPU ms per ticket: ${formatCpu(intakeCpu)}; all ${cpuAll(intakeCpu)}, ${results.intake.cpuRatioToFloor} of the floor's (goal 1.5)`);
    console.log(`    per bare start: ${formatCpu(startsCpu)}; per update-with-start: ${formatCpu(recordedStartsCpu)}; per floor start: ${formatCpu(indexedStartsCpu)} (all ${cpuAll(indexedStartsCpu)})`);
    console.log(`  history events per new ticket: ${eventsPerNewTicket} (goal 9)`);
    console.log(`  round trip: PATCH p50 ${patch.p50} ms, p99 ${patch.p99} ms`);
    console.log(`              vs bare update p50 ${update.p50} ms, p99 ${update.p99} ms: p50 ratio ${results.roundTrip.ratioP50} (goal 1.5)`);
    console.log(`              vs update running a no-op local activity p50 ${recordedUpdate.p50} ms, p99 ${recordedUpdate.p99} ms: p50 ratio ${results.roundTrip.ratioP50ToPersisted}`);
    console.log(`              vs update running a no-op local activity and one search-attribute upsert (the floor) p50 ${indexedUpdate.p50} ms, p99 ${indexedUpdate.p99} ms: p50 ratio ${results.roundTrip.ratioP50ToFloor} (goal 1.4)`);
    console.log(`  CPU ms per PATCH: ${formatCpu(patchCpu)}; all ${cpuAll(patchCpu)}, ${results.roundTrip.cpuRatioToFloor} of the floor's (goal 1.5)`);
    console.log(`    per bare update: ${formatCpu(updateCpu)}; per update running a no-op local activity: ${formatCpu(recordedUpdateCpu)}; per floor update: ${formatCpu(indexedUpdateCpu)} (all ${cpuAll(indexedUpdateCpu)})`);
    console.log(`  history events per status change: ${eventsPerStatusChange} (goal 7)`);
    return results;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await devServer.stop();
    await database.drop();
  }
}
