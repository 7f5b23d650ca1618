/**
 * Clocks on time: many open tickets whose SLA targets fall due over a few minutes, each
 * fired by the ticket's own workflow timer. Prints how late each breach was recorded (from
 * its due time to the event's time, p50/p99/max), beside a bare Temporal timer workflow with
 * the same due times measured in the same run, and beside what a polling job every 5
 * minutes and every hour (how Zammad, Zendesk and Freshdesk run such rules) would make of
 * the same due times. Also: missed and doubled firings, and the worker's memory while the
 * tickets wait. The worker is its production process, so /proc shows its memory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { helpdeskDataConverter } from '../../security/payload-codec';
import { ensureTemporalCli, startTemporalDevServer } from '../../scripts/temporal-dev-server';
import { freePort } from '../../test/support/ports';
import { loadConfig, Config } from '../../config';
import { connectDatabase } from '../../db';
import { migrate } from '../../db/migrate';
import { createSlaPolicyStore } from '../../db/sla-policies';
import { ticketCommandsFor } from '../../workflows/ticket/client';
import { baselineActivities } from './support/baseline-activities';
import { machine, percentile, round, scratchDatabase } from './support/measure';
import { openTicketDirectly, rssMiB, spawnWorkerProcess } from './support/open-ticket';

const TICKETS = Number(process.env.BENCH_CLOCK_TICKETS ?? 1000);
/**
 * Tickets opened a second, so their clocks fall due at that rate (each a warning and a
 * breach): a rate the machine can keep up with shows the clocks' precision; a higher one
 * (BENCH_CLOCK_RATE=0: as fast as they open) shows how many firings a second it holds.
 */
const RATE = Number(process.env.BENCH_CLOCK_RATE ?? 10);
const CONCURRENCY = 32;

function lateness(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) };
}

/**
 * How late a job that runs every `periodMs` acts on each due time, over where its runs fall
 * (a random phase per due time: the spread a deployment sees over many days).
 */
function polling(dues: number[], periodMs: number) {
  return lateness(dues.map((due) => {
    const phase = Math.random() * periodMs;
    return (((phase - due) % periodMs) + periodMs) % periodMs;
  }));
}

