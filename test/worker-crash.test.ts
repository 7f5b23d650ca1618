/**
 * Killing the worker at any point loses nothing and doubles nothing: the worker runs as
 * its own process (`npm run worker`'s entry point), is killed with SIGKILL while tickets
 * are being opened, answered and changed, and a new one takes over.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startHarness, Harness, Session, TEST_SECRET_KEY } from './support/harness';
import { testEnv } from './support/env';
import { ImapFlow } from 'imapflow';
import { QueryTypes } from 'sequelize';
import { startDovecot } from './support/dovecot';
import { PROCESSED_FLAG } from '../mail/inbound/imap';
import { createSlaPolicyStore } from '../db/sla-policies';
import { ticketCommandsFor } from '../workflows/ticket/client';
import { changeTicketUpdate } from '../workflows/ticket/definitions';

const noTargets = { first_response: null, next_response: null, resolution: null };

let h: Harness;
let agent: Session;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
  agent = await h.login('agent');
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await h.close();
});

/** Starts `worker/main.ts` in a process of its own and waits until it polls. */
function startWorkerProcess(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'worker', 'main.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: testEnv('databaseUrl'),
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      SECRET_KEY: TEST_SECRET_KEY,
      SMTP_URL: h.config.SMTP_URL!,
      MAIL_FROM: h.config.MAIL_FROM,
      PUBLIC_URL: h.config.PUBLIC_URL,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker: polling')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
}

it('kill -9 of the worker mid-flight loses nothing and doubles nothing', async () => {
  let worker = await startWorkerProcess();
  const emails = Array.from({ length: 12 }, (_, i) => `crash-${i}-${randomUUID().slice(0, 6)}@example.com`);

  // Each ticket: opened, answered publicly, noted internally, set waiting, answered by the customer.
  const lifecycles = emails.map(async (email, i) => {
    const created = await h.request(agent, 'POST', '/api/tickets', { subject: `Crash ${i}`, body: 'Opened', customer: { email }, acknowledge: true });
    expect(created.statusCode).toBe(201);
    const { number, publicUrl } = created.json();
    const steps: Array<() => Promise<{ statusCode: number; body: string }>> = [
      () => h.request(agent, 'POST', `/api/tickets/${number}/comments`, { body: `Reply ${i}`, visibility: 'public' }, { 'idempotency-key': `reply-${number}` }),
      () => h.request(agent, 'POST', `/api/tickets/${number}/comments`, { body: `Note ${i}`, visibility: 'internal' }, { 'idempotency-key': `note-${number}` }),
      () => h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'waiting' }),
      () => h.request(null, 'POST', `/api/public/tickets/${publicUrl.split('/t/')[1]}/comments`, { body: `Answer ${i}` }, { 'idempotency-key': `answer-${number}` }),
    ];
    for (const step of steps) {
      const response = await step();
      expect([200, 201]).toContain(response.statusCode);
    }
    return number as number;
  });

  // Kill twice while the load runs, each time starting a fresh worker.
  for (const delay of [700, 1500]) {
    await new Promise((r) => setTimeout(r, delay));
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    worker = await startWorkerProcess();
  }
  const numbers = await Promise.all(lifecycles);

  for (const [i, number] of numbers.entries()) {
    const comments = await h.db.Comment.findAll({ where: { ticketNumber: number }, order: [['eventSeq', 'ASC']] });
    expect(comments.map((c) => c.body)).toEqual(['Opened', `Reply ${i}`, `Note ${i}`, `Answer ${i}`]);
    const events = await h.db.TicketEventRow.findAll({ where: { ticketNumber: number }, order: [['seq', 'ASC']] });
    expect(events.map((e) => e.type)).toEqual(['create', 'public_reply', 'internal_note', 'set_status', 'customer_message']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await h.db.Ticket.findByPk(number))?.status).toBe('in_progress');
  }
  // Acknowledgement and reply: two mails per customer, none twice.
  // Mail an activity of a killed worker was sending goes out when its 30 s timeout has run out.
  await h.smtp.waitFor(() => emails.every((email) => h.smtp.to(email).length >= 2), 120_000);
  await new Promise((r) => setTimeout(r, 1500));
  for (const [i, email] of emails.entries()) {
    const mails = h.smtp.to(email);
    expect(mails.map((m) => m.parsed.text?.includes(`Reply ${i}`) ? 'reply' : 'ack').sort()).toEqual(['ack', 'reply']);
    expect(mails.map((m) => m.raw).join()).not.toContain(`Note ${i}`);
  }
  worker.kill('SIGTERM');
}, 240_000);

