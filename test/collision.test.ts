/**
 * Two operators and a customer on one ticket at once: nobody's reply goes out on a thread
 * that moved on since they read it (the ticket's workflow refuses it and the API says what
 * is new), and each reply that does go out is mailed once.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session, expectError } from './support/harness';

let h: Harness;
let olivia: Session;
let sam: Session;

beforeAll(async () => {
  h = await startHarness();
  olivia = await h.login('agent', 'Olivia Operator');
  sam = await h.login('agent', 'Sam Support');
});
afterAll(() => h.close());

interface Comment { body: string; author: { kind: string; name: string | null }; visibility: string }
interface Detail { number: number; commentCount: number; comments: Comment[]; publicUrl: string }

const detail = async (number: number) => (await h.request(olivia, 'GET', `/api/tickets/${number}`)).json() as Detail;

async function openTicket(email: string) {
  const response = await h.request(olivia, 'POST', '/api/tickets', { subject: 'Order never arrived', body: 'It has been two weeks.', customer: { email } });
  expect(response.statusCode).toBe(201);
  return response.json() as Detail;
}

describe('Replying on a thread that moved on', () => {
  it("two operators answer at once while the customer writes again: each is shown what is new, nothing goes out blind, each reply once", async () => {
    const email = `race-${randomUUID().slice(0, 8)}@example.com`;
    const ticket = await openTicket(email);
    const token = ticket.publicUrl.split('/t/')[1]!;
    // Both open the ticket and start writing on the same thread.
    const seen = (await detail(ticket.number)).commentCount;
    expect(seen).toBe(1);

    // The customer adds something meanwhile.
    expect((await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: 'Tracking number is ZX-42.' })).statusCode).toBe(201);

    // Both press send at the same moment on what they saw.
    const [first, second] = await Promise.all([
      h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Let me check with the courier.', visibility: 'public', seenComments: seen }),
      h.request(sam, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'I will refund you.', visibility: 'public', seenComments: seen }),
    ]);
    for (const refused of [first, second]) {
      expectError(refused, 409, 'thread_moved');
      const body = refused.json() as { message: string; newComments: Comment[] };
      expect(body.message).toMatch(/new message was added .* while you wrote/);
      expect(body.newComments.map((c) => c.body)).toEqual(['Tracking number is ZX-42.']);
      expect(body.newComments[0]!.author.kind).toBe('customer');
    }
    expect((await detail(ticket.number)).commentCount).toBe(2);

    // Olivia reads it and sends again on the thread she now sees: it goes out.
    const sent = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Thanks, ZX-42 is with the courier.', visibility: 'public', seenComments: 2 });
    expect(sent.statusCode).toBe(201);
    // Sam, who read the customer's message but not Olivia's answer, is stopped again, and shown it.
    const again = await h.request(sam, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'I will refund you.', visibility: 'public', seenComments: 2 });
    expectError(again, 409, 'thread_moved');
    expect((again.json() as { newComments: Comment[] }).newComments).toEqual([
      expect.objectContaining({ body: expect.stringContaining('ZX-42 is with the courier'), author: expect.objectContaining({ name: 'Olivia Operator' }) }),
    ]);
    // An internal note is held to the same rule: Sam tells colleagues what he'd have done.
    expectError(await h.request(sam, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Refund?', visibility: 'internal', seenComments: 2 }), 409, 'thread_moved');
    expect((await h.request(sam, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Refund if the courier fails.', visibility: 'internal', seenComments: 3 })).statusCode).toBe(201);

    const thread = (await detail(ticket.number)).comments.map((c) => c.body);
    expect(thread).toEqual(['It has been two weeks.', 'Tracking number is ZX-42.', 'Thanks, ZX-42 is with the courier.', 'Refund if the courier fails.']);
    // The customer got Olivia's answer once, and never Sam's refused one.
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('ZX-42 is with the courier')));
    const mails = h.smtp.to(email);
    expect(mails.filter((m) => m.parsed.text?.includes('ZX-42 is with the courier'))).toHaveLength(1);
    expect(mails.filter((m) => m.parsed.text?.includes('refund'))).toHaveLength(0);
  });

  it('sends a reply that says nothing of the thread it saw (API clients of before), and a retry of an accepted one is not refused by its own comment', async () => {
    const ticket = await openTicket(`plain-${randomUUID().slice(0, 8)}@example.com`);
    expect((await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'No position given.', visibility: 'internal' })).statusCode).toBe(201);
    const key = randomUUID();
    const once = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'On what I saw.', visibility: 'public', seenComments: 2 }, { 'idempotency-key': key });
    expect(once.statusCode).toBe(201);
    const retried = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'On what I saw.', visibility: 'public', seenComments: 2 }, { 'idempotency-key': key });
    expect(retried.statusCode).toBe(201);
    expect((await detail(ticket.number)).commentCount).toBe(3);
  });
});

describe('Who has a ticket open', () => {
  it('tells each operator who else is there and who is writing, and forgets who left', async () => {
    const ticket = await openTicket(`presence-${randomUUID().slice(0, 8)}@example.com`);
    const path = `/api/tickets/${ticket.number}/presence`;
    const others = async (session: Session) => ((await h.request(session, 'GET', path)).json() as { others: Array<{ name: string; typing: boolean }> }).others;

    const first = await h.request(olivia, 'PUT', path, { typing: false });
    expect(first.json()).toEqual({ others: [] });
    const second = await h.request(sam, 'PUT', path, { typing: true });
    expect(second.json()).toEqual({ others: [{ operatorId: olivia.operator.id, name: 'Olivia Operator', typing: false }] });
    expect(await others(olivia)).toEqual([{ operatorId: sam.operator.id, name: 'Sam Support', typing: true }]);
    expect((await h.request(sam, 'DELETE', path)).statusCode).toBe(204);
    expect(await others(olivia)).toEqual([]);
    expectError(await h.request(null, 'GET', path), 401);
    expectError(await h.request(sam, 'PUT', path, { typing: 'yes' }), 400);
    expectError(await h.request(sam, 'PUT', '/api/tickets/999999999/presence', { typing: false }), 404);
  });
});
