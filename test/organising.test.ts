/**
 * Organising the work: tags (with Temporal's TicketTags), who is owed a reply, unread
 * tickets, saved views with their counts, and bulk changes, each ticket's change its own
 * update of its workflow.
 */
import { randomUUID } from 'node:crypto';
import { msToTs } from '@temporalio/common/lib/time';
import { startHarness, Harness, Session, eventually, expectError } from './support/harness';
import { SEARCH_ATTRIBUTES, ticketWorkflowId } from '../workflows/ticket/definitions';
import { ensureSearchAttributes } from '../workflows/ticket/search-attributes';

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

/** A tag no other test (or earlier run in this database) uses. */
const unique = (what: string) => `${what}-${randomUUID().slice(0, 6)}`;

interface Ticket { number: number; tags: string[]; needsReply: boolean; unread: boolean; status: string; lastCustomerMessageAt: string | null; events: Array<{ type: string; changes: Record<string, { from: unknown; to: unknown }> }> }
interface Page { items: Ticket[]; total: number }

async function openTicket(session: Session, extra: Record<string, unknown> = {}): Promise<Ticket> {
  const response = await h.request(session, 'POST', '/api/tickets', {
    subject: 'Invoice shows the wrong VAT', body: 'My invoice says 19 %, it should be 7 %.',
    customer: { email: `${randomUUID().slice(0, 8)}@customer.test` }, ...extra,
  });
  expect(response.statusCode).toBe(201);
  return response.json() as Ticket;
}
const get = async (session: Session, number: number) => (await h.request(session, 'GET', `/api/tickets/${number}`)).json() as Ticket;
const list = async (session: Session, query: string) => {
  const response = await h.request(session, 'GET', `/api/tickets?${query}`);
  expect(response.statusCode).toBe(200);
  return response.json() as Page;
};

async function taggedInTemporal(number: number, tag: string): Promise<boolean> {
  for await (const run of h.temporal.workflow.list({ query: `TicketTags = '${tag}' AND WorkflowId = '${ticketWorkflowId(number)}'` })) if (run) return true;
  return false;
}

describe('Tags', () => {
  it('are put on and taken off one way spelled, shown in the history, filtered by, and searchable in Temporal as TicketTags', async () => {
    const billing = unique('billing');
    const vip = unique('vip');
    const ticket = await openTicket(olivia, { tags: [billing.toUpperCase()] });
    expect(ticket.tags).toEqual([billing]);

    const tagged = await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { addTags: [` ${vip} `, billing] });
    expect(tagged.statusCode).toBe(200);
    expect((tagged.json() as Ticket).tags).toEqual([billing, vip]);
    const event = (tagged.json() as Ticket).events.at(-1)!;
    expect(event).toMatchObject({ type: 'tag', changes: { tags: { from: [billing], to: [billing, vip] } } });

    // Filtered by every tag given; another ticket with one of them only is left out.
    const other = await openTicket(sam, { tags: [vip] });
    expect((await list(olivia, `tag=${vip}`)).items.map((t) => t.number).sort()).toEqual([ticket.number, other.number].sort());
    expect((await list(olivia, `tag=${vip}&tag=${billing.toUpperCase()}`)).items.map((t) => t.number)).toEqual([ticket.number]);

    await eventually(() => taggedInTemporal(ticket.number, vip), 20_000, 'TicketTags in Temporal visibility');

    // Taking the last one off clears them, and the search attribute with them.
    const cleared = await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { tags: [] });
    expect((cleared.json() as Ticket).tags).toEqual([]);
    await eventually(async () => !(await taggedInTemporal(ticket.number, vip)), 20_000, 'TicketTags cleared');
    expect((await list(olivia, `tag=${billing}`)).total).toBe(0);
  });

  it('a namespace without TicketTags (a deployment upgraded) gets it before the worker takes tickets', async () => {
    const namespace = unique('upgraded');
    const { connection } = h;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const added = await eventually(() => ensureSearchAttributes(connection, namespace).catch(() => null), 30_000, 'the new namespace to answer');
    expect(added.sort()).toEqual(Object.values(SEARCH_ATTRIBUTES).map((key) => key.name).sort());
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(['TicketTags', 'TicketNumber']));
    expect(await ensureSearchAttributes(connection, namespace)).toEqual([]);
  });

  it('refuses what is not a tag with a 422 saying so, and more than twenty', async () => {
    const ticket = await openTicket(olivia);
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { addTags: ['a,b'] }), 422, 'invalid_input');
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { addTags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 400);
    const twenty = Array.from({ length: 20 }, (_, i) => unique(`t${i}`));
    expect((await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { tags: twenty })).statusCode).toBe(200);
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { addTags: ['one-more'] }), 422, 'invalid_input');
  });

  it('are listed for autocomplete with their open tickets, and coloured by admins only', async () => {
    const prefix = unique('refund');
    await openTicket(olivia, { tags: [`${prefix}-partial`] });
    await openTicket(olivia, { tags: [`${prefix}-full`, `${prefix}-partial`] });
    const found = (await h.request(sam, 'GET', `/api/tags?q=${prefix}`)).json() as Array<{ name: string; colour: string; openTickets: number }>;
    expect(found).toEqual([
      { name: `${prefix}-partial`, colour: 'gray', openTickets: 2 },
      { name: `${prefix}-full`, colour: 'gray', openTickets: 1 },
    ]);
    expectError(await h.request(olivia, 'PUT', `/api/tags/${prefix}-full`, { colour: 'red' }), 403);
    expectError(await h.request(admin, 'PUT', `/api/tags/${prefix}-full`, { colour: 'url(javascript:x)' }), 400);
    expect((await h.request(admin, 'PUT', `/api/tags/${prefix}-full`, { colour: 'red' })).json()).toEqual({ name: `${prefix}-full`, colour: 'red', openTickets: 1 });
    const again = (await h.request(sam, 'GET', `/api/tags?q=${prefix}-f`)).json() as Array<{ name: string; colour: string }>;
    expect(again).toEqual([{ name: `${prefix}-full`, colour: 'red', openTickets: 1 }]);
  });
});

