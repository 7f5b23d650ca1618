/**
 * Canned replies: the shared ones and each operator's own, with how often each was used.
 * Who may see or change which is the route's rule; the statements here take the operator
 * so that a personal reply is never read or counted by someone else.
 */
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import type { Database } from './index';

/** The shortcut is taken where it would be typed. */
export class ShortcutTaken extends Error {}

export interface CannedReplyRow {
  id: number;
  title: string;
  body: string;
  shortcut: string | null;
  /** Null: shared with the team. */
  owner_id: number | null;
  created_by: number | null;
  created_by_name: string | null;
  usage_count: number;
  last_used_at: Date | null;
  updated_at: Date;
}

/** What a reply is filled in from. */
export interface CannedReplyTicketFacts {
  subject: string;
  contact_email: string | null;
  contact_first_name: string | null;
  contact_last_name: string | null;
  token_version: number;
}

const COLUMNS = `c.id, c.title, c.body, c.shortcut, c.owner_id, c.created_by, o.name AS created_by_name, c.usage_count, c.last_used_at, c.updated_at`;
const FROM = 'canned_replies c LEFT JOIN operators o ON o.id = c.created_by';

const refusingTakenShortcut = (error: unknown): never => {
  if (error instanceof UniqueConstraintError) throw new ShortcutTaken();
  throw error;
};

export function createCannedReplyStore(db: Database) {
  const { sequelize } = db;
  const one = async (id: number) => {
    const [row] = await sequelize.query<CannedReplyRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE c.id = :id`, { type: QueryTypes.SELECT, replacements: { id } });
    return row ?? null;
  };
  return {
    /** The shared replies and the operator's own: their own first, then the most used. */
    visibleTo(operatorId: number): Promise<CannedReplyRow[]> {
      return sequelize.query<CannedReplyRow>(
        `SELECT ${COLUMNS} FROM ${FROM} WHERE c.owner_id IS NULL OR c.owner_id = :operatorId
         ORDER BY c.owner_id IS NULL, c.usage_count DESC, lower(c.title), c.id`,
        { type: QueryTypes.SELECT, replacements: { operatorId } },
      );
    },

    byId: one,

    async add(reply: { title: string; body: string; shortcut: string | null; ownerId: number | null; createdBy: number }): Promise<CannedReplyRow> {
      const [inserted] = await sequelize.query<{ id: number }>(
        `INSERT INTO canned_replies (title, body, shortcut, owner_id, created_by) VALUES (:title, :body, :shortcut, :ownerId, :createdBy) RETURNING id`,
        { type: QueryTypes.SELECT, replacements: reply },
      ).catch(refusingTakenShortcut);
      return (await one(inserted!.id))!;
    },

    /** Changes what is given (a null shortcut removes it); null when there is no such reply. */
    async change(id: number, fields: { title?: string; body?: string; shortcut?: string | null; ownerId?: number | null }): Promise<CannedReplyRow | null> {
      const changed = await sequelize.query<{ id: number }>(
        `UPDATE canned_replies SET title = coalesce(:title, title), body = coalesce(:body, body),
           shortcut = CASE WHEN :shortcutGiven THEN :shortcut ELSE shortcut END,
           owner_id = CASE WHEN :ownerGiven THEN :ownerId::int ELSE owner_id END,
           updated_at = now()
         WHERE id = :id RETURNING id`,
        {
          type: QueryTypes.SELECT,
          replacements: {
            id, title: fields.title ?? null, body: fields.body ?? null,
            shortcut: fields.shortcut ?? null, shortcutGiven: fields.shortcut !== undefined,
            ownerId: fields.ownerId ?? null, ownerGiven: fields.ownerId !== undefined,
          },
        },
      ).catch(refusingTakenShortcut);
      return changed.length ? one(id) : null;
    },

    async remove(id: number): Promise<boolean> {
      const rows = await sequelize.query<{ id: number }>('DELETE FROM canned_replies WHERE id = :id RETURNING id', { type: QueryTypes.SELECT, replacements: { id } });
      return rows.length > 0;
    },

    /**
     * Counts one use of a reply the operator may use, on a ticket that exists, and gives what
     * it is filled in from, in one statement: nothing is counted for a reply or ticket that isn't.
     */
    async use(id: number, operatorId: number, ticketNumber: number): Promise<{ body: string; ticket: CannedReplyTicketFacts } | null> {
      const [row] = await sequelize.query<CannedReplyTicketFacts & { body: string }>(
        `UPDATE canned_replies c SET usage_count = c.usage_count + 1, last_used_at = now()
         FROM tickets t
         WHERE c.id = :id AND (c.owner_id IS NULL OR c.owner_id = :operatorId) AND t.number = :ticketNumber
         RETURNING c.body, t.subject, t.contact_email, t.contact_first_name, t.contact_last_name, t.token_version`,
        { type: QueryTypes.SELECT, replacements: { id, operatorId, ticketNumber } },
      );
      if (!row) return null;
      const { body, ...ticket } = row;
      return { body, ticket };
    },
  };
}

export type CannedReplyStore = ReturnType<typeof createCannedReplyStore>;
