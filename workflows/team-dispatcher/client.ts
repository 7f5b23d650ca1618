import type { Client } from '@temporalio/client';
import type { TeamDispatchPort } from '../../domain/ticket-commands';
import { TEAM_DISPATCHER_WORKFLOW_TYPE, teamChangedSignal, teamDispatcherId, ticketWaitingSignal } from './definitions';

/** Tells a team's dispatcher, starting it if it is not running (a new team, or one whose dispatcher ended). */
export function teamDispatchFor(client: Client, taskQueue: string): TeamDispatchPort {
  const start = (teamId: number) => ({ workflowId: teamDispatcherId(taskQueue, teamId), taskQueue, args: [{ teamId }] });
  return {
    async ticketWaiting(teamId, ticketNumber) {
      await client.workflow.signalWithStart(TEAM_DISPATCHER_WORKFLOW_TYPE, { ...start(teamId), signal: ticketWaitingSignal, signalArgs: [{ ticketNumber }] });
    },
    async teamsChanged(teamIds) {
      await Promise.all(teamIds.map((teamId) => client.workflow.signalWithStart(TEAM_DISPATCHER_WORKFLOW_TYPE, { ...start(teamId), signal: teamChangedSignal, signalArgs: [] })));
    },
  };
}
