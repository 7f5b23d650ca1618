/**
 * Ticket numbers: handed out once per ticket, and the same again to a repeat of the request
 * that opened it (an Idempotency-Key's retry, a mail taken again after a crash), so the
 * repeat reaches the same ticket workflow instead of opening a second ticket.
 */
import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from './index';

/**
 * An Idempotency-Key of a ticket creation, named by its scope (an operator, the widget) so
 * keys never collide, with the digest of the request it came with.
 */
export type CreationKey = { scopedKey: string; digest: string } | null;

export function creationKey(scopedKey: string | null, body: unknown): CreationKey {
  return scopedKey ? { scopedKey, digest: createHash('sha256').update(JSON.stringify(body)).digest('hex') } : null;
}

/** The same Idempotency-Key came with another request: it must not hand out the first one's ticket. */
export class CreationKeyReused extends Error {
  constructor() {
    super('This Idempotency-Key was already used for a different request; send a new key with a new ticket.');
    this.name = 'CreationKeyReused';
  }
}

/** Where a ticket's number comes from: a request's key, the inbound mail it was opened by, or nowhere yet. */
export type NumberSource = { creationKey: CreationKey } | { inboundEmailId: string };

async function recorded(db: Database, key: string) {
  const [row] = await db.sequelize.query<{ ticket_number: number; request_digest: string | null }>(
    'SELECT ticket_number, request_digest FROM ticket_create_keys WHERE key = :key', { type: QueryTypes.SELECT, replacements: { key } },
  );
  return row ?? null;
}

/** Whether this creation was asked for before (a retry, not a new ticket). */
export async function isRepeatedCreation(db: Database, key: CreationKey): Promise<boolean> {
  if (!key) return false;
  const row = await recorded(db, key.scopedKey);
  if (!row) return false;
  if (row.request_digest !== null && row.request_digest !== key.digest) throw new CreationKeyReused();
  return true;
}

/** A new ticket number, or the one its source got the first time. */
export async function allocateTicketNumber(db: Database, source: NumberSource): Promise<number> {
  if ('inboundEmailId' in source) {
    // Kept on the inbound row, so a retry opens the same ticket instead of a second one.
    const [row] = await db.sequelize.query<{ ticket_number: number }>(
      `UPDATE inbound_emails SET ticket_number = coalesce(ticket_number, nextval('ticket_number_seq')::int)
       WHERE id = :id RETURNING ticket_number`,
      { type: QueryTypes.SELECT, replacements: { id: source.inboundEmailId } },
    );
    return row!.ticket_number;
  }
  const key = source.creationKey;
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
  if (row.request_digest !== null && row.request_digest !== key.digest) throw new CreationKeyReused();
  return row.ticket_number;
}
