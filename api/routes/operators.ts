import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { createOperatorStore, LastAdmin, OperatorExists } from '../../db/operators';
import { ErrorBody, conflict, notFound, unprocessable } from '../errors';
import { CreateOperatorBody, IdParams, OperatorView, UpdateOperatorBody } from '../schemas';
import { hashPassword, passwordProblem } from '../../security/passwords';
import { SESSION_COOKIE } from '../plugins/auth';

export function operatorView(o: { id: number; email: string; name: string; role: OperatorView['role']; active: boolean; signature: string | null; available?: boolean }): OperatorView {
  return { id: o.id, email: o.email, name: o.name, role: o.role, active: o.active, signature: o.signature, available: o.available ?? false };
}

export default async function operatorRoutes(app: App, { db }: { db: Database }) {
  const store = createOperatorStore(db);
  app.get('/api/operators', {
    schema: { tags: ['operators'], summary: 'All operators, to assign tickets to', response: { 200: Type.Array(OperatorView), 401: ErrorBody } },
    preHandler: app.requireOperator,
  }, async () => (await store.all()).map(operatorView));

  app.post('/api/operators', {
    schema: {
      tags: ['operators'],
      summary: 'Add an operator (admins only)',
      body: CreateOperatorBody,
      response: { 201: OperatorView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 422: ErrorBody },
    },
    preHandler: [app.requireOperator, app.requireAdmin],
  }, async (request, reply) => {
    const weak = passwordProblem(request.body.password, [request.body.email, request.body.name]);
    if (weak) throw unprocessable(weak);
    const operator = await store.add({
      email: request.body.email.trim(),
      name: request.body.name.trim(),
      role: request.body.role,
      passwordHash: await hashPassword(request.body.password),
    }).catch((error) => {
      if (error instanceof OperatorExists) throw conflict('operator_exists', `An operator with the email ${request.body.email} already exists.`);
      throw error;
    });
    return reply.code(201).send(operatorView(operator));
  });

  app.patch('/api/operators/:id', {
    schema: {
      tags: ['operators'],
      summary: 'Rename, change the role of, disable or re-enable an operator, or set a new password (admins only)',
      description: 'Disabling an operator or setting a new password ends all their sessions. The last active admin can be neither disabled nor made an agent.',
      params: IdParams,
      body: UpdateOperatorBody,
      response: { 200: OperatorView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
    },
    preHandler: [app.requireOperator, app.requireAdmin],
  }, async (request) => {
    const { name, role, active, password } = request.body;
    if (password !== undefined) {
      const current = await store.byId(request.params.id);
      const weak = passwordProblem(password, [current?.email, name ?? current?.name]);
      if (weak) throw unprocessable(weak);
    }
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    const updated = await store.change(request.params.id, {
      ...(name !== undefined ? { name: name.trim() } : {}),
      ...(role !== undefined ? { role } : {}),
      ...(active !== undefined ? { active } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    }).catch((error) => {
      if (error instanceof LastAdmin) throw conflict('last_admin', 'This is the last active admin: make another operator an admin first.');
      throw error;
    });
    if (!updated) throw notFound(`Operator ${request.params.id} does not exist.`);
    // Sessions end after the change is committed: a login racing it meets the new state.
    // An admin who sets their own password stays logged in here; everywhere else they are out.
    if (active === false || password !== undefined) {
      await app.sessions.endAllOf(updated.id, updated.id === request.operator!.id && active !== false ? request.cookies[SESSION_COOKIE] : undefined);
    }
    return operatorView(updated);
  });
}
