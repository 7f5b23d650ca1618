/**
 * `npm run fuzz`: schemathesis (from PyPI, installed into .tools/) generates requests for
 * every route of the OpenAPI document at /docs/json and sends them to the real API, worker,
 * Temporal dev server and PostgreSQL: once without a session, once as an admin. A 5xx, or
 * an answer that breaks its own schema, fails the run. Prints the number of cases.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import globalSetup from '../../test/support/global-setup';
import globalTeardown from '../../test/support/global-teardown';
import { startHarness } from '../../test/support/harness';
import { freePort } from '../../test/support/ports';

const ROOT = resolve(__dirname, '..', '..');
const VENV = join(ROOT, '.tools', 'fuzz-venv');
const SCHEMATHESIS = join(VENV, 'bin', 'schemathesis');
const REPORTS = join(ROOT, 'test-artifacts', 'fuzz');
const EXAMPLES = process.env.FUZZ_EXAMPLES ?? '25';

function ensureSchemathesis() {
  if (existsSync(SCHEMATHESIS)) return;
  console.log('fuzz: installing schemathesis from PyPI into .tools/fuzz-venv');
  const steps = [['python3', ['-m', 'venv', VENV]], [join(VENV, 'bin', 'pip'), ['install', '--quiet', 'schemathesis']]] as const;
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`Could not install schemathesis (${command} ${args.join(' ')} failed); it needs python3 with venv and pip.`);
  }
}

/** Streams never end and logging out ends the fuzzer's own session: left out, and said so. */
const ALWAYS_EXCLUDED = ['/api/events', '/api/public/tickets/{token}/events'];
/**
 * Mailboxes the fuzzer would add make the worker dial random IMAP hosts for as long as
 * they exist; their input checks are covered by test/api-input.test.ts.
 */
const EXCLUDED_WHEN_LOGGED_IN = [...ALWAYS_EXCLUDED, '/api/auth/logout', '/api/mailboxes', '/api/mailboxes/{id}'];

interface RunSummary { name: string; cases: number; failures: number; status: number }

/** Asynchronous: the API under test runs in this very process and must keep answering. */
async function run(name: string, base: string, excluded: string[], headers: string[]): Promise<RunSummary> {
  mkdirSync(REPORTS, { recursive: true });
  const ndjson = join(REPORTS, `${name}.ndjson`);
  const args = [
    'run', `${base}/docs/json`, '--url', base,
    '--checks', 'not_a_server_error,response_schema_conformance,content_type_conformance',
    '--phases', 'examples,coverage,fuzzing',
    '--max-examples', EXAMPLES, '--seed', '1', '--workers', '2', '--no-color',
    '--report', 'ndjson', '--report-ndjson-path', ndjson,
    '--suppress-health-check', 'all',
    ...excluded.flatMap((path) => ['--exclude-path', path]),
    ...headers.flatMap((header) => ['-H', header]),
  ];
  console.log(`\n=== ${name} ===`);
  const status = await new Promise<number>((done) => {
    spawn(SCHEMATHESIS, args, { stdio: 'inherit' }).on('exit', (code) => done(code ?? 1));
  });
  // The NDJSON report has one line per event; every scenario's finish carries its cases.
  let cases = 0;
  let failures = 0;
  for (const line of existsSync(ndjson) ? readFileSync(ndjson, 'utf8').split('\n') : []) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, Record<string, unknown>>;
    const finished = event.ScenarioFinished as { recorder?: { cases?: Record<string, unknown> }; status?: string } | undefined;
    if (finished) {
      cases += Object.keys(finished.recorder?.cases ?? {}).length;
      if (finished.status === 'failure' || finished.status === 'error') failures += 1;
    }
  }
  return { name, cases, failures, status };
}

async function main() {
  ensureSchemathesis();
  await globalSetup();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const h = await startHarness({
    env: { PUBLIC_URL: base, RATE_LIMIT_LOGIN: '100000', WIDGET_SECRET: 'fuzz-widget-secret', WIDGET_TICKETS_PER_HOUR_PER_ADDRESS: '100000', WIDGET_TICKETS_PER_HOUR_PER_EMAIL: '100000' },
  });
  const summaries: RunSummary[] = [];
  try {
    await h.app.listen({ host: '127.0.0.1', port });
    const admin = await h.login('admin', 'Fuzz Admin');
    // Something to find: a ticket and a customer, so not every ID is unknown.
    await h.request(admin, 'POST', '/api/tickets', { subject: 'Fuzz', body: 'Seed', customer: { email: 'seed@example.com' } });
    await h.request(admin, 'POST', '/api/customers', { email: 'seed-crm@example.com' });
    summaries.push(await run('anonymous', base, ALWAYS_EXCLUDED, []));
    summaries.push(await run('admin', base, EXCLUDED_WHEN_LOGGED_IN, [`Cookie: ${admin.cookie}`, `x-csrf-token: ${admin.csrfToken}`]));
  } finally {
    await h.close();
    await globalTeardown();
  }
  console.log('\nFuzzing the API from its OpenAPI document (checks: no 5xx, answers match their schemas and content types)');
  for (const s of summaries) console.log(`  ${s.name.padEnd(10)} ${s.cases} cases, ${s.failures} failing operations${s.status === 0 ? '' : ' (schemathesis reported problems above)'}`);
  console.log(`  not fuzzed: ${ALWAYS_EXCLUDED.join(', ')} (streams); logged in also ${EXCLUDED_WHEN_LOGGED_IN.slice(ALWAYS_EXCLUDED.length).join(', ')}`);
  console.log(`  reports: ${REPORTS}`);
  process.exit(summaries.every((s) => s.status === 0) ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
