/**
 * Canned replies: a team's shared answers and each operator's own, filled in with the
 * ticket's details when inserted, edited and sent as any reply is.
 */
import { randomUUID } from 'node:crypto';
import { startHarness, Harness, Session, expectError } from './support/harness';

let h: Harness;
let admin: Session;
let olivia: Session;
let sam: Session;

beforeAll(async () => {
  h = await startHarness();
  admin = await h.login('admin', 'Ada Admin');
  olivia = await h.login('agent', 'Olivia Operator');
  sam = await h.login('agent', 'Sam Support');
});
afterAll(() => h.close());

const unique = (what: string) => `${what}-${randomUUID().slice(0, 6)}`;

interface Reply { id: number; title: string; body: string; shortcut: string | null; shared: boolean; editable: boolean; usageCount: number; createdBy: string | null }

async function add(session: Session, fields: Record<string, unknown>): Promise<Reply> {
  const response = await h.request(session, 'POST', '/api/canned-replies', { title: unique('Reply'), body: 'Thanks!', ...fields });
  expect(response.statusCode).toBe(201);
  return response.json() as Reply;
}
const listOf = async (session: Session) => (await h.request(session, 'GET', '/api/canned-replies')).json() as Reply[];

async function openTicket(customer: Record<string, string | null>) {
  const response = await h.request(olivia, 'POST', '/api/tickets', { subject: 'Cannot reset my password', body: 'The link in the mail is expired.', customer });
  expect(response.statusCode).toBe(201);
  return response.json() as { number: number; publicUrl: string };
}

describe('Who sees and keeps which canned reply', () => {
  it("shares the admins' replies with the team and keeps an agent's own to themselves", async () => {
    const team = await add(admin, { title: unique('Team greeting'), shared: true, shortcut: unique('hello') });
    const own = await add(olivia, { title: unique('My sign-off'), shortcut: 'bye' });
    expect(own).toMatchObject({ shared: false, editable: true, createdBy: 'Olivia Operator' });

    const oliviaSees = await listOf(olivia);
    expect(oliviaSees.map((r) => r.id)).toEqual(expect.arrayContaining([team.id, own.id]));
    expect(oliviaSees.find((r) => r.id === team.id)).toMatchObject({ shared: true, editable: false });
    // Her own come first in her picker.
    expect(oliviaSees.findIndex((r) => r.id === own.id)).toBeLessThan(oliviaSees.findIndex((r) => r.id === team.id));
    expect((await listOf(sam)).map((r) => r.id)).not.toContain(own.id);

    // Sam can neither read nor change Olivia's, and no agent changes the team's.
    expectError(await h.request(sam, 'PATCH', `/api/canned-replies/${own.id}`, { body: 'Hijacked' }), 404);
    expectError(await h.request(sam, 'DELETE', `/api/canned-replies/${own.id}`), 404);
    expectError(await h.request(olivia, 'PATCH', `/api/canned-replies/${team.id}`, { body: 'Changed' }), 403);
    expectError(await h.request(olivia, 'POST', '/api/canned-replies', { title: 'Mine for all', body: 'x', shared: true }), 403);
    expectError(await h.request(olivia, 'PATCH', `/api/canned-replies/${own.id}`, { shared: true }), 403);

    // The same shortcut is fine for someone else's own replies, not twice where it is typed.
    await add(sam, { shortcut: 'bye' });
    expectError(await h.request(olivia, 'POST', '/api/canned-replies', { title: 'Again', body: 'x', shortcut: 'bye' }), 409, 'shortcut_taken');
    expectError(await h.request(admin, 'POST', '/api/canned-replies', { title: 'Again', body: 'x', shared: true, shortcut: team.shortcut }), 409, 'shortcut_taken');

    const changed = await h.request(olivia, 'PATCH', `/api/canned-replies/${own.id}`, { title: 'Sign-off', shortcut: '::Signoff' });
    expect(changed.json()).toMatchObject({ title: 'Sign-off', shortcut: 'signoff' });
    expect((await h.request(olivia, 'DELETE', `/api/canned-replies/${own.id}`)).statusCode).toBe(204);
    expect((await listOf(olivia)).map((r) => r.id)).not.toContain(own.id);
    expect((await h.request(admin, 'DELETE', `/api/canned-replies/${team.id}`)).statusCode).toBe(204);
  });

  it('refuses, when it is saved, a text that could not be filled in or reaches beyond the listed variables', async () => {
    for (const body of ['Hello {{customer.phone}}', 'Hello {{lookup customer "first_name"}}', '{{> layout}}', 'Hello {{customer.first_name',
      '{{#each ticket}}x{{/each}}', '{{#with customer}}{{first_name}}{{/with}}', '{{constructor}}', '{{customer.first_name.constructor}}']) {
      const response = await h.request(olivia, 'POST', '/api/canned-replies', { title: 'Broken', body });
      expectError(response, 422);
    }
    expectError(await h.request(olivia, 'POST', '/api/canned-replies', { title: 'Bad shortcut', body: 'x', shortcut: 'two words' }), 422);
    expectError(await h.request(olivia, 'POST', '/api/canned-replies', { title: '  ', body: 'x' }), 422);
    const conditional = await add(olivia, { body: 'Hello{{#if customer.first_name}} {{customer.first_name}}{{/if}},' });
    expect(conditional.body).toContain('{{#if customer.first_name}}');
  });
});

