import type { Database } from '../../db';
import { createTeamStore } from '../../db/teams';
import { openedSince } from '../../db/ticket-reads';
import type { TeamAssignment, TeamMember } from '../../domain/teams';
import { TicketRefusal, type TicketCommandPort } from '../../domain/ticket-commands';

export interface TeamActivityDeps {
  db: Database;
  /** How a ticket is assigned (the worker wires it to the ticket workflow's client). */
  commands: TicketCommandPort;
}

/** A team's backlog read at once, at most (the rest comes as those are placed). */
const BACKLOG_PAGE = 500;

/** What a team's dispatcher reads and does; each idempotent. */
export function createTeamActivities({ db, commands }: TeamActivityDeps) {
  const teams = createTeamStore(db);
  return {
    async loadTeam(teamId: number): Promise<{ exists: boolean; assignment: TeamAssignment; acceptWithinMs: number | null; members: TeamMember[] }> {
      const team = await teams.byId(teamId);
      if (!team) return { exists: false, assignment: 'manual', acceptWithinMs: null, members: [] };
      return { exists: true, assignment: team.assignment, acceptWithinMs: team.accept_within_ms, members: await teams.membersForDispatch(teamId) };
    },

    async teamBacklog(teamId: number): Promise<number[]> {
      return teams.backlog(teamId, BACKLOG_PAGE);
    },

    /**
     * Assigns the ticket if it still waits for its team: open, the team's, with `expectedAssignee`
     * (null: nobody; an offer let pass: the one it was offered to). Otherwise 'gone': someone took
     * it, it closed, or it moved. The update's ID names the step, so a retry assigns once.
     */
    async assignFromTeam({ teamId, ticketNumber, operatorId, expectedAssignee }: { teamId: number; ticketNumber: number; operatorId: number; expectedAssignee: number | null }): Promise<'assigned' | 'gone'> {
      const ticket = await teams.ticketForDispatch(ticketNumber);
      if (!ticket || !ticket.open || ticket.teamId !== teamId) return 'gone';
      if (ticket.assigneeId === operatorId) return 'assigned';
      if (ticket.assigneeId !== expectedAssignee) return 'gone';
      try {
        await commands.assign(ticketNumber, operatorId, `team-${teamId}-ticket-${ticketNumber}-from-${expectedAssignee ?? 'nobody'}-to-${operatorId}`);
      } catch (error) {
        if (error instanceof TicketRefusal) return 'gone';
        throw error;
      }
      return 'assigned';
    },

    /** Whether the operator took up the ticket offered to them (opened it since), or it no longer waits on them. */
    async offerTaken({ ticketNumber, operatorId, since }: { ticketNumber: number; operatorId: number; since: string }): Promise<'opened' | 'not_opened' | 'gone'> {
      const ticket = await teams.ticketForDispatch(ticketNumber);
      if (!ticket || !ticket.open || ticket.assigneeId !== operatorId) return 'gone';
      return (await openedSince(db, operatorId, ticketNumber, since)) ? 'opened' : 'not_opened';
    },
  };
}

export type TeamActivities = ReturnType<typeof createTeamActivities>;
