import { Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { SearchAttributePair, UpdateDefinition } from '@temporalio/common';
import { Actor, createTicket, CustomerMessage, NewTicket, OperatorComment, TicketState } from '../../domain/ticket';
import { TicketCommandPort, TicketNotFound, TicketRefusal } from '../../domain/ticket-commands';
import type { FollowUpPolicy } from '../../domain/clocks';
import type { SlaPolicy } from '../../domain/sla';
import type { Config } from '../../config';
import {
  SEARCH_ATTRIBUTES,
  RUN_ENDING,
  addCustomerMessageUpdate,
  changeTicketUpdate,
  addOperatorCommentUpdate,
  applySlaPolicyUpdate,
  TICKET_CODE_VERSION,
  TICKET_WORKFLOW_TYPE,
  TicketWorkflowInput,
  TicketWorkflowSettings,
  createTicketUpdate,
  searchAttributesOf,
  ticketWorkflowId,
} from './definitions';

/**
 * The ticket's run was ending (continue-as-new, or the end of a closed ticket's reopen
 * window) when the update reached it: the next attempt lands on the next run.
 */
function isBetweenRuns(error: unknown): boolean {
  if (error instanceof WorkflowUpdateFailedError) {
    return error.cause instanceof ApplicationFailure && error.cause.type === RUN_ENDING;
  }
  // The server's own words for an update that met a run as it completed.
  return error instanceof Error && /workflow execution already completed|limit on the total number of distinct updates/i.test(error.message);
}

/**
 * The ticket's workflow did not answer in time. The change was handed to Temporal and
 * will be applied when a worker is back; sending it again with the same ID is safe.
 */
export class TicketWorkflowUnavailable extends Error {
  constructor() {
    super('The ticket service did not answer in time; try again in a moment.');
    this.name = 'TicketWorkflowUnavailable';
  }
}

/** The search attributes a new ticket's workflow starts with: those of the state its creation makes. */
export function startingSearchAttributes(ticket: NewTicket, publishCustomerEmail: boolean): SearchAttributePair[] {
  const created = createTicket({ type: 'create', ticket, at: new Date().toISOString() });
  // A creation the rules refuse starts nothing that lasts: its number is enough.
  if (!created.ok) return [{ key: SEARCH_ATTRIBUTES.number, value: ticket.number }];
  return searchAttributesOf(created.state, publishCustomerEmail).filter((pair): pair is SearchAttributePair => pair.value !== null);
}

/** The ticket's rules refused the update (an ApplicationFailure from its handler): said in the port's words. */
async function refusalsAsTicketRefusal<T>(update: Promise<T>): Promise<T> {
  try {
    return await update;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) throw new TicketRefusal(error.cause.message, error.cause.type ?? null);
    throw error;
  }
}

/** The follow-up of Waiting tickets the settings ask for. */
export function followUpPolicy(config: Config): FollowUpPolicy {
  return { remindAfterMs: config.WAITING_REMINDER_AFTER, closeAfterMs: config.WAITING_CLOSE_AFTER };
}

/** Ticket commands as configured: the task queue and the workflow's timings. */
export function ticketCommandsFor(client: Client, config: Config, options: { timeoutMs?: number; ticketExists?: (ticketNumber: number) => Promise<boolean> } = {}): TicketCommands {
  return new TicketCommands({
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    settings: { reopenWindowMs: config.REOPEN_WINDOW, maxHistoryEvents: config.MAX_HISTORY_EVENTS, publishCustomerEmail: config.TEMPORAL_SEARCH_CUSTOMER_EMAIL,
      mailGiveUpAfterMs: config.MAIL_GIVE_UP_AFTER, followUp: followUpPolicy(config) },
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.ticketExists ? { ticketExists: options.ticketExists } : {}),
  });
}

export interface TicketCommandsOptions {
  client: Client;
  taskQueue: string;
  settings: TicketWorkflowSettings;
  /** How long an HTTP request waits for the ticket's workflow to answer. */
  timeoutMs: number;
  /**
   * Whether the database has the ticket: asked only when its workflow is not running, before
   * a new run is started for it, so that a change to a ticket that never was starts nothing.
   */
  ticketExists?: (ticketNumber: number) => Promise<boolean>;
}

/**
 * How the API talks to ticket workflows. Every change is an Update-with-Start: when the
 * ticket's run has ended (closed past its reopen window), the same call starts a new run
 * that loads the ticket from the database, so a ticket can be changed at any age.
 */
export class TicketCommands implements TicketCommandPort {
  constructor(private readonly options: TicketCommandsOptions) {}

