/** What every benchmark needs: rounding, percentiles, the machine, a database of its own. */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Client as PgClient } from 'pg';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `sorted` ascending; nearest-rank percentile. */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export const machine = () => ({ cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), cpu: cpus()[0]?.model ?? 'unknown' });

/** A new database on the machine's PostgreSQL; `drop` removes it, connections and all. */
export async function scratchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const databaseName = `helpdesk_bench_${name}_${process.pid}`;
  const admin = new PgClient({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  return {
    url: POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${databaseName}`),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Linux reports process times in clock ticks of 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The machine's PostgreSQL: every backend the benchmark's pools hold open. */
function postgresPids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
    } catch {
      return false;
    }
  });
}

/**
 * CPU time each named process spends on a measurement, in milliseconds per operation:
 * where the work goes, steadier than a rate on a shared machine. PostgreSQL is counted as
 * all of its processes; one that ends during the measurement (an idle backend closed by its
 * pool) takes its part with it, so its figure is a floor.
 */
export async function cpuPerOperation<T>(
  processes: Record<string, number | 'postgres'>,
  operations: number,
  measure: () => Promise<T>,
): Promise<{ result: T; cpuMsPerOperation: Record<string, number> }> {
  const read = () => new Map(Object.entries(processes).map(([name, pid]) => [
    name, new Map((pid === 'postgres' ? postgresPids() : [pid]).map((p) => [p, cpuSecondsOf(p)])),
  ]));
  const before = read();
  const result = await measure();
  const after = read();
  const cpuMsPerOperation = Object.fromEntries([...after].map(([name, pids]) => {
    let seconds = 0;
    for (const [pid, used] of pids) seconds += Math.max(0, used - (before.get(name)!.get(pid) ?? 0));
    return [name, round((seconds * 1000) / operations, 1)];
  }));
  return { result, cpuMsPerOperation };
}

export const formatCpu = (cpu: Record<string, number>) =>
  Object.entries(cpu).map(([name, ms]) => `${name} ${ms}`).join(', ');
