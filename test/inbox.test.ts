/**
 * What operators hear of their work: each change tells whom it concerns, once, in the bell
 * (and by mail where they want it), never the one who made it.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session, eventually, expectError } from './support/harness';

let h: Harness;
let olivia: Session;
let sam: Session;

beforeAll(async () => {
  h = await startHarness();
  olivia = await h.login('agent', 'Olivia Operator');
  sam = await h.login('agent', 'Sam Support');
});
afterAll(() => h.close());

interface Entry { id: string; kind: string; ticket: { number: number; subject: string | null }; actor: { kind: string; name: string | null }; read: boolean }
const inbox = async (session: Session) => (await h.request(session, 'GET', '/api/inbox?limit=100')).json() as { items: Entry[]; unread: number };
const about = async (session: Session, number: number) => (await inbox(session)).items.filter((e) => e.ticket.number === number);

async function customerWritesIn() {
  const email = `inbox-${randomUUID().slice(0, 8)}@example.com`;
  const response = await h.request(olivia, 'POST', '/api/tickets', { subject: 'Cannot export my data', body: 'The export button does nothing.', customer: { email } });
  expect(response.statusCode).toBe(201);
  return response.json() as { number: number; publicUrl: string };
}

describe('The bell', () => {
  it('tells every agent of a new unassigned ticket, the assignee of the assignment, the customer\'s answer and a mention; never the one who did it', async () => {
    const ticket = await customerWritesIn();
    const token = ticket.publicUrl.split('/t/')[1]!;
    // Olivia opened it (for a caller): her colleagues hear of it, she doesn't.
    expect((await about(sam, ticket.number)).map((e) => [e.kind, e.actor.name])).toEqual([['new_ticket', 'Olivia Operator']]);
    expect(await about(olivia, ticket.number)).toEqual([]);

    expect((await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { assigneeId: sam.operator.id })).statusCode).toBe(200);
    expect((await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: 'Still nothing happens.' })).statusCode).toBe(201);
    const note = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: '@Sam Support can you look at the export job?', visibility: 'internal', mentions: [sam.operator.id] });
    expect(note.statusCode).toBe(201);

    const samHears = await about(sam, ticket.number);
    expect(samHears.map((e) => [e.kind, e.actor.kind, e.actor.name, e.read])).toEqual([
      ['mention', 'operator', 'Olivia Operator', false],
      ['customer_replied', 'customer', null, false],
      ['assigned', 'operator', 'Olivia Operator', false],
      ['new_ticket', 'operator', 'Olivia Operator', false],
    ]);
    expect(samHears[0]!.ticket.subject).toBe('Cannot export my data');
    expect(await about(olivia, ticket.number)).toEqual([]);

    // Opening the ticket reads what the bell said of it, and nothing else.
    const other = await customerWritesIn();
    const read = await h.request(sam, 'POST', '/api/inbox/read', { ticketNumber: ticket.number });
    expect(read.statusCode).toBe(200);
    expect((await about(sam, ticket.number)).every((e) => e.read)).toBe(true);
    expect((await about(sam, other.number)).map((e) => e.read)).toEqual([false]);
  });

  it('mentions only active colleagues, only in internal notes', async () => {
    const ticket = await customerWritesIn();
    expectError(await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: '@Sam Support hi', visibility: 'public', mentions: [sam.operator.id] }), 422);
    expectError(await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: '@Nobody hi', visibility: 'internal', mentions: [987654] }), 422);
  });

  it("keeps to each operator's choice: what they turned off in the app does not ring", async () => {
    const preferences = (await h.request(sam, 'GET', '/api/me/notifications')).json() as Record<string, { inApp: boolean; mail: boolean }>;
    expect(preferences.new_ticket).toEqual({ inApp: true, mail: false });
    const changed = await h.request(sam, 'PUT', '/api/me/notifications', { ...preferences, new_ticket: { inApp: false, mail: false } });
    expect(changed.statusCode).toBe(200);
    const ticket = await customerWritesIn();
    // The change is written (Olivia's own bell stays quiet, Sam's too now); the ticket exists.
    await eventually(async () => (await h.request(olivia, 'GET', `/api/tickets/${ticket.number}`)).statusCode === 200 || undefined);
    expect(await about(sam, ticket.number)).toEqual([]);
    await h.request(sam, 'PUT', '/api/me/notifications', preferences);
    expectError(await h.request(sam, 'PUT', '/api/me/notifications', { new_ticket: { inApp: true } }), 400);
  });

  it('marks everything read at once', async () => {
    const ticket = await customerWritesIn();
    expect((await inbox(sam)).unread).toBeGreaterThan(0);
    expect((await h.request(sam, 'POST', '/api/inbox/read', { all: true })).statusCode).toBe(200);
    // (Other test files' tickets may ring Sam meanwhile: what was there is read.)
    expect((await about(sam, ticket.number)).map((e) => e.read)).toEqual([true]);
  });
});

describe('Mail to operators', () => {
  it('mails the assignee and whom a note mentions, as each chose; not who did it; never the customer', async () => {
    const email = `mail-${randomUUID().slice(0, 8)}@example.com`;
    const created = await h.request(olivia, 'POST', '/api/tickets', { subject: 'Invoice address wrong', body: 'Please fix the address.', customer: { email } });
    const { number } = created.json() as { number: number };
    expect((await h.request(olivia, 'PATCH', `/api/tickets/${number}`, { assigneeId: sam.operator.id })).statusCode).toBe(200);
    await h.smtp.waitFor(() => h.smtp.to(sam.operator.email).some((m) => m.parsed.subject?.includes(`#${number}`)));
    const assigned = h.smtp.to(sam.operator.email).find((m) => m.parsed.subject?.includes(`#${number}`))!;
    expect(assigned.parsed.text).toContain(`Ticket #${number} "Invoice address wrong" (New) is now assigned to you by Olivia Operator.`);
    expect(assigned.parsed.text).toContain(`/admin/tickets/${number}`);

    const secret = `internal-${randomUUID().slice(0, 6)}`;
    expect((await h.request(olivia, 'POST', `/api/tickets/${number}/comments`, {
      body: `@Sam Support the customer owes us money, ${secret}`, visibility: 'internal', mentions: [sam.operator.id],
    })).statusCode).toBe(201);
    await h.smtp.waitFor(() => h.smtp.to(sam.operator.email).some((m) => m.parsed.text?.includes(secret)));
    const mention = h.smtp.to(sam.operator.email).find((m) => m.parsed.text?.includes(secret))!;
    expect(mention.parsed.text).toContain('Olivia Operator mentioned you in an internal note');
    expect(mention.parsed.text).toContain('the customer does not see it');

    // Sam takes it himself next time: no mail about his own doing. And he wants no mention mail any more.
    const preferences = (await h.request(sam, 'GET', '/api/me/notifications')).json() as Record<string, { inApp: boolean; mail: boolean }>;
    await h.request(sam, 'PUT', '/api/me/notifications', { ...preferences, mention: { inApp: true, mail: false } });
    expect((await h.request(sam, 'PATCH', `/api/tickets/${number}`, { assigneeId: null })).statusCode).toBe(200);
    expect((await h.request(sam, 'PATCH', `/api/tickets/${number}`, { assigneeId: sam.operator.id })).statusCode).toBe(200);
    const quiet = `quiet-${randomUUID().slice(0, 6)}`;
    expect((await h.request(olivia, 'POST', `/api/tickets/${number}/comments`, { body: `@Sam Support ${quiet}`, visibility: 'internal', mentions: [sam.operator.id] })).statusCode).toBe(201);
    // A public reply after them: its mail to the customer shows the notes' mail had its turn.
    expect((await h.request(olivia, 'POST', `/api/tickets/${number}/comments`, { body: 'Fixed, thanks!', visibility: 'public' })).statusCode).toBe(201);
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('Fixed, thanks!')));
    await eventually(async () => {
      const [rows] = await h.db.sequelize.query(`SELECT count(*)::int AS n FROM notifications WHERE ticket_number = ${number} AND status IN ('sending')`);
      return (rows as Array<{ n: number }>)[0]!.n === 0 || undefined;
    });
    const toSam = h.smtp.to(sam.operator.email).filter((m) => m.parsed.subject?.includes(`#${number}`));
    expect(toSam.map((m) => m.parsed.text?.includes(quiet))).not.toContain(true);
    expect(toSam.filter((m) => m.parsed.text?.includes('is now assigned to you'))).toHaveLength(1);
    expect(h.smtp.to(email).some((m) => m.parsed.text?.includes(secret) || m.parsed.text?.includes(quiet))).toBe(false);
    // The bell still has the mention.
    expect((await about(sam, number)).map((e) => e.kind)).toContain('mention');
    await h.request(sam, 'PUT', '/api/me/notifications', preferences);
  });
});
