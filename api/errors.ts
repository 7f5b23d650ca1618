import type { FastifyError, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { RejectionReason } from '../domain/ticket';
import { TicketWorkflowUnavailable } from '../workflows/ticket/client';
import { TicketNotFound, TicketRefusal } from '../domain/ticket-commands';
import { CreationKeyReused } from '../db/ticket-numbers';

/** Every error the API answers with: a stable code for programs, a sentence for people. */
export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() }, { $id: 'ErrorBody' });

export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const unprocessable = (message: string) => new HttpError(422, 'invalid_input', message);
export const unauthorized = (message = 'Log in first.') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);

const REJECTION_STATUS: Record<RejectionReason, number> = {
  invalid_input: 422,
  ticket_closed: 409,
  already_closed: 409,
  not_closed: 409,
  invalid_transition: 409,
  not_created: 404,
  already_created: 409,
  follow_up_needed: 409,
  merged: 409,
  thread_moved: 409,
};

/** A ticket workflow's refusal (a domain rejection) as the HTTP error it means. */
export function fromWorkflowRejection(error: unknown): HttpError | null {
  if (error instanceof TicketNotFound) return notFound(error.message);
  if (error instanceof TicketRefusal && error.reason && error.reason in REJECTION_STATUS) {
    return new HttpError(REJECTION_STATUS[error.reason as RejectionReason], error.reason, error.message);
  }
  if (!(error instanceof WorkflowUpdateFailedError)) return null;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure && cause.type && cause.type in REJECTION_STATUS) {
    return new HttpError(REJECTION_STATUS[cause.type as RejectionReason], cause.type, cause.message);
  }
  return null;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
  });

  app.setErrorHandler((error: FastifyError | HttpError | Error, request, reply) => {
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    }
    if (error instanceof CreationKeyReused) {
      return reply.code(409).send({ error: 'idempotency_key_reused', message: error.message });
    }
    if (error instanceof TicketWorkflowUnavailable) {
      return reply.code(503).send({ error: 'workflow_unavailable', message: error.message });
    }
    const rejection = fromWorkflowRejection(error);
    if (rejection) return reply.code(rejection.statusCode).send({ error: rejection.code, message: rejection.message });

    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const where = fastifyError.validationContext ?? 'request';
      return reply.code(400).send({ error: 'bad_request', message: `Invalid ${where}: ${fastifyError.message}` });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 429) {
      return reply.code(429).send({ error: 'rate_limited', message: fastifyError.message || 'Too many requests; try again later.' });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'bad_request', message: fastifyError.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(status >= 500 ? status : 500).send({ error: 'internal', message: 'Something went wrong on our side; it has been logged.' });
  });
}