  addCustomerMessage(ticketNumber: number, message: CustomerMessage, updateId: string) {
    return refusalsAsTicketRefusal(this.update(ticketNumber, addCustomerMessageUpdate, [message], updateId));
  }

  addOperatorComment(ticketNumber: number, comment: OperatorComment, actor: Actor, updateId: string) {
    return refusalsAsTicketRefusal(this.update(ticketNumber, addOperatorCommentUpdate, [comment, actor], updateId));
  }

  assign(ticketNumber: number, assigneeId: number, updateId: string) {
    return refusalsAsTicketRefusal(this.update(ticketNumber, changeTicketUpdate, [{ assigneeId }, { kind: 'system' }], updateId));
  }

  applySlaPolicy(ticketNumber: number, policy: SlaPolicy | null, updateId: string) {
    return refusalsAsTicketRefusal(this.update(ticketNumber, applySlaPolicyUpdate, [policy], updateId));
  }

  /**
   * Starts the ticket's workflow with its creation. A repeated call for the same number
   * (a retried activity) lands on the same workflow and the same Update ID, so it
   * completes the creation if the first call did not and is a no-op if it did.
   */
  async create(ticket: NewTicket): Promise<TicketState> {
    const input: TicketWorkflowInput = { ticketNumber: ticket.number, settings: this.options.settings, codeVersion: TICKET_CODE_VERSION };
    const start = new WithStartWorkflowOperation(TICKET_WORKFLOW_TYPE, {
      workflowId: ticketWorkflowId(ticket.number),
      taskQueue: this.options.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // All of them from the start, as the creation will leave them, so it needs no upsert.
      typedSearchAttributes: startingSearchAttributes(ticket, this.options.settings.publishCustomerEmail !== false),
    });
    return refusalsAsTicketRefusal(this.withTimeout(() =>
      this.options.client.workflow.executeUpdateWithStart(createTicketUpdate, {
        args: [ticket],
        updateId: `create-${ticket.number}`,
        startWorkflowOperation: start,
      }),
    ));
  }

  /**
   * Sends an update to an existing ticket. `updateId` makes a repeated request (a
   * double click, a client retry with the same Idempotency-Key) take effect once.
   * Most tickets changed are open, their workflow running: a plain update reaches it. One
   * whose run has ended (closed past its reopen window) gets a new run with the update.
   */
  async update<Ret, Args extends unknown[]>(
    ticketNumber: number,
    definition: UpdateDefinition<Ret, Args>,
    args: Args,
    updateId?: string,
  ): Promise<Ret> {
    const handle = this.options.client.workflow.getHandle(ticketWorkflowId(ticketNumber));
    const running = await this.withTimeout(async () => {
      try {
        // The SDK's overloads cannot tell an empty argument list from a non-empty one here.
        const plainUpdate = handle.executeUpdate as (def: UpdateDefinition<Ret, Args>, options: { args: Args; updateId?: string }) => Promise<Ret>;
        return { answer: await plainUpdate.call(handle, definition, { args, ...(updateId ? { updateId } : {}) }) };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError || isBetweenRuns(error)) return null;
        throw error;
      }
    });
    if (running) return running.answer;
    if (this.options.ticketExists && !(await this.options.ticketExists(ticketNumber))) {
      throw new TicketNotFound(ticketNumber);
    }
    return this.updateWithStart(ticketNumber, definition, args, updateId);
  }

  private async updateWithStart<Ret, Args extends unknown[]>(
    ticketNumber: number,
    definition: UpdateDefinition<Ret, Args>,
    args: Args,
    updateId?: string,
  ): Promise<Ret> {
    const input: TicketWorkflowInput = { ticketNumber, settings: this.options.settings, resume: true, codeVersion: TICKET_CODE_VERSION };
    const start = new WithStartWorkflowOperation(TICKET_WORKFLOW_TYPE, {
      workflowId: ticketWorkflowId(ticketNumber),
      taskQueue: this.options.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.number, value: ticketNumber }],
    });
    return this.withTimeout(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.options.client.workflow.executeUpdateWithStart(definition, {
            args,
            ...(updateId ? { updateId } : {}),
            // One operation object per call: the SDK does not let it be reused.
            startWorkflowOperation: attempt === 1 ? start : new WithStartWorkflowOperation(start.workflowTypeOrFunc, start.options),
          });
        } catch (error) {
          if (!isBetweenRuns(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.min(25 * attempt, 250)));
        }
      }
    });
  }

  private async withTimeout<T>(call: () => Promise<T>): Promise<T> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      return await this.options.client.withAbortSignal(deadline, call);
    } catch (error) {
      if (deadline.aborted || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new TicketWorkflowUnavailable();
      }
      throw error;
    }
  }
}
