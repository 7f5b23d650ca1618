/**
 * Opening a ticket, one way for every channel: the operator's form (API), the website
 * widget and inbound mail all take a number here, keep the files of the first message,
 * and start the ticket's workflow. Imported by api/ and mail ingestion; imports db/ and
 * the ticket commands port (domain/ticket-commands.ts).
 */
import type { Database } from '../db';
import { allocateTicketNumber, NumberSource } from '../db/ticket-numbers';
import { storeUploads } from '../db/attachments';
import type { NewTicket } from '../domain/ticket';
import type { TeamDispatchPort, TicketCommandPort } from '../domain/ticket-commands';
import { createTeamStore } from '../db/teams';
import { teamFor } from '../domain/teams';

export interface OpeningRequest {
  ticket: Omit<NewTicket, 'number'>;
  /** Where the number comes from, so a repeat of the same request reaches the same ticket. */
  numberFrom: NumberSource;
  /** Files of the first message, kept under its message key (the widget's; mail keeps its own). */
  files?: Array<{ filename: string | null; contentType: string; content: Buffer }>;
}

export type TicketIntake = ReturnType<typeof createTicketIntake>;

/**
 * `dispatch`: tells the team a new ticket nobody has goes to (absent: teams are not told,
 * their dispatchers still find it in their backlog when someone becomes available).
 */
export function createTicketIntake({ db, commands, dispatch }: { db: Database; commands: TicketCommandPort; dispatch?: TeamDispatchPort }) {
  const teams = createTeamStore(db);
  return {
    /** The ticket's number once its workflow has taken it (durable in Temporal). */
    async open({ ticket, numberFrom, files = [] }: OpeningRequest): Promise<number> {
      const number = await allocateTicketNumber(db, numberFrom);
      if (files.length) {
        if (!ticket.messageKey) throw new Error('Files of a first message need its message key');
        await storeUploads(db, number, ticket.messageKey, files);
      }
      // The team whose channels it came by, unless the opener named one.
      const team = ticket.teamId ?? teamFor(await teams.list(), ticket)?.id;
      await commands.create({ ...ticket, number, ...(team !== undefined ? { teamId: team } : {}) });
      if (team !== undefined && ticket.assigneeId === null && dispatch) await dispatch.ticketWaiting(team, number);
      return number;
    },
  };
}
