import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db';
import { HttpError } from '../errors';

/**
 * An Idempotency-Key of a ticket creation, named by its scope (an operator, the widget) so
 * keys never collide, with the digest of the request it came with.
 */
export type CreationKey = { scopedKey: string; digest: string } | null;

export function creationKey(scopedKey: string | null, body: unknown): CreationKey {
  return scopedKey ? { scopedKey, digest: createHash('sha256').update(JSON.stringify(body)).digest('hex') } : null;
}

const keyReused = () => new HttpError(409, 'idempotency_key_reused',
  'This Idempotency-Key was already used for a different request; send a new key with a new ticket.');

async function recorded(db: Database, key: string) {
  const [row] = await db.sequelize.query<{ ticket_number: number; request_digest: string | null }>(
    'SELECT ticket_number, request_digest FROM ticket_create_keys WHERE key = :key', { type: QueryTypes.SELECT, replacements: { key } },
  );
  return row ?? null;
}

/**
 * Whether this creation was asked for before (a retry, not a new ticket). The same key
 * with another request is refused: it must not hand out the first request's ticket.
 */
export async function isRepeatedCreation(db: Database, key: CreationKey): Promise<boolean> {
  if (!key) return false;
  const row = await recorded(db, key.scopedKey);
  if (!row) return false;
  if (row.request_digest !== null && row.request_digest !== key.digest) throw keyReused();
  return true;
}

/**
 * A new ticket number, or for a request repeated with the same idempotency key the number
 * that key got the first time, so the repeat reaches the same ticket workflow.
 */
export async function allocateTicketNumber(db: Database, key: CreationKey): Promise<number> {
  if (!key) {
    const [row] = await db.sequelize.query<{ number: number }>("SELECT nextval('ticket_number_seq')::int AS number", { type: QueryTypes.SELECT });
    return row!.number;
  }
  await db.sequelize.query(
    `INSERT INTO ticket_create_keys (key, ticket_number, request_digest) VALUES (:key, nextval('ticket_number_seq')::int, :digest)
     ON CONFLICT (key) DO NOTHING`,
    { replacements: { key: key.scopedKey, digest: key.digest } },
  );
  const row = (await recorded(db, key.scopedKey))!;
  if (row.request_digest !== null && row.request_digest !== key.digest) throw keyReused();
  return row.ticket_number;
}
