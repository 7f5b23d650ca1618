/**
 * Mail that does not go out never holds up a ticket: refused for good, it is recorded with
 * the server's answer; refused for now, it is tried again for a bounded time, across the
 * ticket's runs, and then recorded as failed. Against a real SMTP server that turns some
 * recipients away while others get through, with both run endings happening in the test.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { startHarness, Harness, Session, eventually } from './support/harness';
import { ticketWorkflowId } from '../workflows/ticket/definitions';

let h: Harness;
let agent: Session;

beforeAll(async () => {
  h = await startHarness({ env: { REOPEN_WINDOW: '2s', MAX_HISTORY_EVENTS: '150', MAIL_GIVE_UP_AFTER: '20s' } });
  agent = await h.login('agent');
});
afterAll(() => h.close());

const address = (what: string) => `${what}-${randomUUID().slice(0, 8)}@example.com`;

async function openTicket(email: string) {
  const response = await h.request(agent, 'POST', '/api/tickets', { subject: 'Mail trouble', body: 'Body', customer: { email }, acknowledge: true });
  expect(response.statusCode).toBe(201);
  return response.json() as { number: number };
}

async function acknowledgement(number: number) {
  const [row] = await h.db.sequelize.query<{ status: string; failure: string | null }>(
    "SELECT status, failure FROM notifications WHERE ticket_number = :number AND kind = 'ticket_created'",
    { type: QueryTypes.SELECT, replacements: { number } },
  );
  return row ?? null;
}

async function runs(number: number): Promise<string[]> {
  const statuses: string[] = [];
  for await (const run of h.temporal.workflow.list({ query: `WorkflowId='${ticketWorkflowId(number)}'` })) statuses.push(run.status.name);
  return statuses;
}

/** Changes that each answer at once, whatever the mail is doing. */
async function notes(number: number, count: number) {
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    const response = await h.request(agent, 'POST', `/api/tickets/${number}/comments`, { body: `note ${i}`, visibility: 'internal' });
    expect(response.statusCode).toBe(201);
    expect(Date.now() - started).toBeLessThan(5_000);
  }
}

it('a mail the relay refuses for good is recorded as failed and the address flagged; the ticket keeps taking changes, and its run still ends', async () => {
  const gone = address('gone');
  h.smtp.refused.add(gone);
  const ticket = await openTicket(gone);
  const notification = await eventually(async () => {
    const row = await acknowledgement(ticket.number);
    return row?.status === 'failed' ? row : null;
  }, 30_000, 'the refused acknowledgement to be recorded');
  expect(notification.failure).toMatch(/550.*User unknown/);
  const view = (await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json();
  expect(view.customerPanel.emailBounce).toMatchObject({ status: '5.1.1', ticketNumber: ticket.number });
  expect(view.undeliveredMail).toEqual([expect.objectContaining({ kind: 'ticket_created', recipient: gone, status: 'failed', failure: expect.stringMatching(/550/) })]);

  // A reply (refused too) and closing: the run ends after the reopen window, and the ticket
  // still takes changes at once.
  expect((await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Are you there?', visibility: 'public' })).statusCode).toBe(201);
  expect((await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'closed' })).statusCode).toBe(200);
  const handle = h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number));
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000, 'the closed ticket\'s run to end');
  const started = Date.now();
  const reopened = await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'in_progress' });
  expect(reopened.statusCode).toBe(200);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(h.smtp.to(gone)).toEqual([]);
});

it('a mail the server turns away for now is tried again, the ticket continues as new meanwhile, and it goes out once when the server takes it', async () => {
  const greylisted = address('greylisted');
  h.smtp.deferred.add(greylisted);
  const ticket = await openTicket(greylisted);
  await eventually(async () => (await acknowledgement(ticket.number))?.failure?.includes('451'), 20_000, 'the first attempt to be turned away');
  const retrying = (await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json();
  expect(retrying.undeliveredMail).toEqual([expect.objectContaining({ kind: 'ticket_created', status: 'retrying', failure: expect.stringMatching(/451.*try again later/) })]);

  // Enough changes to pass the history limit: the run hands the mail on instead of waiting.
  await notes(ticket.number, 40);
  await eventually(async () => (await runs(ticket.number)).includes('CONTINUED_AS_NEW'), 20_000, 'the run to continue as new');
  expect((await acknowledgement(ticket.number))?.status).toBe('sending');
  expect(h.smtp.to(greylisted)).toEqual([]);

  h.smtp.deferred.delete(greylisted);
  await h.smtp.waitFor(() => h.smtp.to(greylisted).length > 0, 30_000);
  await eventually(async () => (await acknowledgement(ticket.number))?.status === 'sent', 10_000, 'the acknowledgement to be recorded as sent');
  expect((await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json().undeliveredMail).toEqual([]);
  // Whatever ran twice, one mail.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(h.smtp.to(greylisted)).toHaveLength(1);
});

it('a mail turned away for longer than MAIL_GIVE_UP_AFTER is recorded as failed; the closed ticket\'s run ends after that and reopens at once', async () => {
  const full = address('full');
  h.smtp.deferred.add(full);
  const ticket = await openTicket(full);
  expect((await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'closed' })).statusCode).toBe(200);
  const failed = await eventually(async () => {
    const row = await acknowledgement(ticket.number);
    return row?.status === 'failed' ? row : null;
  }, 40_000, 'the acknowledgement to be given up on');
  expect(failed.failure).toMatch(/^given up after \d+ attempts.*451/);
  const handle = h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number));
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 20_000, 'the closed ticket\'s run to end');
  const view = (await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json();
  expect(view.undeliveredMail).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'ticket_created', status: 'failed' })]));
  const started = Date.now();
  expect((await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'in_progress' })).statusCode).toBe(200);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(h.smtp.to(full)).toEqual([]);
});