describe('Needs reply and unread', () => {
  it("a customer's message makes a reply due and the ticket unread for those who have not opened it since; a public reply answers it", async () => {
    const tag = unique('unread');
    const ticket = await openTicket(olivia, { tags: [tag] });
    // Olivia wrote the request down: read for her, unread for Sam; a reply is due.
    expect((await list(olivia, `tag=${tag}`)).items[0]).toMatchObject({ needsReply: true, unread: false });
    expect((await list(sam, `tag=${tag}`)).items[0]).toMatchObject({ needsReply: true, unread: true });
    expect((await list(sam, `tag=${tag}&unread=true`)).total).toBe(1);
    expect((await list(olivia, `tag=${tag}&unread=true`)).total).toBe(0);

    const shown = await get(sam, ticket.number);
    expect((await h.request(sam, 'PUT', `/api/tickets/${ticket.number}/read`, { upTo: shown.lastCustomerMessageAt })).statusCode).toBe(204);
    expect((await list(sam, `tag=${tag}`)).items[0]).toMatchObject({ unread: false });

    const reply = await h.request(sam, 'POST', `/api/tickets/${ticket.number}/comments`, { visibility: 'public', body: 'We will send a corrected invoice.' });
    expect(reply.statusCode).toBe(201);
    expect((await list(sam, `tag=${tag}&needsReply=true`)).total).toBe(0);
    expect((await list(sam, `tag=${tag}&needsReply=false`)).total).toBe(1);

    // The customer answers through the public link: due again, and unread for both.
    const publicUrl = (await h.request(sam, 'GET', `/api/tickets/${ticket.number}`)).json().publicUrl as string;
    const answer = await h.request(null, 'POST', `/api/public/tickets/${publicUrl.split('/t/')[1]}/comments`, { body: 'Thank you, but I need it by Friday.' });
    expect(answer.statusCode).toBe(201);
    const after = await list(sam, `tag=${tag}`);
    expect(after.items[0]).toMatchObject({ needsReply: true, unread: true });
    expect((await list(olivia, `tag=${tag}`)).items[0]).toMatchObject({ unread: true });

    // Marking unread again is one's own business.
    await h.request(olivia, 'PUT', `/api/tickets/${ticket.number}/read`, {});
    expect((await list(olivia, `tag=${tag}`)).items[0]).toMatchObject({ unread: false });
    expect((await h.request(olivia, 'DELETE', `/api/tickets/${ticket.number}/read`)).statusCode).toBe(204);
    expect((await list(olivia, `tag=${tag}`)).items[0]).toMatchObject({ unread: true });
    expect((await list(sam, `tag=${tag}`)).items[0]).toMatchObject({ unread: true });
  });
});