describe('Inserting a canned reply', () => {
  it("fills in the customer, the ticket, its link and the operator; counts the use; and the reply goes out to the customer as edited", async () => {
    const email = `${unique('nina')}@example.com`;
    const ticket = await openTicket({ email, firstName: 'Nina', lastName: 'Novak' });
    const reply = await add(admin, {
      shared: true,
      title: unique('Password reset'),
      body: 'Hello {{customer.first_name}} {{customer.last_name}},\n\nabout #{{ticket.number}} ({{ticket.subject}}): the reset link works for an hour.\nFollow it here: {{ticket_url}}\n\n{{operator.name}}',
    });
    const filled = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/canned-replies/${reply.id}/fill`, {});
    expect(filled.statusCode).toBe(200);
    const text = (filled.json() as { body: string }).body;
    expect(text).toBe(`Hello Nina Novak,\n\nabout #${ticket.number} (Cannot reset my password): the reset link works for an hour.\nFollow it here: ${ticket.publicUrl}\n\nOlivia Operator`);
    expect((await listOf(olivia)).find((r) => r.id === reply.id)!.usageCount).toBe(1);

    // Nothing is counted for a ticket that isn't, or for someone else's own reply.
    expectError(await h.request(olivia, 'POST', `/api/tickets/999999999/canned-replies/${reply.id}/fill`, {}), 404);
    const samsOwn = await add(sam, {});
    expectError(await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/canned-replies/${samsOwn.id}/fill`, {}), 404);
    expect((await listOf(olivia)).find((r) => r.id === reply.id)!.usageCount).toBe(1);

    // The operator edits it in the box, then sends: the customer's mail carries exactly that.
    const edited = text.replace('for an hour', 'for two hours');
    expect((await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { body: edited, visibility: 'public' })).statusCode).toBe(201);
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('for two hours')));
    const mail = h.smtp.to(email).find((m) => m.parsed.text?.includes('for two hours'))!;
    expect(mail.parsed.text).toContain('Hello Nina Novak,');
    expect(mail.parsed.text).toContain(ticket.publicUrl);
    expect(mail.parsed.html).toContain('for two hours');
    expect(mail.parsed.text).not.toContain('{{');
  });

  it('fills what a ticket has no name for with nothing, or with what the reply says instead', async () => {
    const email = `${unique('anon')}@example.com`;
    const ticket = await openTicket({ email });
    const reply = await add(olivia, { body: 'Hello{{#if customer.first_name}} {{customer.first_name}}{{else}} there{{/if}}, {{customer.name}}' });
    const filled = (await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/canned-replies/${reply.id}/fill`, {})).json() as { body: string };
    expect(filled.body).toBe(`Hello there, ${email}`);
  });
});
