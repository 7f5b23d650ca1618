/**
 * A ticket's own clocks, derived from its state: when a Waiting ticket wakes (the operator
 * set it Waiting until a time: snoozed), and for one waiting with no time set (for the
 * customer), when its customer is reminded and when it closes for want of an answer. Pure: the ticket's workflow holds one durable timer for the earliest, and a
 * new run derives the same from the state it carries, so nothing scans a table.
 */
import type { TicketEvent, TicketState } from './ticket';
import { SLA_TARGETS, SlaTarget, nextEscalation } from './sla';

/** Follow-up of Waiting tickets (null: off), from the settings or the ticket's policy. */
export interface FollowUpPolicy {
  /** After this long in Waiting without a word from the customer, one reminder mail. */
  remindAfterMs: number | null;
  /** After this much longer (after the reminder, or after entering Waiting without one), closed. */
  closeAfterMs: number | null;
}

export const CLOCK_EVENTS = ['wake_up', 'follow_up_reminder', 'auto_close', 'sla_warning', 'sla_breach', 'escalate'] as const;
export type ClockEvent = (typeof CLOCK_EVENTS)[number];

export interface DueClock {
  event: ClockEvent;
  /** ISO time it is due. */
  at: string;
  /** An SLA warning's or breach's target. */
  target?: SlaTarget;
}

/** The event a clock makes when it fires, at the workflow's time then. */
export function clockEvent(clock: DueClock, at: string): TicketEvent {
  if (clock.event === 'sla_warning' || clock.event === 'sla_breach') return { type: clock.event, target: clock.target ?? 'resolution', at };
  return { type: clock.event, at };
}

/** The warnings and breaches still to come of the ticket's running SLA targets. */
function slaClocks(state: Pick<TicketState, 'sla'>): DueClock[] {
  const due: DueClock[] = [];
  for (const target of SLA_TARGETS) {
    const clock = state.sla?.clocks[target];
    if (!clock || clock.runningSince === null) continue;
    if (!clock.warnedAt && !clock.breachedAt && clock.warnAt) due.push({ event: 'sla_warning', at: clock.warnAt, target });
    if (!clock.breachedAt && clock.dueAt) due.push({ event: 'sla_breach', at: clock.dueAt, target });
  }
  const escalation = nextEscalation(state.sla);
  if (escalation) due.push({ event: 'escalate', at: escalation.at });
  return due;
}

/** The longest an operator may set a ticket aside. */
export const MAX_WAITING_MS = 366 * 24 * 3_600_000;

const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The clocks of a Waiting ticket that are still to fire, earliest first. */
export function dueClocks(state: Pick<TicketState, 'status' | 'waiting' | 'contact' | 'sla'>, policy: FollowUpPolicy | null): DueClock[] {
  // The ticket's own policy (of its mailbox or source) says how it is followed up, if it says.
  const followUp = state.sla?.policy.followUp !== undefined ? state.sla.policy.followUp : policy;
  return [...waitingClocks(state, followUp), ...slaClocks(state)].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function waitingClocks(state: Pick<TicketState, 'status' | 'waiting' | 'contact'>, policy: FollowUpPolicy | null): DueClock[] {
  const waiting = state.waiting;
  if (state.status !== 'waiting' || !waiting) return [];
  // Set aside until a time, it is the operator's to pick up then: no follow-up meanwhile.
  if (waiting.until) return [{ event: 'wake_up', at: waiting.until }];
  const due: DueClock[] = [];
  // No reminder to an address nobody can mail; the close still comes.
  const remind = policy?.remindAfterMs && state.contact.email !== null ? policy.remindAfterMs : null;
  if (remind && !waiting.remindedAt) due.push({ event: 'follow_up_reminder', at: later(waiting.since, remind) });
  if (policy?.closeAfterMs && (waiting.remindedAt || !remind)) {
    due.push({ event: 'auto_close', at: later(waiting.remindedAt ?? waiting.since, policy.closeAfterMs) });
  }
  return due;
}

/** The next clock to fire, or null: the one durable timer the ticket's workflow holds. */
export function nextClock(state: Pick<TicketState, 'status' | 'waiting' | 'contact' | 'sla'> | null, policy: FollowUpPolicy | null): DueClock | null {
  return state ? dueClocks(state, policy)[0] ?? null : null;
}

/** Why a requested Waiting-until time can't be used, or null. */
export function validateWaitingUntil(until: string, now: string): string | null {
  const at = Date.parse(until);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(until)) return `"${until}" is not a date and time (ISO 8601).`;
  if (at <= Date.parse(now)) return 'The time to wait until has passed already.';
  if (at - Date.parse(now) > MAX_WAITING_MS) return 'A ticket can wait a year at the most.';
  return null;
}
