import { nextAssignee, teamFor, TeamMember } from './teams';

const members = (...list: Array<[number, boolean, number]>): TeamMember[] => list.map(([id, available, openTickets]) => ({ id, available, openTickets }));

describe('who gets the next ticket', () => {
  it('round-robin: the next available one after the last, around the end, passing over who is away', () => {
    const team = members([1, true, 0], [2, false, 0], [3, true, 0], [4, true, 0]);
    expect(nextAssignee(team, 'round_robin', null)).toBe(1);
    expect(nextAssignee(team, 'round_robin', 1)).toBe(3);
    expect(nextAssignee(team, 'round_robin', 3)).toBe(4);
    expect(nextAssignee(team, 'round_robin', 4)).toBe(1);
    // Someone who left the team since: start from the top.
    expect(nextAssignee(team, 'round_robin', 99)).toBe(1);
  });
  it('least-loaded: the fewest open tickets, the rotation breaking a tie', () => {
    const team = members([1, true, 5], [2, true, 2], [3, true, 2], [4, false, 0]);
    expect(nextAssignee(team, 'least_loaded', null)).toBe(2);
    expect(nextAssignee(team, 'least_loaded', 2)).toBe(3);
  });
  it('passes over whoever let the ticket pass, and gives nobody when nobody is available or the team picks up itself', () => {
    const team = members([1, true, 0], [2, true, 0]);
    expect(nextAssignee(team, 'round_robin', 2, [1])).toBe(2);
    expect(nextAssignee(team, 'round_robin', null, [1, 2])).toBeNull();
    expect(nextAssignee(members([1, false, 0]), 'round_robin', null)).toBeNull();
    expect(nextAssignee(team, 'manual', null)).toBeNull();
  });
});

describe('which team a new ticket goes to', () => {
  const teams = [
    { id: 1, sources: ['email' as const], mailboxes: ['billing'] },
    { id: 2, sources: ['widget' as const, 'email' as const], mailboxes: null },
  ];
  it('the first whose channels it came by', () => {
    expect(teamFor(teams, { source: 'email', mailbox: 'billing' })?.id).toBe(1);
    expect(teamFor(teams, { source: 'email', mailbox: 'support' })?.id).toBe(2);
    expect(teamFor(teams, { source: 'admin', mailbox: null })).toBeNull();
  });
});
