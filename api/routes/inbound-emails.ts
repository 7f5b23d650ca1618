import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import { ErrorBody, notFound } from '../errors';
import { FileDownload, IdParams, InboundEmailPage, InboundEmailQuery } from '../schemas';
import { createInboundEmailStore } from '../../db/inbound-emails';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody };

/** What the mailboxes handed over and what became of it: where a mail that made no ticket is reported. */
export default async function inboundEmailRoutes(app: App, { db }: { db: Database }) {
  app.addHook('preHandler', app.requireOperator);
  const inbound = createInboundEmailStore(db);

  app.get('/api/inbound-emails', {
    schema: {
      tags: ['email'],
      summary: 'Inbound mail, newest first, with its outcome (e.g. `unparseable`, `too_large`, `rejected`, `bounce`)',
      querystring: InboundEmailQuery,
      response: { 200: InboundEmailPage, ...errors },
    },
  }, async (request) => {
    const page = request.query.page ?? 1;
    const pageSize = request.query.pageSize ?? 25;
    const { rows, total } = await inbound.page(request.query.outcome, page, pageSize);
    return {
      items: rows.map((r) => ({
        id: r.id, mailbox: r.mailbox, messageKey: r.message_key, sender: r.sender, subject: r.subject, size: r.size,
        outcome: r.outcome, reason: r.reason, ticketNumber: r.ticket_number,
        receivedAt: r.received_at.toISOString(), processedAt: r.processed_at ? r.processed_at.toISOString() : null,
      })),
      total, page, pageSize,
    };
  });

  app.get('/api/inbound-emails/:id/raw', {
    schema: {
      tags: ['email'],
      summary: 'The message as it arrived (only the headers for one over the size limit), as a download',
      params: IdParams,
      response: { 200: FileDownload('The message, as an .eml download', ['message/rfc822']), ...errors },
    },
  }, async (request, reply) => {
    const raw = await inbound.raw(request.params.id);
    if (!raw) throw notFound(`Inbound email ${request.params.id} does not exist.`);
    // A download, never rendered: the mail may carry anything.
    return reply
      .header('content-type', 'message/rfc822')
      .header('content-disposition', `attachment; filename="inbound-${request.params.id}.eml"`)
      .send(raw);
  });
}
