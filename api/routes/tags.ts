import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { createTagStore } from '../../db/tags';
import { ErrorBody, unprocessable } from '../errors';
import { PutTagBody, TagListQuery, TagNameParams, TagView } from '../schemas';
import { normalizeTag, validateTag } from '../../domain/tags';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };

/** Tags in use (and those given a colour), for autocomplete and the list's filter; admins colour them. */
export default async function tagRoutes(app: App, deps: { db: Database }) {
  const tags = createTagStore(deps.db);
  app.addHook('preHandler', app.requireOperator);

  const view = (row: { name: string; colour: TagView['colour']; open_tickets: number }): TagView => ({ name: row.name, colour: row.colour, openTickets: row.open_tickets });

  app.get('/api/tags', {
    schema: {
      tags: ['tags'],
      summary: 'Tags in use or given a colour, the most used on open tickets first; `q`: those starting with it',
      querystring: TagListQuery,
      response: { 200: Type.Array(TagView), ...errors },
    },
  }, async (request) => {
    const prefix = normalizeTag(request.query.q ?? '') ?? '';
    return (await tags.list(prefix, prefix ? 20 : 500)).map(view);
  });

  app.put('/api/tags/:name', {
    preHandler: app.requireAdmin,
    schema: { tags: ['tags'], summary: "Give a tag its colour (admins); a tag nobody uses yet is kept for the autocomplete", params: TagNameParams, body: PutTagBody, response: { 200: TagView, ...errors } },
  }, async (request) => {
    const name = normalizeTag(request.params.name);
    const problem = name === null ? 'A tag needs a name.' : validateTag(name);
    if (problem || name === null) throw unprocessable(problem ?? 'A tag needs a name.');
    await tags.setColour(name, request.body.colour);
    const [row] = await tags.list(name, 50).then((rows) => rows.filter((r) => r.name === name));
    return view(row ?? { name, colour: request.body.colour, open_tickets: 0 });
  });
}
