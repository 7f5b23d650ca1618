/**
 * What the channels ask of a ticket, as a port: mail ingestion and intake take one, the
 * worker and the API wire it to the ticket workflow's client (workflows/ticket/client.ts),
 * so nothing below the workflows imports them.
 */
import type { Actor, CustomerMessage, NewTicket, OperatorComment } from './ticket';
import type { SlaPolicy } from './sla';

export interface TicketCommandPort {
  /** Starts the ticket's workflow with its creation; the same ticket again is a no-op. Rejects with a TicketRefusal when the rules refuse. */
  create(ticket: NewTicket): Promise<unknown>;
  /** The same `updateId` again takes effect once. Rejects with a TicketRefusal when the ticket's rules refuse. */
  addCustomerMessage(ticketNumber: number, message: CustomerMessage, updateId: string): Promise<unknown>;
  /** The same `updateId` again takes effect once. Rejects with a TicketRefusal when the ticket's rules refuse. */
  addOperatorComment(ticketNumber: number, comment: OperatorComment, actor: Actor, updateId: string): Promise<unknown>;
  /** Assigns the ticket on the helpdesk's behalf (a team's dispatcher). Rejects with a TicketRefusal when the ticket's rules refuse. */
  assign(ticketNumber: number, assigneeId: number, updateId: string): Promise<unknown>;
  /** The SLA policy that applies to the ticket now (null: none). Rejects with a TicketRefusal when the ticket's rules refuse. */
  applySlaPolicy(ticketNumber: number, policy: SlaPolicy | null, updateId: string): Promise<unknown>;
}

/** The ticket's rules refused the change: final, trying again meets the same answer. */
export class TicketRefusal extends Error {
  /** Which rule refused (a RejectionReason), when the ticket said. */
  constructor(message: string, readonly reason: string | null) {
    super(message);
    this.name = 'TicketRefusal';
  }
}

/** There is no such ticket: a change to it starts nothing. */
export class TicketNotFound extends TicketRefusal {
  constructor(readonly ticketNumber: number) {
    super(`Ticket #${ticketNumber} does not exist.`, 'not_found');
    this.name = 'TicketNotFound';
  }
}

/** What tells a team's dispatcher (workflows/team-dispatcher) that it has work: wired by the worker and the API. */
export interface TeamDispatchPort {
  /** A new ticket of the team that nobody has. */
  ticketWaiting(teamId: number, ticketNumber: number): Promise<void>;
  /** Members, availability or settings of these teams changed. */
  teamsChanged(teamIds: readonly number[]): Promise<void>;
}
