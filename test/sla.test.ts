/**
 * SLA targets kept by each ticket's own clocks: an admin defines a policy, a new ticket
 * takes it with its creation, the assignee (or every agent) is warned once before a target
 * is missed and the breach is recorded once at it; an answer meets the target, Waiting
 * pauses the clocks, and a change of the policy reaches the open tickets it applies to and
 * no others. Targets are seconds long here; a team sets hours. Each policy of this file
 * applies to one mailbox of its own, so the other test files' tickets never meet it.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { startHarness, Harness, Session, eventually, expectError } from './support/harness';
import { ticketWorkflowId } from '../workflows/ticket/definitions';

let h: Harness;
let admin: Session;
let agent: Session;

beforeAll(async () => {
  h = await startHarness();
  admin = await h.login('admin', 'Ada Admin');
  agent = await h.login('agent', 'Sam Support');
});
afterAll(() => h.close());

const unique = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
const none: Record<'firstResponse' | 'nextResponse' | 'resolution', string | null> = { firstResponse: null, nextResponse: null, resolution: null };

interface Detail {
  number: number;
  status: string;
  sla: { policy: string; nextDue: string | null; breached: boolean } | null;
  slaTargets: Array<{ target: string; dueAt: string | null; paused: boolean; warnedAt: string | null; breachedAt: string | null }>;
  events: Array<{ type: string; actor: { kind: string }; at: string; changes: Record<string, { from: unknown; to: unknown }> }>;
}

async function addPolicy(mailbox: string, urgent: Partial<typeof none>, extra: object = {}) {
  const response = await h.request(admin, 'POST', '/api/sla-policies', {
    name: unique('policy'), mailboxes: [mailbox],
    targets: { low: none, normal: none, high: none, urgent: { ...none, ...urgent } },
    warnBefore: { before: '2s' },
    ...extra,
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: number; version: number };
}

/** A customer's mail to the mailbox, opened the way ingestion opens it. */
async function mailIn(mailbox: string, options: { assigneeId?: number | null; priority?: 'urgent' | 'normal' } = {}) {
  const [row] = await h.db.sequelize.query<{ number: number }>("SELECT nextval('ticket_number_seq')::int AS number", { type: QueryTypes.SELECT });
  const number = row!.number;
  await h.commands.create({
    number, subject: 'The site is down', body: 'Nothing loads.', priority: options.priority ?? 'urgent', source: 'email',
    contact: { email: `${unique('customer')}@example.com`, phone: null, firstName: 'Cora', lastName: null, externalId: null },
    mailbox, createdBy: null, assigneeId: options.assigneeId === undefined ? agent.operator.id : options.assigneeId,
    messageKey: `<${randomUUID()}@mail.example.com>`, suppressAcknowledgement: true,
  });
  return number;
}

const detail = async (number: number) => (await h.request(agent, 'GET', `/api/tickets/${number}`)).json() as Detail;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const slaMails = (number: number) => h.db.sequelize.query<{ status: string; recipient: string }>(
  "SELECT status, recipient FROM notifications WHERE ticket_number = :number AND kind = 'sla_warning'",
  { type: QueryTypes.SELECT, replacements: { number } },
);

