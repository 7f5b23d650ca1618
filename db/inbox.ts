/**
 * Each operator's bell: what they were told of (written with the ticket change, db/tickets.ts),
 * read and unread, and what they want to be told of.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';
import { inboxPreferences, type InboxKind, type InboxPreferences } from '../domain/inbox';

export interface InboxRow {
  id: string;
  kind: InboxKind;
  ticket_number: number;
  subject: string | null;
  actor_kind: 'operator' | 'customer' | 'system';
  actor_name: string | null;
  created_at: Date;
  read_at: Date | null;
}

export function createInboxStore(db: Database) {
  const { sequelize } = db;
  return {
    /** Newest first; `before` pages on by id. */
    async list(operatorId: number, { unreadOnly, limit, before }: { unreadOnly: boolean; limit: number; before: number | null }): Promise<InboxRow[]> {
      return sequelize.query<InboxRow>(
        `SELECT n.id::text AS id, n.kind, n.ticket_number, t.subject, n.actor_kind, a.name AS actor_name, n.created_at, n.read_at
         FROM operator_notifications n
         LEFT JOIN tickets t ON t.number = n.ticket_number
         LEFT JOIN operators a ON n.actor_kind = 'operator' AND a.id = n.actor_id
         WHERE n.operator_id = :operatorId ${unreadOnly ? 'AND n.read_at IS NULL' : ''} ${before === null ? '' : 'AND n.id < :before'}
         ORDER BY n.id DESC LIMIT :limit`,
        { type: QueryTypes.SELECT, replacements: { operatorId, limit, before } },
      );
    },

    async unreadCount(operatorId: number): Promise<number> {
      const [row] = await sequelize.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM operator_notifications WHERE operator_id = :operatorId AND read_at IS NULL',
        { type: QueryTypes.SELECT, replacements: { operatorId } },
      );
      return row?.count ?? 0;
    },

    /** Marks read what is named: some entries, everything about one ticket, or all. Answers how many were unread. */
    async markRead(operatorId: number, which: { ids?: number[]; ticketNumber?: number; all?: boolean }): Promise<number> {
      const rows = await sequelize.query<{ id: string }>(
        `UPDATE operator_notifications SET read_at = now()
         WHERE operator_id = :operatorId AND read_at IS NULL
           AND (:all OR id = ANY(:ids::bigint[]) OR ticket_number = :ticketNumber)
         RETURNING id`,
        { type: QueryTypes.SELECT, replacements: { operatorId, all: which.all === true, ids: `{${(which.ids ?? []).join(',')}}`, ticketNumber: which.ticketNumber ?? null } },
      );
      return rows.length;
    },

    async preferences(operatorId: number): Promise<InboxPreferences | null> {
      const [row] = await sequelize.query<{ preferences: Record<string, unknown> | null }>(
        'SELECT notification_preferences AS preferences FROM operators WHERE id = :operatorId',
        { type: QueryTypes.SELECT, replacements: { operatorId } },
      );
      return row ? inboxPreferences(row.preferences as never) : null;
    },

    async setPreferences(operatorId: number, preferences: InboxPreferences): Promise<void> {
      await sequelize.query('UPDATE operators SET notification_preferences = :preferences::jsonb WHERE id = :operatorId',
        { replacements: { operatorId, preferences: JSON.stringify(preferences) } });
    },
  };
}
