import { rmSync } from 'node:fs';
import { Client as PgClient } from 'pg';

export default async function globalTeardown() {
  const state = globalThis.helpdeskTest;
  if (!state) return;
  await state.devServer.stop();
  const admin = new PgClient({ connectionString: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${state.databaseName} WITH (FORCE)`);
  await admin.end();
  if (!process.env.KEEP_TEST_DIR) rmSync(state.dir, { recursive: true, force: true });
}
