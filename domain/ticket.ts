/**
 * The ticket: one definition of its vocabulary and its rules, shared by the workflow,
 * the API and the UIs. Pure: no I/O, no clock, no randomness, so the Temporal
 * workflow bundle can import it and tests can drive it without any server.
 */
import { CLOCK_EVENTS, ClockEvent, validateWaitingUntil } from './clocks';
import { inboxFor, type InboxEntry, type InboxKind } from './inbox';
import { MAX_TAGS_PER_TICKET, normalizeTags, retag, sameTags } from './tags';
import { CustomFieldValue, CustomFieldValues, MAX_CUSTOM_FIELDS, MAX_FIELD_TEXT_LENGTH, fieldKeyProblem, sameFieldValues, withFieldValues } from './custom-fields';
import {
  SLA_TARGETS, SlaPolicy, SlaState, SlaTarget, breachedSla, closedSla, customerWroteSla, needsAttention, nextEscalation, pauseSla, reopenedSla,
  respondedSla, resumeSla, retarget, startSla, warnedSla, withEscalation,
} from './sla';

export const TICKET_STATUSES = ['new', 'in_progress', 'waiting', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: 'New',
  in_progress: 'In Progress',
  waiting: 'Waiting',
  closed: 'Closed',
};

/** The statuses a ticket still needs work in: "All open" in the admin UI. */
export const OPEN_STATUSES = ['new', 'in_progress', 'waiting'] as const satisfies readonly TicketStatus[];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const PRIORITY_LABELS: Record<TicketPriority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

export const TICKET_SOURCES = ['email', 'widget', 'admin'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];
export const SOURCE_LABELS: Record<TicketSource, string> = { email: 'Email', widget: 'Website widget', admin: 'Operator' };

export const COMMENT_VISIBILITIES = ['public', 'internal'] as const;
export type CommentVisibility = (typeof COMMENT_VISIBILITIES)[number];

/**
 * Where a comment came in: the customer's channel, or the admin UI/API. `phone` and
 * `in_person`: a customer's request an operator wrote down.
 */
export const COMMENT_CHANNELS = ['email', 'widget', 'web', 'admin', 'phone', 'in_person'] as const;
export type CommentChannel = (typeof COMMENT_CHANNELS)[number];

/**
 * What the first message of a ticket an operator opens is, so their words reach only the
 * audience they chose: the customer's request as they told it (by phone, in person, …),
 * a message to the customer (mailed, starting the thread), or a note for the team.
 */
export const FIRST_MESSAGES = ['customer_request', 'message_to_customer', 'internal_note'] as const;
export type FirstMessage = (typeof FIRST_MESSAGES)[number];
/** The channels an operator can name for a customer's request they write down. */
export const RECORDED_REQUEST_CHANNELS = ['phone', 'in_person', 'email', 'web'] as const satisfies readonly CommentChannel[];

/**
 * The kinds of change a customer can see on their ticket's page. Others (notes,
 * assignment, priority, CRM links) are never announced to them, not even as "something
 * happened".
 */
export const PUBLIC_CHANGE_TYPES: readonly TicketEventType[] = ['create', 'public_reply', 'customer_message', 'set_status', 'close', 'reopen', 'wake_up', 'auto_close'];

/** Failure type of an activity that met a ticket missing from the database: retrying will not find it. */
export const TICKET_NOT_FOUND = 'TicketNotFound';

export const MAX_SUBJECT_LENGTH = 255;
export const MAX_BODY_LENGTH = 100_000;
/** How many recent customer message keys a ticket remembers to drop redeliveries. */
export const REMEMBERED_MESSAGE_KEYS = 200;

/** Contact data exactly as the customer gave it (the CRM record may say otherwise). */
export interface Contact {
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  externalId: string | null;
  /**
   * false: typed into the widget by someone who has not yet shown they own the address
   * (answered from it, or followed the link mailed to it). Such a ticket is not linked to
   * the CRM by that address. Absent: vouched for (by the mailbox, an operator, the website).
   */
  emailVerified?: boolean;
}

/** Whether the contact's address may identify the customer (link the CRM, list their tickets). */
export const emailIsVerified = (contact: Contact) => contact.emailVerified !== false;

export type Actor =
  | { kind: 'operator'; id: number }
  | { kind: 'customer' }
  | { kind: 'system' };

export interface TicketState {
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  source: TicketSource;
  assigneeId: number | null;
  /** The CRM customer this ticket is linked to, if any. */
  customerId: number | null;
  contact: Contact;
  /** The mailbox the ticket came in through and answers from; null for the default one. */
  mailbox: string | null;
  /** Sequence number of the last applied event; idempotency keys derive from it. */
  eventSeq: number;
  commentCount: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Keys (e.g. email Message-IDs) of recent customer messages, to drop redeliveries. */
  recentMessageKeys: string[];
  /** Version of the public link (absent: 1, the first); rotating it makes the old one stop working. */
  linkVersion?: number;
  /**
   * While Waiting: since when (the follow-up's clocks count from it), until when the
   * operator set it aside (null: no time), and when the customer was reminded. Absent in
   * states recorded before clocks existed, and whenever the ticket is not Waiting.
   */
  waiting?: WaitingClock;
  /** Its service-level targets under the policy that applies (domain/sla.ts); absent: none applies. */
  sla?: SlaState;
  /** When an operator first wrote to the customer in public; absent in states recorded before it was kept. */
  firstAnsweredAt?: string | null;
  /** The closed ticket this one follows up. */
  followUpOf?: number;
  /** Its tags (domain/tags.ts), in the order they were put on; absent: none. */
  tags?: string[];
  /** The last public message is the customer's (not an automatic one): an operator's answer is due. Absent: no. */
  needsReply?: boolean;
  /** When the customer last wrote (automatic mail aside): operators who have not opened it since see it unread. */
  lastCustomerMessageAt?: string;
  /** Its custom fields' values by key (domain/custom-fields.ts); absent: none. */
  fields?: CustomFieldValues;
  /** Merged into that ticket: closed for good, its thread shown there, its customer's words go there. */
  mergedInto?: number;
  /** Tickets merged into this one. */
  mergedFrom?: number[];
  /** The ticket a message of which this one was split from. */
  splitFrom?: number;
  /** The team it is with (domain/teams.ts); absent: none. */
  teamId?: number;
}

