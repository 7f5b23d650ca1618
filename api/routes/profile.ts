import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { ErrorBody, notFound, unprocessable } from '../errors';
import { ChangePasswordBody, OperatorView, UpdateProfileBody } from '../schemas';
import { perAddress } from '../client-address';
import { SESSION_COOKIE } from '../plugins/auth';
import { hashPassword, passwordProblem, verifyPassword } from '../../security/passwords';
import { operatorView } from './operators';
import { createOperatorStore } from '../../db/operators';

/**
 * Every operator's own profile: the name customers see on replies, the signature under
 * them, and their password.
 */
export default async function profileRoutes(app: App, { db, passwordRateLimit }: { db: Database; passwordRateLimit: number }) {
  const operators = createOperatorStore(db);
  app.patch('/api/me', {
    schema: {
      tags: ['auth'],
      summary: 'Change your own display name (shown to customers) or signature (added under your public replies)',
      body: UpdateProfileBody,
      response: { 200: OperatorView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
    },
    preHandler: app.requireOperator,
  }, async (request) => {
    const { name, signature } = request.body;
    if (name !== undefined && name.trim() === '') throw unprocessable('Your name must not be empty: customers see it with every reply.');
    const cleanSignature = signature === undefined ? undefined : signature === null || signature.trim() === '' ? null : signature.trim();
    const operator = await operators.change(request.operator!.id, {
      ...(name !== undefined ? { name: name.trim() } : {}),
      ...(cleanSignature !== undefined ? { signature: cleanSignature } : {}),
    });
    if (!operator) throw notFound('Your operator account no longer exists.');
    return operatorView(operator);
  });

  app.post('/api/me/password', {
    schema: {
      tags: ['auth'],
      summary: 'Change your own password; your other sessions end, this one stays',
      body: ChangePasswordBody,
      response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 429: ErrorBody },
    },
    // The current password is asked for so a session left open cannot take the account
    // over; guessing it is limited like logging in.
    config: { rateLimit: { max: passwordRateLimit, timeWindow: '1 minute', keyGenerator: perAddress } },
    preHandler: app.requireOperator,
  }, async (request, reply) => {
    const operator = await operators.byId(request.operator!.id);
    if (!operator) throw notFound('Your operator account no longer exists.');
    if (!(await verifyPassword(operator.passwordHash, request.body.currentPassword))) {
      throw unprocessable('Your current password is not right.');
    }
    const weak = passwordProblem(request.body.newPassword, [operator.email, operator.name]);
    if (weak) throw unprocessable(weak);
    await operators.change(operator.id, { passwordHash: await hashPassword(request.body.newPassword) });
    await app.sessions.endAllOf(operator.id, request.cookies[SESSION_COOKIE]);
    return reply.code(204).send(null);
  });
}
