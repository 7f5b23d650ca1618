/**
 * The ticket workflow's promises: visible and searchable in Temporal, bounded history,
 * reopening at any age, and one comment and one mail per event whatever is retried.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { startHarness, Harness, Session, eventually } from './support/harness';
import { testEnv } from './support/env';
import { customerMessageSignal, ticketStateQuery, ticketWorkflowId } from '../workflows/ticket/definitions';
import { mailSenderWorkflowId, type MailSenderProgress } from '../workflows/mail-sender/definitions';
import { notificationKey } from '../domain/ticket';
import { ticketActivitySettings, createTicketActivities } from '../activities/ticket';
import { smtpMailer, Mailer } from '../mail/outbound/mailer';
import { createRenderer } from '../mail/outbound/render';

const run = promisify(execFile);

let h: Harness;
let agent: Session;

beforeAll(async () => {
  h = await startHarness({ env: { REOPEN_WINDOW: '2s', MAX_HISTORY_EVENTS: '300', TEMPORAL_SEARCH_CUSTOMER_EMAIL: 'true' } });
  agent = await h.login('agent');
});
afterAll(() => h.close());

async function openTicket(email = `wf-${randomUUID().slice(0, 8)}@example.com`) {
  const response = await h.request(agent, 'POST', '/api/tickets', { subject: 'Workflow', body: 'Body', customer: { email }, acknowledge: true });
  expect(response.statusCode).toBe(201);
  return response.json() as { number: number; publicUrl: string; contact: { email: string } };
}

async function temporalList(query: string): Promise<string[]> {
  const { stdout } = await run(testEnv('temporalCli'), [
    'workflow', 'list', '--address', testEnv('temporalAddress'), '--query', query, '--output', 'json',
  ]);
  const rows = stdout.trim() ? JSON.parse(stdout) as Array<{ execution: { workflowId: string } }> : [];
  return rows.map((r) => r.execution.workflowId).sort();
}

it('a new ticket is 7 history events with no activity of its own; its acknowledgement goes out through the mail sender, whose activity shows it in Temporal Web', async () => {
  const ticket = await openTicket();
  const history = await h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number)).fetchHistory();
  expect(history.events).toHaveLength(7);
  expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
  await h.smtp.waitFor(() => h.smtp.to(ticket.contact.email).length === 1, 20_000);

  // The running sender's heartbeat, as Temporal Web shows it under Pending Activities (decrypted as its codec server would).
  const key = notificationKey(ticket.number, 1, 'ticket_created', 'customer');
  const { loadedDataConverter } = h.temporal.options;
  const latest = await eventually(async () => {
    const described = await h.temporal.workflow.getHandle(mailSenderWorkflowId(h.taskQueue)).describe();
    const details = described.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads;
    if (!details?.length) return null;
    let payloads = details;
    for (const codec of [...loadedDataConverter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    const progress = loadedDataConverter.payloadConverter.fromPayload<MailSenderProgress>(payloads[0]!);
    return progress.latest.find((mail) => mail.key === key) ?? null;
  }, 40_000, 'the mail in the sender\'s heartbeat');
  expect(latest).toMatchObject({ ticketNumber: ticket.number, kind: 'ticket_created', recipient: 'customer', outcome: 'sent' });
});

it('search attributes: `temporal workflow list --query "TicketStatus=\'waiting\'"` lists exactly the waiting tickets', async () => {
  const tickets = await Promise.all([openTicket(), openTicket(), openTicket(), openTicket()]);
  const [a, b, c, d] = tickets.map((t) => t.number) as [number, number, number, number];
  await h.request(agent, 'PATCH', `/api/tickets/${a}`, { status: 'waiting', priority: 'urgent', assigneeId: agent.operator.id });
  await h.request(agent, 'PATCH', `/api/tickets/${b}`, { status: 'waiting' });
  await h.request(agent, 'PATCH', `/api/tickets/${c}`, { status: 'in_progress' });
  // Waiting and back: the attribute follows every change.
  await h.request(agent, 'PATCH', `/api/tickets/${d}`, { status: 'waiting' });
  await h.request(agent, 'PATCH', `/api/tickets/${d}`, { status: 'in_progress' });

  const ours = `TaskQueue='${h.taskQueue}'`;
  const expected = [ticketWorkflowId(a), ticketWorkflowId(b)].sort();
  await eventually(async () => JSON.stringify(await temporalList(`TicketStatus='waiting' AND ${ours}`)) === JSON.stringify(expected), 20_000, 'visibility');
  expect(await temporalList(`TicketStatus='waiting' AND ${ours}`)).toEqual(expected);
  // Every waiting ticket in Temporal is waiting in the database, whoever made it.
  for (const id of await temporalList(`TicketStatus='waiting'`)) {
    const row = await h.db.Ticket.findByPk(Number(id.replace('ticket-', '')));
    expect(row?.status).toBe('waiting');
  }
  expect(await temporalList(`TicketPriority='urgent' AND TicketAssignee='${agent.operator.id}' AND ${ours}`)).toEqual([ticketWorkflowId(a)]);
  expect(await temporalList(`TicketNumber=${c} AND TicketSource='admin' AND CustomerEmail='${tickets[2]!.contact.email}'`)).toEqual([ticketWorkflowId(c)]);
});

it('reopen after the window: a closed ticket\'s workflow ends, and a customer answer later starts a new run from the database', async () => {
  const ticket = await openTicket();
  await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Done, I think.', visibility: 'public' });
  await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'closed' });
  const handle = h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number));
  const firstRun = (await handle.describe()).runId;
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000, 'the closed ticket\'s run to end');

  const token = ticket.publicUrl.split('/t/')[1];
  const answer = await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: 'Not done after all.' });
  expect(answer.statusCode).toBe(201);
  expect(answer.json().status).toBe('new');

  const description = await h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number)).describe();
  expect(description.runId).not.toBe(firstRun);
  expect(description.status.name).toBe('RUNNING');
  const detail = (await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json();
  expect(detail.comments.map((c: { body: string }) => c.body)).toEqual(['Body', 'Done, I think.', 'Not done after all.']);
  expect(detail.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4]);
  // And the operator can go on working the ticket in the new run.
  const reply = await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Looking again.', visibility: 'public' });
  expect(reply.statusCode).toBe(201);
});

it('the customerMessage signal (for mail ingestion) reopens a closed ticket and drops a redelivered message', async () => {
  const ticket = await openTicket();
  await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'closed' });
  const handle = h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number));
  const message = { body: 'Reply by mail', channel: 'email' as const, messageKey: '<m1@example.com>', automatic: false };
  await handle.signal(customerMessageSignal, message);
  await handle.signal(customerMessageSignal, message);
  await handle.signal(customerMessageSignal, { ...message, body: 'Out of office', messageKey: '<m2@example.com>', automatic: true });
  // The state changes before its persistence activity completes: wait for the database.
  const bodies = await eventually(async () => {
    const rows = await h.db.Comment.findAll({ where: { ticketNumber: ticket.number }, order: [['eventSeq', 'ASC']] });
    return rows.length >= 3 && rows.map((c) => c.body);
  }, 20_000, 'the messages to be persisted');
  expect(bodies).toEqual(['Body', 'Reply by mail', 'Out of office']);
  expect((await handle.query(ticketStateQuery))?.status).toBe('new');
  expect((await h.db.Ticket.findByPk(ticket.number))?.status).toBe('new');
});

it('an operator change to a ticket whose run has ended starts a new run too', async () => {
  const ticket = await openTicket();
  await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'closed' });
  const handle = h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number));
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000, 'the run to end');
  const reopened = await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'in_progress', priority: 'high' });
  expect(reopened.statusCode).toBe(200);
  expect(reopened.json()).toMatchObject({ status: 'in_progress', priority: 'high', closedAt: null });
});

it('a ticket with 2,000 comments works: history stays bounded by continuing as new', async () => {
  const ticket = await openTicket();
  const total = 2000;
  let next = 0;
  // Eight operators' worth of concurrent writes, as fast as the workflow takes them.
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < total) {
      const i = next++;
      const response = await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, {
        body: `comment ${i}`, visibility: i % 2 ? 'internal' : 'public',
      }, { 'idempotency-key': `bulk-${i}` });
      if (response.statusCode !== 201) throw new Error(`comment ${i}: ${response.statusCode} ${response.body}`);
    }
  }));
  const [{ count, distinct }] = await h.db.sequelize.query(
    'SELECT count(*)::int AS count, count(DISTINCT body)::int AS distinct FROM comments WHERE ticket_number = :n',
    { replacements: { n: ticket.number }, type: 'SELECT' as never },
  ) as unknown as [{ count: number; distinct: number }];
  expect(count).toBe(total + 1);
  expect(distinct).toBe(total + 1);
  expect((await h.db.Ticket.findByPk(ticket.number))?.commentCount).toBe(total + 1);

  const runs = await h.temporal.workflow.list({ query: `WorkflowId='${ticketWorkflowId(ticket.number)}'` });
  let continued = 0;
  let maxHistory = 0;
  for await (const execution of runs) {
    if (execution.status.name === 'CONTINUED_AS_NEW') continued += 1;
    maxHistory = Math.max(maxHistory, execution.historyLength);
  }
  expect(continued).toBeGreaterThanOrEqual(5);
  // The threshold plus what was in flight when it was crossed.
  expect(maxHistory).toBeLessThan(1000);
  const detail = (await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json();
  expect(detail.comments).toHaveLength(total + 1);
}, 300_000);

describe('idempotency', () => {
  it('a double-clicked "open ticket" (same Idempotency-Key) opens one ticket and sends one acknowledgement', async () => {
    const email = `twice-${randomUUID().slice(0, 8)}@example.com`;
    const open = () => h.request(agent, 'POST', '/api/tickets', { subject: 'Once', body: 'Only one, please', customer: { email }, acknowledge: true }, { 'idempotency-key': `open-${email}` });
    const [first, second] = await Promise.all([open(), open()]);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().number).toBe(first.json().number);
    expect(await h.db.Ticket.count({ where: { contactEmail: email } })).toBe(1);
    await h.smtp.waitFor(() => h.smtp.to(email).length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.smtp.to(email)).toHaveLength(1);
    // Another key is another ticket.
    const third = await h.request(agent, 'POST', '/api/tickets', { subject: 'Again', body: 'A new one', customer: { email } }, { 'idempotency-key': `other-${email}` });
    expect(third.json().number).not.toBe(first.json().number);
  });

  it('a double-clicked reply (same Idempotency-Key) leaves one comment and sends one mail', async () => {
    const ticket = await openTicket();
    const send = () => h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Only once', visibility: 'public' }, { 'idempotency-key': 'click-1' });
    const [first, second] = await Promise.all([send(), send()]);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().comment.id).toBe(first.json().comment.id);
    await h.smtp.waitFor((mails) => mails.filter((m) => m.parsed.text?.includes('Only once')).length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.smtp.to(ticket.contact.email).filter((m) => m.parsed.text?.includes('Only once'))).toHaveLength(1);
    expect((await h.db.Comment.count({ where: { ticketNumber: ticket.number, body: 'Only once' } }))).toBe(1);
  });

  it('a retried notification activity sends one mail: after a failed attempt and after a repeated one', async () => {
    const ticket = await openTicket();
    await h.smtp.waitFor(() => h.smtp.to(ticket.contact.email).length === 1);
    const reply = await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Retry me', visibility: 'public' });
    const seq = (await h.db.Comment.findOne({ where: { ticketNumber: ticket.number, body: 'Retry me' } }))!.eventSeq;
    expect(reply.statusCode).toBe(201);
    await h.smtp.waitFor(() => h.smtp.to(ticket.contact.email).length === 2);

    const real = smtpMailer(h.config.SMTP_URL!);
    let attempts = 0;
    const flaky: Mailer = {
      describe: 'flaky',
      async send(mail) {
        attempts += 1;
        if (attempts === 1) throw new Error('421 try again later');
        await real.send(mail);
      },
      close: () => real.close(),
    };
    const activities = createTicketActivities({
      db: h.db, mailer: flaky, render: createRenderer(), ...ticketActivitySettings(h.config),
    });
    // The worker already sent it: repeating the activity sends nothing.
    expect(await activities.sendNotification({ ticketNumber: ticket.number, seq, kind: 'public_reply', recipient: 'customer' })).toBe('already_sent');
    // A new event whose first attempt fails: the retry sends it, once.
    await h.db.Notification.destroy({ where: { ticketNumber: ticket.number, kind: 'public_reply' } });
    await expect(activities.sendNotification({ ticketNumber: ticket.number, seq, kind: 'public_reply', recipient: 'customer' })).rejects.toThrow('421');
    expect(await activities.sendNotification({ ticketNumber: ticket.number, seq, kind: 'public_reply', recipient: 'customer' })).toBe('sent');
    expect(await activities.sendNotification({ ticketNumber: ticket.number, seq, kind: 'public_reply', recipient: 'customer' })).toBe('already_sent');
    const copies = h.smtp.to(ticket.contact.email).filter((m) => m.parsed.text?.includes('Retry me'));
    expect(copies).toHaveLength(2); // the worker's original, and the one re-sent after the row was deleted
    expect(new Set(copies.map((m) => m.parsed.messageId)).size).toBe(1);
    real.close();
  });

  it('a retried persistence activity never duplicates a comment or an audit event', async () => {
    const ticket = await openTicket();
    const activities = createTicketActivities({
      db: h.db, mailer: smtpMailer(h.config.SMTP_URL!), render: createRenderer(), ...ticketActivitySettings(h.config),
    });
    const state = await activities.loadTicketState(ticket.number);
    const next = { ...state, eventSeq: state.eventSeq + 1, commentCount: state.commentCount + 1, updatedAt: new Date().toISOString() };
    const change = {
      state: next,
      audit: { seq: next.eventSeq, type: 'internal_note' as const, actor: { kind: 'operator' as const, id: agent.operator.id }, at: next.updatedAt, changes: {} },
      comment: { visibility: 'internal' as const, authorKind: 'operator' as const, authorId: agent.operator.id, body: 'persist twice', channel: 'admin' as const, messageKey: null },
    };
    await activities.persistTicketChange(change);
    await activities.persistTicketChange(change);
    // An older state arriving late never moves the row backwards.
    await activities.persistTicketChange({ ...change, state: { ...state, status: 'waiting' }, audit: { ...change.audit, seq: state.eventSeq }, comment: null });
    expect(await h.db.Comment.count({ where: { ticketNumber: ticket.number, body: 'persist twice' } })).toBe(1);
    expect(await h.db.TicketEventRow.count({ where: { ticketNumber: ticket.number, seq: next.eventSeq } })).toBe(1);
    expect((await h.db.Ticket.findByPk(ticket.number))?.status).toBe('new');
  });
});
