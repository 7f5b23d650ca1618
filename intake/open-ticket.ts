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
import type { TicketCommandPort } from '../domain/ticket-commands';

export interface OpeningRequest {
  ticket: Omit<NewTicket, 'number'>;
  /** Where the number comes from, so a repeat of the same request reaches the same ticket. */
  numberFrom: NumberSource;
  /** Files of the first message, kept under its message key (the widget's; mail keeps its own). */
  files?: Array<{ filename: string | null; contentType: string; content: Buffer }>;
}

export type TicketIntake = ReturnType<typeof createTicketIntake>;

export function createTicketIntake({ db, commands }: { db: Database; commands: TicketCommandPort }) {
  return {
    /** The ticket's number once its workflow has taken it (durable in Temporal). */
    async open({ ticket, numberFrom, files = [] }: OpeningRequest): Promise<number> {
      const number = await allocateTicketNumber(db, numberFrom);
      if (files.length) {
        if (!ticket.messageKey) throw new Error('Files of a first message need its message key');
        await storeUploads(db, number, ticket.messageKey, files);
      }
      await commands.create({ ...ticket, number });
      return number;
    },
  };
}