describe('Saved views', () => {
  interface View { id: number; name: string; shared: boolean; filters: Record<string, unknown>; columns: string[] }
  const counts = async (session: Session) => ((await h.request(session, 'GET', '/api/views/counts')).json() as { counts: Record<string, number> }).counts;

  it("are an operator's own or the team's (kept by admins), counted for each reader, and follow the tickets as they change", async () => {
    const tag = unique('enterprise');
    const mine = await h.request(olivia, 'POST', '/api/views', {
      name: unique('My enterprise'), filters: { tag: [tag.toUpperCase()], assignee: 'me', status: ['new', 'in_progress', 'waiting'] }, sort: 'created_asc', columns: ['number', 'subject', 'tags'],
    });
    expect(mine.statusCode).toBe(201);
    const own = mine.json() as View;
    expect(own).toMatchObject({ shared: false, filters: { tag: [tag], assignee: 'me' }, columns: ['number', 'subject', 'tags'] });
    expectError(await h.request(olivia, 'POST', '/api/views', { name: own.name, filters: {} }), 409, 'name_taken');
    expectError(await h.request(olivia, 'POST', '/api/views', { name: 'For all', shared: true, filters: {} }), 403);
    const team = (await h.request(admin, 'POST', '/api/views', { name: unique('Enterprise'), shared: true, filters: { tag: [tag] } })).json() as View;

    const viewsOf = async (session: Session) => ((await h.request(session, 'GET', '/api/views')).json() as { saved: View[]; builtIn: Array<{ key: string }> });
    expect((await viewsOf(sam)).saved.map((v) => v.id)).toContain(team.id);
    expect((await viewsOf(sam)).saved.map((v) => v.id)).not.toContain(own.id);
    expect((await viewsOf(sam)).builtIn.map((v) => v.key)).toEqual(expect.arrayContaining(['mine', 'unassigned', 'needsReply', 'open', 'all']));
    expectError(await h.request(sam, 'PATCH', `/api/views/${own.id}`, { name: 'Taken over' }), 404);
    expectError(await h.request(sam, 'PATCH', `/api/views/${team.id}`, { name: 'Renamed' }), 403);

    expect((await counts(olivia))[`saved:${own.id}`]).toBe(0);
    const first = await openTicket(olivia, { tags: [tag], assigneeId: olivia.operator.id });
    await openTicket(olivia, { tags: [tag], assigneeId: sam.operator.id });
    // "me" is whoever reads: the team's view counts both, Olivia's own counts hers.
    expect((await counts(olivia))[`saved:${own.id}`]).toBe(1);
    expect((await counts(sam))[`saved:${team.id}`]).toBe(2);
    expect((await counts(sam))[`saved:${own.id}`]).toBeUndefined();

    await h.request(olivia, 'PATCH', `/api/tickets/${first.number}`, { status: 'closed' });
    expect((await counts(olivia))[`saved:${own.id}`]).toBe(0);

    const changed = await h.request(olivia, 'PATCH', `/api/views/${own.id}`, { filters: { tag: [tag] } });
    expect((changed.json() as View).filters).toEqual({ tag: [tag] });
    expect((await counts(olivia))[`saved:${own.id}`]).toBe(2);
    expect((await h.request(olivia, 'DELETE', `/api/views/${own.id}`)).statusCode).toBe(204);
    expect((await counts(olivia))[`saved:${own.id}`]).toBeUndefined();
  });

  it('count the built-in views as their lists do', async () => {
    const [c, mine, open] = await Promise.all([counts(sam), list(sam, 'assignee=me&status=new&status=in_progress&status=waiting'), list(sam, 'status=new&status=in_progress&status=waiting')]);
    expect(c.mine).toBe(mine.total);
    expect(c.open).toBe(open.total);
  });
});

