import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import type { TicketQueries, ListFilter } from '../../db/ticket-queries';
import { createSavedViewStore, SavedViewRow, ViewNameTaken } from '../../db/saved-views';
import { ErrorBody, conflict, forbidden, notFound, unprocessable } from '../errors';
import { IdParams, PatchSavedViewBody, SavedView, SavedViewBody, ViewCounts, ViewList } from '../schemas';
import { BUILT_IN_VIEWS, DEFAULT_COLUMNS, MAX_SAVED_VIEWS, TicketFilters, savedViewKey } from '../../domain/views';
import { normalizeTags } from '../../domain/tags';
import { CustomFieldDefinition, fieldFilter } from '../../domain/custom-fields';
import { createCustomFieldStore } from '../../db/custom-fields';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

type Operator = { id: number; role: string };

/** A shared view is the team's and admins keep it; a personal one only its owner sees and keeps. */
const visible = (row: SavedViewRow, operator: Operator) => row.owner_id === null || row.owner_id === operator.id;
const editable = (row: SavedViewRow, operator: Operator) => row.owner_id === operator.id || (row.owner_id === null && operator.role === 'admin');

function view(row: SavedViewRow): SavedView {
  return { id: row.id, name: row.name, shared: row.owner_id === null, ownerId: row.owner_id, filters: row.filters, sort: row.sort, columns: row.columns, position: row.position };
}

/** A view's filters as stored: tags in their one spelling, fields that exist, nothing empty. */
function cleanFilters(filters: TicketFilters, definitions: readonly CustomFieldDefinition[]): TicketFilters {
  const { tag, q, ...rest } = filters;
  const tags = normalizeTags(tag ?? []);
  if ('problem' in tags) throw unprocessable(tags.problem);
  const fields = filters.field?.length ? fieldFilter(definitions, filters.field) : null;
  if (fields && 'problem' in fields) throw unprocessable(fields.problem);
  return { ...rest, ...(tags.tags.length ? { tag: tags.tags } : {}), ...(q?.trim() ? { q: q.trim() } : {}) };
}

/** The list's filter for one reader: "me" is whoever reads it; field values typed by their definitions (one gone since matches nothing). */
export function readerFilter(filters: TicketFilters, readerId: number, definitions: readonly CustomFieldDefinition[]): ListFilter {
  const { assignee, field, ...rest } = filters;
  const typed = field?.length ? fieldFilter(definitions, field) : null;
  return {
    ...rest,
    ...(assignee === undefined ? {} : { assignee: assignee === 'me' ? readerId : assignee }),
    ...(typed ? ('fields' in typed ? { fields: typed.fields } : { nothing: true as const }) : {}),
    readerId,
  };
}

/**
 * Views of the ticket list: the built-in ones, each operator's saved ones and the team's
 * shared ones, with how many tickets each holds (the sidebar's counts).
 */
export default async function viewRoutes(app: App, deps: { db: Database; queries: TicketQueries }) {
  const views = createSavedViewStore(deps.db);
  const customFields = createCustomFieldStore(deps.db);
  app.addHook('preHandler', app.requireOperator);

  async function editableOrThrow(id: number, operator: Operator) {
    const row = await views.byId(id);
    if (!row || !visible(row, operator)) throw notFound(`View ${id} does not exist.`);
    if (!editable(row, operator)) throw forbidden('Shared views are kept by admins: ask one to change it, or save your own.');
    return row;
  }

  const nameTaken = (name: string) => (error: unknown): never => {
    if (error instanceof ViewNameTaken) throw conflict('name_taken', `There is a view called "${name}" already: pick another name.`);
    throw error;
  };

  app.get('/api/views', {
    schema: { tags: ['views'], summary: 'The built-in views, then the shared ones and your own', response: { 200: ViewList, ...errors } },
  }, async (request) => ({
    builtIn: Object.entries(BUILT_IN_VIEWS).map(([key, v]) => ({ key, label: v.label, filters: v.filters as TicketFilters, sort: 'sort' in v ? v.sort : null })),
    saved: (await views.visibleTo(request.operator!.id)).map(view),
  }));

  app.get('/api/views/counts', {
    schema: {
      tags: ['views'],
      summary: 'How many tickets each view holds (built-in by key, saved as `saved:<id>`), in one statement',
      response: { 200: ViewCounts, ...errors },
    },
  }, async (request) => {
    const readerId = request.operator!.id;
    const [saved, definitions] = await Promise.all([views.visibleTo(readerId), customFields.list()]);
    return {
      counts: await deps.queries.countViews([
        ...Object.entries(BUILT_IN_VIEWS).map(([key, v]) => ({ key, filter: readerFilter(v.filters as TicketFilters, readerId, definitions) })),
        ...saved.map((row) => ({ key: savedViewKey(row.id), filter: readerFilter(row.filters, readerId, definitions) })),
      ]),
    };
  });

  app.post('/api/views', {
    schema: { tags: ['views'], summary: 'Save a view: your own, or a shared one (admins)', body: SavedViewBody, response: { 201: SavedView, ...errors } },
  }, async (request, reply) => {
    const operator = request.operator!;
    const { name, shared = false, filters, sort, columns } = request.body;
    if (shared && operator.role !== 'admin') throw forbidden('Only admins share views with the team; save it as your own.');
    if (name.trim() === '') throw unprocessable('A view needs a name.');
    if ((await views.visibleTo(operator.id)).length >= MAX_SAVED_VIEWS) throw unprocessable(`You see ${MAX_SAVED_VIEWS} saved views already: remove one first.`);
    const row = await views.create({
      name: name.trim(), ownerId: shared ? null : operator.id, filters: cleanFilters(filters, await customFields.list()), sort: sort ?? null, columns: columns ?? DEFAULT_COLUMNS,
    }, operator.id).catch(nameTaken(name.trim()));
    return reply.code(201).send(view(row));
  });

  app.patch('/api/views/:id', {
    schema: { tags: ['views'], summary: 'Change a view (yours, or a shared one as an admin)', params: IdParams, body: PatchSavedViewBody, response: { 200: SavedView, ...errors } },
  }, async (request) => {
    const operator = request.operator!;
    const current = await editableOrThrow(request.params.id, operator);
    const { name, shared, filters, sort, columns } = request.body;
    if (shared === true && current.owner_id !== null && operator.role !== 'admin') throw forbidden('Only admins share views with the team.');
    if (name !== undefined && name.trim() === '') throw unprocessable('A view needs a name.');
    // An admin who unshares a view keeps it as their own.
    const ownerId = shared === undefined || shared === (current.owner_id === null) ? current.owner_id : shared ? null : operator.id;
    const newName = name?.trim() ?? current.name;
    const row = await views.change(current.id, {
      name: newName, ownerId, filters: filters ? cleanFilters(filters, await customFields.list()) : current.filters,
      sort: sort === undefined ? current.sort : sort, columns: columns ?? current.columns,
    }).catch(nameTaken(newName));
    if (!row) throw notFound(`View ${current.id} does not exist.`);
    return view(row);
  });

  app.delete('/api/views/:id', {
    schema: { tags: ['views'], summary: 'Remove a view (yours, or a shared one as an admin)', params: IdParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    const current = await editableOrThrow(request.params.id, request.operator!);
    await views.remove(current.id);
    return reply.code(204).send(null);
  });
}
