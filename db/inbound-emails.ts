/**
 * What the mailboxes handed over: every delivery's row, written as mail ingestion takes it
 * (mail/inbound/ingest.ts), and read on the admin screen.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';
import type { InboundOutcome } from '../domain/inbound-email';

export interface Delivery {
  mailbox: string; uidValidity: number; uid: number; key: string; size: number;
  /** The mail as it came, or its headers only when it was over the size limit. */
  raw: Buffer | null;
  sender?: string | null; subject?: string | null; digest?: string | null;
}

export interface InboundAttachment { filename: string | null; contentType: string; size: number; content: Buffer | null }

export interface InboundRow {
  id: string; mailbox: string; message_key: string; sender: string | null; subject: string | null; size: number;
  outcome: InboundOutcome; reason: string | null; ticket_number: number | null; received_at: Date; processed_at: Date | null;
}

export function createInboundEmailStore(db: Database) {
  const { sequelize } = db;
  return {
    /**
     * Every delivery gets its row, known by where it lies in the mailbox: a retry after a
     * crash finds its own row again, and a second copy of a message gets a row of its own.
     */
    async record(delivery: Delivery): Promise<{ id: string; outcome: InboundOutcome; ticket_number: number | null; message_key: string }> {
      const [row] = await sequelize.query<{ id: string; outcome: InboundOutcome; ticket_number: number | null; message_key: string }>(
        `INSERT INTO inbound_emails (mailbox, uid_validity, uid, message_key, sender, subject, size, raw, content_digest)
         VALUES (:mailbox, :uidValidity, :uid, :key, :sender, :subject, :size, :raw, :digest)
         ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET mailbox = EXCLUDED.mailbox
         RETURNING id, outcome, ticket_number, message_key`,
        {
          type: QueryTypes.SELECT,
          replacements: { ...delivery, sender: delivery.sender ?? null, subject: delivery.subject?.slice(0, 1000) ?? null, digest: delivery.digest ?? null },
        },
      );
      if (!row) throw new Error('inbound_emails: the insert returned no row');
      return row;
    },

    /**
     * An earlier delivery of the same Message-ID, in any mailbox, the one with the same
     * content first: that makes this a duplicate of it.
     */
    async earlierDelivery(id: string, key: string, digest: string): Promise<{ id: string; ticket_number: number | null; same: boolean } | null> {
      const [row] = await sequelize.query<{ id: string; ticket_number: number | null; same: boolean }>(
        `SELECT id::text AS id, ticket_number, content_digest = :digest AS same FROM inbound_emails
         WHERE message_key = :key AND id < :id ORDER BY (content_digest = :digest) DESC, id LIMIT 1`,
        { type: QueryTypes.SELECT, replacements: { id, key, digest } },
      );
      return row ?? null;
    },

    /** Another message under a Message-ID already seen gets a key of its own. */
    async rekey(id: string, key: string): Promise<void> {
      await sequelize.query('UPDATE inbound_emails SET message_key = :key WHERE id = :id', { replacements: { key, id } });
    },

    async finish(id: string, outcome: Exclude<InboundOutcome, 'received'>, fields: { ticketNumber?: number | null; reason?: string | null; duplicateOf?: string }): Promise<void> {
      await sequelize.query(
        `UPDATE inbound_emails SET outcome = :outcome, reason = :reason, ticket_number = coalesce(:ticketNumber, ticket_number),
           duplicate_of = :duplicateOf, processed_at = now() WHERE id = :id`,
        { replacements: { id, outcome, reason: fields.reason ?? null, ticketNumber: fields.ticketNumber ?? null, duplicateOf: fields.duplicateOf ?? null } },
      );
    },

    /** The mail's files in their order; one kept before (a retry) stays as it was. */
    async storeAttachments(inboundId: string, attachments: InboundAttachment[]): Promise<void> {
      for (const [position, attachment] of attachments.entries()) {
        await sequelize.query(
          `INSERT INTO attachments (inbound_email_id, position, filename, content_type, size, content)
           VALUES (:inboundId, :position, :filename, :contentType, :size, :content)
           ON CONFLICT (inbound_email_id, position) DO NOTHING`,
          {
            replacements: {
              inboundId, position, filename: attachment.filename?.slice(0, 255) ?? null, contentType: attachment.contentType,
              size: attachment.size, content: attachment.content,
            },
          },
        );
      }
    },

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
