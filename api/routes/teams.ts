import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { createTeamStore, TeamNameTaken, TeamRow } from '../../db/teams';
import { createOperatorStore } from '../../db/operators';
import { ErrorBody, conflict, notFound, unprocessable } from '../errors';
import { AvailabilityBody, CreateTeamBody, IdParams, PatchTeamBody, TeamView } from '../schemas';
import type { TeamDispatchPort } from '../../domain/ticket-commands';
import { parseDuration } from '../../config';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

/** A duration as the API writes it back: the largest unit it divides into. */
function durationText(ms: number | null): string | null {
  if (ms === null) return null;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

function view(row: TeamRow): TeamView {
  return {
    id: row.id, name: row.name, sources: row.sources, mailboxes: row.mailboxes, assignment: row.assignment,
    acceptWithin: durationText(row.accept_within_ms), members: row.members, position: row.position,
  };
}

/**
 * Teams (admins keep them) and each operator's availability: a change of either tells the
 * teams' dispatchers, which read members and availability again and place their backlog.
 */
export default async function teamRoutes(app: App, deps: { db: Database; dispatch: TeamDispatchPort }) {
  const teams = createTeamStore(deps.db);
  const operators = createOperatorStore(deps.db);
  app.addHook('preHandler', app.requireOperator);

  async function fieldsOf(body: Partial<CreateTeamBody>, current: TeamRow | null) {
    const name = (body.name ?? current?.name ?? '').trim();
    if (name === '') throw unprocessable('A team needs a name.');
    const members = body.members ?? current?.members ?? [];
    for (const id of members) {
      const operator = await operators.byId(id);
      if (!operator || !operator.active) throw unprocessable(`There is no active operator with ID ${id}.`);
    }
    const acceptWithin = body.acceptWithin === undefined ? current?.accept_within_ms ?? null : body.acceptWithin === null ? null : parseDuration(body.acceptWithin, 'acceptWithin');
    return {
      name, members,
      sources: body.sources === undefined ? current?.sources ?? null : body.sources,
      mailboxes: body.mailboxes === undefined ? current?.mailboxes ?? null : body.mailboxes,
      assignment: body.assignment ?? current?.assignment ?? 'round_robin',
      acceptWithinMs: acceptWithin,
    };
  }

  const nameTaken = (name: string | undefined) => (error: unknown): never => {
    if (error instanceof TeamNameTaken) throw conflict('name_taken', `There is a team called "${name}" already.`);
    throw error;
  };

  app.get('/api/teams', {
    schema: { tags: ['teams'], summary: 'The teams, in the order new tickets look for theirs', response: { 200: Type.Array(TeamView), ...errors } },
  }, async () => (await teams.list()).map(view));

  app.post('/api/teams', {
    preHandler: app.requireAdmin,
    schema: { tags: ['teams'], summary: 'Add a team (admins): its channels, members and how its new tickets find someone', body: CreateTeamBody, response: { 201: TeamView, ...errors } },
  }, async (request, reply) => {
    const row = await teams.create(await fieldsOf(request.body, null)).catch(nameTaken(request.body.name));
    await deps.dispatch.teamsChanged([row.id]);
    return reply.code(201).send(view(row));
  });

  app.patch('/api/teams/:id', {
    preHandler: app.requireAdmin,
    schema: { tags: ['teams'], summary: 'Change a team (admins)', params: IdParams, body: PatchTeamBody, response: { 200: TeamView, ...errors } },
  }, async (request) => {
    const current = await teams.byId(request.params.id);
    if (!current) throw notFound(`Team ${request.params.id} does not exist.`);
    const row = await teams.change(current.id, await fieldsOf(request.body, current)).catch(nameTaken(request.body.name));
    if (!row) throw notFound(`Team ${request.params.id} does not exist.`);
    await deps.dispatch.teamsChanged([row.id]);
    return view(row);
  });

  app.delete('/api/teams/:id', {
    preHandler: app.requireAdmin,
    schema: { tags: ['teams'], summary: 'Remove a team (admins); its tickets stay with whoever has them', params: IdParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await teams.remove(request.params.id);
    // Its dispatcher finds the team gone and ends.
    await deps.dispatch.teamsChanged([request.params.id]);
    return reply.code(204).send(null);
  });

  app.put('/api/me/availability', {
    schema: {
      tags: ['teams'],
      summary: "Say you take new tickets from your teams' round-robin now (or not)",
      description: 'Becoming available hands you tickets of your teams that nobody has, oldest first.',
      body: AvailabilityBody,
      response: { 200: AvailabilityBody, ...errors },
    },
  }, async (request) => {
    const teamIds = await teams.setAvailable(request.operator!.id, request.body.available);
    await deps.dispatch.teamsChanged(teamIds);
    return { available: request.body.available };
  });
}
