import { decide, createTicket, isValidEmail, NewTicket, TicketEvent, TicketState, TicketStatus, Effect, REMEMBERED_MESSAGE_KEYS } from './ticket';

const at = '2026-01-01T10:00:00.000Z';
const operator = { kind: 'operator' as const, id: 7 };

const newTicket = (over: Partial<NewTicket> = {}): NewTicket => ({
  number: 1042,
  subject: 'Printer on fire',
  body: 'It is on fire.',
  priority: 'normal',
  source: 'widget',
  contact: { email: 'ann@example.com', phone: null, firstName: 'Ann', lastName: 'Lee', externalId: null },
  mailbox: null,
  createdBy: null,
  assigneeId: null,
  messageKey: null,
  suppressAcknowledgement: false,
  ...over,
});

function ticket(over: Partial<TicketState> = {}): TicketState {
  const created = createTicket({ type: 'create', ticket: newTicket(), at });
  if (!created.ok) throw new Error(created.message);
  return { ...created.state, ...over };
}

const kinds = (effects: Effect[]) => effects.map((e) => (e.type === 'notify' ? `notify:${e.kind}:${e.recipient}` : e.type));

describe('creating a ticket', () => {
  it('starts New with an acknowledgement, a CRM link and the first public comment', () => {
    const d = createTicket({ type: 'create', ticket: newTicket(), at });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.state.status).toBe('new');
    expect(d.state.eventSeq).toBe(1);
    expect(kinds(d.effects)).toEqual(['persist', 'link_crm', 'find_sla_policy', 'notify:ticket_created:customer']);
    const persist = d.effects[0];
    expect(persist?.type === 'persist' && persist.comment?.visibility).toBe('public');
  });

  it('starts In Progress when created already assigned', () => {
    const d = createTicket({ type: 'create', ticket: newTicket({ assigneeId: 3, source: 'admin', createdBy: 3 }), at });
    expect(d.ok && d.state.status).toBe('in_progress');
  });

  it('sends no acknowledgement for automatic mail or without an email address', () => {
    const auto = createTicket({ type: 'create', ticket: newTicket({ suppressAcknowledgement: true }), at });
    const phoneOnly = createTicket({
      type: 'create',
      ticket: newTicket({ contact: { email: null, phone: '+48 600', firstName: null, lastName: null, externalId: null } }),
      at,
    });
    expect(auto.ok && kinds(auto.effects)).toEqual(['persist', 'link_crm', 'find_sla_policy']);
    expect(phoneOnly.ok && kinds(phoneOnly.effects)).toEqual(['persist', 'link_crm', 'find_sla_policy']);
  });

  it.each([
    ['an empty subject', { subject: '  ' }],
    ['an empty body', { body: '' }],
    ['no way to reach the customer', { contact: { email: null, phone: null, firstName: 'A', lastName: null, externalId: 'x' } }],
    ['a malformed email', { contact: { email: 'not-an-email', phone: null, firstName: null, lastName: null, externalId: null } }],
  ])('rejects %s as invalid input', (_name, over) => {
    const d = createTicket({ type: 'create', ticket: newTicket(over as Partial<NewTicket>), at });
    expect(d.ok ? 'accepted' : d.reason).toBe('invalid_input');
  });

  it('cannot create twice', () => {
    const d = decide(ticket(), { type: 'create', ticket: newTicket(), at });
    expect(d.ok ? 'accepted' : d.reason).toBe('already_created');
  });
});

type Row = [string, TicketStatus, number | null, TicketEvent, TicketStatus | string, string[]];
const note = (type: 'internal_note' | 'public_reply'): TicketEvent => ({ type, body: 'hello', actor: operator, at });
const customer = (automatic = false, messageKey: string | null = null): TicketEvent => ({
  type: 'customer_message', body: 'thanks', channel: 'email', messageKey, automatic, at,
});

