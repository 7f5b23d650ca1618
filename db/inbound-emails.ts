/** Reading what the mailboxes handed over (mail ingestion writes it: mail/inbound/ingest.ts). */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';
import type { InboundOutcome } from '../domain/inbound-email';

export interface InboundRow {
  id: string; mailbox: string; message_key: string; sender: string | null; subject: string | null; size: number;
  outcome: InboundOutcome; reason: string | null; ticket_number: number | null; received_at: Date; processed_at: Date | null;
}

export function createInboundEmailQueries(db: Database) {
  const { sequelize } = db;
  return {
    /** Newest first; with outcomes given, only mail with one of them. */
    async page(outcomes: readonly InboundOutcome[] | undefined, page: number, pageSize: number): Promise<{ rows: InboundRow[]; total: number }> {
      const where = outcomes?.length ? 'WHERE outcome IN (:outcome)' : '';
      const replacements = { outcome: outcomes, limit: pageSize, offset: (page - 1) * pageSize };
      const [rows, [{ total } = { total: 0 }]] = await Promise.all([
        sequelize.query<InboundRow>(
          `SELECT id::text AS id, mailbox, message_key, sender, subject, size, outcome, reason, ticket_number, received_at, processed_at
           FROM inbound_emails ${where} ORDER BY received_at DESC, id DESC LIMIT :limit OFFSET :offset`,
          { type: QueryTypes.SELECT, replacements },
        ),
        sequelize.query<{ total: number }>(`SELECT count(*)::int AS total FROM inbound_emails ${where}`, { type: QueryTypes.SELECT, replacements }),
      ]);
      return { rows, total };
    },

    /** The message as it arrived (its headers only, for one over the size limit), or null. */
    async raw(id: number): Promise<Buffer | null> {
      const [row] = await sequelize.query<{ raw: Buffer | null }>('SELECT raw FROM inbound_emails WHERE id = :id', { type: QueryTypes.SELECT, replacements: { id } });
      return row?.raw ?? null;
    },
  };
}
