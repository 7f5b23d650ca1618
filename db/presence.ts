/**
 * Who has a ticket open (db side of live presence): each open ticket page says so every few
 * seconds; a change of who is there, or of who is typing, is announced with NOTIFY in the
 * same statement, so every API process tells its streams. Someone not heard of for
 * PRESENCE_TTL_MS is gone, even if their browser never said goodbye.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';
import { PRESENCE_CHANNEL, PRESENCE_TTL_MS, type Presence } from '../live/events';

export function createPresenceStore(db: Database) {
  const { sequelize } = db;
  return {
    /**
     * The operator has the ticket open (typing or not); announced only when that is news: they
     * came, started or stopped typing, or someone whose browser went quiet is found gone.
     * False when there is no such ticket.
     */
    async here(ticketNumber: number, operatorId: number, typing: boolean): Promise<boolean> {
      const [found] = await sequelize.query<{ ticket: boolean }>(
        `WITH before AS (
           SELECT typing, seen_at > now() - make_interval(secs => :ttlMs / 1000.0) AS fresh
           FROM ticket_presence WHERE ticket_number = :ticketNumber AND operator_id = :operatorId
         ), expired AS (
           DELETE FROM ticket_presence WHERE ticket_number = :ticketNumber AND seen_at < now() - make_interval(secs => :ttlMs / 1000.0)
             AND operator_id <> :operatorId
           RETURNING 1
         ), upsert AS (
           INSERT INTO ticket_presence (ticket_number, operator_id, typing, seen_at)
           SELECT :ticketNumber, :operatorId, :typing, now() WHERE EXISTS (SELECT 1 FROM tickets WHERE number = :ticketNumber)
           ON CONFLICT (ticket_number, operator_id) DO UPDATE SET typing = EXCLUDED.typing, seen_at = now()
           RETURNING 1
         ), told AS (
           SELECT pg_notify(:channel, :ticketNumber::text) FROM upsert
           WHERE NOT EXISTS (SELECT 1 FROM before WHERE fresh AND typing = :typing) OR EXISTS (SELECT 1 FROM expired)
         )
         SELECT EXISTS (SELECT 1 FROM upsert) AS ticket, (SELECT count(*) FROM told) AS told`,
        { type: QueryTypes.SELECT, replacements: { ticketNumber, operatorId, typing, ttlMs: PRESENCE_TTL_MS, channel: PRESENCE_CHANNEL } },
      );
      return found?.ticket ?? false;
    },

    /** The operator left the ticket. */
    async gone(ticketNumber: number, operatorId: number): Promise<void> {
      await sequelize.query(
        `WITH gone AS (DELETE FROM ticket_presence WHERE ticket_number = :ticketNumber AND operator_id = :operatorId RETURNING 1)
         SELECT pg_notify(:channel, :ticketNumber::text) WHERE EXISTS (SELECT 1 FROM gone)`,
        { type: QueryTypes.SELECT, replacements: { ticketNumber, operatorId, channel: PRESENCE_CHANNEL } },
      );
    },

    /** Everyone but the one asking who has the ticket open now. */
    async others(ticketNumber: number, operatorId: number): Promise<Presence[]> {
      const rows = await sequelize.query<{ operator_id: number; name: string; typing: boolean }>(
        `SELECT p.operator_id, o.name, p.typing FROM ticket_presence p JOIN operators o ON o.id = p.operator_id
         WHERE p.ticket_number = :ticketNumber AND p.operator_id <> :operatorId AND o.active
           AND p.seen_at > now() - make_interval(secs => :ttlMs / 1000.0)
         ORDER BY o.name`,
        { type: QueryTypes.SELECT, replacements: { ticketNumber, operatorId, ttlMs: PRESENCE_TTL_MS } },
      );
      return rows.map((r) => ({ operatorId: r.operator_id, name: r.name, typing: r.typing }));
    },
  };
}
