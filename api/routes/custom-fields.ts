import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { createCustomFieldStore, CustomFieldRow, FieldKeyTaken } from '../../db/custom-fields';
import { ErrorBody, conflict, notFound, unprocessable } from '../errors';
import { CreateCustomFieldBody, CustomFieldView, FieldKeyParams, PatchCustomFieldBody } from '../schemas';
import { MAX_CUSTOM_FIELDS, definitionProblem } from '../../domain/custom-fields';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

const view = (row: CustomFieldRow): CustomFieldView => ({ ...row });

/** Custom ticket fields: every operator reads them (to show and set them on tickets); admins define them. */
export default async function customFieldRoutes(app: App, deps: { db: Database }) {
  const fields = createCustomFieldStore(deps.db);
  app.addHook('preHandler', app.requireOperator);

  app.get('/api/ticket-fields', {
    schema: { tags: ['ticket fields'], summary: 'The custom ticket fields, in their order (retired ones too, marked)', response: { 200: Type.Array(CustomFieldView), ...errors } },
  }, async () => (await fields.list()).map(view));

  app.post('/api/ticket-fields', {
    preHandler: app.requireAdmin,
    schema: { tags: ['ticket fields'], summary: 'Define a custom ticket field (admins)', body: CreateCustomFieldBody, response: { 201: CustomFieldView, ...errors } },
  }, async (request, reply) => {
    const definition = { ...request.body, label: request.body.label.trim(), options: (request.body.options ?? []).map((o) => o.trim()), widget: request.body.widget ?? false };
    const problem = definitionProblem(definition);
    if (problem) throw unprocessable(problem);
    if ((await fields.list()).length >= MAX_CUSTOM_FIELDS) throw unprocessable(`There are ${MAX_CUSTOM_FIELDS} ticket fields already: retire one first.`);
    const row = await fields.create(definition).catch((error: unknown) => {
      if (error instanceof FieldKeyTaken) throw conflict('key_taken', `There is a field "${definition.key}" already (retired ones keep their key).`);
      throw error;
    });
    return reply.code(201).send(view(row));
  });

  app.patch('/api/ticket-fields/:key', {
    preHandler: app.requireAdmin,
    schema: {
      tags: ['ticket fields'],
      summary: 'Change a field: its label, choices, whether the widget may set it, its place; retire it (`active: false`). Its key and type stay.',
      params: FieldKeyParams, body: PatchCustomFieldBody, response: { 200: CustomFieldView, ...errors },
    },
  }, async (request) => {
    const current = (await fields.list()).find((f) => f.key === request.params.key);
    if (!current) throw notFound(`There is no ticket field "${request.params.key}".`);
    const next = {
      label: request.body.label?.trim() ?? current.label,
      options: request.body.options?.map((o) => o.trim()) ?? current.options,
      widget: request.body.widget ?? current.widget,
      active: request.body.active ?? current.active,
      position: request.body.position ?? current.position,
    };
    const problem = definitionProblem({ key: current.key, type: current.type, ...next });
    if (problem) throw unprocessable(problem);
    const row = await fields.change(current.key, next);
    if (!row) throw notFound(`There is no ticket field "${request.params.key}".`);
    return view(row);
  });
}
