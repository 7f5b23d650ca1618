/**
 * The spec "Ticket handling by the operator", sentence by sentence, against the real
 * API, worker, Temporal dev server, PostgreSQL and an SMTP server.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { startHarness, Harness, Session, eventually, TEST_SECRET_KEY } from './support/harness';
import { replyAddress, threadMessageId } from '../mail/threading';
import { ticketWorkflowId, ticketStateQuery } from '../workflows/ticket/definitions';

let h: Harness;
let agent: Session;

beforeAll(async () => {
  h = await startHarness();
  agent = await h.login('agent', 'Olivia Operator');
});
afterAll(() => h.close());

const uniqueEmail = (name = 'customer') => `${name}-${randomUUID().slice(0, 8)}@example.com`;

async function openTicket(customer: Record<string, string | null> = { email: uniqueEmail() }, extra: Record<string, unknown> = {}) {
  const response = await h.request(agent, 'POST', '/api/tickets', { subject: 'Printer on fire', body: 'Flames everywhere.', customer, acknowledge: true, ...extra });
  expect(response.statusCode).toBe(201);
  return response.json();
}

const ticketUrlIn = (text: string) => /http:\/\/helpdesk\.test\/t\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];

describe('Ticket sources', () => {
  it('Operators can manually create tickets for customers', async () => {
    const email = uniqueEmail();
    const ticket = await openTicket({ email, firstName: 'Ann', lastName: 'Lee', phone: '+48 600 100 200' }, { priority: 'high' });
    expect(ticket).toMatchObject({ source: 'admin', status: 'new', priority: 'high', subject: 'Printer on fire' });
    expect(ticket.contact).toEqual({ email, firstName: 'Ann', lastName: 'Lee', phone: '+48 600 100 200', externalId: null, emailVerified: true });
    expect(ticket.comments).toHaveLength(1);
    expect(ticket.comments[0]).toMatchObject({ visibility: 'public', body: 'Flames everywhere.' });
    // The ticket is a workflow named after it, holding the same state.
    const state = await h.temporal.workflow.getHandle(ticketWorkflowId(ticket.number)).query(ticketStateQuery);
    expect(state).toMatchObject({ number: ticket.number, status: 'new', priority: 'high' });
    expect(ticket.workflow.id).toBe(`ticket-${ticket.number}`);
    expect(ticket.workflow.temporalWebUrl).toContain(`/workflows/ticket-${ticket.number}`);
  });

  const publicThread = async (ticket: { publicUrl: string }) =>
    (await h.request(null, 'GET', `/api/public/tickets/${ticket.publicUrl.split('/t/')[1]}`)).json().comments as Array<{ body: string; author: { kind: string } }>;
  const mailRows = async (number: number) => h.db.sequelize.query<{ kind: string; status: string }>(
    'SELECT kind, status FROM notifications WHERE ticket_number = :number', { type: QueryTypes.SELECT, replacements: { number } });

  it("A phone call written down in New ticket is the customer's request: shown as theirs, by phone, and mailed to nobody", async () => {
    const email = uniqueEmail('caller');
    const response = await h.request(agent, 'POST', '/api/tickets', {
      subject: 'Cannot log in', body: 'She cannot log in since the update.', customer: { email },
    });
    expect(response.statusCode).toBe(201);
    const ticket = response.json();
    expect(ticket.comments).toEqual([expect.objectContaining({ visibility: 'public', channel: 'phone', author: expect.objectContaining({ kind: 'customer' }) })]);
    expect(ticket.events[0]).toMatchObject({ type: 'create', actor: { kind: 'operator', id: agent.operator.id } });
    expect(await publicThread(ticket)).toEqual([expect.objectContaining({ body: 'She cannot log in since the update.', author: expect.objectContaining({ kind: 'customer' }) })]);
    // The operator's first answer is the first mail the customer gets.
    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'We reset your password.', visibility: 'public' });
    await h.smtp.waitFor(() => h.smtp.to(email).length === 1);
    expect(h.smtp.to(email)[0]!.parsed.text).toContain('We reset your password.');
    expect((await mailRows(ticket.number)).map((r) => r.kind)).toEqual(['public_reply']);

    // Asked for, the acknowledgement goes out (in person this time), quoting nothing of it.
    const acknowledged = uniqueEmail('visitor');
    const visit = (await h.request(agent, 'POST', '/api/tickets', {
      subject: 'Broken screen', body: 'Dropped it on the counter.', customer: { email: acknowledged }, channel: 'in_person', acknowledge: true,
    })).json();
    expect(visit.comments[0]).toMatchObject({ channel: 'in_person', author: { kind: 'customer' } });
    await h.smtp.waitFor(() => h.smtp.to(acknowledged).length === 1);
    expect(h.smtp.to(acknowledged)[0]!.parsed.text).toContain('we have received your request "Broken screen"');
    expect(h.smtp.to(acknowledged)[0]!.parsed.text).not.toContain('Dropped it');
  });

  it('A message to the customer opens the ticket as the first mail of its thread, in the operator\'s words', async () => {
    const email = uniqueEmail('outbound');
    const ticket = (await h.request(agent, 'POST', '/api/tickets', {
      subject: 'Your order 77', body: 'Hello Ann, your order 77 ships on Monday.', customer: { email }, firstMessage: 'message_to_customer',
    })).json();
    expect(ticket.status).toBe('waiting');
    expect(ticket.comments).toEqual([expect.objectContaining({ visibility: 'public', author: expect.objectContaining({ kind: 'operator', id: agent.operator.id }) })]);
    await h.smtp.waitFor(() => h.smtp.to(email).length === 1);
    const [first] = h.smtp.to(email);
    expect(first!.parsed.subject).toBe(`[#${ticket.number}] Your order 77`);
    expect(first!.parsed.text).toContain('your order 77 ships on Monday.');
    expect(first!.parsed.text).not.toMatch(/received/i);
    expect(first!.parsed.headers.get('auto-submitted')).toBeUndefined();
    // Later mail answers it: one thread in the customer's mail program.
    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Tracking: 123.', visibility: 'public' });
    await h.smtp.waitFor(() => h.smtp.to(email).length === 2);
    expect(h.smtp.to(email)[1]!.parsed.inReplyTo).toBe(first!.parsed.messageId);
  });

  it('A ticket opened with an internal note shows the customer nothing and mails nobody', async () => {
    const email = uniqueEmail('noted');
    const ticket = (await h.request(agent, 'POST', '/api/tickets', {
      subject: 'Follow up', body: 'Customer is angry, handle with care.', customer: { email }, firstMessage: 'internal_note',
    })).json();
    expect(ticket.comments).toEqual([expect.objectContaining({ visibility: 'internal', body: 'Customer is angry, handle with care.' })]);
    expect(await publicThread(ticket)).toEqual([]);
    const refused = await h.request(agent, 'POST', '/api/tickets', {
      subject: 'Follow up', body: 'x', customer: { email }, firstMessage: 'internal_note', acknowledge: true,
    });
    expect(refused.statusCode).toBe(422);
    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Second note', visibility: 'internal' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(h.smtp.to(email)).toEqual([]);
    expect((await mailRows(ticket.number)).filter((r) => r.status !== 'skipped')).toEqual([]);
  });
});

describe('Public link', () => {
  it('Rotate public link: the old link stops working at once and the next mail carries the new one', async () => {
    const email = uniqueEmail('rotate');
    const ticket = await openTicket({ email });
    const oldToken = ticket.publicUrl.split('/t/')[1];
    expect((await h.request(null, 'GET', `/api/public/tickets/${oldToken}`)).statusCode).toBe(200);
    const rotated = await h.request(agent, 'POST', `/api/tickets/${ticket.number}/public-link`);
    expect(rotated.statusCode).toBe(200);
    const newUrl = rotated.json().publicUrl as string;
    expect(newUrl).not.toBe(ticket.publicUrl);
    expect(rotated.json().events.at(-1)).toMatchObject({ type: 'rotate_public_link', actor: { kind: 'operator', id: agent.operator.id } });
    expect((await h.request(null, 'GET', `/api/public/tickets/${oldToken}`)).statusCode).toBe(404);
    expect((await h.request(null, 'POST', `/api/public/tickets/${oldToken}/comments`, { body: 'Still me?' })).statusCode).toBe(404);
    expect((await h.request(null, 'GET', `/api/public/tickets/${newUrl.split('/t/')[1]}`)).statusCode).toBe(200);
    expect((await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json().publicUrl).toBe(newUrl);

    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Here is your new link.', visibility: 'public' });
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('Here is your new link.')));
    const reply = h.smtp.to(email).find((m) => m.parsed.text?.includes('Here is your new link.'))!;
    expect(ticketUrlIn(reply.parsed.text!)).toBe(newUrl);
    expect(reply.raw).not.toContain(oldToken);
  });
});

describe('Customer information', () => {
  it('Contact Information - email, phone, first name, and last name', async () => {
    const email = uniqueEmail();
    const { number } = await openTicket({ email, phone: '+1 555 0100', firstName: 'Zoë', lastName: "O'Brien" });
    const detail = (await h.request(agent, 'GET', `/api/tickets/${number}`)).json();
    expect(detail.customerPanel.contact).toEqual({ email, phone: '+1 555 0100', firstName: 'Zoë', lastName: "O'Brien", externalId: null, emailVerified: true });
  });

  it('CRM Association - if the customer exists in the CRM database, the ticket is automatically linked', async () => {
    const email = uniqueEmail('crm');
    const customer = (await h.request(agent, 'POST', '/api/customers', { email, firstName: 'Carla', company: 'ACME' })).json();
    // Matched case-insensitively; the ticket keeps the address as the customer typed it.
    const typed = email.toUpperCase();
    const { number } = await openTicket({ email: typed });
    const detail = await eventually(async () => {
      const d = (await h.request(agent, 'GET', `/api/tickets/${number}`)).json();
      return d.customerId !== null && d;
    });
    expect(detail.customerId).toBe(customer.id);
    expect(detail.customerPanel.crm).toMatchObject({ id: customer.id, company: 'ACME' });
    expect(detail.contact.email).toBe(typed);
    expect(detail.events.map((e: { type: string }) => e.type)).toContain('link_customer');
  });

  it('External ID - matching by the external identifier comes before the email', async () => {
    const externalId = `ext-${randomUUID()}`;
    const byExternal = (await h.request(agent, 'POST', '/api/customers', { externalId, lastName: 'External' })).json();
    const email = uniqueEmail();
    await h.request(agent, 'POST', '/api/customers', { email, lastName: 'ByEmail' });
    const { number } = await openTicket({ email, externalId });
    const detail = await eventually(async () => {
      const d = (await h.request(agent, 'GET', `/api/tickets/${number}`)).json();
      return d.customerId !== null && d;
    });
    expect(detail.customerId).toBe(byExternal.id);
    expect(detail.customerPanel.externalId).toBe(externalId);
  });

  it('A customer not in the CRM stays unlinked', async () => {
    const { number } = await openTicket({ email: uniqueEmail('nobody') });
    const detail = (await h.request(agent, 'GET', `/api/tickets/${number}`)).json();
    expect(detail.customerId).toBeNull();
    expect(detail.customerPanel.crm).toBeNull();
  });

  it('Ticket History - previous tickets from this customer', async () => {
    const email = uniqueEmail('regular');
    const first = await openTicket({ email });
    const second = await openTicket({ email: email.toUpperCase() });
    const third = await openTicket({ email });
    const detail = (await h.request(agent, 'GET', `/api/tickets/${third.number}`)).json();
    expect(detail.customerPanel.previousTickets.map((t: { number: number }) => t.number).sort()).toEqual([first.number, second.number].sort());

    // Linking a CRM record adds that customer's tickets; the ones by address stay.
    const other = await openTicket({ email: uniqueEmail('regular-work') });
    const customer = (await h.request(agent, 'POST', '/api/customers', { email: uniqueEmail('regular-crm'), lastName: 'Regular' })).json();
    await h.request(agent, 'PATCH', `/api/tickets/${other.number}`, { customerId: customer.id });
    await h.request(agent, 'PATCH', `/api/tickets/${third.number}`, { customerId: customer.id });
    const linked = (await h.request(agent, 'GET', `/api/tickets/${third.number}`)).json();
    expect(linked.customerPanel.previousTickets.map((t: { number: number }) => t.number).sort()).toEqual([first.number, second.number, other.number].sort());
  });
});

describe('Ticket handling', () => {
  it('Assign the ticket to yourself or the appropriate operator; set the appropriate status and priority', async () => {
    const other = await h.login('agent', 'Second Operator');
    const { number } = await openTicket();
    let response = await h.request(agent, 'PATCH', `/api/tickets/${number}`, { assigneeId: agent.operator.id, status: 'in_progress', priority: 'urgent' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ assignee: { id: agent.operator.id, name: 'Olivia Operator' }, status: 'in_progress', priority: 'urgent' });
    response = await h.request(agent, 'PATCH', `/api/tickets/${number}`, { assigneeId: other.operator.id });
    expect(response.json().assignee).toEqual({ id: other.operator.id, name: 'Second Operator' });
    response = await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'waiting' });
    expect(response.json().status).toBe('waiting');
    const events = response.json().events.map((e: { type: string; actor: { id: number } }) => [e.type, e.actor.id]);
    expect(events).toEqual([
      ['create', agent.operator.id],
      ['assign', agent.operator.id],
      ['set_priority', agent.operator.id],
      ['set_status', agent.operator.id],
      ['assign', agent.operator.id],
      ['set_status', agent.operator.id],
    ]);
    const row = await h.db.Ticket.findByPk(number);
    expect(row).toMatchObject({ status: 'waiting', priority: 'urgent', assigneeId: other.operator.id });
  });

  it('Add internal comments (invisible to the customer) to notes', async () => {
    const email = uniqueEmail();
    const ticket = await openTicket({ email });
    await h.smtp.waitFor(() => h.smtp.to(email).length === 1);
    const secret = `internal-${randomUUID()}`;
    const response = await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: secret, visibility: 'internal' });
    expect(response.statusCode).toBe(201);
    expect(response.json().comment).toMatchObject({ visibility: 'internal', body: secret, author: { id: agent.operator.id } });
    const publicView = await h.request(null, 'GET', `/api/public/tickets/${ticketUrlIn(h.smtp.to(email)[0]!.parsed.text!)!.split('/t/')[1]}`);
    expect(publicView.statusCode).toBe(200);
    expect(publicView.body).not.toContain(secret);
    // A public reply after it proves the mail queue ran past the note without mailing it.
    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'We are on it.', visibility: 'public' });
    await h.smtp.waitFor(() => h.smtp.to(email).length === 2);
    expect(h.smtp.to(email).map((m) => m.raw).join('\n')).not.toContain(secret);
  });

  it('Respond to the customer through public comments; the customer will receive an email notification about the new response', async () => {
    const email = uniqueEmail();
    const ticket = await openTicket({ email, firstName: 'Ann' });
    const response = await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Please unplug it.', visibility: 'public' });
    expect(response.statusCode).toBe(201);
    expect(response.json().ticket.status).toBe('in_progress');
    await h.smtp.waitFor(() => h.smtp.to(email).length === 2);
    const reply = h.smtp.to(email).find((m) => m.parsed.text?.includes('Please unplug it.'))!;
    expect(reply.parsed.subject).toBe(`[#${ticket.number}] Printer on fire`);
    expect(reply.parsed.text).toContain('Olivia Operator');
    // Threaded under the acknowledgement; answers go to the ticket's signed address.
    const acknowledgement = h.smtp.to(email).find((m) => m !== reply)!;
    expect(reply.parsed.inReplyTo).toBe(acknowledgement.parsed.messageId);
    expect(acknowledgement.parsed.messageId).toBe(threadMessageId(ticket.number, 'helpdesk.test', TEST_SECRET_KEY));
    expect(reply.parsed.replyTo?.value[0]?.address).toBe(replyAddress('support@helpdesk.test', ticket.number, TEST_SECRET_KEY));
    expect(ticketUrlIn(reply.parsed.text!)).toBe(ticket.publicUrl);
  });

  it('Each ticket has a unique public link; it is sent in email notifications ({{ticket_url}}) and can be copied from the ticket view', async () => {
    const email = uniqueEmail();
    const a = await openTicket({ email });
    const b = await openTicket({ email });
    expect(a.publicUrl).not.toBe(b.publicUrl);
    await h.smtp.waitFor(() => h.smtp.to(email).length === 2);
    const acknowledgement = h.smtp.to(email).find((m) => m.parsed.subject === `[#${a.number}] Printer on fire`)!;
    expect(ticketUrlIn(acknowledgement.parsed.text!)).toBe(a.publicUrl);
    expect(acknowledgement.parsed.html).toContain(a.publicUrl);
    expect(acknowledgement.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    const copied = (await h.request(agent, 'GET', `/api/tickets/${a.number}`)).json().publicUrl;
    expect(copied).toBe(a.publicUrl);
  });

  it('The link allows the customer to view the status and history without logging in, add comments, and track progress', async () => {
    const ticket = await openTicket();
    const token = ticket.publicUrl.split('/t/')[1];
    await h.request(agent, 'POST', `/api/tickets/${ticket.number}/comments`, { body: 'Which model is it?', visibility: 'public' });
    const answer = await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: 'A LaserJet 4.' });
    expect(answer.statusCode).toBe(201);
    const view = (await h.request(null, 'GET', `/api/public/tickets/${token}`)).json();
    expect(view).toMatchObject({ number: ticket.number, status: 'in_progress', statusLabel: 'In Progress' });
    // The operator typed the request in for the customer, so it shows as theirs.
    expect(view.comments.map((c: { author: { kind: string }; body: string }) => [c.author.kind, c.body])).toEqual([
      ['customer', 'Flames everywhere.'],
      ['operator', 'Which model is it?'],
      ['customer', 'A LaserJet 4.'],
    ]);
  });

  it('After resolving the issue, change the status to "Closed"; the customer can reopen the ticket through the link', async () => {
    const email = uniqueEmail();
    const ticket = await openTicket({ email });
    await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { assigneeId: agent.operator.id });
    const closed = await h.request(agent, 'PATCH', `/api/tickets/${ticket.number}`, { status: 'closed' });
    expect(closed.json()).toMatchObject({ status: 'closed' });
    expect(closed.json().closedAt).not.toBeNull();
    await h.smtp.waitFor(() => h.smtp.to(email).some((m) => m.parsed.text?.includes('has been closed')));
    const token = ticket.publicUrl.split('/t/')[1];
    await h.request(null, 'POST', `/api/public/tickets/${token}/comments`, { body: 'It is burning again.' });
    const reopened = (await h.request(agent, 'GET', `/api/tickets/${ticket.number}`)).json();
    expect(reopened).toMatchObject({ status: 'in_progress', closedAt: null });
    // The assignee hears about the answer.
    await h.smtp.waitFor(() => h.smtp.to(agent.operator.email).some((m) => m.parsed.text?.includes('It is burning again.')));
  });

  it('You can also manually assign a customer by editing the ticket, and unlink it', async () => {
    const { number } = await openTicket({ email: uniqueEmail() });
    const customer = (await h.request(agent, 'POST', '/api/customers', { email: uniqueEmail('manual'), lastName: 'Manual' })).json();
    const linked = await h.request(agent, 'PATCH', `/api/tickets/${number}`, { customerId: customer.id });
    expect(linked.json().customerPanel.crm.id).toBe(customer.id);
    const customerPage = (await h.request(agent, 'GET', `/api/customers/${customer.id}`)).json();
    expect(customerPage.tickets.map((t: { number: number }) => t.number)).toEqual([number]);
    const unlinked = await h.request(agent, 'PATCH', `/api/tickets/${number}`, { customerId: null });
    expect(unlinked.json().customerPanel.crm).toBeNull();
  });
});

describe('Ticket statuses', () => {
  it('New, In Progress, Waiting, Closed: a ticket moves through all four and the list filters by each', async () => {
    const email = uniqueEmail('statuses');
    const { number } = await openTicket({ email });
    for (const status of ['in_progress', 'waiting', 'closed'] as const) {
      expect((await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status })).json().status).toBe(status);
    }
    const list = (await h.request(agent, 'GET', `/api/tickets?status=closed&q=${encodeURIComponent(email)}`)).json();
    expect(list.items.map((t: { number: number }) => t.number)).toEqual([number]);
    expect(list.countsByStatus).toMatchObject({ new: 0, in_progress: 0, waiting: 0, closed: 1 });
  });

  it('search finds a ticket by a word starting its subject, a comment or the customer, and by number', async () => {
    const word = `zq${randomUUID().slice(0, 8)}`;
    const bySubject = await openTicket({ email: uniqueEmail() }, { subject: `Broken ${word}subject` });
    const byComment = await openTicket({ email: uniqueEmail() });
    await h.request(agent, 'POST', `/api/tickets/${byComment.number}/comments`, { body: `Found it: ${word}comment`, visibility: 'internal' });
    const byCustomer = await openTicket({ email: uniqueEmail(), lastName: `${word}name` });
    const search = async (q: string) => (await h.request(agent, 'GET', `/api/tickets?sort=number_asc&q=${encodeURIComponent(q)}`)).json();
    expect((await search(word)).items.map((t: { number: number }) => t.number)).toEqual([bySubject.number, byComment.number, byCustomer.number]);
    expect((await search(`${word}comment`)).items.map((t: { number: number }) => t.number)).toEqual([byComment.number]);
    expect((await search(`#${bySubject.number}`)).items.map((t: { number: number }) => t.number)).toEqual([bySubject.number]);
    expect((await search(`${word} nothing-else-matches`)).total).toBe(0);
  });

  it('the list takes several statuses at once ("All open")', async () => {
    const email = uniqueEmail('open-view');
    const fresh = await openTicket({ email });
    const waiting = await openTicket({ email });
    const closed = await openTicket({ email });
    await h.request(agent, 'PATCH', `/api/tickets/${waiting.number}`, { status: 'waiting' });
    await h.request(agent, 'PATCH', `/api/tickets/${closed.number}`, { status: 'closed' });
    const open = (await h.request(agent, 'GET', `/api/tickets?status=new&status=in_progress&status=waiting&sort=number_asc&q=${encodeURIComponent(email)}`)).json();
    expect(open.items.map((t: { number: number }) => t.number)).toEqual([fresh.number, waiting.number]);
    expect(open.total).toBe(2);
  });

  it('an invalid transition is refused with the reason', async () => {
    const { number } = await openTicket();
    await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'in_progress' });
    const back = await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'new' });
    expect(back.statusCode).toBe(409);
    expect(back.json()).toMatchObject({ error: 'invalid_transition' });
    expect(back.json().message).toMatch(/New/);
    await h.request(agent, 'PATCH', `/api/tickets/${number}`, { status: 'closed' });
    const reply = await h.request(agent, 'POST', `/api/tickets/${number}/comments`, { body: 'late', visibility: 'public' });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().error).toBe('ticket_closed');
  });
});