it("kill -9 of the worker just before its tickets' clocks fire: the next worker sends each reminder once and records each breach once", async () => {
  const mailbox = `crash-clocks-${randomUUID().slice(0, 8)}`;
  await createSlaPolicyStore(h.db).add({
    name: `Crash ${mailbox}`, position: 0, sources: null, mailboxes: [mailbox], businessHours: null, pauseWhileWaiting: false, warnBefore: { percent: 50 },
    targets: { low: noTargets, normal: noTargets, high: noTargets, urgent: { first_response: 5_000, next_response: null, resolution: null } },
  });
  // The run's follow-up comes with its start: tickets opened by these commands remind after 4 s.
  const followingUp = ticketCommandsFor(h.temporal, { ...h.config, WAITING_REMINDER_AFTER: 4_000, WAITING_CLOSE_AFTER: 3_600_000 });
  let worker = await startWorkerProcess();
  const emails = Array.from({ length: 20 }, (_, i) => `clock-${i}-${randomUUID().slice(0, 6)}@example.com`);
  const numbers = await Promise.all(emails.map(async (email) => {
    const [row] = await h.db.sequelize.query<{ number: number }>("SELECT nextval('ticket_number_seq')::int AS number", { type: QueryTypes.SELECT });
    const number = row!.number;
    await followingUp.create({
      number, subject: 'Clocks', body: 'Opened', priority: 'urgent', source: 'email', mailbox, createdBy: null, assigneeId: agent.operator.id,
      contact: { email, phone: null, firstName: null, lastName: null, externalId: null }, messageKey: `<${randomUUID()}@example.com>`, suppressAcknowledgement: true,
    });
    await followingUp.update(number, changeTicketUpdate, [{ status: 'waiting' }, { kind: 'operator', id: agent.operator.id }]);
    return number;
  }));
  // Killed before any reminder (4 s) or breach (5 s) is due; the next worker comes after they are.
  worker.kill('SIGKILL');
  await new Promise((r) => worker.once('exit', r));
  await new Promise((r) => setTimeout(r, 6_000));
  worker = await startWorkerProcess();

  await h.smtp.waitFor(() => emails.every((email) => h.smtp.to(email).some((m) => m.parsed.text?.includes('still waiting for your answer'))), 60_000);
  await new Promise((r) => setTimeout(r, 2_000));
  for (const [i, number] of numbers.entries()) {
    const events = await h.db.TicketEventRow.findAll({ where: { ticketNumber: number } });
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'follow_up_reminder')).toHaveLength(1);
    expect(types.filter((t) => t === 'sla_breach')).toHaveLength(1);
    expect(types.filter((t) => t === 'sla_warning')).toHaveLength(1);
    expect(h.smtp.to(emails[i]!).filter((m) => m.parsed.text?.includes('still waiting for your answer'))).toHaveLength(1);
  }
  worker.kill('SIGTERM');
}, 180_000);

