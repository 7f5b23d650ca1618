import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { ErrorBody, notFound } from '../errors';
import { PresenceBody, PresenceView, TicketNumberParams } from '../schemas';
import { createPresenceStore } from '../../db/presence';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody };

/**
 * Collision, the part people see: who else has a ticket open and who is writing on it. An
 * open ticket page says so every PRESENCE_HEARTBEAT_MS and when typing starts or stops;
 * the others hear of each change on their event stream (`presence`) and ask who.
 */
export default async function presenceRoutes(app: App, { db }: { db: Database }) {
  const presence = createPresenceStore(db);
  app.addHook('preHandler', app.requireOperator);

  app.put('/api/tickets/:number/presence', {
    schema: {
      tags: ['live'],
      summary: 'You have the ticket open (and are writing, or not); answers who else has',
      params: TicketNumberParams, body: PresenceBody, response: { 200: PresenceView, ...errors },
    },
  }, async (request) => {
    const { number } = request.params;
    if (!(await presence.here(number, request.operator!.id, request.body.typing))) throw notFound(`Ticket #${number} does not exist.`);
    return { others: await presence.others(number, request.operator!.id) };
  });

  app.get('/api/tickets/:number/presence', {
    schema: { tags: ['live'], summary: 'Who else has the ticket open, and who is writing', params: TicketNumberParams, response: { 200: PresenceView, ...errors } },
  }, async (request) => ({ others: await presence.others(request.params.number, request.operator!.id) }));

  app.delete('/api/tickets/:number/presence', {
    schema: { tags: ['live'], summary: 'You left the ticket', params: TicketNumberParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await presence.gone(request.params.number, request.operator!.id);
    return reply.code(204).send(null);
  });
}
