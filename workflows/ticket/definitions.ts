/**
 * The ticket workflow's contract: its messages, input and search attributes. Imported
 * by the workflow, the worker and the API alike (types and definitions only).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type {
  Actor,
  CommentChannel,
  CustomerMessage,
  NewTicket,
  NotificationKind,
  NotificationRecipient,
  OperatorComment,
  TicketPriority,
  TicketState,
  TicketStatus,
} from '../../domain/ticket';
import type { FollowUpPolicy } from '../../domain/clocks';
import type { CustomFieldValue } from '../../domain/custom-fields';
import { dueOf, type SlaPolicy, type SlaState } from '../../domain/sla';

export const TICKET_WORKFLOW_TYPE = 'ticketWorkflow';

/** Failure type of an update refused because its run is ending: send it again. */
export const RUN_ENDING = 'run_ending';

export function ticketWorkflowId(ticketNumber: number): string {
  return `ticket-${ticketNumber}`;
}

export interface TicketWorkflowSettings {
  /** How long a closed ticket's run waits for a reopen before it ends. */
  reopenWindowMs: number;
  /** Continue-as-new past this many history events. */
  maxHistoryEvents: number;
  /**
   * Whether the customer's email is a search attribute (readable by whoever reaches
   * Temporal's visibility). Absent in runs started before it was a setting: they had it.
   */
  publishCustomerEmail?: boolean;
  /**
   * How long a mail the server refuses for now is tried again before it is recorded as
   * failed. Absent in runs started before mail was given up on: they retried for ever.
   */
  mailGiveUpAfterMs?: number;
  /** Follow-up of Waiting tickets. Absent in runs started before clocks existed: none. */
  followUp?: FollowUpPolicy;
}

/** One mail a ticket's change asked for: an activity sends it once per key. */
export interface TicketNotification {
  ticketNumber: number;
  seq: number;
  kind: NotificationKind;
  recipient: NotificationRecipient;
}

/** A mail not yet out when its run continued as new: the next run goes on trying. */
export interface MailDue {
  notification: TicketNotification;
  /** Workflow time of its first attempt, in ms: it is given up on that long after. */
  firstAttemptAt: number;
  attempts: number;
}

/**
 * The ticket workflow's code version, carried in the input of every run started since and
 * through continue-as-new. A run with a version takes every change up to it as it is, with
 * no `patched()` marker (each is a history event and a search-attribute upsert, on every
 * new ticket); runs recorded without one replay through the markers they wrote.
 * 1: everything behind `patched()` until then, and mail queued with the change's write
 * (the outbox) instead of an activity of the ticket's own.
 */
export const TICKET_CODE_VERSION = 1;

export interface TicketWorkflowInput {
  ticketNumber: number;
  settings: TicketWorkflowSettings;
  /** TICKET_CODE_VERSION of the code that started the run (absent: started before versions). */
  codeVersion?: number;
  /** Carried over by continue-as-new. */
  state?: TicketState;
  /** A new run of an existing ticket (its earlier run ended): load the state from the database. */
  resume?: boolean;
  /** Carried over by continue-as-new: mail still being tried. */
  mailDue?: MailDue[];
}

/** Several fields of one PATCH are applied together or not at all. */
export interface TicketChanges {
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: number | null;
  customerId?: number | null;
  /** A new public link; the old one stops working at once. */
  rotatePublicLink?: true;
  /** Waiting until this time (null: with no time). Alone, it sets the ticket Waiting. */
  waitingUntil?: string | null;
  /** Exactly these tags; or some put on and some taken off, leaving the rest (what a bulk change needs). */
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
  /** Custom field values (null clears one), held to their definitions by the API. */
  fields?: Record<string, CustomFieldValue | null>;
  /** Another team (null: none). */
  teamId?: number | null;
  /** Merge this ticket into that one (the API checked it is the same customer's and not merged itself). */
  mergeInto?: number;
  /** That ticket was merged into this one. */
  mergedFrom?: number;
  /** That message of this ticket became the ticket `into`. */
  splitOff?: { commentId: string; into: number };
}

export type { OperatorComment, CustomerMessage } from '../../domain/ticket';

export interface CommentResult {
  state: TicketState;
  /** The comment's event sequence number; null when the message was a redelivery. */
  seq: number | null;
}

