/** The admins' custom ticket field definitions (the values live on the tickets). */
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { textArray, type Database } from './index';
import type { CustomFieldDefinition, CustomFieldType } from '../domain/custom-fields';

export class FieldKeyTaken extends Error {}

export interface CustomFieldRow extends CustomFieldDefinition { position: number; active: boolean }

const COLUMNS = 'key, label, type, options, widget, position, active';

export function createCustomFieldStore(db: Database) {
  const { sequelize } = db;
  return {
    /** In their order; `activeOnly`: those still offered (a retired field's values stay on its tickets). */
    async list(activeOnly = false): Promise<CustomFieldRow[]> {
      return sequelize.query<CustomFieldRow>(
        `SELECT ${COLUMNS} FROM custom_fields ${activeOnly ? 'WHERE active' : ''} ORDER BY position, key`,
        { type: QueryTypes.SELECT },
      );
    },

    async create(field: CustomFieldDefinition): Promise<CustomFieldRow> {
      const [row] = await sequelize.query<CustomFieldRow>(
        `INSERT INTO custom_fields (key, label, type, options, widget, position)
         VALUES (:key, :label, :type, :options::text[], :widget, (SELECT coalesce(max(position) + 1, 0) FROM custom_fields))
         RETURNING ${COLUMNS}`,
        { type: QueryTypes.SELECT, replacements: { ...field, options: textArray(field.options) } },
      ).catch((error: unknown) => {
        if (error instanceof UniqueConstraintError) throw new FieldKeyTaken();
        throw error;
      });
      return row!;
    },

    /** Its type stays: values already on tickets were typed by it. */
    async change(key: string, fields: { label: string; options: string[]; widget: boolean; active: boolean; position: number }): Promise<CustomFieldRow | null> {
      const [row] = await sequelize.query<CustomFieldRow>(
        `UPDATE custom_fields SET label = :label, options = :options::text[], widget = :widget, active = :active, position = :position, updated_at = now()
         WHERE key = :key RETURNING ${COLUMNS}`,
        { type: QueryTypes.SELECT, replacements: { key, ...fields, options: textArray(fields.options) } },
      );
      return row ?? null;
    },
  };
}

export type { CustomFieldType };
