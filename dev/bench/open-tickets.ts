/**
 * Open tickets held: opens many tickets whose workflows stay running, and reads the
 * worker's resident memory as they pile up. The worker keeps at most WORKER_MAX_CACHED_WORKFLOWS
 * in memory (its default, auto, sized by the machine's memory; BENCH_WORKER_CACHE sets
 * another), so its memory should stop growing there, not grow with every open ticket. Then
 * status changes on random tickets (replayed from history when not cached) beside changes
 * on one ticket it keeps cached.
 * The worker runs as its production process (`worker/main.ts`), so /proc shows its memory.
 */
import { helpdeskDataConverter } from '../../security/payload-codec';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalCli, startTemporalDevServer } from '../../scripts/temporal-dev-server';
import { freePort } from '../../test/support/ports';
import { loadConfig, Config } from '../../config';
import { connectDatabase } from '../../db';
import { migrate } from '../../db/migrate';
import { ticketCommandsFor } from '../../workflows/ticket/client';
import { changeTicketUpdate } from '../../workflows/ticket/definitions';
import { machine, percentile, round, scratchDatabase } from './support/measure';
import { openTicketDirectly, rssMiB, spawnWorkerProcess } from './support/open-ticket';

const OPEN_TICKETS = Number(process.env.BENCH_OPEN_TICKETS ?? 10_000);
const CACHE_SETTING = process.env.BENCH_WORKER_CACHE ?? 'auto';
const CHANGES = 100;


export async function openTickets() {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-open-'));
  const devServer = await startTemporalDevServer({
    binary: ensureTemporalCli(), port: await freePort(), uiPort: await freePort(), dbFile: null, namespace: 'default', headless: true, logFile: join(dir, 'temporal.log'),
  });
  const database = await scratchDatabase('open');
  const databaseUrl = database.url;
  const env = {
    ...process.env as Record<string, string>,
    DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: devServer.address, SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
    OUTBOX_DIR: join(dir, 'outbox'), WORKER_MAX_CACHED_WORKFLOWS: CACHE_SETTING, MAIL_RATE_LIMIT_PER_RECIPIENT: '100000',
  };
  const config = loadConfig(env) as Config & { DATABASE_URL: string };
  const CACHE = config.WORKER_MAX_CACHED_WORKFLOWS;
  const db = connectDatabase(databaseUrl);
  await migrate(db.sequelize);
  const worker = spawnWorkerProcess(env, dir);
  const connection = await Connection.connect({ address: devServer.address });
  try {
    const client = new Client({ connection, dataConverter: helpdeskDataConverter({ ...config, SECRET_KEY: env.SECRET_KEY! }) });
    const commands = ticketCommandsFor(client, config, { timeoutMs: 120_000 });
    const open = () => openTicketDirectly(db, commands, {
      subject: 'Open ticket', body: 'Still open.', source: 'admin', email: (n) => `open-${n % 1000}@example.com`,
    });
    const numbers: number[] = [];
    numbers.push(await open()); // the worker is up and has bundled its workflows
    const memory: Array<{ openTickets: number; workerRssMiB: number }> = [{ openTickets: numbers.length, workerRssMiB: rssMiB(worker.pid!) }];
    const checkpoints = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * OPEN_TICKETS));
    const start = performance.now();
    for (const checkpoint of checkpoints) {
      let next = numbers.length;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next++ < checkpoint) numbers.push(await open());
      }));
      await new Promise((r) => setTimeout(r, 2000));
      memory.push({ openTickets: numbers.length, workerRssMiB: rssMiB(worker.pid!) });
      console.log(`  ${numbers.length} open tickets: worker RSS ${memory.at(-1)!.workerRssMiB} MiB (${round((performance.now() - start) / 1000)} s)`);
    }

    const change = async (number: number, i: number) => {
      const begin = performance.now();
      await commands.update(number, changeTicketUpdate, [{ status: i % 2 ? 'waiting' : 'in_progress' }, { kind: 'system' }]);
      return performance.now() - begin;
    };
    const stats = (times: number[]) => {
      times.sort((a, b) => a - b);
      return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
    };
    const cachedTicket = numbers.at(-1)!;
    const cached: number[] = [];
    for (let i = 0; i < CHANGES; i++) cached.push(await change(cachedTicket, i));
    const random: number[] = [];
    for (let i = 0; i < CHANGES; i++) random.push(await change(numbers[Math.floor(Math.random() * numbers.length)]!, i));

    const results = {
      benchmark: 'open tickets held',
      machine: machine(),
      openTickets: numbers.length,
      workerCache: CACHE,
      memory,
      statusChange: {
        randomTicket: { what: 'a random open ticket, mostly replayed from history', ...stats(random) },
        cachedTicket: { what: 'the same ticket again and again, kept in the worker cache', ...stats(cached) },
      },
      goal: 'worker memory bounded by the cache setting, not by the number of open tickets; a random ticket\'s change within 1.2x of a cached one\'s (p50)',
      ratioP50: round(stats(random).p50 / stats(cached).p50, 2),
    };
    const grownAfterCache = memory.filter((m) => m.openTickets >= CACHE * 2);
    console.log(`\nOpen tickets held on ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB: ${numbers.length} open ticket workflows, worker cache ${CACHE}`);
    console.log(`  worker RSS: ${memory.map((m) => `${m.openTickets} open → ${m.workerRssMiB} MiB`).join(', ')}`);
    if (grownAfterCache.length >= 2) {
      console.log(`  from ${grownAfterCache[0]!.openTickets} to ${grownAfterCache.at(-1)!.openTickets} open tickets the worker grew by ${round(grownAfterCache.at(-1)!.workerRssMiB - grownAfterCache[0]!.workerRssMiB)} MiB`);
    }
    console.log(`  status change on a random ticket: p50 ${results.statusChange.randomTicket.p50} ms, p99 ${results.statusChange.randomTicket.p99} ms; on a cached one: p50 ${results.statusChange.cachedTicket.p50} ms, p99 ${results.statusChange.cachedTicket.p99} ms; p50 ratio ${results.ratioP50} (goal 1.2)`);
    return results;
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await connection.close();
    await db.sequelize.close();
    await devServer.stop();
    await database.drop();
  }
}