export interface WaitingClock {
  since: string;
  until: string | null;
  remindedAt: string | null;
}

/** An operator's note or public reply. */
export interface OperatorComment {
  visibility: CommentVisibility;
  body: string;
  /**
   * The status the ticket takes with it, in the same change ("Send and close"). A closed
   * ticket is reopened to it before the comment ("Reopen and reply"); a public reply's mail
   * is the only one the customer gets.
   */
  status?: TicketStatus;
  /**
   * How many comments the thread had when the operator wrote this (the thread they saw).
   * Someone else's message since then refuses it, so nobody answers blind (the operator
   * reads it and sends again). Absent: sent regardless (API clients that don't say).
   */
  seenComments?: number;
  /** Operators an internal note mentions (@name): each is told. */
  mentions?: number[];
  /** The key its uploaded files were stored under (db/attachments.ts): they go with it, and with its mail. */
  attachmentKey?: string;
}

/** A customer's words, from any channel. */
export interface CustomerMessage {
  body: string;
  channel: CommentChannel;
  /** Identity of the message (an email's Message-ID, a form submission's key) to drop redeliveries. */
  messageKey: string | null;
  automatic: boolean;
  /** The sender answered our mail to the contact's address from that address: it is theirs. */
  verifiesContact?: boolean;
}

export interface NewTicket {
  number: number;
  subject: string;
  body: string;
  priority: TicketPriority;
  source: TicketSource;
  contact: Contact;
  /** The mailbox an email ticket came in through; null otherwise. */
  mailbox: string | null;
  /** Operator who opened it (admin source); null when the customer did. */
  createdBy: number | null;
  assigneeId: number | null;
  /** Key of the message that opened the ticket (e.g. its email Message-ID). */
  messageKey: string | null;
  /** Automatic mail (auto-replies, bounces) must never be answered with an acknowledgement. */
  suppressAcknowledgement: boolean;
  /**
   * An operator's ticket: what its first message is, and for a customer's request the
   * channel it came by. Absent (customers' tickets, and runs recorded before the choice):
   * the body is the opener's public words.
   */
  firstMessage?: FirstMessage;
  channel?: CommentChannel;
  /** The closed ticket this one follows up (the customer wrote to it after it could reopen). */
  followUpOf?: number;
  /** Tags it opens with (normalised, domain/tags.ts). */
  tags?: string[];
  /** Custom field values it opens with, held to their definitions by whoever opens it. */
  fields?: CustomFieldValues;
  /** The ticket its first message was split from. */
  splitFrom?: number;
  /** The team whose channels it came by (its dispatcher finds it someone). */
  teamId?: number;
}

export type TicketEvent =
  | { type: 'create'; ticket: NewTicket; at: string }
  | { type: 'assign'; assigneeId: number | null; actor: Actor; at: string }
  | {
      type: 'set_status';
      status: TicketStatus;
      actor: Actor;
      at: string;
      /** Set with a public reply in the same change: its mail already tells the customer. */
      withReply?: true;
      /** With Waiting: the time it comes back to In Progress by itself (null: none). */
      until?: string | null;
    }
  | { type: 'set_priority'; priority: TicketPriority; actor: Actor; at: string }
  | { type: 'link_customer'; customerId: number | null; actor: Actor; at: string }
  | { type: 'internal_note'; body: string; actor: Actor; at: string; seenComments?: number; mentions?: number[]; attachmentKey?: string }
  | { type: 'public_reply'; body: string; actor: Actor; at: string; seenComments?: number; attachmentKey?: string }
  | {
      type: 'customer_message';
      body: string;
      channel: CommentChannel;
      messageKey: string | null;
      /** Automatic mail is recorded but never reopens or moves the ticket. */
      automatic: boolean;
      at: string;
    }
  | { type: 'verify_contact'; at: string }
  | { type: 'close'; actor: Actor; at: string; withReply?: true }
  | { type: 'reopen'; actor: Actor; at: string }
  | { type: 'rotate_public_link'; actor: Actor; at: string }
  /** Tags put on or taken off (`set`: exactly these), as typed: the rules normalise them. */
  | { type: 'tag'; set?: string[]; add?: string[]; remove?: string[]; actor: Actor; at: string }
  /** This ticket goes into `target` (same customer): closed as merged, quietly (its thread now reads on the target). */
  | { type: 'merge_into'; target: number; actor: Actor; at: string }
  /** `source` was merged into this ticket. */
  | { type: 'merged_from'; source: number; actor: Actor; at: string }
  /** A message of this ticket became ticket `into` of its own: here it is shown as moved. */
  | { type: 'split_off'; commentId: string; into: number; actor: Actor; at: string }
  /** Moved to another team (null: none), whose dispatcher then finds it someone if nobody has it. */
  | { type: 'set_team'; teamId: number | null; actor: Actor; at: string }
  /** Custom field values set (null: cleared), already held to their definitions by the API. */
  | { type: 'set_fields'; fields: Record<string, CustomFieldValue | null>; actor: Actor; at: string }
  /** The ticket's own clocks (domain/clocks.ts): the time set with Waiting came, the reminder, the close for want of an answer. */
  | { type: 'wake_up'; at: string }
  | { type: 'follow_up_reminder'; at: string }
  | { type: 'auto_close'; at: string }
  /** Which SLA policy applies, as the helpdesk found it (null: none); `from`: when its clocks start, if not now. */
  | { type: 'sla_policy'; policy: SlaPolicy | null; at: string; from?: string }
  | { type: 'sla_warning'; target: SlaTarget; at: string }
  | { type: 'sla_breach'; target: SlaTarget; at: string }
  /** The next step of the SLA policy's escalation, for a ticket that still needs attention. */
  | { type: 'escalate'; at: string };

