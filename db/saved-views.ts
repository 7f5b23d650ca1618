/**
 * Saved views: each operator's own and the team's shared ones. Who may change which is the
 * route's rule; reads take the operator so nobody lists another's personal views.
 */
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { textArray, type Database } from './index';
import type { TicketColumn, TicketFilters, TicketSort } from '../domain/views';

/** A view of that name is there already (per owner, or among the shared ones). */
export class ViewNameTaken extends Error {}

export interface SavedViewRow {
  id: number;
  owner_id: number | null;
  name: string;
  filters: TicketFilters;
  sort: TicketSort | null;
  columns: TicketColumn[];
  position: number;
}

export interface SavedViewFields {
  name: string;
  ownerId: number | null;
  filters: TicketFilters;
  sort: TicketSort | null;
  columns: readonly TicketColumn[];
}

const refusingTakenName = (error: unknown): never => {
  if (error instanceof UniqueConstraintError) throw new ViewNameTaken();
  throw error;
};

export function createSavedViewStore(db: Database) {
  const { sequelize } = db;
  return {
    /** The shared views, then the operator's own, each in their order. */
    async visibleTo(operatorId: number): Promise<SavedViewRow[]> {
      return sequelize.query<SavedViewRow>(
        `SELECT id, owner_id, name, filters, sort, columns, position FROM saved_views
         WHERE owner_id IS NULL OR owner_id = :operatorId ORDER BY owner_id NULLS FIRST, position, lower(name)`,
        { type: QueryTypes.SELECT, replacements: { operatorId } },
      );
    },

    async byId(id: number): Promise<SavedViewRow | null> {
      const [row] = await sequelize.query<SavedViewRow>(
        'SELECT id, owner_id, name, filters, sort, columns, position FROM saved_views WHERE id = :id',
        { type: QueryTypes.SELECT, replacements: { id } },
      );
      return row ?? null;
    },

    async create(fields: SavedViewFields, createdBy: number): Promise<SavedViewRow> {
      const [row] = await sequelize.query<SavedViewRow>(
        `INSERT INTO saved_views (owner_id, name, filters, sort, columns, position, created_by)
         VALUES (:ownerId, :name, :filters, :sort, :columns::text[],
           (SELECT coalesce(max(position) + 1, 0) FROM saved_views WHERE owner_id IS NOT DISTINCT FROM :ownerId), :createdBy)
         RETURNING id, owner_id, name, filters, sort, columns, position`,
        { type: QueryTypes.SELECT, replacements: { ...fields, filters: JSON.stringify(fields.filters), columns: textArray(fields.columns), createdBy } },
      ).catch(refusingTakenName);
      return row!;
    },

    async change(id: number, fields: SavedViewFields): Promise<SavedViewRow | null> {
      const [row] = await sequelize.query<SavedViewRow>(
        `UPDATE saved_views SET owner_id = :ownerId, name = :name, filters = :filters, sort = :sort, columns = :columns::text[], updated_at = now()
         WHERE id = :id RETURNING id, owner_id, name, filters, sort, columns, position`,
        { type: QueryTypes.SELECT, replacements: { id, ...fields, filters: JSON.stringify(fields.filters), columns: textArray(fields.columns) } },
      ).catch(refusingTakenName);
      return row ?? null;
    },

    async remove(id: number): Promise<void> {
      await sequelize.query('DELETE FROM saved_views WHERE id = :id', { replacements: { id } });
    },
  };
}
