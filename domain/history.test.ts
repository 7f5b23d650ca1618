import { historySentence, HistoryEntry } from './history';

const olivia = { kind: 'operator', id: 1, name: 'Olivia' };
const names: Record<number, string> = { 1: 'Olivia', 2: 'Bob', 3: 'Carl' };
const sentence = (entry: HistoryEntry) => historySentence(entry, (id) => names[id] ?? `operator ${id}`);

describe('history sentences', () => {
  it.each<[string, HistoryEntry, string]>([
    ['a new ticket', { type: 'create', actor: olivia, changes: { status: { from: null, to: 'new' }, priority: { from: null, to: 'normal' } } },
      'Olivia opened the ticket (New, Normal priority)'],
    ['a new assigned ticket', { type: 'create', actor: { kind: 'customer', id: null, name: null }, changes: { status: { from: null, to: 'in_progress' }, priority: { from: null, to: 'high' }, assigneeId: { from: null, to: 2 } } },
      'The customer opened the ticket (In Progress, High priority, assigned to Bob)'],
    ['assigning', { type: 'assign', actor: olivia, changes: { assigneeId: { from: null, to: 2 } } }, 'Olivia assigned it to Bob'],
    ['taking it', { type: 'assign', actor: olivia, changes: { assigneeId: { from: null, to: 1 } } }, 'Olivia took it'],
    ['reassigning', { type: 'assign', actor: olivia, changes: { assigneeId: { from: 2, to: 3 } } }, 'Olivia reassigned it from Bob to Carl'],
    ['unassigning', { type: 'assign', actor: olivia, changes: { assigneeId: { from: 3, to: null } } }, 'Olivia unassigned it (was Carl)'],
    ['a status', { type: 'set_status', actor: olivia, changes: { status: { from: 'in_progress', to: 'waiting' } } }, 'Olivia set the status from In Progress to Waiting'],
    ['a higher priority', { type: 'set_priority', actor: olivia, changes: { priority: { from: 'normal', to: 'urgent' } } }, 'Olivia raised the priority from Normal to Urgent'],
    ['a lower priority', { type: 'set_priority', actor: olivia, changes: { priority: { from: 'high', to: 'low' } } }, 'Olivia lowered the priority from High to Low'],
    ['the CRM found', { type: 'link_customer', actor: { kind: 'system', id: null, name: null }, changes: { customerId: { from: null, to: 9 } } }, 'The helpdesk linked the CRM customer'],
    ['an answer that reopens', { type: 'customer_message', actor: { kind: 'customer', id: null, name: null }, changes: { status: { from: 'closed', to: 'new' } } },
      'The customer wrote; the status went from Closed to New'],
    ['tags put on', { type: 'tag', actor: olivia, changes: { tags: { from: ['vip'], to: ['vip', 'billing', 'refund'] } } }, 'Olivia tagged it "billing", "refund"'],
    ['tags swapped', { type: 'tag', actor: olivia, changes: { tags: { from: ['bug', 'vip'], to: ['vip', 'feature request'] } } }, 'Olivia tagged it "feature request" and took off "bug"'],
    ['a tagged new ticket', { type: 'create', actor: olivia, changes: { status: { from: null, to: 'new' }, tags: { from: [], to: ['phone'] } } }, 'Olivia opened the ticket (New, tagged "phone")'],
    ['fields set and cleared', { type: 'set_fields', actor: olivia, changes: { 'field:plan': { from: null, to: 'Pro' }, 'field:areas': { from: null, to: ['Billing', 'API'] }, 'field:order_number': { from: '123', to: null } } },
      'Olivia set plan to Pro, set areas to Billing, API, cleared order_number'],
    ['another team', { type: 'set_team', actor: olivia, changes: { teamId: { from: 1, to: 2 } } }, 'Olivia moved it to team 2'],
    ['a new link', { type: 'rotate_public_link', actor: olivia, changes: { linkVersion: { from: 1, to: 2 } } }, 'Olivia made a new public link; the old one no longer works'],
    ['set aside until a time', { type: 'set_status', actor: olivia, changes: { status: { from: 'in_progress', to: 'waiting' }, waitingUntil: { from: null, to: '2026-12-03T09:00:00.000Z' } } },
      'Olivia set the status from In Progress to Waiting until 2026-12-03 09:00 UTC'],
    ['a new time to wait until', { type: 'set_status', actor: olivia, changes: { waitingUntil: { from: '2026-12-03T09:00:00.000Z', to: '2026-12-07T09:00:00.000Z' } } },
      'Olivia set it aside until 2026-12-07 09:00 UTC'],
    ['woken by its clock', { type: 'wake_up', actor: { kind: 'system', id: null, name: null }, changes: { status: { from: 'waiting', to: 'in_progress' } } },
      'Its waiting time was over: back to In Progress'],
    ['closed for want of an answer', { type: 'auto_close', actor: { kind: 'system', id: null, name: null }, changes: { status: { from: 'waiting', to: 'closed' } } },
      'Closed: no answer from the customer while it waited'],
    ['an SLA policy found', { type: 'sla_policy', actor: { kind: 'system', id: null, name: null }, changes: { slaPolicy: { from: null, to: 'Standard (v2)' }, firstResponseDue: { from: null, to: '2026-12-02T13:00:00.000Z' } } },
      'SLA policy Standard (v2) applies: first response due 2026-12-02 13:00 UTC'],
    ['waiting pauses the SLA', { type: 'set_status', actor: olivia, changes: { status: { from: 'in_progress', to: 'waiting' }, resolutionDue: { from: '2026-12-02T13:00:00.000Z', to: null } } },
      'Olivia set the status from In Progress to Waiting; the SLA clock paused'],
    ['an SLA warning', { type: 'sla_warning', actor: { kind: 'system', id: null, name: null }, changes: { slaTarget: { from: null, to: 'first_response' }, due: { from: null, to: '2026-12-02T13:00:00.000Z' } } },
      'First response is due soon (2026-12-02 13:00 UTC): warned'],
    ['an SLA breach', { type: 'sla_breach', actor: { kind: 'system', id: null, name: null }, changes: { slaTarget: { from: null, to: 'resolution' }, due: { from: null, to: '2026-12-02T13:00:00.000Z' } } },
      'Resolution target missed (due 2026-12-02 13:00 UTC)'],
    ['an operator who left', { type: 'assign', actor: { kind: 'operator', id: 7, name: null }, changes: { assigneeId: { from: null, to: 8 } } }, 'An operator assigned it to operator 8'],
  ])('%s', (_what, entry, expected) => {
    expect(sentence(entry)).toBe(expected);
  });

  it('never says "null"', () => {
    for (const type of ['create', 'assign', 'set_status', 'set_priority', 'link_customer', 'close', 'reopen']) {
      expect(sentence({ type, actor: olivia, changes: { status: { from: null, to: 'new' }, priority: { from: null, to: 'low' } } })).not.toMatch(/null|undefined/);
    }
  });
});
