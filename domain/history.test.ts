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
    ['a new link', { type: 'rotate_public_link', actor: olivia, changes: { linkVersion: { from: 1, to: 2 } } }, 'Olivia made a new public link; the old one no longer works'],
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