// [name, status before, assignee, event, status after or rejection reason, effects]
const table: Row[] = [
  ['customer message reopens a closed unassigned ticket as New', 'closed', null, customer(), 'new', ['persist']],
  ['customer message reopens a closed assigned ticket as In Progress', 'closed', 7, customer(), 'in_progress', ['persist', 'notify:customer_replied:assignee']],
  ['customer message moves Waiting to In Progress', 'waiting', 7, customer(), 'in_progress', ['persist', 'notify:customer_replied:assignee']],
  ['customer message keeps New as New', 'new', null, customer(), 'new', ['persist']],
  ['customer message keeps In Progress', 'in_progress', 7, customer(), 'in_progress', ['persist', 'notify:customer_replied:assignee']],
  ['an auto-reply never reopens a closed ticket', 'closed', 7, customer(true), 'closed', ['persist']],
  ['an auto-reply never moves a waiting ticket', 'waiting', 7, customer(true), 'waiting', ['persist']],
  ['internal note mails nobody', 'in_progress', 7, note('internal_note'), 'in_progress', ['persist']],
  ['internal note is allowed on a closed ticket', 'closed', 7, note('internal_note'), 'closed', ['persist']],
  ['public reply mails the customer', 'waiting', 7, note('public_reply'), 'waiting', ['persist', 'notify:public_reply:customer']],
  ['first public reply takes a ticket out of New', 'new', null, note('public_reply'), 'in_progress', ['persist', 'notify:public_reply:customer']],
  ['public reply on a closed ticket is refused', 'closed', 7, note('public_reply'), 'ticket_closed', []],
  ['set status Waiting', 'in_progress', 7, { type: 'set_status', status: 'waiting', actor: operator, at }, 'waiting', ['persist']],
  ['set status Closed mails the customer', 'waiting', 7, { type: 'set_status', status: 'closed', actor: operator, at }, 'closed', ['persist', 'notify:ticket_closed:customer']],
  ['set status on a closed ticket reopens it', 'closed', 7, { type: 'set_status', status: 'in_progress', actor: operator, at }, 'in_progress', ['persist']],
  ['back to New is refused', 'in_progress', 7, { type: 'set_status', status: 'new', actor: operator, at }, 'invalid_transition', []],
  ['same status is a silent no-op', 'waiting', 7, { type: 'set_status', status: 'waiting', actor: operator, at }, 'waiting', []],
  ['close', 'in_progress', 7, { type: 'close', actor: operator, at }, 'closed', ['persist', 'notify:ticket_closed:customer']],
  ['close twice is refused', 'closed', 7, { type: 'close', actor: operator, at }, 'already_closed', []],
  ['reopen an assigned ticket', 'closed', 7, { type: 'reopen', actor: operator, at }, 'in_progress', ['persist']],
  ['reopen an open ticket is refused', 'waiting', 7, { type: 'reopen', actor: operator, at }, 'not_closed', []],
  ['assign', 'new', null, { type: 'assign', assigneeId: 7, actor: operator, at }, 'new', ['persist', 'notify:ticket_assigned:assignee']],
  ['unassign', 'in_progress', 7, { type: 'assign', assigneeId: null, actor: operator, at }, 'in_progress', ['persist']],
  ['set priority', 'new', null, { type: 'set_priority', priority: 'urgent', actor: operator, at }, 'new', ['persist']],
  ['link customer', 'new', null, { type: 'link_customer', customerId: 5, actor: operator, at }, 'new', ['persist']],
  ['empty note is refused', 'new', null, { type: 'internal_note', body: ' ', actor: operator, at }, 'invalid_input', []],
];

