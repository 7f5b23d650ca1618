/**
 * Teams and round-robin: a team's new tickets find someone available, in turn or by load,
 * through one long-running dispatcher workflow per team; nobody available leaves them in a
 * backlog worked through in arrival order once someone is; an offer not opened in time
 * goes to the next.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session, eventually, expectError } from './support/harness';
import { createTicketIntake } from '../intake/open-ticket';
import { teamDispatchFor } from '../workflows/team-dispatcher/client';
import { teamDispatcherId } from '../workflows/team-dispatcher/definitions';

let h: Harness;
let admin: Session;

beforeAll(async () => {
  h = await startHarness();
  admin = await h.login('admin', 'Ada Admin');
});
afterAll(() => h.close());

const unique = (what: string) => `${what}-${randomUUID().slice(0, 6)}`;

/** Mail to a mailbox of the test's own comes in, as mail ingestion opens it (the same intake). */
async function mailArrives(mailbox: string, subject = unique('Question')): Promise<number> {
  const intake = createTicketIntake({ db: h.db, commands: h.commands, dispatch: teamDispatchFor(h.temporal, h.taskQueue) });
  return intake.open({
    ticket: {
      subject, body: 'Hello, I need help.', priority: 'normal', source: 'email',
      contact: { email: `${randomUUID().slice(0, 8)}@customer.test`, phone: null, firstName: null, lastName: null, externalId: null },
      mailbox, createdBy: null, assigneeId: null, messageKey: `<${randomUUID()}@customer.test>`, suppressAcknowledgement: true,
    },
    numberFrom: { creationKey: null },
  });
}

const assigneeOf = async (number: number) => ((await h.request(admin, 'GET', `/api/tickets/${number}`)).json() as { assignee: { id: number } | null }).assignee?.id ?? null;
const available = (session: Session, on: boolean) => h.request(session, 'PUT', '/api/me/availability', { available: on });

async function team(fields: Record<string, unknown>) {
  const response = await h.request(admin, 'POST', '/api/teams', { name: unique('Team'), ...fields });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: number; members: number[] };
}