describe('a target nobody meets', () => {
  it('warns the assignee once before it, records the breach once at it, and Temporal lists it as breached', async () => {
    const mailbox = unique('sla');
    await addPolicy(mailbox, { firstResponse: '5s' });
    const number = await mailIn(mailbox);
    const opened = await eventually(async () => {
      const now = await detail(number);
      return now.sla ? now : null;
    }, 10_000, 'the policy to apply');
    const first = opened.slaTargets.find((t) => t.target === 'first_response')!;
    expect(Date.parse(first.dueAt!) - Date.parse(opened.events[0]!.at)).toBe(5_000);
    expect(opened.events.map((e) => e.type)).toContain('sla_policy');

    const breached = await eventually(async () => {
      const now = await detail(number);
      return now.sla?.breached ? now : null;
    }, 20_000, 'the breach');
    const types = breached.events.map((e) => e.type);
    expect(types.filter((t) => t === 'sla_warning')).toHaveLength(1);
    expect(types.filter((t) => t === 'sla_breach')).toHaveLength(1);
    const warning = breached.events.find((e) => e.type === 'sla_warning')!;
    const breach = breached.events.find((e) => e.type === 'sla_breach')!;
    expect(Date.parse(breach.at)).toBeGreaterThanOrEqual(Date.parse(first.dueAt!));
    expect(Date.parse(breach.at) - Date.parse(first.dueAt!)).toBeLessThan(3_000);
    expect(Date.parse(warning.at)).toBeGreaterThanOrEqual(Date.parse(first.dueAt!) - 2_000);
    expect(breach.actor.kind).toBe('system');

    await h.smtp.waitFor(() => h.smtp.to(agent.operator.email).some((m) => m.parsed.subject?.includes(`[#${number}]`) && m.parsed.text?.includes('about to miss')));
    await sleep(1_000);
    expect(await slaMails(number)).toEqual([expect.objectContaining({ status: 'sent', recipient: agent.operator.email })]);
    // (The assignee's other mail about it, "assigned to you", is not the warning.)
    expect(h.smtp.to(agent.operator.email).find((m) => m.parsed.subject?.includes(`[#${number}]`) && m.parsed.text?.includes('about to miss'))!.parsed.text)
      .toContain('First response is due');

    const overdue = (await h.request(agent, 'GET', `/api/tickets?due=overdue&sort=due_asc&pageSize=100`)).json() as { items: Array<{ number: number }> };
    expect(overdue.items.map((t) => t.number)).toContain(number);
    await eventually(async () => {
      const listed: number[] = [];
      for await (const run of h.temporal.workflow.list({ query: `TicketSlaBreached = true AND WorkflowId = '${ticketWorkflowId(number)}'` })) listed.push(run.searchAttributes.TicketNumber?.[0] as number);
      return listed.length === 1;
    }, 15_000, 'Temporal to list the ticket as breached');
  });

  it('warns every agent when nobody is assigned', async () => {
    const mailbox = unique('sla');
    await addPolicy(mailbox, { firstResponse: '4s' });
    const number = await mailIn(mailbox, { assigneeId: null });
    await eventually(async () => (await slaMails(number)).some((m) => m.status === 'sent'), 20_000, 'the warning');
    const [mail] = await slaMails(number);
    expect(mail!.recipient).toContain(agent.operator.email);
    expect(mail!.recipient).toContain(admin.operator.email);
  });
});

