import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { TicketActivities } from '../../activities/ticket';
import { Actor, Effect, TICKET_NOT_FOUND, TicketEvent, TicketState, decide } from '../../domain/ticket';
import { clockEvent, nextClock } from '../../domain/clocks';
import { givenUpReason, mailRetryWait } from '../../domain/mail-delivery';
import type { SlaPolicy } from '../../domain/sla';
import {
  CommentResult,
  CustomerMessage,
  MailDue,
  OperatorComment,
  RUN_ENDING,
  TicketChanges,
  TicketNotification,
  TicketWorkflowInput,
  TICKET_CODE_VERSION,
  addCustomerMessageUpdate,
  verifyContactUpdate,
  addOperatorCommentUpdate,
  changeTicketUpdate,
  createTicketUpdate,
  customerMessageSignal,
  SEARCH_ATTRIBUTES,
  searchAttributesOf,
  slaSearchAttributes,
  ticketStateQuery,
  applySlaPolicyUpdate,
} from './definitions';

const NON_RETRYABLE_ACTIVITY_ERRORS = [TICKET_NOT_FOUND];

// Short timeouts: each is one small database transaction or one SMTP conversation, and a
// worker killed mid-activity is noticed only when its timeout runs out.
const databaseActivityOptions = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
} as const;
const queued = proxyActivities<TicketActivities>(databaseActivityOptions);
// Database work runs as local activities: in the worker that holds the workflow, inside
// its workflow task, without a round trip through the server's task queue per step. An
// operator's change is answered once persisted, so that round trip was most of its wait.
// Each is a short idempotent transaction, which is what local activities are for.
const local = proxyLocalActivities<TicketActivities>(databaseActivityOptions);

/** Mail kinds added with operators' notification choices (domain/inbox.ts). */
const OPERATOR_CHOICE_MAIL = new Set<string>(['ticket_assigned', 'mentioned']);

// Runs started before mail was given up on: the server retries each mail for ever.
const { sendNotification } = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '5m', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});
// One attempt per activity; the workflow waits between attempts with its own timers, so it
// knows whether a mail is being sent right now (a run's end waits for that) or only due
// again later (handed on to the next run), and when to give up.
const sendNotificationOnce = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 1 },
}).sendNotification;

/**
 * Holds one ticket's state; the only writer of it. Changes are serialised: a handler
 * waits for the one before it, re-decides on the state it then finds, and runs the
 * effects as activities before the next starts.
 */
class TicketEntity {
  state: TicketState | null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly notifications = new Set<Promise<unknown>>();
  /** Mail the change being applied asks for, not yet queued (runs with the outbox). */
  private mailOfChange: TicketNotification[] = [];
  /** Mail not yet out or given up on, by key (runs that give mail up only). */
  private readonly mailDue = new Map<string, MailDue>();
  private mailBeingSent = 0;
  /** The run is handing its mail on: no new attempts, the next run makes them. */
  private handingMailOn = false;

  /**
   * `publishCustomerEmail` and `mailGiveUpAfterMs` come with the run's input, so a replay
   * decides as the run did.
   */
  constructor(
    state: TicketState | null,
    private readonly publishCustomerEmail: boolean,
    private readonly mailGiveUpAfterMs: number | undefined,
    /** The run's TICKET_CODE_VERSION (0: started before versions). */
    private readonly codeVersion: number,
  ) {
    this.state = state;
  }

  /**
   * Whether the run takes a change made since runs were recorded: always in a run started
   * with a code version (no marker), else from the marker `patched()` writes, so that
   * histories recorded before the change replay as they ran.
   */
  has(patch: string): boolean {
    return this.codeVersion >= 1 || patched(patch);
  }

  /**
   * Runs recorded before local activities keep replaying as they ran; the marker makes every
   * later step of the same run local.
   */
  database(): Pick<TicketActivities, 'persistTicketChange' | 'loadTicketState' | 'findCrmCustomer' | 'giveUpNotification'> {
    return this.has('database-work-as-local-activities') ? local : queued;
  }

  /** Throws the rejection that applying these events now would meet (for update validators). */
  check(events: TicketEvent[]): void {
    let state = this.state;
    for (const event of events) {
      const decision = decide(state, event);
      if (!decision.ok) throw ApplicationFailure.create({ type: decision.reason, message: decision.message, nonRetryable: true });
      state = decision.state;
    }
  }