export async function clocks() {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-clocks-'));
  const devServer = await startTemporalDevServer({
    binary: ensureTemporalCli(), port: await freePort(), uiPort: await freePort(), dbFile: null, namespace: 'default', headless: true, logFile: join(dir, 'temporal.log'),
  });
  const database = await scratchDatabase('clocks');
  const env = {
    ...process.env as Record<string, string>,
    DATABASE_URL: database.url, TEMPORAL_ADDRESS: devServer.address, SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
    OUTBOX_DIR: join(dir, 'outbox'), MAIL_RATE_LIMIT_PER_RECIPIENT: '100000',
  };
  const config = loadConfig(env) as Config & { DATABASE_URL: string };
  const db = connectDatabase(database.url);
  await migrate(db.sequelize);
  const worker = spawnWorkerProcess(env, dir);
  const connection = await Connection.connect({ address: devServer.address });
  const baselineConnection = await NativeConnection.connect({ address: devServer.address });
  const baselineQueue = `bench-timers-${randomUUID()}`;
  const baselineWorker = await Worker.create({
    connection: baselineConnection, namespace: 'default', taskQueue: baselineQueue,
    workflowsPath: require.resolve('./support/baseline-workflows'), activities: baselineActivities,
  });
  const baselineRun = baselineWorker.run();
  try {
    const client = new Client({ connection, dataConverter: helpdeskDataConverter({ ...config, SECRET_KEY: env.SECRET_KEY! }) });
    const commands = ticketCommandsFor(client, config, { timeoutMs: 120_000 });
    // The baseline's own worker has no payload codec: its workflows are started without one.
    const plain = new Client({ connection });
    // Every ticket's first answer is due this long after it opens: long enough that all are
    // open before the first falls due, so the firings are measured, not the openings.
    const targetMs = Math.round(TICKETS / (RATE || 30)) * 1000 + 20_000;
    const none = { first_response: null, next_response: null, resolution: null };
    await createSlaPolicyStore(db).add({
      name: 'Bench', position: 0, sources: null, mailboxes: null, businessHours: null, pauseWhileWaiting: true, warnBefore: { percent: 90 },
      targets: { low: none, high: none, urgent: none, normal: { first_response: targetMs, next_response: null, resolution: null } },
    });
    const open = () => openTicketDirectly(db, commands, {
      subject: 'Clock ticket', body: 'Waiting for an answer.', source: 'email', email: (n) => `clock-${n % 1000}@example.com`,
    });
    await open(); // the worker is up and has bundled its workflows
    const rssIdle = rssMiB(worker.pid!);
    const openedAt = performance.now();
    let started = 1;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (started < TICKETS) {
        const slot = started++;
        const wait = RATE ? openedAt + (slot * 1000) / RATE - performance.now() : 0;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await open();
      }
    }));
    const openingSeconds = round((performance.now() - openedAt) / 1000);
    const rssWaiting = rssMiB(worker.pid!);
    const [{ first, last }] = await db.sequelize.query<{ first: Date; last: Date }>(
      'SELECT min(first_response_due) AS first, max(first_response_due) AS last FROM tickets', { type: QueryTypes.SELECT },
    ) as [{ first: Date; last: Date }];
    console.log(`  ${TICKETS} tickets open in ${openingSeconds} s; their first responses fall due from ${first.toISOString()} to ${last.toISOString()} (worker RSS ${rssWaiting} MiB)`);
    // Until every breach is recorded, or two minutes past the last due time (the rest: missed).
    const deadline = last.getTime() + 120_000;
    await new Promise((r) => setTimeout(r, Math.max(0, last.getTime() - Date.now()) + 1_000));
    for (;;) {
      const [{ n }] = await db.sequelize.query<{ n: number }>("SELECT count(DISTINCT ticket_number)::int AS n FROM ticket_events WHERE type = 'sla_breach'", { type: QueryTypes.SELECT }) as [{ n: number }];
      if (n >= TICKETS || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }

    const breaches = await db.sequelize.query<{ ticket_number: number; at: Date; due: string }>(
      "SELECT ticket_number, created_at AS at, changes->'due'->>'to' AS due FROM ticket_events WHERE type = 'sla_breach'", { type: QueryTypes.SELECT },
    );
    const warnings = await db.sequelize.query<{ n: number }>("SELECT count(*)::int AS n FROM ticket_events WHERE type = 'sla_warning'", { type: QueryTypes.SELECT });
    const perTicket = new Map<number, number>();
    for (const b of breaches) perTicket.set(b.ticket_number, (perTicket.get(b.ticket_number) ?? 0) + 1);
    const ticketLate = breaches.map((b) => b.at.getTime() - Date.parse(b.due));
    const dues = breaches.map((b) => Date.parse(b.due));

    // The same due times, one bare timer workflow each, shifted to start after a short lead.
    const shift = Date.now() + 20_000 - Math.min(...dues);
    const handles = [];
    for (let i = 0; i < dues.length; i += CONCURRENCY) {
      handles.push(...await Promise.all(dues.slice(i, i + CONCURRENCY).map((due, j) => plain.workflow.start('timerWorkflow', {
        taskQueue: baselineQueue, workflowId: `timer-${i + j}-${randomUUID()}`, args: [due + shift],
      }))));
    }
    const timerLate = await Promise.all(handles.map((h) => h.result() as Promise<number>));

    const results = {
      benchmark: 'clocks on time',
      machine: machine(),
      tickets: TICKETS,
      openedPerSecond: RATE || 'as fast as they open',
      openingSeconds,
      dueSpreadSeconds: round((last.getTime() - first.getTime()) / 1000),
      ticketBreachLatenessMs: lateness(ticketLate),
      bareTimerLatenessMs: lateness(timerLate),
      pollingLatenessMs: { every5Minutes: polling(dues, 300_000), everyHour: polling(dues, 3_600_000) },
      missed: TICKETS - perTicket.size,
      doubled: [...perTicket.values()].filter((n) => n > 1).length,
      warnings: warnings[0]!.n,
      workerRssMiB: { idle: rssIdle, whileWaiting: rssWaiting },
      goal: 'p99 lateness within 1.5x of the bare timer\'s and under 2 s; zero missed, zero doubled',
    };
    const t = results.ticketBreachLatenessMs;
    const b = results.bareTimerLatenessMs;
    console.log(`\nClocks on ${results.machine.cores} cores: ${TICKETS} tickets, breaches due over ${results.dueSpreadSeconds} s (${round(TICKETS / Math.max(1, results.dueSpreadSeconds))} a second, each with its warning)`);
    console.log(`  ticket's SLA breach recorded: p50 ${t.p50} ms, p99 ${t.p99} ms, max ${t.max} ms late`);
    console.log(`  bare timer workflow:          p50 ${b.p50} ms, p99 ${b.p99} ms, max ${b.max} ms late`);
    console.log(`  p99 ratio ${round(t.p99 / Math.max(1, b.p99), 2)} (goal ≤ 1.5, and p99 under 2000 ms)`);
    console.log(`  a polling job every 5 min: p50 ${round(results.pollingLatenessMs.every5Minutes.p50 / 1000)} s, p99 ${round(results.pollingLatenessMs.every5Minutes.p99 / 1000)} s; every hour: p50 ${round(results.pollingLatenessMs.everyHour.p50 / 60000)} min, p99 ${round(results.pollingLatenessMs.everyHour.p99 / 60000)} min`);
    console.log(`  missed ${results.missed}, doubled ${results.doubled}; warnings ${results.warnings}; worker RSS ${rssIdle} MiB idle, ${rssWaiting} MiB with ${TICKETS} tickets waiting`);
    return results;
  } finally {
    baselineWorker.shutdown();
    await baselineRun;
    await baselineConnection.close();
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await connection.close();
    await db.sequelize.close();
    await devServer.stop();
    await database.drop();
  }
}
