import type { Database } from '.';
import { hashPublicToken, looksLikePublicToken } from '../security/public-token';

/**
 * The ticket a public link's token opens, or null. Callers answer every null the same
 * way, so nobody learns whether a ticket ever existed or its link was rotated.
 */
export async function ticketNumberForToken(db: Database, token: string): Promise<number | null> {
  if (!looksLikePublicToken(token)) return null;
  const ticket = await db.Ticket.findOne({ attributes: ['number'], where: { publicTokenHash: hashPublicToken(token) } });
  return ticket?.number ?? null;
}
