import { Type } from 'typebox';
import { UniqueConstraintError } from 'sequelize';
import type { App } from '../types';
import type { Database } from '../../db';
import { ErrorBody, conflict } from '../errors';
import { CreateOperatorBody, OperatorView } from '../schemas';
import { hashPassword } from '../../security/passwords';

export function operatorView(o: { id: number; email: string; name: string; role: OperatorView['role']; active: boolean }): OperatorView {
  return { id: o.id, email: o.email, name: o.name, role: o.role, active: o.active };
}

export default async function operatorRoutes(app: App, { db }: { db: Database }) {
  app.get('/api/operators', {
    schema: { tags: ['operators'], summary: 'All operators, to assign tickets to', response: { 200: Type.Array(OperatorView), 401: ErrorBody } },
    preHandler: app.requireOperator,
  }, async () => (await db.Operator.findAll({ order: [['name', 'ASC']] })).map(operatorView));

  app.post('/api/operators', {
    schema: {
      tags: ['operators'],
      summary: 'Add an operator (admins only)',
      body: CreateOperatorBody,
      response: { 201: OperatorView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
    },
    preHandler: [app.requireOperator, app.requireAdmin],
  }, async (request, reply) => {
    try {
      const operator = await db.Operator.create({
        email: request.body.email.trim(),
        name: request.body.name.trim(),
        role: request.body.role,
        passwordHash: await hashPassword(request.body.password),
      });
      return reply.code(201).send(operatorView(operator));
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw conflict('operator_exists', `An operator with the email ${request.body.email} already exists.`);
      throw error;
    }
  });
}
