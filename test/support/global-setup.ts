import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { Client as PgClient } from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalCli, startTemporalDevServer, DevServer } from '../../scripts/temporal-dev-server';
import { connectDatabase } from '../../db';
import { migrate } from '../../db/migrate';
import { WORKFLOWS_PATH } from '../../worker';
import { TEST_ENV } from './env';
import { buildUi } from '../../scripts/build-ui';
import { ensureDebianPackages } from './debian-packages';

/** The machine's PostgreSQL (trust auth); each run gets a database of its own. */
const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare global {
  var helpdeskTest: { devServer: DevServer; databaseName: string; dir: string } | undefined;
}

export default async function globalSetup() {
  ensureDebianPackages();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-test-'));
  const cli = ensureTemporalCli((line) => process.stderr.write(`${line}\n`));
  const [port, uiPort] = [await freePort(), await freePort()];
  const devServer = await startTemporalDevServer({
    binary: cli, port, uiPort, dbFile: null, namespace: 'default', headless: true, logFile: join(dir, 'temporal.log'),
  });

  const databaseName = `helpdesk_test_${process.pid}_${Date.now()}`;
  const admin = new PgClient({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  const databaseUrl = POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${databaseName}`);
  const db = connectDatabase(databaseUrl);
  await migrate(db.sequelize);
  await db.sequelize.close();

  // Bundled once here rather than by every test file's worker.
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);

  // The API serves the admin UI bundle it finds on disk: build it from this checkout.
  await buildUi();

  process.env[TEST_ENV.temporalAddress] = devServer.address;
  process.env[TEST_ENV.databaseUrl] = databaseUrl;
  process.env[TEST_ENV.workflowBundle] = bundlePath;
  process.env[TEST_ENV.temporalCli] = cli;
  globalThis.helpdeskTest = { devServer, databaseName, dir };
}