describe('ticket rules', () => {
  it.each(table)('%s', (_name, status, assigneeId, event, expected, effects) => {
    const before = ticket({ status, assigneeId, closedAt: status === 'closed' ? at : null });
    const d = decide(before, event);
    if (!d.ok) {
      expect(d.reason).toBe(expected);
      expect(d.message).toMatch(/\S/);
      return;
    }
    expect(d.state.status).toBe(expected);
    expect(kinds(d.effects)).toEqual(effects);
    if (effects.length > 0) expect(d.state.eventSeq).toBe(before.eventSeq + 1);
    else expect(d.state).toBe(before);
  });

  it('records who changed what in the audit trail', () => {
    const d = decide(ticket(), { type: 'set_priority', priority: 'high', actor: operator, at });
    expect(d.ok && d.effects[0]).toEqual({
      type: 'persist',
      comment: null,
      audit: { seq: 2, type: 'set_priority', actor: operator, at, changes: { priority: { from: 'normal', to: 'high' } } },
    });
  });

  it('keeps an internal note internal', () => {
    const d = decide(ticket(), note('internal_note'));
    const persist = d.ok ? d.effects[0] : undefined;
    expect(persist?.type === 'persist' && persist.comment?.visibility).toBe('internal');
  });

  it('drops a redelivered customer message and forgets old keys', () => {
    const first = decide(ticket(), customer(false, '<a@example.com>'));
    if (!first.ok) throw new Error(first.message);
    const again = decide(first.state, customer(false, '<a@example.com>'));
    expect(again.ok && again.effects).toEqual([]);
    let state = first.state;
    for (let i = 0; i < REMEMBERED_MESSAGE_KEYS + 5; i++) {
      const d = decide(state, customer(false, `<m${i}@example.com>`));
      if (!d.ok) throw new Error(d.message);
      state = d.state;
    }
    expect(state.recentMessageKeys).toHaveLength(REMEMBERED_MESSAGE_KEYS);
  });

  it('refuses every change before the ticket exists', () => {
    const d = decide(null, note('internal_note'));
    expect(d.ok ? 'accepted' : d.reason).toBe('not_created');
  });
});

describe('an address nobody has proven yet', () => {
  const unproven = () => ticket({ contact: { ...ticket().contact, emailVerified: false } });

  it('is verified once, with an audit record and a CRM lookup when no record is linked', () => {
    const d = decide(unproven(), { type: 'verify_contact', at });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.state.contact.emailVerified).toBe(true);
    expect(d.state.eventSeq).toBe(2);
    expect(kinds(d.effects)).toEqual(['persist', 'link_crm']);
    const persist = d.effects[0];
    expect(persist?.type === 'persist' && persist.audit.changes).toEqual({ emailVerified: { from: false, to: true } });
  });

  it('keeps a CRM link an operator made, and a second verification changes nothing', () => {
    const linked = decide(unproven(), { type: 'verify_contact', at });
    if (!linked.ok) throw new Error(linked.message);
    expect(kinds((decide({ ...unproven(), customerId: 5 }, { type: 'verify_contact', at }) as { effects: Effect[] }).effects)).toEqual(['persist']);
    const again = decide(linked.state, { type: 'verify_contact', at });
    expect(again.ok && again.state).toBe(linked.state);
    expect(again.ok && again.effects).toEqual([]);
  });

  it('an address from before this rule, or vouched for, counts as verified', () => {
    const d = decide(ticket(), { type: 'verify_contact', at });
    expect(d.ok && d.effects).toEqual([]);
  });
});

describe("an operator's ticket: what its first message is", () => {
  const byOperator = (over: Partial<NewTicket>) => createTicket({ type: 'create', ticket: newTicket({ source: 'admin', createdBy: 7, ...over }), at });
  const comment = (effects: Effect[]) => {
    const persist = effects.find((e) => e.type === 'persist');
    return persist?.type === 'persist' ? persist.comment : null;
  };

  it.each<[string, Partial<NewTicket>, object, string[], TicketStatus]>([
    ["the customer's request, by phone, nothing mailed to the customer", { firstMessage: 'customer_request', channel: 'phone', suppressAcknowledgement: true },
      { visibility: 'public', authorKind: 'customer', authorId: null, channel: 'phone' }, ['persist', 'link_crm', 'find_sla_policy'], 'new'],
    ["the customer's request, acknowledged", { firstMessage: 'customer_request', channel: 'in_person' },
      { visibility: 'public', authorKind: 'customer', channel: 'in_person' }, ['persist', 'link_crm', 'find_sla_policy', 'notify:ticket_created:customer'], 'new'],
    ['a message to the customer, mailed as the first mail of the thread', { firstMessage: 'message_to_customer' },
      { visibility: 'public', authorKind: 'operator', authorId: 7, channel: 'admin' }, ['persist', 'link_crm', 'find_sla_policy', 'notify:outbound_message:customer'], 'waiting'],
    ['an internal note, nothing mailed to the customer', { firstMessage: 'internal_note' },
      { visibility: 'internal', authorKind: 'operator', authorId: 7 }, ['persist', 'link_crm', 'find_sla_policy'], 'new'],
    ['no choice (runs recorded before it): the opener\'s public words', {},
      { visibility: 'public', authorKind: 'operator', authorId: 7, channel: 'admin' }, ['persist', 'link_crm', 'find_sla_policy', 'notify:ticket_created:customer'], 'new'],
  ])('%s', (_what, over, expectedComment, effects, status) => {
    const d = byOperator(over);
    if (!d.ok) throw new Error(d.message);
    expect(comment(d.effects)).toMatchObject(expectedComment);
    expect(kinds(d.effects)).toEqual(effects);
    expect(d.state.status).toBe(status);
  });
});