describe('a target met, paused and moved', () => {
  it('an answer in time meets the first response; the customer\'s next message starts the next response', async () => {
    const mailbox = unique('sla');
    await addPolicy(mailbox, { firstResponse: '6s', nextResponse: '1h' });
    const number = await mailIn(mailbox);
    await eventually(async () => (await detail(number)).sla !== null, 10_000, 'the policy to apply');
    expect((await h.request(agent, 'POST', `/api/tickets/${number}/comments`, { body: 'Looking into it.', visibility: 'public' })).statusCode).toBe(201);
    await sleep(7_000);
    const answered = await detail(number);
    expect(answered.sla?.breached).toBe(false);
    expect(answered.slaTargets.map((t) => t.target)).toEqual([]);
    expect(answered.events.map((e) => e.type)).not.toContain('sla_breach');

    await h.commands.addCustomerMessage(number, { body: 'Still down.', channel: 'email', messageKey: `<${randomUUID()}@mail.example.com>`, automatic: false }, unique('msg'));
    const next = (await detail(number)).slaTargets.find((t) => t.target === 'next_response');
    expect(next?.dueAt).toBeTruthy();
  });

  it('Waiting stops the clock and the customer\'s answer starts it again where it stopped', async () => {
    const mailbox = unique('sla');
    await addPolicy(mailbox, { resolution: '6s' });
    const number = await mailIn(mailbox);
    await eventually(async () => (await detail(number)).sla !== null, 10_000, 'the policy to apply');
    expect((await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'waiting' })).statusCode).toBe(200);
    const paused = await detail(number);
    expect(paused.slaTargets).toEqual([expect.objectContaining({ target: 'resolution', paused: true, dueAt: null })]);
    await sleep(7_000);
    expect((await detail(number)).events.map((e) => e.type)).not.toContain('sla_breach');
    await h.commands.addCustomerMessage(number, { body: 'Here you go.', channel: 'email', messageKey: `<${randomUUID()}@mail.example.com>`, automatic: false }, unique('msg'));
    const resumed = await detail(number);
    const due = Date.parse(resumed.slaTargets[0]!.dueAt!);
    // About six seconds were left, minus the moment before it paused.
    expect(due - Date.now()).toBeGreaterThan(3_000);
    expect(due - Date.now()).toBeLessThan(6_500);
    const history = (await h.request(agent, 'GET', `/api/tickets/${number}`)).json() as Detail;
    expect(history.events.find((e) => e.type === 'set_status')?.changes.resolutionDue).toMatchObject({ to: null });
  });

  it('a policy change reaches the open tickets it applies to, from the change on, and leaves the others alone', async () => {
    const mailbox = unique('sla');
    const policy = await addPolicy(mailbox, { firstResponse: '1h' });
    const under = await mailIn(mailbox);
    const other = await mailIn(unique('elsewhere'));
    await eventually(async () => (await detail(under)).sla !== null, 10_000, 'the policy to apply');
    const before = Date.parse((await detail(under)).slaTargets[0]!.dueAt!);

    const changed = await h.request(admin, 'PATCH', `/api/sla-policies/${policy.id}`, { targets: { low: none, normal: none, high: none, urgent: { ...none, firstResponse: '3s' } } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ version: policy.version + 1, targets: { urgent: { firstResponse: '3s' } } });
    // The rollout of the policy's creation may reach the ticket after its own write did: the
    // change has reached it when its target moved, not at a count of policy events.
    await eventually(async () => {
      const now = await detail(under);
      const due = now.slaTargets[0]?.dueAt;
      return due && Date.parse(due) < before ? now : null;
    }, 20_000, 'the change to reach the ticket');
    await eventually(async () => (await detail(under)).sla?.breached === true, 20_000, 'the breach under the new target');
    const untouched = await detail(other);
    expect(untouched.sla).toBeNull();
    expect(untouched.events.map((e) => e.type)).not.toContain('sla_policy');
  });
});

describe('escalation', () => {
  it('a ticket nobody takes up escalates step by step, each once: every agent told, the priority raised, then assigned', async () => {
    const mailbox = unique('sla');
    await addPolicy(mailbox, {}, {
      escalation: [{ after: '2s', action: 'notify_agents' }, { after: '4s', action: 'raise_priority' }, { after: '6s', action: 'assign', operatorId: agent.operator.id }],
    });
    const number = await mailIn(mailbox, { assigneeId: null, priority: 'normal' });
    const escalated = await eventually(async () => {
      const now = (await h.request(agent, 'GET', `/api/tickets/${number}`)).json() as Detail & { priority: string; assignee: { id: number } | null };
      return now.assignee ? now : null;
    }, 20_000, 'the last step');
    const steps = escalated.events.filter((e) => e.type === 'escalate');
    expect(steps.map((e) => e.changes.escalationAction?.to)).toEqual(['notify_agents', 'raise_priority', 'assign']);
    expect(escalated).toMatchObject({ priority: 'high', status: 'in_progress', assignee: { id: agent.operator.id } });
    await eventually(async () => (await h.db.sequelize.query<{ status: string }>(
      "SELECT status FROM notifications WHERE ticket_number = :number AND kind = 'escalation'", { type: QueryTypes.SELECT, replacements: { number } },
    )).some((n) => n.status === 'sent'), 10_000, 'the agents to be told');
    await sleep(2_000);
    expect(((await detail(number)).events).filter((e) => e.type === 'escalate')).toHaveLength(3);
  });

  it('a ticket taken up before the first step does not escalate', async () => {
    const mailbox = unique('sla');
    await addPolicy(mailbox, {}, { escalation: [{ after: '3s', action: 'notify_agents' }] });
    const number = await mailIn(mailbox, { assigneeId: null, priority: 'normal' });
    await eventually(async () => (await detail(number)).sla !== null, 10_000, 'the policy to apply');
    expect((await h.request(agent, 'PATCH', `/api/tickets/${number}`, { assigneeId: agent.operator.id })).statusCode).toBe(200);
    await sleep(4_500);
    expect((await detail(number)).events.map((e) => e.type)).not.toContain('escalate');
  });

  it('refuses a step that assigns to nobody', async () => {
    expectError(await h.request(admin, 'POST', '/api/sla-policies', {
      name: unique('p'), mailboxes: [unique('m')], targets: { low: none, normal: none, high: none, urgent: none },
      escalation: [{ after: '1h', action: 'assign', operatorId: 999_999 }],
    }), 422);
  });
});

