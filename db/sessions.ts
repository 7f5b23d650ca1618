/**
 * Operator sessions, stored by the hash of their token only. A session ends at its idle
 * expiry, and never later than its absolute lifetime (`maxAgeMs` after it was made).
 */
import { Op, QueryTypes } from 'sequelize';
import type { Database, Operator } from './index';

/** When a session ends: idle expiry, but never later than its absolute lifetime (`:maxAgeMs`). */
const SESSION_ENDS = "least(s.expires_at, s.created_at + :maxAgeMs * interval '1 millisecond')";

export interface SessionWithOperator {
  operator_id: number; csrf_token: string; expires_at: Date; created_at: Date;
  email: string; name: string; role: Operator['role']; active: boolean; signature: string | null; available: boolean;
}

export function createSessionStore(db: Database, maxAgeMs: number) {
  const { sequelize } = db;
  return {
    async add(session: { tokenHash: string; operatorId: number; csrfToken: string; expiresAt: Date }): Promise<void> {
      await db.Session.create(session);
      // Expired sessions are swept here rather than by a timer: logins are rare enough.
      await db.Session.destroy({ where: { expiresAt: { [Op.lt]: new Date() } } });
    },

    async remove(tokenHash: string): Promise<void> {
      await db.Session.destroy({ where: { tokenHash } });
    },

    /** Every session of an operator but the one kept (theirs, when they set their own password). */
    async removeAllOf(operatorId: number, keptTokenHash: string | null): Promise<void> {
      await db.Session.destroy({ where: { operatorId, ...(keptTokenHash ? { tokenHash: { [Op.ne]: keptTokenHash } } : {}) } });
    },

    /** The session and its operator in one round trip: every operator request starts here. */
    async withOperator(tokenHash: string): Promise<SessionWithOperator | null> {
      const [session] = await sequelize.query<SessionWithOperator>(
        `SELECT s.operator_id, s.csrf_token, ${SESSION_ENDS} AS expires_at, s.created_at, o.email, o.name, o.role, o.active, o.signature, o.available
         FROM sessions s JOIN operators o ON o.id = s.operator_id WHERE s.token_hash = :tokenHash`,
        { type: QueryTypes.SELECT, replacements: { tokenHash, maxAgeMs } },
      );
      return session ?? null;
    },

    async extend(tokenHash: string, expiresAt: Date): Promise<void> {
      await db.Session.update({ expiresAt }, { where: { tokenHash } });
    },

    /** When the session ends if nothing extends it; null once it has ended or its operator is disabled. */
    async validUntil(tokenHash: string): Promise<Date | null> {
      const [session] = await sequelize.query<{ expires_at: Date }>(
        `SELECT ${SESSION_ENDS} AS expires_at FROM sessions s JOIN operators o ON o.id = s.operator_id
         WHERE s.token_hash = :tokenHash AND o.active AND ${SESSION_ENDS} > now()`,
        { type: QueryTypes.SELECT, replacements: { tokenHash, maxAgeMs } },
      );
      return session?.expires_at ?? null;
    },
  };
}
