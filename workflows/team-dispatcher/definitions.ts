/** The team dispatcher's contract: its id, input and signals (types and definitions only). */
import { defineSignal } from '@temporalio/workflow';

export const TEAM_DISPATCHER_WORKFLOW_TYPE = 'teamDispatcherWorkflow';

/** One per team and task queue (helpdesks, or test runs, sharing a namespace keep apart). */
export const teamDispatcherId = (taskQueue: string, teamId: number) => `team-dispatcher-${taskQueue}-${teamId}`;

/** An offer not yet taken up: the ticket goes to the next one if its operator has not opened it by `deadline` (workflow time, ms). */
export interface Offer { ticketNumber: number; operatorId: number; offeredAt: string; deadline: number; passedBy: number[] }

export interface TeamDispatcherInput {
  teamId: number;
  /** Carried over by continue-as-new. */
  lastAssigned?: number | null;
  backlog?: number[];
  offers?: Offer[];
}

/** A new ticket of the team nobody has. */
export const ticketWaitingSignal = defineSignal<[{ ticketNumber: number }]>('ticketWaiting');
/** Members, availability or the team's settings changed: read them again, and the backlog with them. */
export const teamChangedSignal = defineSignal<[]>('teamChanged');