describe('managing policies', () => {
  it('only admins change them, and nonsense is refused with the reason', async () => {
    const body = { name: unique('p'), targets: { low: none, normal: none, high: none, urgent: none } };
    expectError(await h.request(agent, 'POST', '/api/sla-policies', body), 403);
    expectError(await h.request(admin, 'POST', '/api/sla-policies', {
      ...body, mailboxes: [unique('m')], businessHours: { timeZone: 'Mars/Olympus', week: { sunday: [], monday: [{ from: '09:00', to: '17:00' }], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [] }, holidays: [] },
    }), 422);
    expectError(await h.request(admin, 'POST', '/api/sla-policies', {
      ...body, mailboxes: [unique('m')], businessHours: { timeZone: 'Europe/Berlin', week: { sunday: [], monday: [{ from: '17:00', to: '09:00' }], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [] }, holidays: [] },
    }), 422);
    const made = await h.request(admin, 'POST', '/api/sla-policies', {
      ...body, mailboxes: [unique('m')],
      businessHours: { timeZone: 'Europe/Berlin', week: { sunday: [], monday: [{ from: '09:00', to: '17:00' }], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [] }, holidays: ['2026-12-25'] },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ businessHours: { timeZone: 'Europe/Berlin', week: { monday: [{ from: '09:00', to: '17:00' }] }, holidays: ['2026-12-25'] }, warnBefore: { percent: 80 } });
    expectError(await h.request(admin, 'POST', '/api/sla-policies', { ...body, mailboxes: [unique('m')] }), 409);
    expect(((await h.request(agent, 'GET', '/api/sla-policies')).json() as Array<{ name: string }>).map((p) => p.name)).toContain(body.name);
  });
});

describe('a reopen window', () => {
  it("the customer's answer through the link to a ticket closed longer ago opens a follow-up ticket, and the page says so first", async () => {
    const mailbox = unique('sla');
    await addPolicy(mailbox, {}, { reopenWithin: '1s' });
    const number = await mailIn(mailbox);
    await eventually(async () => (await detail(number)).sla !== null, 10_000, 'the policy to apply');
    expect((await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'closed' })).statusCode).toBe(200);
    const token = ((await h.request(agent, 'GET', `/api/tickets/${number}`)).json() as { publicUrl: string }).publicUrl.split('/t/')[1]!;
    expect(((await h.request(null, 'GET', `/api/public/tickets/${token}`)).json() as { answerOpensFollowUp: boolean }).answerOpensFollowUp).toBe(false);
    await sleep(1_500);
    expect(((await h.request(null, 'GET', `/api/public/tickets/${token}`)).json() as { answerOpensFollowUp: boolean }).answerOpensFollowUp).toBe(true);

    const answered = await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: 'It broke again.' }, { 'idempotency-key': unique('k') });
    expect(answered.statusCode).toBe(201);
    const view = answered.json() as { number: number; followUp: { number: number; url: string }; comments: Array<{ body: string }> };
    expect(view.followUp.number).toBe(view.number);
    expect(view.number).not.toBe(number);
    expect(view.comments.map((c) => c.body)).toEqual(['It broke again.']);
    expect((await h.request(null, 'GET', `/api/public/tickets/${view.followUp.url.split('/t/')[1]}`)).statusCode).toBe(200);
    expect(((await h.request(agent, 'GET', `/api/tickets/${view.number}`)).json() as { followUpOf: number }).followUpOf).toBe(number);
    expect((await detail(number)).status).toBe('closed');
  });
});
