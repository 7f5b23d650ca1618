/**
 * Service-level targets: how long a ticket may wait for its first answer, for the answer
 * to each later customer message, and for being closed, per priority, in business hours
 * or around the clock. Each running target is a clock in the ticket's state; the ticket's
 * workflow holds a durable timer for its warning and its breach (domain/clocks.ts), so
 * each happens once and on time. Pure.
 */
import { addBusinessTime, BusinessCalendar, businessTimeBetween } from './business-hours';
import type { TicketPriority, TicketSource } from './ticket';
import type { FollowUpPolicy } from './clocks';

/** How soon "Due soon" is: a running target due within this many minutes. */
export const DUE_SOON_MINUTES = 60;

export const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

export const SLA_TARGET_LABELS: Record<SlaTarget, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};

/** Milliseconds of (business) time per target; null: no target. */
export type SlaTargets = Record<SlaTarget, number | null>;

export interface SlaPolicy {
  id: number;
  /** Bumped by every change, so a ticket knows whether it has the latest. */
  version: number;
  name: string;
  /** The tickets it applies to: of these sources and mailboxes (null: any). */
  sources: TicketSource[] | null;
  mailboxes: string[] | null;
  targets: Record<TicketPriority, SlaTargets>;
  /** Null: around the clock. */
  businessHours: BusinessCalendar | null;
  /** The clocks stop while the ticket waits for the customer. */
  pauseWhileWaiting: boolean;
  /** When the assignee (or every agent) is warned: at this share of the target used, or this long before it. */
  warnBefore: { percent: number } | { ms: number };
  /**
   * Steps taken while a ticket needs attention (New and unassigned, or a target warned of
   * and not yet met), counted from when it started to; absent in policies from before.
   */
  escalation?: EscalationStep[];
  /** How its Waiting tickets are followed up (null: not at all); absent: as the settings say. */
  followUp?: FollowUpPolicy | null;
  /**
   * A closed ticket reopens on the customer's word only this long after it closed; later, the
   * word opens a follow-up ticket linked to it (Zendesk's follow-up). Absent: it always reopens.
   */
  reopenWithinMs?: number;
}