describe('Bulk changes', () => {
  it('change 500 tickets in one request, each its own audited change; a refusal is listed and the rest applied; a repeat changes nothing twice', async () => {
    const tag = unique('bulk');
    const numbers: number[] = [];
    while (numbers.length < 500) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => openTicket(sam, { tags: [tag] })));
      numbers.push(...batch.map((t) => t.number));
    }
    const closed = numbers[7]!;
    await h.request(sam, 'PATCH', `/api/tickets/${closed}`, { status: 'closed' });

    const key = randomUUID();
    const started = Date.now();
    const response = await h.request(olivia, 'POST', '/api/tickets/bulk', {
      numbers: [...numbers, 99_999_999].slice(-500), changes: { assigneeId: olivia.operator.id, priority: 'high', addTags: ['reviewed'] },
    }, { 'idempotency-key': key });
    expect(response.statusCode).toBe(200);
    const result = response.json() as { applied: number; refused: number; results: Array<{ number: number; ok: boolean; error?: string; changed: boolean }> };
    expect(result.results).toHaveLength(500);
    expect(result.results.at(-1)).toMatchObject({ number: 99_999_999, ok: false, error: 'not_found' });
    expect(result.applied).toBe(499);
    console.log(`bulk change of 500 tickets: ${Date.now() - started} ms`);

    const page = await list(olivia, `tag=${tag}&tag=reviewed&assignee=me&priority=high&pageSize=100`);
    expect(page.total).toBe(499);
    const one = await get(olivia, numbers[100]!);
    expect(one.events.filter((e) => e.type === 'assign' || e.type === 'set_priority' || e.type === 'tag')).toHaveLength(3);

    // A status the rules refuse for some: those are listed with the reason, the rest applied.
    await h.request(olivia, 'PATCH', `/api/tickets/${numbers[8]}`, { status: 'in_progress' });
    const refusing = await h.request(olivia, 'POST', '/api/tickets/bulk', { numbers: [closed, numbers[8]!], changes: { status: 'new' } });
    const outcome = refusing.json() as typeof result;
    // A closed ticket may be reopened as New; one being handled may not go back to it.
    expect(outcome).toMatchObject({ applied: 1, refused: 1 });
    expect(outcome.results).toEqual([
      { number: closed, ok: true, changed: true },
      expect.objectContaining({ number: numbers[8], ok: false, error: 'invalid_transition' }),
    ]);

    // The same request again (a retry) changes nothing twice.
    const again = await h.request(olivia, 'POST', '/api/tickets/bulk', {
      numbers: [...numbers, 99_999_999].slice(-500), changes: { assigneeId: olivia.operator.id, priority: 'high', addTags: ['reviewed'] },
    }, { 'idempotency-key': key });
    expect((again.json() as typeof result).applied).toBe(499);
    expect((await get(olivia, numbers[100]!)).events).toHaveLength(one.events.length);
  }, 240_000);
});