it('a worker stopped with SIGTERM while mail is going out lets it finish: every mail marked sent, none sent twice', async () => {
  const worker = await startWorkerProcess();
  // A slow relay: each mail is taken in full and answered "250" three seconds later.
  h.smtp.answerDelayMs = 3_000;
  try {
    const emails = Array.from({ length: 4 }, (_, i) => `sigterm-${i}-${randomUUID().slice(0, 6)}@example.com`);
    const numbers = await Promise.all(emails.map(async (email, i) => {
      const created = await h.request(agent, 'POST', '/api/tickets', { subject: `Stop ${i}`, body: 'Opened', customer: { email }, acknowledge: true });
      expect(created.statusCode).toBe(201);
      return created.json().number as number;
    }));
    await h.smtp.waitFor(() => emails.every((email) => h.smtp.to(email).length === 1), 20_000);
    const stopped = Date.now();
    worker.kill('SIGTERM');
    const code = await new Promise((resolve) => worker.once('exit', resolve));
    expect(code).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(20_000);
    const rows = await h.db.sequelize.query<{ status: string }>(
      "SELECT status FROM notifications WHERE ticket_number IN (:numbers) AND kind = 'ticket_created'",
      { type: QueryTypes.SELECT, replacements: { numbers } },
    );
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);

    h.smtp.answerDelayMs = 0;
    const next = await startWorkerProcess();
    await new Promise((r) => setTimeout(r, 3_000));
    for (const email of emails) expect(h.smtp.to(email)).toHaveLength(1);
    next.kill('SIGTERM');
    await new Promise((r) => next.once('exit', r));
  } finally {
    h.smtp.answerDelayMs = 0;
  }
});

it('kill -9 of the worker while it ingests mail: every message one ticket, one acknowledgement', async () => {
  const dovecot = await startDovecot({ 'support@helpdesk.test': 'inbox-password' });
  const imapEnv = {
    IMAP_URL: `imap://support%40helpdesk.test:inbox-password@${dovecot.host}:${dovecot.port}/INBOX`,
    MAIL_POLL_INTERVAL: '1s',
  };
  const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, logger: false, auth: { user: 'support@helpdesk.test', pass: 'inbox-password' } });
  await imap.connect();
  try {
    const senders = Array.from({ length: 25 }, (_, i) => `mail-crash-${i}-${randomUUID().slice(0, 6)}@example.com`);
    for (const [i, from] of senders.entries()) {
      await imap.append('INBOX', `From: ${from}\r\nTo: support@helpdesk.test\r\nSubject: Mail ${i}\r\nMessage-ID: <crash-${i}-${randomUUID()}@example.com>\r\n\r\nMessage ${i}\r\n`);
    }
    const processed = async () => {
      const [row] = await h.db.sequelize.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM inbound_emails WHERE mailbox = 'default' AND outcome = 'created'", { type: QueryTypes.SELECT });
      return row!.n;
    };
    let worker = await startWorkerProcess(imapEnv);
    const deadline = Date.now() + 60_000;
    while ((await processed()) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    expect(await processed()).toBeLessThan(senders.length);
    worker = await startWorkerProcess(imapEnv);
    const finished = Date.now() + 120_000;
    while ((await processed()) < senders.length && Date.now() < finished) await new Promise((r) => setTimeout(r, 250));
    expect(await processed()).toBe(senders.length);

    for (const [i, from] of senders.entries()) {
      const tickets = await h.db.Ticket.findAll({ where: { contactEmail: from } });
      expect(tickets).toHaveLength(1);
      const comments = await h.db.Comment.findAll({ where: { ticketNumber: tickets[0]!.number } });
      expect(comments.map((c) => c.body)).toEqual([`Message ${i}`]);
    }
    await h.smtp.waitFor(() => senders.every((from) => h.smtp.to(from).length >= 1), 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    for (const from of senders) expect(h.smtp.to(from)).toHaveLength(1);
    const lock = await imap.getMailboxLock('INBOX');
    try {
      expect(((await imap.search({ keyword: PROCESSED_FLAG }, { uid: true })) || []).length).toBe(senders.length);
    } finally {
      lock.release();
    }
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  } finally {
    await imap.logout();
    await h.temporal.workflow.getHandle('mailbox-default').terminate('test over').catch(() => undefined);
    await dovecot.stop();
  }
}, 300_000);