  apply(makeEvents: (state: TicketState | null) => TicketEvent[]): Promise<{ state: TicketState; seq: number | null }> {
    const run = this.queue.then(async () => {
      const events = makeEvents(this.state);
      this.check(events);
      this.mailOfChange = [];
      const lastWrite = lastWritingEvent(this.state, events);
      let seq: number | null = null;
      let commentSeq: number | null = null;
      for (const [i, event] of events.entries()) {
        const decision = decide(this.state, event);
        if (!decision.ok) throw ApplicationFailure.create({ type: decision.reason, message: decision.message, nonRetryable: true });
        const changed = decision.state !== this.state;
        this.state = decision.state;
        if (changed) seq = decision.state.eventSeq;
        if (decision.effects.some((effect) => effect.type === 'persist' && effect.comment !== null)) commentSeq = decision.state.eventSeq;
        await this.runEffects(decision.effects, i === lastWrite);
      }
      // A comment's caller wants the comment, also when a status change came with it.
      return { state: this.state as TicketState, seq: commentSeq ?? seq };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** No change in progress and no mail still being sent: the run may end without losing any. */
  idle(): boolean {
    return this.notifications.size === 0 && this.mailBeingSent === 0 && allHandlersFinished();
  }

  /** No mail is waiting for another attempt. */
  mailSettled(): boolean {
    return this.mailDue.size === 0;
  }

  /** Stops new attempts at mail: what is still due goes to the next run. */
  stopMailAttempts(): void {
    this.handingMailOn = true;
  }

  /** What the next run goes on trying (once `idle()`, nothing is being sent). */
  mailStillDue(): MailDue[] {
    return [...this.mailDue.values()];
  }

  /** Mail a run handed on, and every new mail of a run that gives mail up. */
  deliver(due: MailDue): void {
    const { ticketNumber, seq, kind, recipient } = due.notification;
    const key = `${ticketNumber}/${seq}/${kind}/${recipient}`;
    if (this.mailDue.has(key)) return;
    this.mailDue.set(key, due);
    void this.attempt(key, due);
  }

  private async attempt(key: string, due: MailDue): Promise<void> {
    const giveUpAt = due.firstAttemptAt + (this.mailGiveUpAfterMs as number);
    for (;;) {
      if (this.handingMailOn) return;
      this.mailBeingSent += 1;
      let failure: string;
      try {
        await sendNotificationOnce(due.notification);
        this.mailDue.delete(key);
        return;
      } catch (error) {
        failure = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        if (error instanceof Error && error.cause instanceof ApplicationFailure && error.cause.type === TICKET_NOT_FOUND) {
          this.mailDue.delete(key);
          return;
        }
      } finally {
        this.mailBeingSent -= 1;
      }
      due.attempts += 1;
      const left = giveUpAt - Date.now();
      if (left <= 0) {
        await this.database().giveUpNotification({
          notification: due.notification, reason: givenUpReason(due.attempts, this.mailGiveUpAfterMs as number, failure),
        }).catch(() => undefined);
        this.mailDue.delete(key);
        return;
      }
      await sleep(Math.min(mailRetryWait(due.attempts), left));
    }
  }

  /**
   * `lastWriteOfChange`: whether this is the last write of the change being applied. Mail
   * goes with that one (the outbox), so the sender reads the ticket as the whole change left
   * it: a reply sent with "and close" says Closed.
   */
  private async runEffects(effects: Effect[], lastWriteOfChange = true): Promise<void> {
    // A new ticket's CRM lookup rides on the write of its creation: one local activity less.
    const crmLookupWithWrite = effects.some((effect) => effect.type === 'link_crm') && this.has('crm-lookup-with-creation-write');
    // So does its SLA policy; runs recorded before either replay without it.
    const slaLookupWithWrite = crmLookupWithWrite && effects.some((effect) => effect.type === 'find_sla_policy');
    // And its mail: queued by the same write for the mail sender (workflows/mail-sender), not
    // an activity of this workflow with a workflow task of its own to hear it finish.
    const mailWithWrite = effects.some((effect) => effect.type === 'notify') && this.has('mail-outbox');
    if (mailWithWrite) {
      for (const effect of effects) {
        if (effect.type === 'notify' && (!OPERATOR_CHOICE_MAIL.has(effect.kind) || this.has('operator-mail'))) {
          this.mailOfChange.push({ ticketNumber: (this.state as TicketState).number, seq: effect.seq, kind: effect.kind, recipient: effect.recipient });
        }
      }
    }
    const writesMail = lastWriteOfChange && this.mailOfChange.length > 0;
    let crmMatch: number | null = null;
    let slaMatch: SlaPolicy | null = null;
    for (const effect of effects) {
      const state = this.state as TicketState;
      switch (effect.type) {
        case 'persist': {
          const mail = writesMail ? this.mailOfChange : [];
          if (writesMail) this.mailOfChange = [];
          const written = await this.database().persistTicketChange({
            state, audit: effect.audit, comment: effect.comment, ...(effect.inbox ? { inbox: effect.inbox } : {}),
            ...(crmLookupWithWrite ? { findCrmCustomer: true } : {}), ...(slaLookupWithWrite ? { findSlaPolicy: true } : {}),
            ...(mail.length ? { mail } : {}),
          });
          if (crmLookupWithWrite) crmMatch = written.crmCustomerId;
          // Histories recorded before SLA policies have no such answer: none applied.
          if (slaLookupWithWrite) slaMatch = written.slaPolicy ?? null;
          this.publishSearchAttributes();
          break;
        }
        case 'link_crm': {
          const customerId = crmLookupWithWrite ? crmMatch : await this.database().findCrmCustomer(state.contact);
          if (customerId !== null) await this.applyNow({ type: 'link_customer', customerId, actor: { kind: 'system' }, at: now() });
          break;
        }
        case 'find_sla_policy': {
          if (slaMatch) await this.applyNow({ type: 'sla_policy', policy: slaMatch, at: now(), from: state.createdAt });
          break;
        }
        case 'notify': {
          if (mailWithWrite) break;
          // Mail to operators of assignments and mentions came after runs that
          // were recorded without it: those replay without the activity.
          if (OPERATOR_CHOICE_MAIL.has(effect.kind) && !this.has('operator-mail')) break;
          // Mail must not hold up the operator's answer; the run waits for it before it ends.
          const notification: TicketNotification = { ticketNumber: state.number, seq: effect.seq, kind: effect.kind, recipient: effect.recipient };
          if (this.mailGiveUpAfterMs !== undefined) {
            this.deliver({ notification, firstAttemptAt: Date.now(), attempts: 0 });
            break;
          }
          const sending = sendNotification(notification);
          this.notifications.add(sending);
          void sending.finally(() => this.notifications.delete(sending));
          break;
        }
      }
    }
  }

  /** Applies a follow-up event inside the change that caused it (already holding the queue). */
  private async applyNow(event: TicketEvent): Promise<void> {
    const decision = decide(this.state, event);
    if (!decision.ok) return;
    this.state = decision.state;
    await this.runEffects(decision.effects);
  }

  /**
   * Keeps the search attributes in step with the state. Only the changed ones are sent:
   * each upsert is a history event and a visibility write, and most changes (comments)
   * touch none.
   */
  publishSearchAttributes(): void {
    const state = this.state;
    if (!state) return;
    const wanted = searchAttributesOf(state, this.publishCustomerEmail);
    if (!this.has('publish-only-changed-search-attributes')) {
      upsertSearchAttributes(wanted);
      return;
    }
    const current = workflowInfo().typedSearchAttributes;
    // A ticket whose SLA policy went away clears what its SLA kept.
    // So does one whose last tag was taken off.
    const cleared = [
      ...(state.sla ? [] : slaSearchAttributes(null)),
      ...(state.tags?.length ? [] : [{ key: SEARCH_ATTRIBUTES.tags, value: null }]),
    ].filter(({ key }) => current.get(key) !== undefined);
    const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime()
      : Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((item, i) => item === b[i]) : a === b);
    const changed = [...wanted, ...cleared].filter(({ key, value }) => !same(current.get(key) ?? null, value));
    if (changed.length) upsertSearchAttributes(changed);
  }
}

/**
 * The index of the last of `events` that writes (a change that changes nothing writes
 * nothing), found by deciding them in turn: the rules are a pure function.
 */
function lastWritingEvent(state: TicketState | null, events: TicketEvent[]): number {
  let last = events.length - 1;
  let current = state;
  events.forEach((event, i) => {
    const decision = decide(current, event);
    if (!decision.ok) return;
    if (decision.effects.some((effect) => effect.type === 'persist')) last = i;
    current = decision.state;
  });
  return last;
}

/** Workflow time: deterministic on replay. */
const now = () => new Date().toISOString();

function changeEvents(changes: TicketChanges, actor: Actor): TicketEvent[] {
  const at = now();
  const events: TicketEvent[] = [];
  if (changes.assigneeId !== undefined) events.push({ type: 'assign', assigneeId: changes.assigneeId, actor, at });
  if (changes.customerId !== undefined) events.push({ type: 'link_customer', customerId: changes.customerId, actor, at });
  if (changes.priority !== undefined) events.push({ type: 'set_priority', priority: changes.priority, actor, at });
  if (changes.rotatePublicLink) events.push({ type: 'rotate_public_link', actor, at });
  if (changes.tags !== undefined || changes.addTags?.length || changes.removeTags?.length) {
    events.push({
      type: 'tag', actor, at,
      ...(changes.tags !== undefined ? { set: changes.tags } : {}), ...(changes.addTags ? { add: changes.addTags } : {}), ...(changes.removeTags ? { remove: changes.removeTags } : {}),
    });
  }
  if (changes.fields && Object.keys(changes.fields).length) events.push({ type: 'set_fields', fields: changes.fields, actor, at });
  if (changes.teamId !== undefined) events.push({ type: 'set_team', teamId: changes.teamId, actor, at });
  if (changes.mergedFrom !== undefined) events.push({ type: 'merged_from', source: changes.mergedFrom, actor, at });
  if (changes.splitOff) events.push({ type: 'split_off', ...changes.splitOff, actor, at });
  if (changes.mergeInto !== undefined) events.push({ type: 'merge_into', target: changes.mergeInto, actor, at });
  // Status last: closing after the other changes lets the closing mail reflect them.
  const until = changes.waitingUntil !== undefined ? { until: changes.waitingUntil } : {};
  if (changes.status !== undefined) events.push({ type: 'set_status', status: changes.status, actor, at, ...until });
  else if (changes.waitingUntil !== undefined) events.push({ type: 'set_status', status: 'waiting', actor, at, ...until });
  return events;
}

/** A customer's message; one that proves the contact's address verifies it first. */
function customerEvents(message: CustomerMessage): TicketEvent[] {
  const { verifiesContact, ...fields } = message;
  const at = now();
  const event: TicketEvent = { type: 'customer_message', ...fields, at };
  return verifiesContact ? [{ type: 'verify_contact', at }, event] : [event];
}

/** Continue-as-new well before the server's limit of 2,000 updates per run. */
const MAX_UPDATES_PER_RUN = 1000;

/** One ticket, from its creation for as long as it lives; see README "How a ticket lives". */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<void> {
  const ticket = new TicketEntity(input.state ?? null, input.settings.publishCustomerEmail !== false, input.settings.mailGiveUpAfterMs, input.codeVersion ?? 0);
  const givesMailUp = input.settings.mailGiveUpAfterMs !== undefined;
  let loaded = !input.resume || input.state !== undefined;
  let ending = false;
  let updates = 0;
  /** Start of every update handler; counted here because validators do not run on replay. */
  const ready = () => {
    updates += 1;
    return condition(() => loaded);
  };
  /**
   * Validator: admits an update to this run and checks it against the rules. While the
   * run is ending, updates are refused before they enter history and the API sends them
   * again to the next run; otherwise a steady stream of changes would keep the run from
   * ever finishing its handlers.
   */
  const admit = (events: () => TicketEvent[]) => {
    if (ending) throw ApplicationFailure.create({ type: RUN_ENDING, message: 'This run of the ticket is ending; send again.', nonRetryable: true });
    if (loaded) ticket.check(events());
  };
  const commentEvents = (comment: OperatorComment, actor: Actor, state: TicketState | null): TicketEvent[] => {
    const at = now();
    const seen = {
      ...(comment.seenComments === undefined ? {} : { seenComments: comment.seenComments }),
      ...(comment.attachmentKey ? { attachmentKey: comment.attachmentKey } : {}),
    };
    const written: TicketEvent = comment.visibility === 'internal'
      ? { type: 'internal_note', body: comment.body, actor, at, ...seen, ...(comment.mentions?.length ? { mentions: comment.mentions } : {}) }
      : { type: 'public_reply', body: comment.body, actor, at, ...seen };
    if (comment.status === undefined) return [written];
    if (state?.status === 'closed' && comment.status !== 'closed') return [{ type: 'set_status', status: comment.status, actor, at }, written];
    const withReply = comment.visibility === 'public' ? { withReply: true as const } : {};
    return [written, { type: 'set_status', status: comment.status, actor, at, ...withReply }];
  };

  setHandler(ticketStateQuery, () => ticket.state);

  setHandler(createTicketUpdate, async (newTicket) => {
    await ready();
    return (await ticket.apply(() => [{ type: 'create', ticket: newTicket, at: now() }])).state;
  }, {
    validator: (newTicket) => {
      if (newTicket.number !== input.ticketNumber) throw ApplicationFailure.nonRetryable('Ticket number does not match the workflow', 'invalid_input');
      admit(() => [{ type: 'create', ticket: newTicket, at: now() }]);
    },
  });

  setHandler(changeTicketUpdate, async (changes, actor) => {
    await ready();
    return (await ticket.apply(() => changeEvents(changes, actor))).state;
  }, { validator: (changes, actor) => admit(() => changeEvents(changes, actor)) });

  setHandler(addOperatorCommentUpdate, async (comment, actor): Promise<CommentResult> => {
    await ready();
    return ticket.apply((state) => commentEvents(comment, actor, state));
  }, { validator: (comment, actor) => admit(() => commentEvents(comment, actor, ticket.state)) });

  setHandler(addCustomerMessageUpdate, async (message): Promise<CommentResult> => {
    await ready();
    return ticket.apply(() => customerEvents(message));
  }, { validator: (message) => admit(() => customerEvents(message)) });

  setHandler(verifyContactUpdate, async () => {
    await ready();
    return (await ticket.apply(() => [{ type: 'verify_contact', at: now() }])).state;
  }, { validator: () => admit(() => [{ type: 'verify_contact', at: now() }]) });

  setHandler(applySlaPolicyUpdate, async (policy) => {
    await ready();
    return (await ticket.apply(() => [{ type: 'sla_policy', policy, at: now() }])).state;
  }, { validator: (policy) => admit(() => [{ type: 'sla_policy', policy, at: now() }]) });

  setHandler(customerMessageSignal, async (message) => {
    await condition(() => loaded);
    // A signal has nobody to answer: a message the rules refuse is dropped here, and the
    // ingestion that sent it validated it with the same rules first.
    await ticket.apply(() => customerEvents(message)).catch(() => undefined);
  });

  if (input.resume && input.state === undefined) {
    ticket.state = await ticket.database().loadTicketState(input.ticketNumber);
    loaded = true;
  }
  ticket.publishSearchAttributes();
  for (const due of input.mailDue ?? []) ticket.deliver(due);
  if (ticket.state === null) {
    // Started to create a ticket whose creation was refused: nothing to keep alive.
    const created = await condition(() => ticket.state !== null, '1 minute');
    if (!created) return;
  }

  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested
    || workflowInfo().historyLength >= input.settings.maxHistoryEvents
    || updates >= MAX_UPDATES_PER_RUN;
  const closed = () => ticket.state?.status === 'closed';
  /** Stops admitting updates and waits for the ones admitted and for mail still going out. */
  const finishRun = async () => {
    ending = true;
    await condition(() => ticket.idle());
  };

  const followUp = input.settings.followUp ?? null;
  /** Which clock is next (domain/clocks.ts): a change that moves it restarts the wait. */
  const clockKey = () => {
    const clock = nextClock(ticket.state, followUp);
    return clock ? `${clock.event}:${clock.target ?? ''}@${clock.at}` : null;
  };
  /**
   * Waits while the ticket is open: for it to close, for the history to need a new run, or
   * for its next clock, which then fires as the helpdesk's own event. The timer is durable:
   * a worker killed meanwhile, or a server restarted, fires it once all the same.
   */
  const runClocks = async () => {
    const clock = nextClock(ticket.state, followUp);
    if (clock === null) {
      await condition(() => closed() || historyTooLong() || clockKey() !== null);
      return;
    }
    const key = clockKey();
    const changed = await condition(() => closed() || historyTooLong() || clockKey() !== key, Math.max(1, Date.parse(clock.at) - Date.now()));
    // A clock the rules find stale (the ticket moved on as it fired) changes nothing.
    if (!changed) await ticket.apply(() => [clockEvent(clock, now())]).catch(() => undefined);
  };

  for (;;) {
    if (closed()) {
      const woke = await condition(() => !closed() || historyTooLong(), input.settings.reopenWindowMs);
      if (!woke) {
        // Mail still being tried keeps the run (taking changes as ever) until it is out or
        // given up on: a run that ended would forget it.
        if (givesMailUp) await condition(() => ticket.mailSettled() || !closed() || historyTooLong());
        if (!historyTooLong() && closed()) {
          await finishRun();
          // A message admitted before the end may have reopened it, or asked for mail.
          if (closed() && ticket.mailSettled()) return;
          ending = false;
        }
      }
    } else {
      await runClocks();
    }
    if (historyTooLong()) {
      // Mail refused for now does not hold the run: the next run goes on trying it.
      if (givesMailUp) ticket.stopMailAttempts();
      await finishRun();
      await continueAsNew<typeof ticketWorkflow>({
        // The next run is new code's from its start: it takes every change without markers.
        ...input, codeVersion: TICKET_CODE_VERSION, state: ticket.state ?? undefined, resume: false, ...(givesMailUp ? { mailDue: ticket.mailStillDue() } : {}),
      });
    }
  }
}
