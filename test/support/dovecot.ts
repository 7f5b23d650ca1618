import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from './ports';
import { ensureDebianPackages, TEST_PACKAGES } from './debian-packages';

const DOVECOT = TEST_PACKAGES['dovecot-imapd'];

export interface Dovecot {
  host: string;
  port: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** Dovecot comes from Debian's packages; installed the first time the tests need it. */
export function ensureDovecot(): void {
  ensureDebianPackages(['dovecot-imapd']);
}

/** A Dovecot of our own on a loopback port, with the given mailbox users. */
export async function startDovecot(users: Record<string, string>): Promise<Dovecot> {
  ensureDovecot();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-dovecot-'));
  chmodSync(dir, 0o755);
  // Mail belongs to an unprivileged user: the packaged `dovecot` one is always there.
  const owner = spawnSync('id', ['-u', 'dovecot']).stdout.toString().trim();
  const group = spawnSync('id', ['-g', 'dovecot']).stdout.toString().trim();
  const uid = userInfo().uid === 0 ? Number(owner) : userInfo().uid;
  const gid = userInfo().uid === 0 ? Number(group) : userInfo().gid;
  for (const sub of ['run', 'state', 'mail', 'home']) {
    mkdirSync(join(dir, sub));
    if (sub !== 'run' && userInfo().uid === 0) chownSync(join(dir, sub), uid, gid);
  }
  const port = await freePort();
  const config = readFileSync(join(__dirname, 'dovecot', 'dovecot.conf'), 'utf8')
    .replaceAll('{{dir}}', dir).replaceAll('{{port}}', String(port))
    .replaceAll('{{uid}}', String(uid)).replaceAll('{{gid}}', String(gid));
  writeFileSync(join(dir, 'dovecot.conf'), config);
  writeFileSync(join(dir, 'users'), Object.entries(users).map(([user, password]) => `${user}:{PLAIN}${password}\n`).join(''));
  let child = await run(dir, port);
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return {
    host: '127.0.0.1',
    port,
    stop,
    /** Drops every connection, as a network failure or a server restart would; the mail stays. */
    async restart() {
      await stop();
      child = await run(dir, port);
    },
  };
}

async function run(dir: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
      throw new Error(`Dovecot did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
