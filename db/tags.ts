/**
 * Tags as operators see them: every tag in use or given a colour, with how many open
 * tickets carry it. The tags themselves live on the tickets (the workflow writes them);
 * this table holds only what admins say of a tag.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './index';
import type { TagColour } from '../domain/tags';

export interface TagRow { name: string; colour: TagColour; open_tickets: number }

export function createTagStore(db: Database) {
  const { sequelize } = db;
  return {
    /** Tags starting with `prefix` (all: ''), the most used first; `limit` bounds an autocomplete. */
    async list(prefix: string, limit: number): Promise<TagRow[]> {
      return sequelize.query<TagRow>(
        `WITH used AS (
           SELECT tag AS name, count(*) FILTER (WHERE t.status <> 'closed')::int AS open_tickets, count(*) AS all_tickets
           FROM tickets t, unnest(t.tags) AS tag WHERE t.tags <> '{}' AND starts_with(tag, :prefix) GROUP BY tag)
         SELECT coalesce(u.name, g.name) AS name, coalesce(g.colour, 'gray') AS colour, coalesce(u.open_tickets, 0) AS open_tickets
         FROM used u FULL JOIN (SELECT * FROM tags WHERE starts_with(name, :prefix)) g ON g.name = u.name
         ORDER BY coalesce(u.open_tickets, 0) DESC, coalesce(u.all_tickets, 0) DESC, 1 LIMIT :limit`,
        { type: QueryTypes.SELECT, replacements: { prefix, limit } },
      );
    },

    async setColour(name: string, colour: TagColour): Promise<void> {
      await sequelize.query(
        'INSERT INTO tags (name, colour) VALUES (:name, :colour) ON CONFLICT (name) DO UPDATE SET colour = EXCLUDED.colour',
        { replacements: { name, colour } },
      );
    },
  };
}