describe('reply and status in one change', () => {
  it('a reply sent with closing mails the reply only', () => {
    const open = ticket({ status: 'in_progress' });
    const replied = decide(open, { type: 'public_reply', body: 'Fixed.', actor: operator, at });
    if (!replied.ok) throw new Error(replied.message);
    const closed = decide(replied.state, { type: 'set_status', status: 'closed', actor: operator, at, withReply: true });
    if (!closed.ok) throw new Error(closed.message);
    expect(closed.state.status).toBe('closed');
    expect(kinds([...replied.effects, ...closed.effects])).toEqual(['persist', 'notify:public_reply:customer', 'persist']);
  });

  it('closing on its own still tells the customer', () => {
    const closed = decide(ticket({ status: 'in_progress' }), { type: 'set_status', status: 'closed', actor: operator, at });
    expect(closed.ok && kinds(closed.effects)).toEqual(['persist', 'notify:ticket_closed:customer']);
  });
});

describe('rotating the public link', () => {
  it('bumps the link version, audited, and mails nobody', () => {
    const first = decide(ticket(), { type: 'rotate_public_link', actor: operator, at });
    if (!first.ok) throw new Error(first.message);
    expect(first.state.linkVersion).toBe(2);
    const persist = first.effects[0];
    expect(persist?.type === 'persist' && persist.audit.changes).toEqual({ linkVersion: { from: 1, to: 2 } });
    expect(kinds(first.effects)).toEqual(['persist']);
    const second = decide(first.state, { type: 'rotate_public_link', actor: operator, at });
    expect(second.ok && second.state.linkVersion).toBe(3);
  });
});

describe('email addresses', () => {
  it.each(['ann@example.com', 'ann.lee+tag@mail.example.co.uk'])('takes %s', (address) => {
    expect(isValidEmail(address)).toBe(true);
  });
  it.each(['ann@example.com.', 'ann@example..com', 'ann@.example.com', 'ann@example', 'ann example@example.com', 'ann@exa<mple.com'])('refuses %s', (address) => {
    expect(isValidEmail(address)).toBe(false);
  });
});

describe('a message written on a thread that moved on', () => {
  it.each([
    ['public_reply', 1, true], ['public_reply', 2, false], ['internal_note', 1, true], ['internal_note', 3, false], ['public_reply', undefined, false],
  ] as const)('%s on a thread seen at %s comments of 2 is refused: %s', (type, seenComments, refused) => {
    const d = decide(ticket({ commentCount: 2 }), { type, body: 'On it.', actor: operator, at, ...(seenComments === undefined ? {} : { seenComments }) });
    expect(d.ok ? null : d.reason).toBe(refused ? 'thread_moved' : null);
    if (!d.ok) expect(d.message).toBe('A new message was added to ticket #1042 while you wrote. Read it, then send yours again.');
  });
});

