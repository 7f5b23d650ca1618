/**
 * Teams: operators who share the tickets of some channels (mailboxes, the widget), and
 * how a team's new tickets find someone: round-robin or the least loaded among those
 * marked available, offered for a while (not opened in time: the next one), or left to
 * the team to pick up. Pure: the dispatcher workflow and the API decide with these.
 */
import type { TicketSource } from './ticket';

export const TEAM_ASSIGNMENTS = ['round_robin', 'least_loaded', 'manual'] as const;
export type TeamAssignment = (typeof TEAM_ASSIGNMENTS)[number];
export const TEAM_ASSIGNMENT_LABELS: Record<TeamAssignment, string> = {
  round_robin: 'Round-robin among those available',
  least_loaded: 'The available one with the fewest open tickets',
  manual: 'Nobody: the team picks them up',
};

export interface TeamRouting {
  id: number;
  /** The channels whose new tickets it takes (null: any). */
  sources: TicketSource[] | null;
  /** The mailboxes whose mail it takes (null: any). */
  mailboxes: string[] | null;
}

/** The first team (in the admins' order) whose channels a new ticket came by; null: none. */
export function teamFor<T extends TeamRouting>(teams: readonly T[], ticket: { source: TicketSource; mailbox: string | null }): T | null {
  return teams.find((t) => (t.sources === null || t.sources.includes(ticket.source))
    && (t.mailboxes === null || (ticket.mailbox !== null && t.mailboxes.includes(ticket.mailbox)))) ?? null;
}

export interface TeamMember {
  id: number;
  available: boolean;
  /** Open tickets assigned to them (for least-loaded). */
  openTickets: number;
}

/**
 * Who gets the next ticket: among available members (not `skip`, who let it pass), the one
 * after `last` in the members' order (round-robin), or the one with the fewest open
 * tickets, the rotation breaking ties (least-loaded). Null: nobody is available.
 */
export function nextAssignee(members: readonly TeamMember[], assignment: TeamAssignment, last: number | null, skip: readonly number[] = []): number | null {
  if (assignment === 'manual') return null;
  const candidates = members.filter((m) => m.available && !skip.includes(m.id));
  if (candidates.length === 0) return null;
  const start = last === null ? -1 : members.findIndex((m) => m.id === last);
  // The rotation: members after the last one first, then from the top.
  const rotation = [...members.slice(start + 1), ...members.slice(0, start + 1)].filter((m) => candidates.includes(m));
  if (assignment === 'round_robin') return rotation[0]!.id;
  const fewest = Math.min(...rotation.map((m) => m.openTickets));
  return rotation.find((m) => m.openTickets === fewest)!.id;
}
