import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { TeamActivities } from '../../activities/teams';
import { nextAssignee, type TeamAssignment, type TeamMember } from '../../domain/teams';
import { Offer, TeamDispatcherInput, teamChangedSignal, ticketWaitingSignal } from './definitions';

const activities = proxyActivities<TeamActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

/** Continue-as-new well before the history grows long: each ticket placed is a few events. */
const MAX_HISTORY_EVENTS = 5_000;

/**
 * Finds someone for each of a team's new tickets, one team one long-running workflow: the
 * rotation and who let a ticket pass live here, the members and their availability are
 * read from the database whenever they change (and with them the backlog of tickets
 * nobody has, in arrival order). An offer not opened within the team's time goes to the
 * next available member, by a durable timer; nothing polls.
 */
export async function teamDispatcherWorkflow(input: TeamDispatcherInput): Promise<void> {
  let lastAssigned = input.lastAssigned ?? null;
  const backlog: number[] = [...(input.backlog ?? [])];
  let offers: Offer[] = [...(input.offers ?? [])];
  let team: { exists: boolean; assignment: TeamAssignment; acceptWithinMs: number | null; members: TeamMember[] } | null = null;
  let stale = true;

  setHandler(ticketWaitingSignal, ({ ticketNumber }) => {
    if (!backlog.includes(ticketNumber)) backlog.push(ticketNumber);
  });
  setHandler(teamChangedSignal, () => {
    stale = true;
  });

  const place = async (ticketNumber: number, passedBy: number[], expected: number | null): Promise<'placed' | 'gone' | 'nobody'> => {
    const operatorId = nextAssignee(team!.members, team!.assignment, lastAssigned, passedBy);
    if (operatorId === null) return 'nobody';
    const outcome = await activities.assignFromTeam({ teamId: input.teamId, ticketNumber, operatorId, expectedAssignee: expected });
    if (outcome !== 'assigned') return 'gone';
    lastAssigned = operatorId;
    // Counted at once, so a least-loaded team spreads a burst.
    team!.members = team!.members.map((m) => (m.id === operatorId ? { ...m, openTickets: m.openTickets + 1 } : m));
    if (team!.acceptWithinMs !== null) {
      offers.push({ ticketNumber, operatorId, offeredAt: new Date().toISOString(), deadline: Date.now() + team!.acceptWithinMs, passedBy });
    }
    return 'placed';
  };

  for (;;) {
    if (stale) {
      stale = false;
      team = await activities.loadTeam(input.teamId);
      if (!team.exists) return;
      // What may have come in while nobody was told (a signal lost with a crashed request).
      for (const number of await activities.teamBacklog(input.teamId)) if (!backlog.includes(number)) backlog.push(number);
    }
    // The backlog in arrival order, while someone is available.
    while (backlog.length && !stale) {
      const outcome = await place(backlog[0]!, [], null);
      if (outcome === 'nobody') break;
      backlog.shift();
    }
    // Offers whose time ran out: to the next one, or back to the backlog's front when nobody else is there.
    const now = Date.now();
    for (const offer of offers.filter((o) => o.deadline <= now)) {
      offers = offers.filter((o) => o !== offer);
      const taken = await activities.offerTaken({ ticketNumber: offer.ticketNumber, operatorId: offer.operatorId, since: offer.offeredAt });
      if (taken !== 'not_opened') continue;
      // Nobody else available: it stays with whoever has it.
      await place(offer.ticketNumber, [...offer.passedBy, offer.operatorId], offer.operatorId);
    }
    if (workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await continueAsNew<typeof teamDispatcherWorkflow>({ teamId: input.teamId, lastAssigned, backlog, offers });
    }
    // Until the team changes, a ticket comes in, or the next offer's time is up.
    const seen = backlog.length;
    const woken = () => stale || backlog.length > seen;
    const nextDeadline = offers.length ? Math.min(...offers.map((o) => o.deadline)) : null;
    if (nextDeadline === null) await condition(woken);
    else await condition(woken, Math.max(1, nextDeadline - Date.now()));
  }
}
