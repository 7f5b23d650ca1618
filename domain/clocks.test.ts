import { dueClocks, FollowUpPolicy, nextClock, validateWaitingUntil } from './clocks';
import { decide, TicketState } from './ticket';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 11, 1, 9) + hours * HOUR).toISOString();

const base: TicketState = {
  number: 1, subject: 'S', status: 'in_progress', priority: 'normal', source: 'email', assigneeId: 7, customerId: null,
  contact: { email: 'c@example.com', phone: null, firstName: null, lastName: null, externalId: null },
  mailbox: null, eventSeq: 3, commentCount: 1, createdAt: at(0), updatedAt: at(0), closedAt: null, recentMessageKeys: [],
};
const operator = { kind: 'operator' as const, id: 7 };
const apply = (state: TicketState, event: Parameters<typeof decide>[1]) => {
  const decision = decide(state, event);
  if (!decision.ok) throw new Error(decision.message);
  return decision;
};
const waiting = (until: string | null = null) => apply(base, { type: 'set_status', status: 'waiting', actor: operator, at: at(0), until }).state;

const policy: FollowUpPolicy = { remindAfterMs: 72 * HOUR, closeAfterMs: 96 * HOUR };

describe('which clock is next', () => {
  it.each<[string, TicketState, FollowUpPolicy | null, ReturnType<typeof nextClock>]>([
    ['an open ticket has none', base, policy, null],
    ['Waiting with the follow-up off has none', waiting(), null, null],
    ['Waiting: the reminder first', waiting(), policy, { event: 'follow_up_reminder', at: at(72) }],
    ['Waiting, reminded: the close, counted from the reminder', { ...waiting(), waiting: { since: at(0), until: null, remindedAt: at(80) } }, policy, { event: 'auto_close', at: at(176) }],
    ['Waiting with only a close: counted from entering Waiting', waiting(), { remindAfterMs: null, closeAfterMs: 96 * HOUR }, { event: 'auto_close', at: at(96) }],
    ['Waiting until a time: only waking up, no follow-up meanwhile', waiting(at(200)), policy, { event: 'wake_up', at: at(200) }],
    ['no address to remind: the close still comes', { ...waiting(), contact: { ...base.contact, email: null, phone: '+1 555' } }, policy, { event: 'auto_close', at: at(96) }],
    ['a Waiting state recorded before clocks has none', { ...base, status: 'waiting' }, policy, null],
  ])('%s', (_what, state, given, expected) => {
    expect(nextClock(state, given)).toEqual(expected);
  });

  it('lists every clock still to fire, earliest first', () => {
    expect(dueClocks(waiting(), { remindAfterMs: 10 * HOUR, closeAfterMs: 5 * HOUR }).map((c) => c.event)).toEqual(['follow_up_reminder']);
  });
});

describe('the clocks in the ticket rules', () => {
  it('waking up brings it back to In Progress and tells the assignee, once', () => {
    const woken = apply(waiting(at(5)), { type: 'wake_up', at: at(5) });
    expect(woken.state.status).toBe('in_progress');
    expect(woken.state.waiting).toBeUndefined();
    expect(woken.effects).toContainEqual({ type: 'notify', kind: 'waiting_over', recipient: 'assignee', seq: woken.state.eventSeq });
    expect(decide(woken.state, { type: 'wake_up', at: at(6) })).toMatchObject({ ok: true, effects: [] });
  });

  it('a timer that fires early or on a ticket that moved on changes nothing', () => {
    expect(decide(waiting(at(5)), { type: 'wake_up', at: at(4) })).toMatchObject({ ok: true, effects: [] });
    const answered = apply(waiting(at(5)), { type: 'customer_message', body: 'Logs', channel: 'email', messageKey: null, automatic: false, at: at(1) }).state;
    expect(answered.waiting).toBeUndefined();
    expect(decide(answered, { type: 'follow_up_reminder', at: at(2) })).toMatchObject({ ok: true, effects: [] });
    expect(decide(answered, { type: 'auto_close', at: at(2) })).toMatchObject({ ok: true, effects: [] });
  });

  it('an automatic mail (out of office) keeps the clocks running', () => {
    const state = apply(waiting(), { type: 'customer_message', body: 'Away', channel: 'email', messageKey: null, automatic: true, at: at(1) }).state;
    expect(state.waiting).toEqual({ since: at(0), until: null, remindedAt: null });
  });

  it('the reminder mails the customer once; the close sends the closing mail', () => {
    const reminded = apply(waiting(), { type: 'follow_up_reminder', at: at(72) });
    expect(reminded.state.waiting?.remindedAt).toBe(at(72));
    expect(reminded.effects.filter((e) => e.type === 'notify')).toEqual([{ type: 'notify', kind: 'waiting_reminder', recipient: 'customer', seq: reminded.state.eventSeq }]);
    expect(decide(reminded.state, { type: 'follow_up_reminder', at: at(73) })).toMatchObject({ ok: true, effects: [] });
    const closed = apply(reminded.state, { type: 'auto_close', at: at(168) });
    expect(closed.state).toMatchObject({ status: 'closed', closedAt: at(168) });
    expect(closed.state.waiting).toBeUndefined();
    expect(closed.effects).toContainEqual(expect.objectContaining({ type: 'notify', kind: 'ticket_closed' }));
    expect(closed.effects[0]).toMatchObject({ type: 'persist', audit: { type: 'auto_close', actor: { kind: 'system' } } });
  });

  it("an operator's public reply while Waiting restarts the follow-up; a new time restarts the wait", () => {
    const replied = apply({ ...waiting(), waiting: { since: at(0), until: null, remindedAt: at(72) } }, { type: 'public_reply', body: 'Any luck?', actor: operator, at: at(80) }).state;
    expect(replied.waiting).toEqual({ since: at(80), until: null, remindedAt: null });
    const again = apply(waiting(at(5)), { type: 'set_status', status: 'waiting', actor: operator, at: at(1), until: at(9) });
    expect(again.state.waiting).toEqual({ since: at(1), until: at(9), remindedAt: null });
    expect(again.effects[0]).toMatchObject({ type: 'persist', audit: { changes: { waitingUntil: { from: at(5), to: at(9) } } } });
    expect(decide(again.state, { type: 'set_status', status: 'waiting', actor: operator, at: at(2), until: at(9) })).toMatchObject({ ok: true, effects: [] });
  });

  it.each([
    ['a time that has passed', { status: 'waiting' as const, until: at(-1) }, /passed/],
    ['more than a year ahead', { status: 'waiting' as const, until: at(367 * 24) }, /a year/],
    ['with another status', { status: 'in_progress' as const, until: at(5) }, /Only a Waiting ticket/],
    ['not a time', { status: 'waiting' as const, until: 'next tuesday' }, /not a date/],
  ])('refuses waiting until %s', (_what, { status, until }, message) => {
    expect(decide(base, { type: 'set_status', status, actor: operator, at: at(0), until })).toMatchObject({ ok: false, reason: 'invalid_input', message: expect.stringMatching(message) });
  });

  it('validates a waiting time on its own', () => {
    expect(validateWaitingUntil(at(1), at(0))).toBeNull();
  });
});
