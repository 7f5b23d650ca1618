/**
 * Each ticket keeps its own clocks in its workflow: a ticket set Waiting until a time comes
 * back by itself, a Waiting ticket nobody answers gets one reminder and is then closed, and
 * a word from the customer stops what was pending. Durations are seconds here so the test
 * sees them fire; every one is a setting a team sets in days.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { startHarness, Harness, Session, eventually, expectError } from './support/harness';

let h: Harness;
let agent: Session;

const REMIND_AFTER_MS = 4_000;
const CLOSE_AFTER_MS = 4_000;

beforeAll(async () => {
  h = await startHarness({ env: { WAITING_REMINDER_AFTER: `${REMIND_AFTER_MS}ms`, WAITING_CLOSE_AFTER: `${CLOSE_AFTER_MS}ms` } });
  agent = await h.login('agent', 'Wendy Waiter');
});
afterAll(() => h.close());

const address = (what: string) => `${what}-${randomUUID().slice(0, 8)}@example.com`;

interface Detail {
  number: number;
  status: string;
  waitingUntil: string | null;
  nextClock: { event: string; at: string } | null;
  publicUrl: string;
  events: Array<{ type: string; actor: { kind: string }; at: string; changes: Record<string, { from: unknown; to: unknown }> }>;
}

async function openTicket(email: string): Promise<Detail> {
  const created = await h.request(agent, 'POST', '/api/tickets', {
    subject: 'Waiting for the logs', body: 'Please send the logs.', customer: { email }, assigneeId: agent.operator.id,
  });
  expect(created.statusCode).toBe(201);
  return created.json() as Detail;
}

const detail = async (number: number) => (await h.request(agent, 'GET', `/api/tickets/${number}`)).json() as Detail;
const patch = (number: number, body: object) => h.request(agent, 'PATCH', `/api/tickets/${number}`, body);

async function mailsOfKind(number: number, kind: string) {
  return h.db.sequelize.query<{ status: string; recipient: string }>(
    'SELECT status, recipient FROM notifications WHERE ticket_number = :number AND kind = :kind',
    { type: QueryTypes.SELECT, replacements: { number, kind } },
  );
}

const customerAnswers = (ticket: Detail, body: string) =>
  h.request(null, 'POST', `/api/public/tickets/${ticket.publicUrl.split('/t/')[1]}/comments`, { body });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Waiting until a time (snooze)', () => {
  it('comes back to In Progress at that time by itself, and its assignee gets one mail saying so', async () => {
    const ticket = await openTicket(address('snooze'));
    const until = new Date(Date.now() + 3_000).toISOString();
    const set = await patch(ticket.number, { waitingUntil: until });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ status: 'waiting', waitingUntil: until, nextClock: { event: 'wake_up', at: until } });

    const woken = await eventually(async () => {
      const now = await detail(ticket.number);
      return now.status === 'in_progress' ? now : null;
    }, 20_000, 'the ticket to come back');
    const wake = woken.events.find((e) => e.type === 'wake_up')!;
    expect(wake.actor.kind).toBe('system');
    // Never early; the timer is the workflow's own, not a job that looks every few minutes.
    expect(Date.parse(wake.at)).toBeGreaterThanOrEqual(Date.parse(until));
    expect(Date.parse(wake.at) - Date.parse(until)).toBeLessThan(5_000);
    expect(woken).toMatchObject({ waitingUntil: null, nextClock: null });
    await h.smtp.waitFor(() => h.smtp.to(agent.operator.email).some((m) => m.parsed.subject?.includes(`[#${ticket.number}]`)));
    await sleep(1_000);
    expect(await mailsOfKind(ticket.number, 'waiting_over')).toEqual([expect.objectContaining({ status: 'sent', recipient: agent.operator.email })]);
    expect(h.smtp.to(agent.operator.email).filter((m) => m.parsed.subject?.includes(`[#${ticket.number}]`) && m.parsed.text?.includes('waited until'))).toHaveLength(1);
  });

  it("a customer's answer wakes it earlier, and the time set then changes nothing", async () => {
    const ticket = await openTicket(address('early'));
    const until = new Date(Date.now() + 4_000).toISOString();
    expect((await patch(ticket.number, { status: 'waiting', waitingUntil: until })).statusCode).toBe(200);
    expect((await customerAnswers(ticket, 'Here are the logs.')).statusCode).toBe(201);
    await eventually(async () => (await detail(ticket.number)).status === 'in_progress', 10_000, 'the answer to wake it');
    await sleep(Date.parse(until) - Date.now() + 2_000);
    const after = await detail(ticket.number);
    expect(after.status).toBe('in_progress');
    expect(after.events.map((e) => e.type)).not.toContain('wake_up');
    expect(await mailsOfKind(ticket.number, 'waiting_over')).toEqual([]);
  });

  it('refuses a time that has passed, a time more than a year ahead, and a time with another status', async () => {
    const ticket = await openTicket(address('refused'));
    expectError(await patch(ticket.number, { waitingUntil: new Date(Date.now() - 60_000).toISOString() }), 422);
    expectError(await patch(ticket.number, { waitingUntil: new Date(Date.now() + 400 * 86_400_000).toISOString() }), 422);
    expectError(await patch(ticket.number, { status: 'in_progress', waitingUntil: new Date(Date.now() + 60_000).toISOString() }), 422);
    expect((await detail(ticket.number)).status).toBe('in_progress');
  });

  it('set aside again, it waits for the new time only', async () => {
    const ticket = await openTicket(address('again'));
    const first = new Date(Date.now() + 2_000).toISOString();
    const second = new Date(Date.now() + 5_000).toISOString();
    expect((await patch(ticket.number, { waitingUntil: first })).statusCode).toBe(200);
    expect((await patch(ticket.number, { waitingUntil: second })).json()).toMatchObject({ waitingUntil: second, nextClock: { event: 'wake_up', at: second } });
    await sleep(Date.parse(first) - Date.now() + 1_500);
    expect((await detail(ticket.number)).status).toBe('waiting');
    const woken = await eventually(async () => {
      const now = await detail(ticket.number);
      return now.status === 'in_progress' ? now : null;
    }, 20_000, 'the second time');
    expect(Date.parse(woken.events.find((e) => e.type === 'wake_up')!.at)).toBeGreaterThanOrEqual(Date.parse(second));
    expect(woken.events.filter((e) => e.type === 'wake_up')).toHaveLength(1);
  });
});

describe('follow-up of a Waiting ticket', () => {
  it('without an answer the customer is reminded once, then the ticket is closed with the closing mail', async () => {
    const email = address('silent');
    const ticket = await openTicket(email);
    const reply = await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Could you send the logs?', visibility: 'public', status: 'waiting' });
    expect(reply.statusCode).toBe(201);
    const waiting = await detail(ticket.number);
    expect(waiting.nextClock?.event).toBe('follow_up_reminder');

    const closed = await eventually(async () => {
      const now = await detail(ticket.number);
      return now.status === 'closed' ? now : null;
    }, 30_000, 'the ticket to close for want of an answer');
    const types = closed.events.map((e) => e.type);
    expect(types.filter((t) => t === 'follow_up_reminder')).toHaveLength(1);
    expect(types.filter((t) => t === 'auto_close')).toHaveLength(1);
    const remindedAt = Date.parse(closed.events.find((e) => e.type === 'follow_up_reminder')!.at);
    expect(Date.parse(closed.events.find((e) => e.type === 'auto_close')!.at) - remindedAt).toBeGreaterThanOrEqual(CLOSE_AFTER_MS);

    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('has been closed')));
    const reminders = h.smtp.to(email).filter((m) => m.parsed.text?.includes('still waiting for your answer'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.parsed.text).toContain(ticket.publicUrl);
    expect(reminders[0]!.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(await mailsOfKind(ticket.number, 'waiting_reminder')).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it("the customer's answer after the reminder stops the close", async () => {
    const email = address('answers');
    const ticket = await openTicket(email);
    expect((await patch(ticket.number, { status: 'waiting' })).statusCode).toBe(200);
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('still waiting for your answer')), 20_000);
    expect((await customerAnswers(ticket, 'Sorry, here they are.')).statusCode).toBe(201);
    await sleep(CLOSE_AFTER_MS + 2_000);
    const after = await detail(ticket.number);
    expect(after.status).toBe('in_progress');
    expect(after.events.map((e) => e.type)).not.toContain('auto_close');
    expect(after.nextClock).toBeNull();
  });

  it("an operator's public reply while it waits starts the follow-up over", async () => {
    const ticket = await openTicket(address('nudged'));
    expect((await patch(ticket.number, { status: 'waiting' })).statusCode).toBe(200);
    const first = (await detail(ticket.number)).nextClock!;
    await sleep(2_000);
    expect((await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Any luck?', visibility: 'public' })).statusCode).toBe(201);
    const moved = (await detail(ticket.number)).nextClock!;
    expect(moved.event).toBe('follow_up_reminder');
    expect(Date.parse(moved.at) - Date.parse(first.at)).toBeGreaterThanOrEqual(1_500);
  });
});