export const ESCALATION_ACTIONS = ['notify_agents', 'raise_priority', 'assign'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/** One step of a policy's escalation: this long after the ticket needs attention, do this. */
export interface EscalationStep {
  afterMs: number;
  action: EscalationAction;
  /** Whom `assign` gives the ticket to. */
  operatorId?: number | null;
}

/** One running (or paused) target. */
export interface SlaClock {
  /** When it started: the ticket's creation, the customer's message, the reopening. */
  startedAt: string;
  targetMs: number;
  /** Open time used up before `runningSince` (pauses and policy changes split the count). */
  usedMs: number;
  /** Start of the stretch it is running in; null while paused. */
  runningSince: string | null;
  /** Wall time it has been paused, in all, and since when it is paused now. */
  pausedMs: number;
  pausedSince: string | null;
  /** Derived while running; null while paused, or when the calendar never opens. */
  dueAt: string | null;
  warnAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
}

export interface SlaState {
  policy: SlaPolicy;
  clocks: Partial<Record<SlaTarget, SlaClock>>;
  /** When an operator first answered the customer in public. */
  firstRespondedAt: string | null;
  /** Whether any target of this ticket was ever missed. */
  breached: boolean;
  /** Since when the ticket needs attention, and how many escalation steps were taken. */
  escalation?: { since: string; done: number };
}

/** Whether a ticket needs someone's attention: nobody has taken it up, or a target it was warned of is still running. */
export function needsAttention(ticket: { status: string; assigneeId: number | null; sla?: SlaState }): boolean {
  if (ticket.status === 'closed') return false;
  if (ticket.status === 'new' && ticket.assigneeId === null) return true;
  return SLA_TARGETS.some((t) => ticket.sla?.clocks[t]?.warnedAt);
}

/** The escalation's bookkeeping after a change: started when attention is needed, dropped when not. */
export function withEscalation(sla: SlaState, ticket: { status: string; assigneeId: number | null }, at: string): SlaState {
  const needs = needsAttention({ ...ticket, sla });
  if (needs && !sla.escalation && sla.policy.escalation?.length) return { ...sla, escalation: { since: at, done: 0 } };
  if (!needs && sla.escalation) {
    const { escalation: _done, ...rest } = sla;
    return rest;
  }
  return sla;
}

/** The next escalation step and when it is due, or null. */
export function nextEscalation(sla: SlaState | undefined): { step: EscalationStep; index: number; at: string } | null {
  const steps = sla?.policy.escalation ?? [];
  const escalation = sla?.escalation;
  if (!escalation || escalation.done >= steps.length) return null;
  const step = steps[escalation.done]!;
  return { step, index: escalation.done, at: new Date(Date.parse(escalation.since) + step.afterMs).toISOString() };
}

/** The first policy that applies to a ticket, in the order the admins put them. */
export function matchingPolicy(policies: readonly SlaPolicy[], ticket: { source: TicketSource; mailbox: string | null }): SlaPolicy | null {
  return policies.find((p) =>
    (p.sources === null || p.sources.includes(ticket.source))
    && (p.mailboxes === null || (ticket.mailbox !== null && p.mailboxes.includes(ticket.mailbox)))) ?? null;
}

/** The clock's due and warning times, from where it stands. */
function derive(clock: SlaClock, policy: SlaPolicy): SlaClock {
  if (clock.runningSince === null) return { ...clock, dueAt: null, warnAt: null };
  const calendar = policy.businessHours;
  const dueAt = addBusinessTime(clock.runningSince, Math.max(0, clock.targetMs - clock.usedMs), calendar);
  let warnAt: string | null = null;
  if (dueAt !== null) {
    if ('percent' in policy.warnBefore) {
      const warnUsed = (clock.targetMs * policy.warnBefore.percent) / 100;
      warnAt = addBusinessTime(clock.runningSince, Math.max(0, warnUsed - clock.usedMs), calendar);
    } else {
      warnAt = new Date(Math.max(Date.parse(clock.runningSince), Date.parse(dueAt) - policy.warnBefore.ms)).toISOString();
    }
  }
  return { ...clock, dueAt, warnAt };
}

function started(policy: SlaPolicy, priority: TicketPriority, target: SlaTarget, at: string, paused: boolean): SlaClock | undefined {
  const targetMs = policy.targets[priority]?.[target];
  if (targetMs === null || targetMs === undefined) return undefined;
  return derive({
    startedAt: at, targetMs, usedMs: 0, runningSince: paused ? null : at, pausedMs: 0, pausedSince: paused ? at : null,
    dueAt: null, warnAt: null, warnedAt: null, breachedAt: null,
  }, policy);
}

function mapClocks(sla: SlaState, change: (clock: SlaClock, target: SlaTarget) => SlaClock | undefined): SlaState {
  const clocks: SlaState['clocks'] = {};
  for (const target of SLA_TARGETS) {
    const clock = sla.clocks[target];
    const next = clock && change(clock, target);
    if (next) clocks[target] = next;
  }
  return { ...sla, clocks };
}

/** A new ticket's clocks: first response (unless it opened with our answer) and resolution. */
export function startSla(policy: SlaPolicy, ticket: { priority: TicketPriority; createdAt: string; answered: boolean; waiting: boolean }): SlaState {
  const paused = ticket.waiting && policy.pauseWhileWaiting;
  const clocks: SlaState['clocks'] = {};
  const first = ticket.answered ? undefined : started(policy, ticket.priority, 'first_response', ticket.createdAt, paused);
  const resolution = started(policy, ticket.priority, 'resolution', ticket.createdAt, paused);
  if (first) clocks.first_response = first;
  if (resolution) clocks.resolution = resolution;
  return { policy, clocks, firstRespondedAt: ticket.answered ? ticket.createdAt : null, breached: false };
}

/**
 * From `at` on, another policy (or the same one changed, or another priority's targets):
 * the time each clock has used so far counts, the rest runs by the new target and hours.
 */
export function retarget(sla: SlaState, policy: SlaPolicy, priority: TicketPriority, at: string): SlaState {
  const counted = mapClocks(sla, (clock, target) => {
    const targetMs = policy.targets[priority]?.[target];
    if (targetMs === null || targetMs === undefined) return undefined;
    const usedMs = clock.runningSince === null ? clock.usedMs : clock.usedMs + businessTimeBetween(clock.runningSince, at, sla.policy.businessHours);
    return derive({ ...clock, targetMs, usedMs, runningSince: clock.runningSince === null ? null : at }, policy);
  });
  return { ...counted, policy };
}

/** The clocks stop (the ticket waits for the customer, and the policy says so). */
export function pauseSla(sla: SlaState, at: string): SlaState {
  if (!sla.policy.pauseWhileWaiting) return sla;
  return mapClocks(sla, (clock) => (clock.runningSince === null ? clock : derive({
    ...clock, usedMs: clock.usedMs + businessTimeBetween(clock.runningSince, at, sla.policy.businessHours), runningSince: null, pausedSince: at,
  }, sla.policy)));
}

/** The clocks go on where they stopped. */
export function resumeSla(sla: SlaState, at: string): SlaState {
  return mapClocks(sla, (clock) => (clock.pausedSince === null ? clock : derive({
    ...clock, runningSince: at, pausedMs: clock.pausedMs + Math.max(0, Date.parse(at) - Date.parse(clock.pausedSince)), pausedSince: null,
  }, sla.policy)));
}

/** An operator answered in public: the first response and the next response are met. */
export function respondedSla(sla: SlaState, at: string): SlaState {
  const { first_response: _first, next_response: _next, ...rest } = sla.clocks;
  return { ...sla, clocks: rest, firstRespondedAt: sla.firstRespondedAt ?? at };
}

/** The customer wrote: once answered before, the next response is due (unless already waiting on one). */
export function customerWroteSla(sla: SlaState, priority: TicketPriority, at: string): SlaState {
  if (sla.firstRespondedAt === null || sla.clocks.next_response) return sla;
  const clock = started(sla.policy, priority, 'next_response', at, false);
  return clock ? { ...sla, clocks: { ...sla.clocks, next_response: clock } } : sla;
}

/** Reopened: resolving it is due again, and a first answer if it never had one. */
export function reopenedSla(sla: SlaState, priority: TicketPriority, at: string): SlaState {
  const clocks = { ...sla.clocks };
  const resolution = started(sla.policy, priority, 'resolution', at, false);
  if (resolution) clocks.resolution = resolution;
  const first = sla.firstRespondedAt === null ? started(sla.policy, priority, 'first_response', at, false) : undefined;
  if (first) clocks.first_response = first;
  return { ...sla, clocks };
}

/** Closed: every clock stops for good (resolution met, or the answer no longer due). */
export function closedSla(sla: SlaState): SlaState {
  return { ...sla, clocks: {} };
}

export function warnedSla(sla: SlaState, target: SlaTarget, at: string): SlaState {
  return mapClocks(sla, (clock, t) => (t === target ? { ...clock, warnedAt: at } : clock));
}

export function breachedSla(sla: SlaState, target: SlaTarget, at: string): SlaState {
  return { ...mapClocks(sla, (clock, t) => (t === target ? { ...clock, breachedAt: at, warnedAt: clock.warnedAt ?? at } : clock)), breached: true };
}

/** The earliest due time of a running target, for sorting and the Due soon / Overdue views. */
export function nextSlaDue(sla: SlaState | undefined): string | null {
  if (!sla) return null;
  const dues = SLA_TARGETS.map((t) => sla.clocks[t]?.dueAt).filter((d): d is string => typeof d === 'string');
  return dues.sort()[0] ?? null;
}

export const dueOf = (sla: SlaState | undefined, target: SlaTarget): string | null => sla?.clocks[target]?.dueAt ?? null;
