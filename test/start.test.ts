/**
 * The README's first command: `npm start` brings up the whole helpdesk on embedded
 * defaults (Temporal dev server, embedded PostgreSQL, outbox folder), Ctrl-C stops all
 * of it, and the next start finds everything where it was.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Client as PgClient } from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { freePort } from './support/ports';
import { testEnv } from './support/env';

const ROOT = join(__dirname, '..');
let dataDir: string;
let env: Record<string, string>;
let running: ChildProcess | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-start-'));
  // Embedded PostgreSQL runs as the `postgres` user when we are root: it must reach its folder.
  chmodSync(dataDir, 0o755);
  env = {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_DEV_UI_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    ADMIN_EMAIL: 'boss@example.com',
    ADMIN_PASSWORD: 'correct-horse-battery',
    LOG_LEVEL: 'warn',
    // The CLI the test setup already has, so this test needs no second install.
    PATH: `${join(testEnv('temporalCli'), '..')}:${process.env.PATH}`,
  };
});

afterAll(async () => {
  // Even after a failure, stop it as Ctrl-C would, so its Temporal and PostgreSQL go too.
  if (running && running.exitCode === null) {
    const child = running;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    ctrlC(child);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Ctrl-C in a terminal: SIGINT to the whole foreground process group, every child of it included. */
function ctrlC(child: ChildProcess) {
  process.kill(-child.pid!, 'SIGINT');
}

function npmStart(extra: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> {
  // What `npm start` runs, in a process group of its own as a terminal's foreground job is.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, DATABASE_URL: '', TEMPORAL_ADDRESS: '', SMTP_URL: '', SECRET_KEY: '' };
  delete childEnv.TEMPORAL_UI_URL;
  Object.assign(childEnv, extra);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Helpdesk is running.')) resolve({ child, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  ctrlC(child);
  return exited;
}

const base = () => `http://127.0.0.1:${env.PORT}`;

async function login(): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${base()}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'boss@example.com', password: 'correct-horse-battery' }),
  });
  expect(response.status).toBe(200);
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
}

it('npm start runs everything on embedded defaults; Ctrl-C stops it; a second start keeps all data', async () => {
  const first = await npmStart();
  expect(first.output()).toContain('Log in as:      boss@example.com');
  // The banner comes last, once everything answers: nothing the worker logs pushes it away.
  expect(first.output().trimEnd().endsWith(`data stays in ${dataDir}`)).toBe(true);
  expect(first.output()).toMatch(/OpenAPI docs: +http:\/\/127\.0\.0\.1:\d+\/docs/);
  expect(first.output()).toMatch(/Temporal Web: +http:\/\/localhost:\d+/);
  expect(await (await fetch(`${base()}/healthz`)).json()).toEqual({ status: 'ok', postgres: true, temporal: true });
  expect((await fetch(`http://127.0.0.1:${env.TEMPORAL_DEV_UI_PORT}/`)).status).toBe(200);
  // npm start built the admin UI: the page and its bundle are served.
  expect(first.output()).toMatch(/Admin UI: +http:\/\/127\.0\.0\.1:\d+\/admin/);
  const adminPage = await (await fetch(`${base()}/admin`)).text();
  const bundle = /src="([^"]+admin\.js[^"]*)"/.exec(adminPage)![1]!;
  expect((await fetch(`${base()}${bundle}`)).status).toBe(200);

  const session = await login();
  const created = await fetch(`${base()}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: JSON.stringify({ subject: 'Kept across restarts', body: 'Still here?', customer: { email: 'keep@example.com' }, acknowledge: true }),
  });
  expect(created.status).toBe(201);
  const { number, publicUrl } = (await created.json()) as { number: number; publicUrl: string };
  // Without SMTP_URL the acknowledgement lands in the outbox folder.
  const outbox = join(dataDir, 'outbox');
  const acknowledgement = join(outbox, `ticket-${number}-event-1-ticket_created-customer.eml`);
  // Written under a temporary name and renamed: wait for the finished file.
  for (let i = 0; i < 100 && !existsSync(acknowledgement); i++) await new Promise((r) => setTimeout(r, 100));
  expect(readdirSync(outbox)).toEqual([`ticket-${number}-event-1-ticket_created-customer.eml`]);
  expect((await simpleParser(readFileSync(acknowledgement))).text).toContain(publicUrl);

  // What npm start keeps is its user's alone: no one else reads the data folder's parts.
  const privateTo = (path: string, bits: number) => expect((statSync(path).mode & bits).toString(8)).toBe('0');
  privateTo(dataDir, 0o066); // run as root, the embedded PostgreSQL's user may pass through it
  for (const path of [join(dataDir, 'temporal'), outbox, join(dataDir, 'secret-key'), acknowledgement]) privateTo(path, 0o077);
  // The embedded database's password is derived from the secret, not a piece of it.
  const secret = readFileSync(join(dataDir, 'secret-key'), 'utf8').trim();
  const guess = new PgClient({ host: '127.0.0.1', port: Number(env.EMBEDDED_POSTGRES_PORT), user: 'postgres', password: secret.slice(0, 32), database: 'postgres' });
  await expect(guess.connect()).rejects.toThrow(/password authentication failed/);

  // Ctrl-C reached every process of the group, yet the parts stop one after the other,
  // PostgreSQL and Temporal last, and nothing meets a server that is already gone.
  expect(await stop(first.child)).toBe(0);
  await expect(fetch(`${base()}/healthz`)).rejects.toThrow();
  const stopping = first.output().slice(first.output().indexOf('Stopping ...'));
  expect([...stopping.matchAll(/stopped (.+)/g)].map((m) => m[1])).toEqual(['worker', 'API', 'PostgreSQL', 'Temporal dev server']);
  expect(stopping).not.toMatch(/lost the PostgreSQL listener|ECONNREFUSED|error/i);

  // A Temporal Web address of the user's own (behind a proxy) is kept, not replaced.
  const second = await npmStart({ TEMPORAL_UI_URL: 'https://temporal.helpdesk.example' });
  expect(second.output()).toMatch(/Temporal Web: +https:\/\/temporal\.helpdesk\.example/);
  expect(second.output()).not.toContain('Log in as');
  expect(second.output()).not.toContain('initialising a new database cluster');
  const again = await login();
  const ticket = await (await fetch(`${base()}/api/tickets/${number}`, { headers: { cookie: again.cookie } })).json() as { workflow: { temporalWebUrl: string } };
  expect(ticket).toMatchObject({ number, subject: 'Kept across restarts', publicUrl });
  expect(ticket.workflow.temporalWebUrl).toBe(`https://temporal.helpdesk.example/namespaces/default/workflows/ticket-${number}`);
  // The workflow survived in the dev server's file too: it still takes changes.
  const patched = await fetch(`${base()}/api/tickets/${number}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', cookie: again.cookie, 'x-csrf-token': again.csrf },
    body: JSON.stringify({ status: 'waiting' }),
  });
  expect(((await patched.json()) as { status: string }).status).toBe('waiting');
  expect(await stop(second.child)).toBe(0);
}, 240_000);
