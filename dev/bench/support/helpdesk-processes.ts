/**
 * The helpdesk as it is deployed: the API and the worker each in a process of its own
 * (`api/server.ts`, `worker/main.ts`, as in docker-compose), so the benchmark's own load
 * generator does not share their event loop.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..', '..');

export interface HelpdeskProcesses {
  base: string;
  api: ChildProcess;
  worker: ChildProcess;
  stop(): Promise<void>;
}

/** Starts both with `env` on top of this process's environment; answers once the API is healthy. */
export async function startHelpdeskProcesses(env: Record<string, string>, options: { port: number; logDir: string }): Promise<HelpdeskProcesses> {
  const base = `http://127.0.0.1:${options.port}`;
  const fullEnv = { ...process.env, HOST: '127.0.0.1', PORT: String(options.port), LOG_LEVEL: 'warn', ...env };
  // BENCH_PROFILE_DIR: each process writes a V8 CPU profile there when it stops (one per
  // thread; the worker's workflow thread is its own), to find where the time goes.
  const profiling = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const start = (name: string, script: string) => {
    const child = spawn(process.execPath, [...profiling, '--import', 'tsx', join(ROOT, script)], { env: fullEnv, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(options.logDir, `${name}.log`), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return child;
  };
  const worker = start('worker', 'worker/main.ts');
  const api = start('api', 'api/server.ts');
  const stop = async () => {
    await Promise.all([api, worker].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    }));
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    for (const [name, child] of [['API', api], ['worker', worker]] as const) {
      if (child.exitCode !== null) {
        await stop();
        throw new Error(`The ${name} process exited (${child.exitCode}); see ${options.logDir}`);
      }
    }
    if ((await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The API did not become healthy; see ${options.logDir}`);
    }
    await sleep(250);
  }
  return { base, api, worker, stop };
}