describe('Custom fields', () => {
  const key = (what: string) => `${what}_${randomUUID().slice(0, 6).replace(/-/g, '')}`;

  it('admins define them; operators set them on tickets (typed, or refused with a reason), filter by them and save views of them', async () => {
    const [plan, seats, areas] = [key('plan'), key('seats'), key('areas')];
    expectError(await h.request(olivia, 'POST', '/api/ticket-fields', { key: plan, label: 'Plan', type: 'select', options: ['free', 'pro'] }), 403);
    expect((await h.request(admin, 'POST', '/api/ticket-fields', { key: plan, label: 'Plan', type: 'select', options: ['free', 'pro'], widget: true })).statusCode).toBe(201);
    expect((await h.request(admin, 'POST', '/api/ticket-fields', { key: seats, label: 'Seats', type: 'number' })).statusCode).toBe(201);
    expect((await h.request(admin, 'POST', '/api/ticket-fields', { key: areas, label: 'Product areas', type: 'multiselect', options: ['api', 'billing', 'mobile'] })).statusCode).toBe(201);
    expectError(await h.request(admin, 'POST', '/api/ticket-fields', { key: plan, label: 'Again', type: 'text' }), 409, 'key_taken');
    expectError(await h.request(admin, 'POST', '/api/ticket-fields', { key: 'Bad Key', label: 'Bad', type: 'text' }), 422);
    expectError(await h.request(admin, 'POST', '/api/ticket-fields', { key: key('empty'), label: 'No choices', type: 'select', options: [] }), 422);

    const ticket = await openTicket(olivia, { fields: { [plan]: 'pro', [seats]: '12' } });
    expect((await get(olivia, ticket.number) as unknown as { fields: unknown }).fields).toEqual({ [plan]: 'pro', [seats]: 12 });
    const changed = await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { fields: { [areas]: ['billing', 'api'], [seats]: null } });
    expect(changed.statusCode).toBe(200);
    const after = changed.json() as Ticket & { fields: Record<string, unknown> };
    expect(after.fields).toEqual({ [plan]: 'pro', [areas]: ['billing', 'api'] });
    expect(after.events.at(-1)).toMatchObject({ type: 'set_fields', changes: { [`field:${areas}`]: { from: null, to: ['billing', 'api'] }, [`field:${seats}`]: { from: 12, to: null } } });
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { fields: { [plan]: 'enterprise' } }), 422);
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { fields: { [seats]: 'many' } }), 422);
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { fields: { nobody_defined: 'x' } }), 422);

    await openTicket(olivia, { fields: { [plan]: 'free', [areas]: ['api'] } });
    expect((await list(olivia, `field=${plan}:pro`)).items.map((t) => t.number)).toEqual([ticket.number]);
    expect((await list(olivia, `field=${areas}:api`)).total).toBe(2);
    expect((await list(olivia, `field=${areas}:api&field=${areas}:billing`)).total).toBe(1);
    expectError(await h.request(olivia, 'GET', `/api/tickets?field=${plan}:gold`), 422);

    const saved = await h.request(olivia, 'POST', '/api/views', { name: key('Pro customers'), filters: { field: [`${plan}:pro`] } });
    expect(saved.statusCode).toBe(201);
    const counts = (await h.request(olivia, 'GET', '/api/views/counts')).json().counts as Record<string, number>;
    expect(counts[`saved:${(saved.json() as { id: number }).id}`]).toBe(1);

    // Retired: no longer offered nor settable; the values on tickets stay.
    expect((await h.request(admin, 'PATCH', `/api/ticket-fields/${plan}`, { active: false })).json()).toMatchObject({ active: false });
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${ticket.number}`, { fields: { [plan]: 'free' } }), 422);
    expect(((await get(olivia, ticket.number)) as unknown as { fields: Record<string, unknown> }).fields[plan]).toBe('pro');
  });

  it('the website sets those an admin let it, through the widget; others and values a field does not take are left out', async () => {
    const [plan, risk, seats] = [key('wplan'), key('risk'), key('wseats')];
    await h.request(admin, 'POST', '/api/ticket-fields', { key: plan, label: 'Plan', type: 'select', options: ['free', 'pro'], widget: true });
    await h.request(admin, 'POST', '/api/ticket-fields', { key: risk, label: 'Churn risk', type: 'select', options: ['low', 'high'] });
    await h.request(admin, 'POST', '/api/ticket-fields', { key: seats, label: 'Seats', type: 'number', widget: true });
    const opened = await h.app.inject({
      method: 'POST', url: '/api/widget/tickets', remoteAddress: '127.9.0.1',
      payload: {
        firstName: 'Wanda', lastName: 'Web', email: `${randomUUID().slice(0, 8)}@customer.test`, subject: 'Upgrade question', message: 'How do I add seats?',
        fields: { [plan]: 'pro', [risk]: 'low', [seats]: 'many', unknown_field: 'x' },
      },
    });
    expect(opened.statusCode).toBe(201);
    const ticket = (await get(olivia, (opened.json() as { number: number }).number)) as unknown as { fields: Record<string, unknown> };
    expect(ticket.fields).toEqual({ [plan]: 'pro' });
  });
});

describe('Merge and split', () => {
  interface Comment { id: string; body: string; author: { kind: string }; mergedFrom: number | null; movedTo: number | null }
  interface Detail extends Ticket { comments: Comment[]; publicUrl: string; mergedInto: number | null; splitFrom: number | null; commentCount: number }
  const detail = async (number: number) => (await h.request(olivia, 'GET', `/api/tickets/${number}`)).json() as Detail;
  const tokenOf = (publicUrl: string) => publicUrl.split('/t/')[1]!;

  it("merges a ticket into another of the same customer: its thread reads there, marked; its link shows that one; the customer's answer lands there", async () => {
    const email = `${randomUUID().slice(0, 8)}@customer.test`;
    const target = await openTicket(olivia, { subject: 'Invoice 1042 is wrong', body: 'The VAT is wrong.', customer: { email } });
    const source = await openTicket(sam, { subject: 'Re: invoice', body: 'Also the address is wrong.', customer: { email: email.toUpperCase() } });
    await h.request(sam, 'POST', `/api/tickets/${source.number}/comments`, { visibility: 'public', body: 'We are on it.' });
    const sourceLink = (await detail(source.number)).publicUrl;

    const merged = await h.request(olivia, 'POST', `/api/tickets/${source.number}/merge`, { into: target.number });
    expect(merged.statusCode).toBe(200);
    const onTarget = merged.json() as Detail;
    expect(onTarget.number).toBe(target.number);
    expect(onTarget.comments.map((c) => [c.body, c.mergedFrom])).toEqual([
      ['The VAT is wrong.', null], ['Also the address is wrong.', source.number], [expect.stringContaining('We are on it.'), source.number],
    ]);
    expect(onTarget.events.at(-1)).toMatchObject({ type: 'merged_from', changes: { mergedFrom: { to: source.number } } });
    const gone = await detail(source.number);
    expect(gone).toMatchObject({ status: 'closed', mergedInto: target.number });

    // Nothing more happens to the merged one: it says where to go.
    expectError(await h.request(olivia, 'PATCH', `/api/tickets/${source.number}`, { priority: 'high' }), 409, 'merged');
    expectError(await h.request(olivia, 'POST', `/api/tickets/${source.number}/merge`, { into: target.number }), 409, 'merged');

    // The old link shows the ticket it went into, with its thread; an answer through it lands there.
    const page = (await h.request(null, 'GET', `/api/public/tickets/${tokenOf(sourceLink)}`)).json() as { number: number; comments: Array<{ body: string }> };
    expect(page.number).toBe(target.number);
    expect(page.comments.map((c) => c.body)).toEqual(expect.arrayContaining(['The VAT is wrong.', 'Also the address is wrong.']));
    const answer = await h.request(null, 'POST', `/api/public/tickets/${tokenOf(sourceLink)}/comments`, { body: 'Any news?' });
    expect(answer.statusCode).toBe(201);
    const after = await detail(target.number);
    expect(after.comments.at(-1)).toMatchObject({ body: 'Any news?', mergedFrom: null });
    expect(after.needsReply).toBe(true);
  });

  it("refuses to merge one customer's ticket into another's, a ticket into itself, or into one merged away", async () => {
    const a = await openTicket(olivia);
    const b = await openTicket(olivia);
    expectError(await h.request(olivia, 'POST', `/api/tickets/${a.number}/merge`, { into: b.number }), 422);
    expectError(await h.request(olivia, 'POST', `/api/tickets/${a.number}/merge`, { into: a.number }), 422);
    expectError(await h.request(olivia, 'POST', `/api/tickets/${a.number}/merge`, { into: 99_999_999 }), 422);
    // An address typed into the widget by someone who never showed it is theirs proves no sameness.
    const email = `${randomUUID().slice(0, 8)}@customer.test`;
    const real = await openTicket(olivia, { customer: { email } });
    const typed = await h.app.inject({ method: 'POST', url: '/api/widget/tickets', remoteAddress: '127.9.0.2', payload: { firstName: 'Mal', lastName: 'Lory', email, subject: 'Me too', message: 'Show me theirs' } });
    expectError(await h.request(olivia, 'POST', `/api/tickets/${(typed.json() as { number: number }).number}/merge`, { into: real.number }), 422);
  });

  it("splits a customer's message off into a ticket of its own, linked both ways; the same split again answers the same ticket", async () => {
    const ticket = await openTicket(olivia, { body: 'My invoice is wrong.' });
    const publicUrl = (await detail(ticket.number)).publicUrl;
    await h.request(null, 'POST', `/api/public/tickets/${tokenOf(publicUrl)}/comments`, { body: 'Also: how do I change my password?' });
    const question = (await detail(ticket.number)).comments.at(-1)!;
    expectError(await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/split`, { commentId: question.id, subject: '' }), 400);
    const response = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/split`, { commentId: question.id, subject: 'Changing the password' });
    expect(response.statusCode).toBe(201);
    const split = response.json() as Detail;
    expect(split).toMatchObject({ subject: 'Changing the password', splitFrom: ticket.number, assignee: { id: olivia.operator.id } });
    expect(split.comments).toEqual([expect.objectContaining({ body: 'Also: how do I change my password?', author: expect.objectContaining({ kind: 'customer' }) })]);
    expect(h.smtp.mails.filter((m) => m.parsed.subject?.includes('Changing the password'))).toEqual([]);

    const original = await detail(ticket.number);
    expect(original.comments.find((c) => c.id === question.id)).toMatchObject({ movedTo: split.number });
    expect(original.events.at(-1)).toMatchObject({ type: 'split_off' });
    const page = (await h.request(null, 'GET', `/api/public/tickets/${tokenOf(publicUrl)}`)).json() as { comments: Array<{ body: string }> };
    expect(page.comments.map((c) => c.body)).not.toContain('Also: how do I change my password?');
    const again = await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/split`, { commentId: question.id, subject: 'Changing the password' });
    expect((again.json() as Detail).number).toBe(split.number);
    const reply = (await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/comments`, { visibility: 'public', body: 'We will look at the invoice.' })).json() as { comment: Comment };
    expectError(await h.request(olivia, 'POST', `/api/tickets/${ticket.number}/split`, { commentId: reply.comment.id, subject: 'Not the customer\'s' }), 422);
  });
});