export const createTicketUpdate = defineUpdate<TicketState, [NewTicket]>('createTicket');
export const changeTicketUpdate = defineUpdate<TicketState, [TicketChanges, Actor]>('changeTicket');
export const addOperatorCommentUpdate = defineUpdate<CommentResult, [OperatorComment, Actor]>('addOperatorComment');
export const addCustomerMessageUpdate = defineUpdate<CommentResult, [CustomerMessage]>('addCustomerMessage');
/** Fire-and-forget twin of addCustomerMessage, for ingestion that needs no answer. */
export const customerMessageSignal = defineSignal<[CustomerMessage]>('customerMessage');
/** The customer followed the link mailed to the contact's address: the address is theirs. */
export const verifyContactUpdate = defineUpdate<TicketState, []>('verifyContact');
export const ticketStateQuery = defineQuery<TicketState | null>('ticketState');
/** The SLA policy that applies now (null: none), from a policy change's rollout. */
export const applySlaPolicyUpdate = defineUpdate<TicketState, [SlaPolicy | null]>('applySlaPolicy');

export const SEARCH_ATTRIBUTES = {
  number: defineSearchAttributeKey('TicketNumber', SearchAttributeType.INT),
  status: defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD),
  priority: defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD),
  assignee: defineSearchAttributeKey('TicketAssignee', SearchAttributeType.KEYWORD),
  source: defineSearchAttributeKey('TicketSource', SearchAttributeType.KEYWORD),
  customerEmail: defineSearchAttributeKey('CustomerEmail', SearchAttributeType.KEYWORD),
  firstResponseDue: defineSearchAttributeKey('TicketFirstResponseDue', SearchAttributeType.DATETIME),
  resolutionDue: defineSearchAttributeKey('TicketResolutionDue', SearchAttributeType.DATETIME),
  slaBreached: defineSearchAttributeKey('TicketSlaBreached', SearchAttributeType.BOOL),
  tags: defineSearchAttributeKey('TicketTags', SearchAttributeType.KEYWORD_LIST),
} as const;

/** The SLA's search attributes: kept only by tickets an SLA policy ever applied to, so other runs' histories stay as recorded. */
export const SLA_SEARCH_ATTRIBUTE_NAMES: readonly string[] = [SEARCH_ATTRIBUTES.firstResponseDue.name, SEARCH_ATTRIBUTES.resolutionDue.name, SEARCH_ATTRIBUTES.slaBreached.name];

/**
 * A ticket's search attributes, from its state: what the workflow keeps current and what
 * a new ticket's workflow starts with, so both say the same. `publishCustomerEmail` is the
 * run's setting.
 */
export function searchAttributesOf(state: TicketState, publishCustomerEmail: boolean): SearchAttributeUpdatePair[] {
  return [
    { key: SEARCH_ATTRIBUTES.number, value: state.number },
    { key: SEARCH_ATTRIBUTES.status, value: state.status },
    { key: SEARCH_ATTRIBUTES.priority, value: state.priority },
    { key: SEARCH_ATTRIBUTES.source, value: state.source },
    { key: SEARCH_ATTRIBUTES.assignee, value: state.assigneeId === null ? null : String(state.assigneeId) },
    ...(publishCustomerEmail
      ? [{ key: SEARCH_ATTRIBUTES.customerEmail, value: state.contact.email ? state.contact.email.toLowerCase() : null }] : []),
    ...(state.sla ? slaSearchAttributes(state.sla) : []),
    // Only on tagged tickets: runs recorded before tags upsert nothing new.
    ...(state.tags?.length ? [{ key: SEARCH_ATTRIBUTES.tags, value: state.tags }] : []),
  ];
}

/** `temporal workflow list --query "TicketSlaBreached=true"` lists exactly the breached. */
export function slaSearchAttributes(sla: SlaState | null): SearchAttributeUpdatePair[] {
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  return [
    { key: SEARCH_ATTRIBUTES.firstResponseDue, value: date(sla ? dueOf(sla, 'first_response') : null) },
    { key: SEARCH_ATTRIBUTES.resolutionDue, value: date(sla ? dueOf(sla, 'resolution') : null) },
    { key: SEARCH_ATTRIBUTES.slaBreached, value: sla ? sla.breached : null },
  ];
}

/** For `temporal server start-dev --search-attribute` and `temporal operator search-attribute create`. */
const DECLARED_TYPES: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.INT]: 'Int', [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.KEYWORD_LIST]: 'KeywordList', [SearchAttributeType.DATETIME]: 'Datetime', [SearchAttributeType.BOOL]: 'Bool',
};
export const SEARCH_ATTRIBUTE_DECLARATIONS = Object.values(SEARCH_ATTRIBUTES).map((key) => `${key.name}=${DECLARED_TYPES[key.type] ?? 'Keyword'}`);
