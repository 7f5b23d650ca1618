import { Type } from 'typebox';
import type { Client } from '@temporalio/client';
import type { App } from '../types';
import type { Database } from '../../db';
import { createSlaPolicyStore, SlaPolicyExists, SlaPolicyFields, SlaPolicyRow } from '../../db/sla-policies';
import { ErrorBody, conflict, notFound, unprocessable } from '../errors';
import { BusinessHoursSchema, CreateSlaPolicyBody, IdParams, PatchSlaPolicyBody, SlaPolicyView, WEEKDAYS } from '../schemas';
import { BusinessCalendar, isTimeZone, minuteOfDay } from '../../domain/business-hours';
import { SLA_TARGETS, type SlaTargets } from '../../domain/sla';
import { TICKET_PRIORITIES, type TicketPriority } from '../../domain/ticket';
import { startSlaRollout } from '../../workflows/sla/client';
import { createOperatorStore } from '../../db/operators';
import { parseDuration } from '../../config';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

const TARGET_FIELDS = { first_response: 'firstResponse', next_response: 'nextResponse', resolution: 'resolution' } as const;

/** A duration as the API writes it: the largest unit that divides it (4h, 90m, 45s). */
function durationText(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function durationMs(text: string, what: string): number {
  try {
    const ms = parseDuration(text, what);
    if (ms > 0) return ms;
  } catch (error) {
    throw unprocessable(error instanceof Error ? error.message : String(error));
  }
  throw unprocessable(`${what} must be longer than 0.`);
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The API's business hours (named days, HH:MM) as the domain counts them; a 422 for what makes no sense. */
function calendarOf(hours: BusinessHoursSchema): BusinessCalendar {
  if (!isTimeZone(hours.timeZone)) throw unprocessable(`"${hours.timeZone}" is not a time zone (use an IANA name such as Europe/Berlin).`);
  const week = WEEKDAYS.map((day) => hours.week[day].map(({ from, to }) => {
    const [start, end] = [minuteOfDay(from), minuteOfDay(to)];
    if (start === null || end === null || end <= start) throw unprocessable(`${day}: ${from}–${to} is not a span of the day (from before to).`);
    return [start, end] as const;
  }).sort((a, b) => a[0] - b[0]));
  for (const [i, spans] of week.entries()) {
    for (let j = 1; j < spans.length; j++) {
      if (spans[j]![0] < spans[j - 1]![1]) throw unprocessable(`${WEEKDAYS[i]}: opening hours overlap.`);
    }
  }
  if (week.every((spans) => spans.length === 0)) throw unprocessable('Business hours need at least one day with opening hours.');
  return { timeZone: hours.timeZone, week, holidays: [...new Set(hours.holidays)].sort() };
}

function targetsOf(input: CreateSlaPolicyBody['targets']): Record<TicketPriority, SlaTargets> {
  return Object.fromEntries(TICKET_PRIORITIES.map((priority) => [priority,
    Object.fromEntries(SLA_TARGETS.map((target) => {
      const given = input[priority][TARGET_FIELDS[target]];
      return [target, given === null ? null : durationMs(given, `${priority} ${TARGET_FIELDS[target]}`)];
    })) as SlaTargets,
  ])) as Record<TicketPriority, SlaTargets>;
}

function view(row: SlaPolicyRow): SlaPolicyView {
  const hours = row.business_hours;
  return {
    id: row.id, version: row.version, name: row.name, position: row.position, sources: row.sources, mailboxes: row.mailboxes,
    targets: Object.fromEntries(TICKET_PRIORITIES.map((priority) => [priority,
      Object.fromEntries(SLA_TARGETS.map((target) => {
        const ms = row.targets[priority]?.[target] ?? null;
        return [TARGET_FIELDS[target], ms === null ? null : durationText(ms)];
      })),
    ])) as SlaPolicyView['targets'],
    businessHours: hours && {
      timeZone: hours.timeZone,
      week: Object.fromEntries(WEEKDAYS.map((day, i) => [day, (hours.week[i] ?? []).map(([from, to]) => ({ from: hhmm(from), to: hhmm(to) }))])) as BusinessHoursSchema['week'],
      holidays: [...hours.holidays],
    },
    pauseWhileWaiting: row.pause_while_waiting,
    warnBefore: 'percent' in row.warn_before ? { percent: row.warn_before.percent } : { before: durationText(row.warn_before.ms) },
    followUp: row.follow_up ? {
      remindAfter: row.follow_up.remindAfterMs === null ? null : durationText(row.follow_up.remindAfterMs),
      closeAfter: row.follow_up.closeAfterMs === null ? null : durationText(row.follow_up.closeAfterMs),
    } : null,
    reopenWithin: row.reopen_within_ms === null ? null : durationText(Number(row.reopen_within_ms)),
    escalation: (row.escalation ?? []).map((step) => ({ after: durationText(step.afterMs), action: step.action, ...(step.action === 'assign' ? { operatorId: step.operatorId ?? null } : {}) })),
  };
}

/**
 * SLA policies (admins change them, every operator reads them). Each change starts the
 * rollout that brings it to the open tickets it applies to (workflows/sla).
 */
export default async function slaPolicyRoutes(app: App, { db, temporal, taskQueue }: { db: Database; temporal: Client; taskQueue: string }) {
  app.addHook('preHandler', app.requireOperator);
  const store = createSlaPolicyStore(db);
  const operators = createOperatorStore(db);
  const saving = async <T>(action: Promise<T>) => {
    try {
      return await action;
    } catch (error) {
      if (error instanceof SlaPolicyExists) throw conflict('sla_policy_exists', 'An SLA policy with that name exists already.');
      throw error;
    }
  };
  const fieldsOf = (body: PatchSlaPolicyBody): Partial<SlaPolicyFields> => ({
    ...(body.name !== undefined ? { name: body.name.trim() } : {}),
    ...(body.position !== undefined ? { position: body.position } : {}),
    ...(body.sources !== undefined ? { sources: body.sources && [...new Set(body.sources)] } : {}),
    ...(body.mailboxes !== undefined ? { mailboxes: body.mailboxes && [...new Set(body.mailboxes)] } : {}),
    ...(body.targets !== undefined ? { targets: targetsOf(body.targets) } : {}),
    ...(body.businessHours !== undefined ? { businessHours: body.businessHours && calendarOf(body.businessHours) } : {}),
    ...(body.pauseWhileWaiting !== undefined ? { pauseWhileWaiting: body.pauseWhileWaiting } : {}),
    ...(body.warnBefore !== undefined
      ? { warnBefore: 'percent' in body.warnBefore ? { percent: body.warnBefore.percent } : { ms: durationMs(body.warnBefore.before, 'warnBefore') } } : {}),
    ...(body.followUp !== undefined ? { followUp: body.followUp && {
      remindAfterMs: body.followUp.remindAfter === null ? null : durationMs(body.followUp.remindAfter, 'followUp.remindAfter'),
      closeAfterMs: body.followUp.closeAfter === null ? null : durationMs(body.followUp.closeAfter, 'followUp.closeAfter'),
    } } : {}),
    ...(body.reopenWithin !== undefined ? { reopenWithinMs: body.reopenWithin === null ? null : durationMs(body.reopenWithin, 'reopenWithin') } : {}),
    ...(body.escalation !== undefined ? { escalation: body.escalation.map((step, i) => ({
      afterMs: durationMs(step.after, `escalation step ${i + 1}`), action: step.action, ...(step.action === 'assign' ? { operatorId: step.operatorId ?? null } : {}),
    })) } : {}),
  });
  /** An escalation that assigns needs someone to assign to, active now. */
  const checkAssignees = async (fields: Partial<SlaPolicyFields>) => {
    for (const [i, step] of (fields.escalation ?? []).entries()) {
      if (step.action !== 'assign') continue;
      const operator = step.operatorId ? await operators.byId(step.operatorId) : null;
      if (!operator?.active) throw unprocessable(`Escalation step ${i + 1} assigns to ${step.operatorId ? `operator ${step.operatorId}, who is not an active operator` : 'nobody'}.`);
    }
  };
  const rollOut = () => startSlaRollout(temporal, taskQueue);

  app.get('/api/sla-policies', {
    schema: { tags: ['sla'], summary: 'The SLA policies, in the order they are tried', response: { 200: Type.Array(SlaPolicyView), ...errors } },
  }, async () => (await store.all()).map(view));

  app.post('/api/sla-policies', {
    schema: {
      tags: ['sla'], summary: 'Add an SLA policy (admins only); it reaches the open tickets it applies to', body: CreateSlaPolicyBody,
      response: { 201: SlaPolicyView, ...errors },
    },
    preHandler: app.requireAdmin,
  }, async (request, reply) => {
    const fields = fieldsOf(request.body);
    if (!fields.name) throw unprocessable('A policy needs a name.');
    await checkAssignees(fields);
    const row = await saving(store.add({
      position: 0, sources: null, mailboxes: null, businessHours: null, pauseWhileWaiting: true, warnBefore: { percent: 80 },
      ...fields, name: fields.name, targets: fields.targets ?? targetsOf(request.body.targets),
    }));
    await rollOut();
    return reply.code(201).send(view(row));
  });

  app.patch('/api/sla-policies/:id', {
    schema: {
      tags: ['sla'], summary: 'Change an SLA policy (admins only): open tickets under it take the new targets from now on',
      params: IdParams, body: PatchSlaPolicyBody, response: { 200: SlaPolicyView, ...errors },
    },
    preHandler: app.requireAdmin,
  }, async (request) => {
    const fields = fieldsOf(request.body);
    await checkAssignees(fields);
    const row = await saving(store.change(request.params.id, fields));
    if (!row) throw notFound(`SLA policy ${request.params.id} does not exist.`);
    await rollOut();
    return view(row);
  });

  app.delete('/api/sla-policies/:id', {
    schema: { tags: ['sla'], summary: 'Remove an SLA policy (admins only): its open tickets take the next that applies, or none', params: IdParams, response: { 204: Type.Null(), ...errors } },
    preHandler: app.requireAdmin,
  }, async (request, reply) => {
    if (!(await store.remove(request.params.id))) throw notFound(`SLA policy ${request.params.id} does not exist.`);
    await rollOut();
    return reply.code(204).send(null);
  });
}
