/**
 * Files uploaded with a message (a widget ticket's first one, a customer's answer through
 * the link, an operator's reply or note), stored under the message key of the comment they
 * go with, and the files of a comment for its mail. Mail's own attachments are stored by
 * ingestion (db/inbound-emails.ts); reading any of them for a download is db/ticket-queries.ts.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';

export interface UploadedFile {
  filename: string | null;
  contentType: string;
  content: Buffer;
}

/** Stored once however often the request is retried: the message key and the position say which. */
export async function storeUploads(db: Database, ticketNumber: number, messageKey: string, files: UploadedFile[]): Promise<void> {
  for (const [position, file] of files.entries()) {
    await db.sequelize.query(
      `INSERT INTO attachments (ticket_number, message_key, position, filename, content_type, size, content)
       VALUES (:number, :messageKey, :position, :filename, :contentType, :size, :content)
       ON CONFLICT (message_key, position) WHERE inbound_email_id IS NULL DO NOTHING`,
      { replacements: { number: ticketNumber, messageKey, position, filename: file.filename, contentType: file.contentType || 'application/octet-stream', size: file.content.length, content: file.content } },
    );
  }
}

/** The files of the comment an event wrote, to go with its mail. */
export async function commentAttachments(db: Database, ticketNumber: number, seq: number): Promise<UploadedFile[]> {
  const rows = await db.sequelize.query<{ filename: string | null; content_type: string; content: Buffer }>(
    `SELECT a.filename, a.content_type, a.content FROM comments c
     JOIN attachments a ON a.ticket_number = c.ticket_number AND a.message_key = c.message_key
     WHERE c.ticket_number = :ticketNumber AND c.event_seq = :seq AND a.content IS NOT NULL
     ORDER BY a.position`,
    { type: QueryTypes.SELECT, replacements: { ticketNumber, seq } },
  );
  return rows.map((r) => ({ filename: r.filename, contentType: r.content_type, content: r.content }));
}

/** Files stored with a message that went to another ticket after all (a follow-up opened by the answer). */
export async function moveUploads(db: Database, messageKey: string, toTicket: number): Promise<void> {
  await db.sequelize.query('UPDATE attachments SET ticket_number = :toTicket WHERE message_key = :messageKey AND inbound_email_id IS NULL',
    { replacements: { messageKey, toTicket } });
}
