/** What every benchmark needs: rounding, percentiles, the machine, a database of its own. */
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
