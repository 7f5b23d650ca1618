import { QueryTypes } from 'sequelize';
import type { Database } from '../../db';

/**
 * A new ticket number, or for a request repeated with the same idempotency key the number
 * that key got the first time, so the repeat reaches the same ticket workflow.
 * `scopedKey` already names its scope (an operator, the widget), so keys never collide.
 */
export async function allocateTicketNumber(db: Database, scopedKey: string | null): Promise<number> {
  if (!scopedKey) {
    const [row] = await db.sequelize.query<{ number: number }>("SELECT nextval('ticket_number_seq')::int AS number", { type: QueryTypes.SELECT });
    return row!.number;
  }
  await db.sequelize.query(
    `INSERT INTO ticket_create_keys (key, ticket_number) VALUES (:scopedKey, nextval('ticket_number_seq')::int)
     ON CONFLICT (key) DO NOTHING`,
    { replacements: { scopedKey } },
  );
  const [row] = await db.sequelize.query<{ ticket_number: number }>(
    'SELECT ticket_number FROM ticket_create_keys WHERE key = :scopedKey', { type: QueryTypes.SELECT, replacements: { scopedKey } },
  );
  return row!.ticket_number;
}

/** Whether a ticket creation with this key was asked for before (a retry, not a new ticket). */
export async function isRepeatedCreation(db: Database, scopedKey: string | null): Promise<boolean> {
  if (!scopedKey) return false;
  const rows = await db.sequelize.query('SELECT 1 FROM ticket_create_keys WHERE key = :scopedKey', { type: QueryTypes.SELECT, replacements: { scopedKey } });
  return rows.length > 0;
}
