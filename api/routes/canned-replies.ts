import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { CannedReplyRow, createCannedReplyStore, ShortcutTaken } from '../../db/canned-replies';
import { ErrorBody, conflict, forbidden, notFound, unprocessable } from '../errors';
import { CannedReplyTicketParams, CannedReplyView, CreateCannedReplyBody, FilledCannedReply, IdParams, PatchCannedReplyBody } from '../schemas';
import { shortcutProblem } from '../../domain/canned-reply';
import { cannedReplyTemplateProblem, renderCannedReply } from '../../mail/outbound/canned-reply-template';
import { publicToken, ticketUrl } from '../../security/public-token';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

type Operator = { id: number; role: string; name: string };

/** Shared replies are the team's and admins keep them; a personal one only its owner sees and keeps. */
const visible = (row: CannedReplyRow, operator: Operator) => row.owner_id === null || row.owner_id === operator.id;
const editable = (row: CannedReplyRow, operator: Operator) => row.owner_id === operator.id || (row.owner_id === null && operator.role === 'admin');

function view(row: CannedReplyRow, operator: Operator): CannedReplyView {
  return {
    id: row.id, title: row.title, body: row.body, shortcut: row.shortcut, shared: row.owner_id === null,
    editable: editable(row, operator), createdBy: row.created_by_name, usageCount: row.usage_count,
    lastUsedAt: row.last_used_at ? row.last_used_at.toISOString() : null, updatedAt: row.updated_at.toISOString(),
  };
}

/** The shortcut as stored (null: none), or a 422 that says what a shortcut is. */
function cleanShortcut(shortcut: string | null | undefined): string | null | undefined {
  if (shortcut === undefined || shortcut === null) return shortcut;
  const trimmed = shortcut.trim().replace(/^::/, '').toLowerCase();
  if (trimmed === '') return null;
  const problem = shortcutProblem(trimmed);
  if (problem) throw unprocessable(problem);
  return trimmed;
}

function checkBody(body: string | undefined) {
  if (body === undefined) return;
  if (body.trim() === '') throw unprocessable('A canned reply needs some text.');
  const problem = cannedReplyTemplateProblem(body);
  if (problem) throw unprocessable(problem);
}

const shortcutTaken = (shortcut: string | null | undefined) => (error: unknown): never => {
  if (error instanceof ShortcutTaken) throw conflict('shortcut_taken', `The shortcut ::${shortcut} is taken already: pick another.`);
  throw error;
};

/**
 * Canned replies (text modules): the team's shared ones and each operator's own, inserted
 * in the reply box with the ticket's details filled in.
 */
export default async function cannedReplyRoutes(app: App, deps: { db: Database; secretKey: string; publicUrl: string }) {
  const replies = createCannedReplyStore(deps.db);
  app.addHook('preHandler', app.requireOperator);

  async function editableOrThrow(id: number, operator: Operator) {
    const row = await replies.byId(id);
    if (!row || !visible(row, operator)) throw notFound(`Canned reply ${id} does not exist.`);
    if (!editable(row, operator)) throw forbidden('Shared canned replies are kept by admins: ask one to change it, or make your own.');
    return row;
  }

  app.get('/api/canned-replies', {
    schema: { tags: ['canned replies'], summary: 'The shared canned replies and your own, yours first, then the most used', response: { 200: Type.Array(CannedReplyView), ...errors } },
  }, async (request) => (await replies.visibleTo(request.operator!.id)).map((row) => view(row, request.operator!)));

  app.post('/api/canned-replies', {
    schema: { tags: ['canned replies'], summary: 'Add a canned reply: your own, or a shared one (admins)', body: CreateCannedReplyBody, response: { 201: CannedReplyView, ...errors } },
  }, async (request, reply) => {
    const operator = request.operator!;
    const { title, body, shared = false } = request.body;
    if (shared && operator.role !== 'admin') throw forbidden('Only admins add shared canned replies; yours can be your own.');
    if (title.trim() === '') throw unprocessable('A canned reply needs a title.');
    checkBody(body);
    const shortcut = cleanShortcut(request.body.shortcut) ?? null;
    const row = await replies.add({ title: title.trim(), body, shortcut, ownerId: shared ? null : operator.id, createdBy: operator.id }).catch(shortcutTaken(shortcut));
    return reply.code(201).send(view(row, operator));
  });

  app.patch('/api/canned-replies/:id', {
    schema: { tags: ['canned replies'], summary: 'Change a canned reply (yours, or a shared one as an admin)', params: IdParams, body: PatchCannedReplyBody, response: { 200: CannedReplyView, ...errors } },
  }, async (request) => {
    const operator = request.operator!;
    const current = await editableOrThrow(request.params.id, operator);
    const { title, body, shared } = request.body;
    if (shared === true && current.owner_id !== null && operator.role !== 'admin') throw forbidden('Only admins share canned replies with the team.');
    if (title !== undefined && title.trim() === '') throw unprocessable('A canned reply needs a title.');
    checkBody(body);
    const shortcut = cleanShortcut(request.body.shortcut);
    // An admin who unshares a reply keeps it as their own.
    const ownerId = shared === undefined || shared === (current.owner_id === null) ? undefined : shared ? null : operator.id;
    const row = await replies.change(current.id, {
      ...(title !== undefined ? { title: title.trim() } : {}), ...(body !== undefined ? { body } : {}),
      ...(shortcut !== undefined ? { shortcut } : {}), ...(ownerId !== undefined ? { ownerId } : {}),
    }).catch(shortcutTaken(shortcut));
    if (!row) throw notFound(`Canned reply ${current.id} does not exist.`);
    return view(row, operator);
  });

  app.delete('/api/canned-replies/:id', {
    schema: { tags: ['canned replies'], summary: 'Remove a canned reply (yours, or a shared one as an admin)', params: IdParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    const current = await editableOrThrow(request.params.id, request.operator!);
    await replies.remove(current.id);
    return reply.code(204).send(null);
  });

  app.post('/api/tickets/:number/canned-replies/:id/fill', {
    schema: {
      tags: ['canned replies'],
      summary: "A canned reply with this ticket's details filled in, to insert in the reply box (counts one use)",
      params: CannedReplyTicketParams,
      response: { 200: FilledCannedReply, ...errors },
    },
  }, async (request) => {
    const operator = request.operator!;
    const { number, id } = request.params;
    const used = await replies.use(id, operator.id, number);
    if (!used) {
      const row = await replies.byId(id);
      throw notFound(row && visible(row, operator) ? `Ticket #${number} does not exist.` : `Canned reply ${id} does not exist.`);
    }
    const { ticket } = used;
    const fullName = [ticket.contact_first_name, ticket.contact_last_name].filter(Boolean).join(' ');
    return {
      body: renderCannedReply(used.body, {
        customer: {
          first_name: ticket.contact_first_name ?? '', last_name: ticket.contact_last_name ?? '',
          name: fullName || ticket.contact_email || '', email: ticket.contact_email ?? '',
        },
        ticket: { number, subject: ticket.subject },
        ticket_url: ticketUrl(deps.publicUrl, publicToken(deps.secretKey, number, ticket.token_version)),
        operator: { name: operator.name },
      }),
    };
  });
}
