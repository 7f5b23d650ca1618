import { Type } from 'typebox';
import { QueryTypes } from 'sequelize';
import type { App } from '../types';
import type { Database } from '../../db';
import { ErrorBody, notFound } from '../errors';
import { IdParams, InboundEmailPage, InboundEmailQuery } from '../schemas';
import type { InboundOutcome } from '../../domain/inbound-email';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody };

interface InboundRow {
  id: string; mailbox: string; message_key: string; sender: string | null; subject: string | null; size: number;
  outcome: InboundOutcome; reason: string | null; ticket_number: number | null; received_at: Date; processed_at: Date | null;
}

/** What the mailboxes handed over and what became of it: where a mail that made no ticket is reported. */
export default async function inboundEmailRoutes(app: App, { db }: { db: Database }) {
  app.addHook('preHandler', app.requireOperator);

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
    const where = request.query.outcome?.length ? 'WHERE outcome IN (:outcome)' : '';
    const replacements = { outcome: request.query.outcome, limit: pageSize, offset: (page - 1) * pageSize };
    const [rows, [{ total } = { total: 0 }]] = await Promise.all([
      db.sequelize.query<InboundRow>(
        `SELECT id::text AS id, mailbox, message_key, sender, subject, size, outcome, reason, ticket_number, received_at, processed_at
         FROM inbound_emails ${where} ORDER BY received_at DESC, id DESC LIMIT :limit OFFSET :offset`,
        { type: QueryTypes.SELECT, replacements },
      ),
      db.sequelize.query<{ total: number }>(`SELECT count(*)::int AS total FROM inbound_emails ${where}`, { type: QueryTypes.SELECT, replacements }),
    ]);
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
      response: { 200: Type.Unknown(), ...errors },
    },
  }, async (request, reply) => {
    const [row] = await db.sequelize.query<{ raw: Buffer | null }>('SELECT raw FROM inbound_emails WHERE id = :id', {
      type: QueryTypes.SELECT, replacements: { id: request.params.id },
    });
    if (!row?.raw) throw notFound(`Inbound email ${request.params.id} does not exist.`);
    // A download, never rendered: the mail may carry anything.
    return reply
      .header('content-type', 'message/rfc822')
      .header('content-disposition', `attachment; filename="inbound-${request.params.id}.eml"`)
      .send(row.raw);
  });
}