describe('tags', () => {
  const tag = (state: TicketState, change: { set?: string[]; add?: string[]; remove?: string[] }) =>
    decide(state, { type: 'tag', ...change, actor: operator, at });

  it('are put on in one spelling, audited, mailing nobody; the same again changes nothing', () => {
    const first = tag(ticket(), { add: ['  Billing ', 'VIP', 'billing'] });
    if (!first.ok) throw new Error(first.message);
    expect(first.state.tags).toEqual(['billing', 'vip']);
    expect(kinds(first.effects)).toEqual(['persist']);
    const persist = first.effects[0];
    expect(persist?.type === 'persist' && persist.audit.changes).toEqual({ tags: { from: [], to: ['billing', 'vip'] } });
    const again = tag(first.state, { add: ['vip'] });
    expect(again.ok && again.effects).toEqual([]);
  });

  it('taken off, or set as a whole; the last one gone leaves none', () => {
    const tagged = ticket({ tags: ['billing', 'vip', 'bug'] });
    const removed = tag(tagged, { remove: ['VIP'] });
    expect(removed.ok && removed.state.tags).toEqual(['billing', 'bug']);
    const set = tag(tagged, { set: ['refund', 'billing'] });
    expect(set.ok && set.state.tags).toEqual(['refund', 'billing']);
    const none = tag(tagged, { set: [] });
    expect(none.ok && none.state.tags).toBeUndefined();
  });

  it('refuses a tag that is not one, and more than twenty', () => {
    expect(tag(ticket(), { add: ['a,b'] })).toMatchObject({ ok: false, reason: 'invalid_input' });
    expect(tag(ticket(), { add: ['x'.repeat(41)] })).toMatchObject({ ok: false, reason: 'invalid_input' });
    expect(tag(ticket(), { add: Array.from({ length: 21 }, (_, i) => `t${i}`) })).toMatchObject({ ok: false, reason: 'invalid_input' });
  });

  it('come with a new ticket', () => {
    const created = createTicket({ type: 'create', ticket: newTicket({ tags: ['Phone'] }), at });
    expect(created.ok && created.state.tags).toEqual(['phone']);
  });
});

describe('who is owed a reply', () => {
  const later = '2026-01-01T11:00:00.000Z';
  it("a customer's ticket needs a reply; the operator's public reply answers it, a note does not", () => {
    const fresh = ticket();
    expect(fresh.needsReply).toBe(true);
    expect(fresh.lastCustomerMessageAt).toBe(at);
    const noted = decide(fresh, { type: 'internal_note', body: 'Looking into it', actor: operator, at: later });
    expect(noted.ok && noted.state.needsReply).toBe(true);
    const replied = decide(fresh, { type: 'public_reply', body: 'On it', actor: operator, at: later });
    if (!replied.ok) throw new Error(replied.message);
    expect(replied.state.needsReply).toBe(false);
    const answered = decide(replied.state, { type: 'customer_message', body: 'Thanks, still broken', channel: 'email', messageKey: null, automatic: false, at: later });
    expect(answered.ok && answered.state).toMatchObject({ needsReply: true, lastCustomerMessageAt: later });
  });

  it('an automatic mail owes nobody a reply; a message to the customer waits for theirs', () => {
    const replied = decide(ticket(), { type: 'public_reply', body: 'On it', actor: operator, at });
    if (!replied.ok) throw new Error(replied.message);
    const away = decide(replied.state, { type: 'customer_message', body: 'I am away', channel: 'email', messageKey: null, automatic: true, at });
    expect(away.ok && away.state.needsReply).toBe(false);
    const outbound = createTicket({ type: 'create', ticket: newTicket({ source: 'admin', createdBy: 7, firstMessage: 'message_to_customer' }), at });
    expect(outbound.ok && outbound.state.needsReply).toBeUndefined();
  });
});

describe('custom fields', () => {
  it('are set and cleared, audited per field; the same again changes nothing', () => {
    const set = decide(ticket(), { type: 'set_fields', fields: { plan: 'pro', seats: 12 }, actor: operator, at });
    if (!set.ok) throw new Error(set.message);
    expect(set.state.fields).toEqual({ plan: 'pro', seats: 12 });
    const persist = set.effects[0];
    expect(persist?.type === 'persist' && persist.audit.changes).toEqual({ 'field:plan': { from: null, to: 'pro' }, 'field:seats': { from: null, to: 12 } });
    expect(decide(set.state, { type: 'set_fields', fields: { plan: 'pro' }, actor: operator, at })).toMatchObject({ ok: true, effects: [] });
    const cleared = decide(set.state, { type: 'set_fields', fields: { plan: null, seats: null }, actor: operator, at });
    expect(cleared.ok && cleared.state.fields).toBeUndefined();
  });

  it('keep a ticket from growing without end', () => {
    expect(decide(ticket(), { type: 'set_fields', fields: { 'Not A Key': 'x' }, actor: operator, at })).toMatchObject({ ok: false, reason: 'invalid_input' });
    expect(decide(ticket(), { type: 'set_fields', fields: { notes: 'x'.repeat(5000) }, actor: operator, at })).toMatchObject({ ok: false, reason: 'invalid_input' });
  });
});
