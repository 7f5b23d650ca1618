import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, Config } from '../../config';
import { connectDatabase, Database } from '../../db';
import { smtpMailer } from '../../mail/outbound/mailer';
import { createRenderer } from '../../mail/outbound/render';
import { createTicketWorker } from '../../worker';
import { startMailboxWorkflows } from '../../workflows/mailbox/client';
import { startMailSender } from '../../workflows/mail-sender/client';
import { createTicketStore } from '../../db/tickets';
import { ticketActivitySettings } from '../../activities/ticket';
import { mailboxActivitySettings } from '../../activities/mailbox';
import { threadedMailParser } from '../../mail/inbound/threaded-parser';
import { helpdeskDataConverter } from '../../security/payload-codec';
import { ticketCommandsFor } from '../../workflows/ticket/client';
import { teamDispatchFor } from '../../workflows/team-dispatcher/client';
import type { MailboxConfig } from '../../activities/mailbox';
import type { ImapSettings } from '../../mail/inbound/imap';
import { messageIdDomain } from '../../mail/threading';
import { mailboxWorkflowId } from '../../workflows/mailbox/definitions';
import { buildApp } from '../../api/app';
import type { App } from '../../api/types';
import { hashPassword } from '../../security/passwords';
import { SmtpSink } from './smtp-sink';
import { testEnv } from './env';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef0123456789';

export interface Session {
  operator: { id: number; email: string; name: string; role: 'admin' | 'agent' };
  password: string;
  cookie: string;
  csrfToken: string;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Inbound email from this IMAP mailbox, through the mailbox workflow. */
  mailbox?: { imap: ImapSettings; address: string };
  /** Tests that run their own worker process set this to false. */
  worker?: boolean;
  /** TXT records the mail ingestion finds DKIM keys and DMARC policies in, by name. */
  dns?: Record<string, string[]>;
}

/**
 * Everything real but the clock: the jest-wide Temporal dev server and PostgreSQL
 * database, an SMTP sink, this file's own task queue, worker and API.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start();
  const taskQueue = `test-${randomUUID()}`;
  const config = loadConfig({
    DATABASE_URL: testEnv('databaseUrl'),
    TEMPORAL_ADDRESS: testEnv('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    SECRET_KEY: TEST_SECRET_KEY,
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Helpdesk <support@helpdesk.test>',
    PUBLIC_URL: 'http://helpdesk.test',
    RATE_LIMIT_API: '100000',
    RATE_LIMIT_PUBLIC: '100000',
    ...options.env,
  }) as Config & { SECRET_KEY: string; DATABASE_URL: string };

  const db = connectDatabase(config.DATABASE_URL);
  const connection = await Connection.connect({ address: testEnv('temporalAddress') });
  const dataConverter = helpdeskDataConverter(config);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const mailer = smtpMailer(smtpUrl);

  const ticketStore = createTicketStore(db);
  const commands = ticketCommandsFor(temporal, config, { ticketExists: (n) => ticketStore.exists(n) });
  const parser = threadedMailParser({ timeoutMs: config.MAIL_PARSE_TIMEOUT });
  const mailboxes: MailboxConfig[] = options.mailbox ? [{
    name: `test-${randomUUID()}`,
    imap: options.mailbox.imap,
    identity: { address: options.mailbox.address, messageIdDomain: messageIdDomain(config.MAIL_FROM), secretKey: config.SECRET_KEY },
  }] : [];

  let worker: Worker | null = null;
  let workerRun: Promise<void> | null = null;
  let workerConnection: NativeConnection | null = null;
  async function startWorker() {
    workerConnection = await NativeConnection.connect({ address: testEnv('temporalAddress') });
    worker = await createTicketWorker({
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE,
      stickyTimeoutMs: config.WORKER_STICKY_TIMEOUT,
      dataConverter,
      workflowBundle: { codePath: testEnv('workflowBundle') },
      activities: { db, mailer, render: createRenderer(), ...ticketActivitySettings(config), log: () => undefined },
      mailSender: { databaseUrl: config.DATABASE_URL, giveUpAfterMs: config.MAIL_GIVE_UP_AFTER },
      mailboxes: {
        db, commands, mailboxes, parser, dnsResolver: zone(options.dns ?? {}), ...mailboxActivitySettings(config), autoIdleDelayMs: 200, log: () => undefined,
        dispatch: teamDispatchFor(temporal, taskQueue),
      },
      sla: { db, commands },
    });
    workerRun = worker.run();
  }
  async function stopWorker() {
    if (!worker) return;
    worker.shutdown();
    await workerRun;
    await workerConnection?.close();
    worker = null;
  }
  if (options.worker !== false) await startWorker();
  await startMailboxWorkflows(temporal, taskQueue, mailboxes.map((m) => m.name), 20_000);
  await startMailSender(temporal, taskQueue);

  const app: App = await buildApp({ config, db, temporal, workflowTimeoutMs: 60_000, logger: { level: 'error' } });
  // Rate limits are counted in the database, which every test file shares: each harness is
  // a client of its own unless a request names its address.
  const clientAddress = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 250)}`;
  const inject = app.inject.bind(app);
  app.inject = ((options?: InjectOptions | string) =>
    inject((typeof options === 'object' ? { remoteAddress: clientAddress, ...options } : options) as InjectOptions)) as App['inject'];

  let operatorCount = 0;
  async function login(role: 'admin' | 'agent' = 'agent', name?: string): Promise<Session> {
    operatorCount += 1;
    const email = `${role}-${operatorCount}-${randomUUID().slice(0, 8)}@helpdesk.test`;
    const password = `pw-${randomUUID()}`;
    const created = await db.Operator.create({ email, name: name ?? `${role} ${operatorCount}`, role, passwordHash: await hashPassword(password) });
    // Each operator logs in from a machine of their own, so logging in never uses up a test's login limit.
    const remoteAddress = `10.${Math.floor(Math.random() * 256)}.${Math.floor(operatorCount / 256) % 256}.${operatorCount % 256}`;
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
    const cookie = response.cookies.find((c) => c.name === 'hd_session')!;
    return {
      operator: { id: created.id, email, name: created.name, role },
      password,
      cookie: `hd_session=${cookie.value}`,
      csrfToken: response.json().csrfToken,
    };
  }

  /** A request as the given operator, with the CSRF header a browser client sends. */
  function request(session: Session | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken, ...headers } : headers,
    });
  }

  return {
    config, db, temporal, connection, commands, app, smtp, taskQueue, login, request, startWorker, stopWorker, mailboxes, parser,
    async close() {
      for (const m of mailboxes) await temporal.workflow.getHandle(mailboxWorkflowId(m.name)).terminate('test over').catch(() => undefined);
      await stopWorker();
      await parser.close();
      await app.close();
      await connection.close();
      mailer.close();
      await smtp.close();
      await db.sequelize.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** A DNS zone of TXT records only, answering like `dns.promises.resolve`; nothing else exists. */
function zone(records: Record<string, string[]>) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    const found = rrtype === 'TXT' ? records[name.toLowerCase()] : undefined;
    if (!found) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found.map((record) => [record]);
  };
}

export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A refusal as every route answers one: the status, `{error, message}` with a message to show. */
export function expectError(response: { statusCode: number; json: () => unknown }, status: number, error?: string) {
  expect(response.statusCode).toBe(status);
  const body = response.json() as { error: string; message: string };
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  if (error) expect(body.error).toBe(error);
}