describe('Teams', () => {
  it('are kept by admins, with members who are active operators', async () => {
    const agent = await h.login('agent');
    expectError(await h.request(agent, 'POST', '/api/teams', { name: 'Mine' }), 403);
    const created = await team({ members: [agent.operator.id], sources: ['email'], mailboxes: [unique('box')], acceptWithin: '10m' });
    expect(created).toMatchObject({ members: [agent.operator.id], acceptWithin: '10m', assignment: 'round_robin' });
    expectError(await h.request(admin, 'POST', '/api/teams', { name: 'Ghosts', members: [99_999] }), 422);
    const listed = (await h.request(agent, 'GET', '/api/teams')).json() as Array<{ id: number }>;
    expect(listed.map((t) => t.id)).toContain(created.id);
  });

  it("round-robin: a team's new mail goes in turn to the members who are available, never to one who is away", async () => {
    const [ann, bob, cat] = [await h.login('agent', 'Ann'), await h.login('agent', 'Bob'), await h.login('agent', 'Cat')];
    const mailbox = unique('support');
    await team({ sources: ['email'], mailboxes: [mailbox], members: [ann.operator.id, bob.operator.id, cat.operator.id] });
    await available(ann, true);
    await available(bob, true);
    const numbers: number[] = [];
    for (let i = 0; i < 4; i++) numbers.push(await mailArrives(mailbox));
    const assignees = await eventually(async () => {
      const all = await Promise.all(numbers.map(assigneeOf));
      return all.every((a) => a !== null) ? all : null;
    }, 20_000, 'all four assigned');
    expect(assignees).toEqual([ann.operator.id, bob.operator.id, ann.operator.id, bob.operator.id]);
    const history = (await h.request(admin, 'GET', `/api/tickets/${numbers[0]}`)).json().events as Array<{ type: string; actor: { kind: string } }>;
    expect(history.find((e) => e.type === 'assign')).toMatchObject({ actor: { kind: 'system' } });
    // Mail to another mailbox is not the team's.
    const other = await mailArrives(unique('elsewhere'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await assigneeOf(other)).toBeNull();
  });

  it('nobody available: the tickets wait; the first to become available gets them, oldest first, and the rest follow the rotation', async () => {
    const [dan, eve, outsider] = [await h.login('agent', 'Dan'), await h.login('agent', 'Eve'), await h.login('agent', 'Olaf')];
    const mailbox = unique('night');
    await team({ sources: ['email'], mailboxes: [mailbox], members: [dan.operator.id, eve.operator.id] });
    const first = await mailArrives(mailbox);
    const second = await mailArrives(mailbox);
    await new Promise((r) => setTimeout(r, 1500));
    expect([await assigneeOf(first), await assigneeOf(second)]).toEqual([null, null]);
    // The bell of the team's members rings for a new ticket nobody has; nobody else's does.
    const told = async (session: Session) => ((await h.request(session, 'GET', '/api/inbox')).json() as { items: Array<{ kind: string; ticket: { number: number } }> })
      .items.filter((i) => i.kind === 'new_ticket' && i.ticket.number === first).length;
    expect([await told(dan), await told(eve), await told(outsider)]).toEqual([1, 1, 0]);
    // A team with nobody in it: everyone hears of its tickets, or nobody would.
    const empty = unique('empty');
    await team({ sources: ['email'], mailboxes: [empty], members: [] });
    const orphan = await mailArrives(empty);
    expect(((await h.request(outsider, 'GET', '/api/inbox')).json() as { items: Array<{ ticket: { number: number } }> }).items.some((i) => i.ticket.number === orphan)).toBe(true);
    await available(eve, true);
    await eventually(async () => (await assigneeOf(second)) === eve.operator.id, 20_000, 'the backlog placed');
    expect(await assigneeOf(first)).toBe(eve.operator.id);
    await available(dan, true);
    const third = await mailArrives(mailbox);
    await eventually(async () => (await assigneeOf(third)) === dan.operator.id, 20_000, 'the rotation goes on');
  });

  it('least loaded: the available member with the fewest open tickets', async () => {
    const [fay, gus] = [await h.login('agent', 'Fay'), await h.login('agent', 'Gus')];
    const mailbox = unique('load');
    // Fay has two open tickets already.
    for (let i = 0; i < 2; i++) {
      await h.request(admin, 'POST', '/api/tickets', { subject: 'Earlier', body: 'Hi', customer: { email: `${randomUUID().slice(0, 8)}@customer.test` }, assigneeId: fay.operator.id });
    }
    await available(fay, true);
    await available(gus, true);
    await team({ sources: ['email'], mailboxes: [mailbox], assignment: 'least_loaded', members: [fay.operator.id, gus.operator.id] });
    const numbers = [await mailArrives(mailbox), await mailArrives(mailbox), await mailArrives(mailbox)];
    const assignees = await eventually(async () => {
      const all = await Promise.all(numbers.map(assigneeOf));
      return all.every((a) => a !== null) ? all : null;
    }, 20_000, 'all assigned');
    expect(assignees).toEqual([gus.operator.id, gus.operator.id, expect.any(Number)]);
  });

  it('an offered ticket not opened in time goes to the next available member; one opened stays', async () => {
    const [hal, ivy] = [await h.login('agent', 'Hal'), await h.login('agent', 'Ivy')];
    const mailbox = unique('offer');
    const { id } = await team({ sources: ['email'], mailboxes: [mailbox], members: [hal.operator.id, ivy.operator.id], acceptWithin: '3s' });
    await available(hal, true);
    await available(ivy, true);
    const ignored = await mailArrives(mailbox);
    await eventually(async () => (await assigneeOf(ignored)) === hal.operator.id, 20_000, 'offered to Hal');
    const opened = await mailArrives(mailbox);
    await eventually(async () => (await assigneeOf(opened)) === ivy.operator.id, 20_000, 'offered to Ivy');
    // Ivy opens hers; Hal does not open his.
    expect((await h.request(ivy, 'PUT', `/api/tickets/${opened}/read`, {})).statusCode).toBe(204);
    await eventually(async () => (await assigneeOf(ignored)) === ivy.operator.id, 20_000, 'passed on to Ivy');
    await new Promise((r) => setTimeout(r, 4000));
    expect(await assigneeOf(opened)).toBe(ivy.operator.id);
    const events = (await h.request(admin, 'GET', `/api/tickets/${ignored}`)).json().events as Array<{ type: string; changes: { assigneeId?: { from: unknown; to: unknown } } }>;
    expect(events.filter((e) => e.type === 'assign').map((e) => e.changes.assigneeId)).toEqual([
      { from: null, to: hal.operator.id }, { from: hal.operator.id, to: ivy.operator.id },
    ]);
    // One dispatcher per team, visible in Temporal Web.
    const description = await h.temporal.workflow.getHandle(teamDispatcherId(h.taskQueue, id)).describe();
    expect(description.status.name).toBe('RUNNING');
  });
});