export type TicketEventType = TicketEvent['type'];

export interface CommentRecord {
  visibility: CommentVisibility;
  authorKind: Actor['kind'];
  authorId: number | null;
  body: string;
  channel: CommentChannel;
  messageKey: string | null;
}

/** One row of the audit trail: who did what, when, and what changed. */
export interface AuditRecord {
  seq: number;
  type: TicketEventType;
  actor: Actor;
  at: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** `outbound_message`: an operator's first message to the customer, which starts the thread. */
export type NotificationKind =
  | 'ticket_created' | 'outbound_message' | 'public_reply' | 'ticket_closed' | 'customer_replied'
  /** To the customer of a Waiting ticket that heard nothing back; to the assignee of one whose waiting time is over. */
  | 'waiting_reminder' | 'waiting_over'
  /** To the assignee (or every agent when nobody is) before a target is missed. */
  | 'sla_warning'
  /** To every agent: a ticket still needs someone (an escalation step). */
  | 'escalation'
  /** To operators, as each chose (domain/inbox.ts): a ticket assigned to them, a mention in a note. */
  | 'ticket_assigned' | 'mentioned';

/** Mail to operators that they choose to get or not (the rest always goes): the choice it falls under. */
export const OPERATOR_MAIL_CHOICES: Partial<Record<NotificationKind, InboxKind>> = {
  ticket_assigned: 'assigned', mentioned: 'mention', customer_replied: 'customer_replied', sla_warning: 'sla_warning',
};

/** Who a mail is for: the ticket's customer, its assignee, every active agent, or the operators a note mentions. */
export type NotificationRecipient = 'customer' | 'assignee' | 'agents' | 'mentioned';

/**
 * The mail to operators that the bell's entries of a change also go out as (customers'
 * answers and SLA warnings have their own). A new unassigned ticket rings the bell only:
 * a mail activity with every new ticket, mostly to nobody, would cost each ticket more
 * than it is worth.
 */
function operatorMails(inbox: InboxEntry[]): Array<{ kind: NotificationKind; recipient: NotificationRecipient }> {
  return inbox.flatMap((entry): Array<{ kind: NotificationKind; recipient: NotificationRecipient }> => {
    switch (entry.kind) {
      case 'assigned': return [{ kind: 'ticket_assigned' as const, recipient: 'assignee' as const }];
      case 'mention': return [{ kind: 'mentioned' as const, recipient: 'mentioned' as const }];
      default: return [];
    }
  });
}

/** One notification per ticket event and recipient: the key of idempotent sending. */
export function notificationKey(ticketNumber: number, seq: number, kind: NotificationKind, recipient: string): string {
  return `ticket-${ticketNumber}-event-${seq}-${kind}-${recipient}`;
}

/** The event a notification key names (see `notificationKey`). */
export function eventOfNotification(key: string): number | null {
  const match = /^ticket-\d+-event-(\d+)-/.exec(key);
  return match ? Number(match[1]) : null;
}

export type Effect =
  /**
   * Write the new state, the audit record and the comment (if any) to the read model, and
   * what operators are told of it (domain/inbox.ts; absent: nobody).
   */
  | { type: 'persist'; audit: AuditRecord; comment: CommentRecord | null; inbox?: InboxEntry[] }
  /** Link the ticket to a CRM customer by external ID or email. */
  | { type: 'link_crm' }
  /** Find the SLA policy that applies to a new ticket (found with its creation's write). */
  | { type: 'find_sla_policy' }
  | { type: 'notify'; kind: NotificationKind; recipient: NotificationRecipient; seq: number };

export const REJECTION_REASONS = [
  'invalid_input',
  'ticket_closed',
  'already_closed',
  'not_closed',
  'invalid_transition',
  'not_created',
  'already_created',
  /** Closed longer than its policy lets it reopen: the customer's word opens a follow-up ticket instead. */
  'follow_up_needed',
  /** The ticket was merged into another: changes and words go to that one. */
  'merged',
  /** Someone wrote on the ticket after the thread the operator's message answers was shown to them. */
  'thread_moved',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type Decision =
  | { ok: true; state: TicketState; effects: Effect[] }
  | { ok: false; reason: RejectionReason; message: string };

const reject = (reason: RejectionReason, message: string): Decision => ({ ok: false, reason, message });

/** A request that changes nothing is accepted and leaves no trace (double clicks, retries). */
const unchanged = (state: TicketState): Decision => ({ ok: true, state, effects: [] });

export function ticketLabel(number: number): string {
  return `#${number}`;
}

export function validateBody(body: string): string | null {
  if (typeof body !== 'string' || body.trim() === '') return 'The message must not be empty.';
  if (body.length > MAX_BODY_LENGTH) return `The message is longer than ${MAX_BODY_LENGTH} characters.`;
  return null;
}

export function validateSubject(subject: string): string | null {
  if (typeof subject !== 'string' || subject.trim() === '') return 'The subject must not be empty.';
  if (subject.length > MAX_SUBJECT_LENGTH) return `The subject is longer than ${MAX_SUBJECT_LENGTH} characters.`;
  return null;
}

/** Loose on purpose: the mail server is the judge; this only catches typos and injection. */
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function isValidEmail(email: string): boolean {
  // A trailing dot or an empty label is valid DNS but refused by most relays: mail to it bounces.
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return email.length <= 254 && EMAIL_PATTERN.test(email) && !domain.endsWith('.') && !domain.includes('..') && !domain.startsWith('.');
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validateContact(contact: Contact): string | null {
  if (!contact.email && !contact.phone) return 'The customer needs an email address or a phone number.';
  if (contact.email && !isValidEmail(contact.email)) return `"${contact.email}" is not a valid email address.`;
  return null;
}

/** The status a ticket takes when its customer writes in. */
export function statusAfterCustomerMessage(state: TicketState): TicketStatus {
  if (state.status === 'closed') return state.assigneeId === null ? 'new' : 'in_progress';
  if (state.status === 'waiting') return 'in_progress';
  return state.status;
}

function diff(before: TicketState, after: TicketState): AuditRecord['changes'] {
  const changes: AuditRecord['changes'] = {};
  for (const key of ['status', 'priority', 'assigneeId', 'customerId', 'subject', 'teamId'] as const) {
    if ((before[key] ?? null) !== (after[key] ?? null)) changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  const [tagsBefore, tagsAfter] = [before.tags ?? [], after.tags ?? []];
  if (!sameTags(tagsBefore, tagsAfter)) changes.tags = { from: tagsBefore, to: tagsAfter };
  for (const key of new Set([...Object.keys(before.fields ?? {}), ...Object.keys(after.fields ?? {})])) {
    const [was, is] = [before.fields?.[key] ?? null, after.fields?.[key] ?? null];
    if (JSON.stringify(was) !== JSON.stringify(is)) changes[`field:${key}`] = { from: was, to: is };
  }
  if ((before.linkVersion ?? 1) !== (after.linkVersion ?? 1)) changes.linkVersion = { from: before.linkVersion ?? 1, to: after.linkVersion };
  const [untilBefore, untilAfter] = [before.waiting?.until ?? null, after.waiting?.until ?? null];
  if (untilBefore !== untilAfter) changes.waitingUntil = { from: untilBefore, to: untilAfter };
  const policyOf = (sla: SlaState | undefined) => (sla ? `${sla.policy.name} (v${sla.policy.version})` : null);
  if (policyOf(before.sla) !== policyOf(after.sla)) changes.slaPolicy = { from: policyOf(before.sla), to: policyOf(after.sla) };
  for (const target of SLA_TARGETS) {
    const [dueBefore, dueAfter] = [before.sla?.clocks[target]?.dueAt ?? null, after.sla?.clocks[target]?.dueAt ?? null];
    if (dueBefore !== dueAfter) changes[`${SLA_DUE_FIELDS[target]}`] = { from: dueBefore, to: dueAfter };
  }
  return changes;
}

/** The audit's names for each target's due time. */
const SLA_DUE_FIELDS: Record<SlaTarget, string> = { first_response: 'firstResponseDue', next_response: 'nextResponseDue', resolution: 'resolutionDue' };

/** What the change does to the SLA clocks: answered, written to, paused, resumed, retargeted, stopped. */
function slaAfter(before: TicketState, event: Exclude<TicketEvent, { type: 'create' }>, after: Omit<TicketState, 'eventSeq' | 'updatedAt'>): SlaState | undefined {
  let sla = after.sla;
  if (!sla) return sla;
  if (event.type === 'sla_policy') return withEscalation(sla, after, event.at);
  const at = event.at;
  if (after.priority !== before.priority) sla = retarget(sla, sla.policy, after.priority, at);
  if (event.type === 'public_reply') sla = respondedSla(sla, at);
  if (after.status === 'closed') return before.status === 'closed' ? sla : closedSla(sla);
  const reopened = before.status === 'closed';
  if (reopened) sla = reopenedSla(sla, after.priority, at);
  if (event.type === 'customer_message' && !event.automatic) sla = customerWroteSla(sla, after.priority, at);
  if (after.status === 'waiting' && before.status !== 'waiting') sla = pauseSla(sla, at);
  if (before.status === 'waiting' && after.status !== 'waiting') sla = resumeSla(sla, at);
  return withEscalation(sla, after, at);
}

function commit(
  before: TicketState,
  event: Exclude<TicketEvent, { type: 'create' }>,
  afterChange: Omit<TicketState, 'eventSeq' | 'updatedAt'>,
  comment: CommentRecord | null,
  notifications: Array<{ kind: NotificationKind; recipient: NotificationRecipient }> = [],
  facts: AuditRecord['changes'] = {},
): Decision {
  const seq = before.eventSeq + 1;
  const sla = slaAfter(before, event, afterChange);
  const { sla: _previous, ...rest } = afterChange;
  const after = withReplyDue(sla ? { ...rest, sla } : rest, event, comment);
  const state: TicketState = { ...after, eventSeq: seq, updatedAt: event.at };
  const actor: Actor = 'actor' in event ? event.actor : SYSTEM_EVENTS.includes(event.type) ? { kind: 'system' } : { kind: 'customer' };
  const inbox = inboxFor(before, event, state);
  // Whom a note mentions, kept with it: the mail to them is addressed from it.
  const mentioned: AuditRecord['changes'] = event.type === 'internal_note' && event.mentions?.length ? { mentions: { from: null, to: event.mentions } } : {};
  const effects: Effect[] = [
    { type: 'persist', audit: { seq, type: event.type, actor, at: event.at, changes: { ...diff(before, state), ...facts, ...mentioned } }, comment, ...(inbox.length ? { inbox } : {}) },
    ...[...notifications, ...operatorMails(inbox)].map((n): Effect => ({ type: 'notify', ...n, seq })),
  ];
  return { ok: true, state, effects };
}

/**
 * Who is owed the next word: a customer's public message makes a reply due, an operator's
 * public reply answers it (notes and automatic mail change nothing).
 */
function withReplyDue<T extends Omit<TicketState, 'eventSeq' | 'updatedAt'>>(state: T, event: { type: TicketEventType; at: string }, comment: CommentRecord | null): T {
  if (comment?.visibility !== 'public') return state;
  if (comment.authorKind === 'operator') return state.needsReply ? { ...state, needsReply: false } : state;
  if (event.type === 'customer_message' && (event as { automatic?: boolean }).automatic) return state;
  return { ...state, needsReply: true, lastCustomerMessageAt: event.at };
}

function toClosed(state: TicketState, at: string): Omit<TicketState, 'eventSeq' | 'updatedAt'> {
  return { ...notWaiting(state), status: 'closed', closedAt: at };
}

/** Events the helpdesk makes itself: its clocks, and finding which SLA policy applies. */
const SYSTEM_EVENTS: readonly TicketEventType[] = [...CLOCK_EVENTS, 'sla_policy'];

/** A ticket leaving Waiting leaves its clocks behind. */
function notWaiting(state: TicketState): TicketState {
  if (!state.waiting) return state;
  const { waiting: _left, ...rest } = state;
  return rest;
}

/** The state with the status it takes, and the clocks that status keeps. */
function withStatus(state: TicketState, status: TicketStatus, at: string, until: string | null = null): TicketState {
  if (status !== 'waiting') return { ...notWaiting(state), status };
  return { ...state, status, waiting: { since: at, until, remindedAt: null } };
}

const customerCanBeMailed = (state: TicketState) => state.contact.email !== null;

/** The first message's comment and mail, by who wrote it for whom. */
function firstMessageOf(t: NewTicket, actor: Actor): { comment: CommentRecord; mail: NotificationKind | null; status?: TicketStatus } {
  const acknowledge = t.suppressAcknowledgement ? null : 'ticket_created';
  switch (t.firstMessage) {
    case 'customer_request':
      return {
        comment: { visibility: 'public', authorKind: 'customer', authorId: null, body: t.body, channel: t.channel ?? 'phone', messageKey: t.messageKey },
        mail: acknowledge,
      };
    case 'message_to_customer':
      // The operator wrote to the customer: the answer is theirs to give.
      return {
        comment: { visibility: 'public', authorKind: 'operator', authorId: t.createdBy, body: t.body, channel: 'admin', messageKey: t.messageKey },
        mail: 'outbound_message',
        status: 'waiting',
      };
    case 'internal_note':
      return {
        comment: { visibility: 'internal', authorKind: 'operator', authorId: t.createdBy, body: t.body, channel: 'admin', messageKey: t.messageKey },
        mail: null,
      };
    default:
      return {
        comment: {
          visibility: 'public', authorKind: actor.kind, authorId: t.createdBy, body: t.body,
          channel: t.source === 'admin' ? 'admin' : t.source, messageKey: t.messageKey,
        },
        mail: acknowledge,
      };
  }
}

/** Creates a ticket from nothing: the only event allowed before a ticket exists. */
export function createTicket(event: Extract<TicketEvent, { type: 'create' }>): Decision {
  const t = event.ticket;
  const problem = validateSubject(t.subject) ?? validateBody(t.body) ?? validateContact(t.contact);
  if (problem) return reject('invalid_input', problem);
  const tagged = normalizeTags(t.tags ?? []);
  if ('problem' in tagged) return reject('invalid_input', tagged.problem);
  if (tagged.tags.length > MAX_TAGS_PER_TICKET) return reject('invalid_input', `A ticket has at most ${MAX_TAGS_PER_TICKET} tags.`);
  const fieldsProblem = t.fields ? customFieldsProblem(t.fields) : null;
  if (fieldsProblem) return reject('invalid_input', fieldsProblem);
  const actor: Actor = t.createdBy === null ? { kind: 'customer' } : { kind: 'operator', id: t.createdBy };
  const first = firstMessageOf(t, actor);
  const state: TicketState = {
    number: t.number,
    subject: t.subject.trim(),
    status: first.status ?? (t.assigneeId === null ? 'new' : 'in_progress'),
    priority: t.priority,
    source: t.source,
    assigneeId: t.assigneeId,
    customerId: null,
    contact: t.contact,
    mailbox: t.mailbox,
    eventSeq: 1,
    commentCount: 1,
    createdAt: event.at,
    updatedAt: event.at,
    closedAt: null,
    recentMessageKeys: t.messageKey ? [t.messageKey] : [],
  };
  if (state.status === 'waiting') state.waiting = { since: event.at, until: null, remindedAt: null };
  state.firstAnsweredAt = first.comment.visibility === 'public' && first.comment.authorKind === 'operator' ? event.at : null;
  if (t.followUpOf !== undefined) state.followUpOf = t.followUpOf;
  if (t.splitFrom !== undefined) state.splitFrom = t.splitFrom;
  if (t.teamId !== undefined) state.teamId = t.teamId;
  if (tagged.tags.length) state.tags = tagged.tags;
  if (t.fields && Object.keys(t.fields).length) state.fields = t.fields;
  if (first.comment.visibility === 'public' && first.comment.authorKind === 'customer') {
    state.needsReply = true;
    state.lastCustomerMessageAt = event.at;
  }
  const effects: Effect[] = [
    {
      type: 'persist',
      audit: {
        seq: 1,
        type: 'create',
        actor,
        at: event.at,
        changes: {
          status: { from: null, to: state.status },
          priority: { from: null, to: state.priority },
          ...(t.assigneeId !== null ? { assigneeId: { from: null, to: t.assigneeId } } : {}),
          ...(t.followUpOf !== undefined ? { followUpOf: { from: null, to: t.followUpOf } } : {}),
          ...(t.splitFrom !== undefined ? { splitFrom: { from: null, to: t.splitFrom } } : {}),
          ...(t.teamId !== undefined ? { teamId: { from: null, to: t.teamId } } : {}),
          ...(tagged.tags.length ? { tags: { from: [], to: tagged.tags } } : {}),
          ...Object.fromEntries(Object.entries(state.fields ?? {}).map(([key, value]) => [`field:${key}`, { from: null, to: value }])),
        },
      },
      comment: first.comment,
      inbox: inboxFor(null, event, state),
    },
    { type: 'link_crm' },
    { type: 'find_sla_policy' },
  ];
  if (state.contact.email && first.mail) {
    effects.push({ type: 'notify', kind: first.mail, recipient: 'customer', seq: 1 });
  }
  for (const mail of operatorMails(inboxFor(null, event, state))) effects.push({ type: 'notify', ...mail, seq: 1 });
  return { ok: true, state, effects };
}

/** The ticket's rules: given its state and an event, the new state and what must happen. */
export function decide(state: TicketState | null, event: TicketEvent): Decision {
  if (event.type === 'create') {
    return state === null ? createTicket(event) : reject('already_created', `Ticket ${ticketLabel(state.number)} already exists.`);
  }
  if (state === null) return reject('not_created', 'The ticket does not exist yet.');
  const label = ticketLabel(state.number);
  if (state.mergedInto !== undefined) {
    // Its clocks and policies have nothing left to do; anyone else is sent to the ticket it went into.
    if (SYSTEM_EVENTS.includes(event.type) || event.type === 'verify_contact' || event.type === 'escalate') return unchanged(state);
    return reject('merged', `Ticket ${label} was merged into ${ticketLabel(state.mergedInto)}: work on that one.`);
  }

  switch (event.type) {
    case 'assign':
      if (event.assigneeId === state.assigneeId) return unchanged(state);
      return commit(state, event, { ...state, assigneeId: event.assigneeId }, null);

    case 'set_priority':
      if (event.priority === state.priority) return unchanged(state);
      return commit(state, event, { ...state, priority: event.priority }, null);

    case 'link_customer':
      if (event.customerId === state.customerId) return unchanged(state);
      return commit(state, event, { ...state, customerId: event.customerId }, null);

    case 'set_status': {
      const until = event.until ?? null;
      if (until !== null) {
        if (event.status !== 'waiting') return reject('invalid_input', 'Only a Waiting ticket waits until a time.');
        const problem = validateWaitingUntil(until, event.at);
        if (problem) return reject('invalid_input', problem);
      }
      if (event.status === state.status) {
        // Waiting already: a new time (or none) sets it aside again, and its follow-up starts over.
        if (event.status !== 'waiting' || event.until === undefined || until === (state.waiting?.until ?? null)) return unchanged(state);
        return commit(state, event, withStatus(state, 'waiting', event.at, until), null);
      }
      if (event.status === 'closed') {
        return decide(state, { type: 'close', actor: event.actor, at: event.at, ...(event.withReply ? { withReply: true } : {}) });
      }
      if (state.status === 'closed') {
        return commit(state, event, { ...withStatus(state, event.status, event.at, until), closedAt: null }, null);
      }
      if (event.status === 'new') {
        return reject('invalid_transition', `Ticket ${label} is already being handled; "New" is only for fresh tickets.`);
      }
      return commit(state, event, withStatus(state, event.status, event.at, until), null);
    }

    case 'wake_up': {
      // A timer of a ticket that moved on (answered, set aside again) finds nothing to do.
      const until = state.waiting?.until;
      if (state.status !== 'waiting' || !until || Date.parse(until) > Date.parse(event.at)) return unchanged(state);
      return commit(state, event, withStatus(state, 'in_progress', event.at), null,
        state.assigneeId !== null ? [{ kind: 'waiting_over', recipient: 'assignee' }] : []);
    }

    case 'follow_up_reminder': {
      if (state.status !== 'waiting' || !state.waiting || state.waiting.remindedAt) return unchanged(state);
      return commit(state, event, { ...state, waiting: { ...state.waiting, remindedAt: event.at } }, null,
        customerCanBeMailed(state) ? [{ kind: 'waiting_reminder', recipient: 'customer' }] : []);
    }

    case 'sla_policy': {
      const current = state.sla ? `${state.sla.policy.id}/${state.sla.policy.version}` : null;
      const wanted = event.policy ? `${event.policy.id}/${event.policy.version}` : null;
      if (current === wanted) return unchanged(state);
      const { sla: _old, ...withoutSla } = state;
      if (!event.policy) return commit(state, event, withoutSla, null);
      const sla = state.sla
        ? retarget(state.sla, event.policy, state.priority, event.at)
        : state.status === 'closed'
          ? { ...startSla(event.policy, { priority: state.priority, createdAt: event.at, answered: true, waiting: false }), clocks: {} }
          // Taken on by a ticket under way: counted from now (a new ticket's, from its creation). A
          // state recorded before answers were kept counts as answered once past New.
          : startSla(event.policy, {
            priority: state.priority, createdAt: event.from ?? event.at, waiting: state.status === 'waiting',
            answered: state.firstAnsweredAt !== undefined ? state.firstAnsweredAt !== null : state.status !== 'new',
          });
      return commit(state, event, { ...withoutSla, sla }, null);
    }

    case 'sla_warning': {
      const clock = state.sla?.clocks[event.target];
      if (!state.sla || !clock || clock.warnedAt || !clock.warnAt || Date.parse(clock.warnAt) > Date.parse(event.at)) return unchanged(state);
      return commit(state, event, { ...state, sla: warnedSla(state.sla, event.target, event.at) }, null,
        [{ kind: 'sla_warning', recipient: state.assigneeId === null ? 'agents' : 'assignee' }],
        { slaTarget: { from: null, to: event.target }, due: { from: null, to: clock.dueAt } });
    }

    case 'sla_breach': {
      const clock = state.sla?.clocks[event.target];
      if (!state.sla || !clock || clock.breachedAt || !clock.dueAt || Date.parse(clock.dueAt) > Date.parse(event.at)) return unchanged(state);
      return commit(state, event, { ...state, sla: breachedSla(state.sla, event.target, event.at) }, null, [],
        { slaTarget: { from: null, to: event.target }, due: { from: null, to: clock.dueAt } });
    }

    case 'escalate': {
      const next = nextEscalation(state.sla);
      if (!state.sla || !next || !needsAttention(state) || Date.parse(next.at) > Date.parse(event.at)) return unchanged(state);
      const sla = { ...state.sla, escalation: { since: state.sla.escalation!.since, done: next.index + 1 } };
      const facts = { escalationStep: { from: null, to: next.index + 1 }, escalationAction: { from: null, to: next.step.action } };
      switch (next.step.action) {
        case 'notify_agents':
          return commit(state, event, { ...state, sla }, null, [{ kind: 'escalation', recipient: 'agents' }], facts);
        case 'raise_priority': {
          const priority = TICKET_PRIORITIES[Math.min(TICKET_PRIORITIES.length - 1, TICKET_PRIORITIES.indexOf(state.priority) + 1)]!;
          return commit(state, event, { ...state, sla, priority }, null, [], facts);
        }
        case 'assign': {
          const assigneeId = next.step.operatorId ?? state.assigneeId;
          // Taken up: a fresh ticket is no longer New, as with an operator's own assignment.
          const status: TicketStatus = state.status === 'new' && assigneeId !== null ? 'in_progress' : state.status;
          return commit(state, event, { ...state, sla, assigneeId, status }, null, [], facts);
        }
      }
      return unchanged(state);
    }

    case 'auto_close':
      if (state.status !== 'waiting') return unchanged(state);
      return commit(state, event, toClosed(state, event.at), null, customerCanBeMailed(state) ? [{ kind: 'ticket_closed', recipient: 'customer' }] : []);

    case 'close':
      if (state.status === 'closed') return reject('already_closed', `Ticket ${label} is already closed.`);
      return commit(state, event, toClosed(state, event.at), null,
        customerCanBeMailed(state) && !event.withReply ? [{ kind: 'ticket_closed', recipient: 'customer' }] : []);

    case 'reopen':
      if (state.status !== 'closed') return reject('not_closed', `Ticket ${label} is not closed.`);
      return commit(state, event, { ...notWaiting(state), status: state.assigneeId === null ? 'new' : 'in_progress', closedAt: null }, null);

    case 'internal_note': {
      const problem = validateBody(event.body);
      if (problem) return reject('invalid_input', problem);
      const moved = threadMoved(state, event.seenComments);
      if (moved) return moved;
      return commit(state, event, { ...state, commentCount: state.commentCount + 1 }, {
        visibility: 'internal', authorKind: 'operator', authorId: operatorId(event.actor),
        body: event.body, channel: 'admin', messageKey: event.attachmentKey ?? null,
      });
    }

    case 'public_reply': {
      const problem = validateBody(event.body);
      if (problem) return reject('invalid_input', problem);
      if (state.status === 'closed') {
        return reject('ticket_closed', `Ticket ${label} is closed; reopen it before replying.`);
      }
      const moved = threadMoved(state, event.seenComments);
      if (moved) return moved;
      // The first answer means someone is on it: a fresh ticket is no longer "New".
      const status: TicketStatus = state.status === 'new' ? 'in_progress' : state.status;
      // Written to while Waiting: the follow-up counts from this answer.
      const waiting = state.waiting && { ...state.waiting, since: event.at, remindedAt: null };
      return commit(state, event, {
        ...state, status, commentCount: state.commentCount + 1, ...(waiting ? { waiting } : {}), firstAnsweredAt: state.firstAnsweredAt ?? event.at,
      }, {
        visibility: 'public', authorKind: 'operator', authorId: operatorId(event.actor),
        body: event.body, channel: 'admin', messageKey: event.attachmentKey ?? null,
      }, customerCanBeMailed(state) ? [{ kind: 'public_reply', recipient: 'customer' }] : []);
    }

    case 'verify_contact':
      return emailIsVerified(state.contact) ? unchanged(state) : verifyContact(state, event.at);

    case 'merge_into': {
      if (event.target === state.number) return reject('invalid_input', `Ticket ${label} cannot be merged into itself.`);
      const merged = { ...toClosed(state, event.at), closedAt: state.closedAt ?? event.at, mergedInto: event.target, needsReply: false };
      return commit(state, event, merged, null, [], { mergedInto: { from: null, to: event.target } });
    }

    case 'set_team': {
      if ((state.teamId ?? null) === event.teamId) return unchanged(state);
      const { teamId: _old, ...withoutTeam } = state;
      return commit(state, event, event.teamId === null ? withoutTeam : { ...withoutTeam, teamId: event.teamId }, null);
    }

    case 'merged_from':
      if (state.mergedFrom?.includes(event.source)) return unchanged(state);
      return commit(state, event, { ...state, mergedFrom: [...(state.mergedFrom ?? []), event.source] }, null, [], { mergedFrom: { from: null, to: event.source } });

    case 'split_off':
      return commit(state, event, state, null, [], { splitOff: { from: event.commentId, to: event.into } });

    case 'set_fields': {
      const problem = customFieldsProblem(event.fields);
      if (problem) return reject('invalid_input', problem);
      const fields = withFieldValues(state.fields, event.fields);
      if (sameFieldValues(fields, state.fields)) return unchanged(state);
      if (Object.keys(fields).length > MAX_CUSTOM_FIELDS) return reject('invalid_input', `A ticket has at most ${MAX_CUSTOM_FIELDS} custom fields.`);
      const { fields: _old, ...withoutFields } = state;
      return commit(state, event, Object.keys(fields).length ? { ...withoutFields, fields } : withoutFields, null);
    }

    case 'rotate_public_link':
      return commit(state, event, { ...state, linkVersion: (state.linkVersion ?? 1) + 1 }, null);

    case 'tag': {
      const [set, add, remove] = [event.set, event.add ?? [], event.remove ?? []].map((list) => (list === undefined ? undefined : normalizeTags(list)));
      for (const asked of [set, add, remove]) if (asked && 'problem' in asked) return reject('invalid_input', asked.problem);
      const tagsOf = (asked: typeof set) => (asked && 'tags' in asked ? asked.tags : []);
      const current = state.tags ?? [];
      const tags = retag(set ? tagsOf(set) : current, tagsOf(add), tagsOf(remove));
      if (sameTags(tags, current)) return unchanged(state);
      if (tags.length > MAX_TAGS_PER_TICKET && tags.length > current.length) {
        return reject('invalid_input', `A ticket has at most ${MAX_TAGS_PER_TICKET} tags; ticket ${label} would have ${tags.length}.`);
      }
      const { tags: _old, ...untagged } = state;
      return commit(state, event, tags.length ? { ...untagged, tags } : untagged, null);
    }

    case 'customer_message': {
      const problem = validateBody(event.body);
      if (problem) return reject('invalid_input', problem);
      if (event.messageKey !== null && state.recentMessageKeys.includes(event.messageKey)) return unchanged(state);
      const reopenWithin = state.sla?.policy.reopenWithinMs;
      if (state.status === 'closed' && !event.automatic && reopenWithin !== undefined && state.closedAt
        && Date.parse(event.at) - Date.parse(state.closedAt) > reopenWithin) {
        return reject('follow_up_needed', `Ticket ${label} was closed too long ago to reopen; the message opens a follow-up ticket.`);
      }
      const recentMessageKeys = event.messageKey === null
        ? state.recentMessageKeys
        : [...state.recentMessageKeys, event.messageKey].slice(-REMEMBERED_MESSAGE_KEYS);
      const status = event.automatic ? state.status : statusAfterCustomerMessage(state);
      const comment: CommentRecord = {
        visibility: 'public', authorKind: 'customer', authorId: null,
        body: event.body, channel: event.channel, messageKey: event.messageKey,
      };
      return commit(state, event, {
        ...(status === 'waiting' ? state : notWaiting(state)),
        status,
        closedAt: status === 'closed' ? state.closedAt : null,
        commentCount: state.commentCount + 1,
        recentMessageKeys,
      }, comment, !event.automatic && state.assigneeId !== null ? [{ kind: 'customer_replied', recipient: 'assignee' }] : []);
    }
  }
}

/**
 * The bounds every custom field value keeps whatever its definition (the API holds each to
 * its definition; the rules only keep a ticket's state from growing without end).
 */
function customFieldsProblem(fields: Record<string, CustomFieldValue | null>): string | null {
  if (Object.keys(fields).length > MAX_CUSTOM_FIELDS) return `A ticket has at most ${MAX_CUSTOM_FIELDS} custom fields.`;
  for (const [key, value] of Object.entries(fields)) {
    const problem = fieldKeyProblem(key);
    if (problem) return problem;
    const size = value === null ? 0 : Array.isArray(value) ? value.reduce((sum, v) => sum + String(v).length, 0) : String(value).length;
    if (size > MAX_FIELD_TEXT_LENGTH * 2) return `The value of ${key} is too long.`;
    if (typeof value === 'number' && !Number.isFinite(value)) return `The value of ${key} is not a number.`;
  }
  return null;
}

/** An operator's message written on a thread that has grown since they saw it: refused, with how much is new. */
function threadMoved(state: TicketState, seenComments: number | undefined): Decision | null {
  if (seenComments === undefined || state.commentCount <= seenComments) return null;
  const added = state.commentCount - seenComments;
  return reject('thread_moved', `${added === 1 ? 'A new message was' : `${added} new messages were`} added to ticket ${ticketLabel(state.number)} while you wrote. `
    + `Read ${added === 1 ? 'it' : 'them'}, then send yours again.`);
}

/** The contact showed the address is theirs: from now on it identifies them, and finds their CRM record. */
function verifyContact(state: TicketState, at: string): Decision {
  const seq = state.eventSeq + 1;
  const effects: Effect[] = [{
    type: 'persist',
    audit: { seq, type: 'verify_contact', actor: { kind: 'customer' }, at, changes: { emailVerified: { from: false, to: true } } },
    comment: null,
  }];
  if (state.customerId === null) effects.push({ type: 'link_crm' });
  return { ok: true, state: { ...state, contact: { ...state.contact, emailVerified: true }, eventSeq: seq, updatedAt: at }, effects };
}

function operatorId(actor: Actor): number | null {
  return actor.kind === 'operator' ? actor.id : null;
}
