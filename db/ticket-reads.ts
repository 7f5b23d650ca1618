/**
 * When each operator last saw each ticket: a ticket the customer wrote to since is unread
 * for them (db/ticket-queries.ts reads it with the lists).
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';

/** When each operator last saw each ticket: what makes it unread for them when the customer writes again. */
export function createTicketReadStore(db: Database) {
  const { sequelize } = db;
  return {
    /**
     * Seen up to `upTo` (the customer's last message the operator was shown; never moves
     * back), and opened now (what tells a team's dispatcher an offered ticket was taken up).
     */
    async markRead(operatorId: number, ticketNumber: number, upTo: string): Promise<void> {
      await sequelize.query(
        `INSERT INTO ticket_reads (operator_id, ticket_number, read_at, opened_at) VALUES (:operatorId, :ticketNumber, least(:upTo::timestamptz, now()), now())
         ON CONFLICT (operator_id, ticket_number) DO UPDATE SET read_at = greatest(ticket_reads.read_at, EXCLUDED.read_at), opened_at = now()`,
        { replacements: { operatorId, ticketNumber, upTo } },
      );
    },

    async markUnread(operatorId: number, ticketNumber: number): Promise<void> {
      await sequelize.query('DELETE FROM ticket_reads WHERE operator_id = :operatorId AND ticket_number = :ticketNumber', { replacements: { operatorId, ticketNumber } });
    },
  };
}

/** Whether the operator opened the ticket since `since` (a ticket offered to them then). */
export async function openedSince(db: Database, operatorId: number, ticketNumber: number, since: string): Promise<boolean> {
  const [row] = await db.sequelize.query<{ opened: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM ticket_reads WHERE operator_id = :operatorId AND ticket_number = :ticketNumber AND opened_at >= :since) AS opened',
    { type: QueryTypes.SELECT, replacements: { operatorId, ticketNumber, since } },
  );
  return row?.opened ?? false;
}
