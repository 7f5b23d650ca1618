/** Operators: found by their address as typed, added, changed without locking the helpdesk out of its last admin. */
import { col, fn, UniqueConstraintError, where } from 'sequelize';
import type { Database, Operator } from './index';

/** Another operator has that address. */
export class OperatorExists extends Error {}

/** The change would leave no active admin. */
export class LastAdmin extends Error {}

export type OperatorChanges = Partial<Pick<Operator, 'name' | 'role' | 'active' | 'passwordHash' | 'signature'>>;

export function createOperatorStore(db: Database) {
  return {
    /** Everyone, by name: to assign tickets to. */
    all: () => db.Operator.findAll({ order: [['name', 'ASC']] }),

    byId: (id: number) => db.Operator.findByPk(id),

    /** By email, whatever its case. */
    byEmail: (email: string) => db.Operator.findOne({ where: where(fn('lower', col('email')), email.trim().toLowerCase()) }),

    async add(operator: { email: string; name: string; role: Operator['role']; passwordHash: string }): Promise<Operator> {
      try {
        return await db.Operator.create(operator);
      } catch (error) {
        if (error instanceof UniqueConstraintError) throw new OperatorExists();
        throw error;
      }
    },

    /** Null when there is no such operator. */
    async change(id: number, changes: OperatorChanges): Promise<Operator | null> {
      return db.sequelize.transaction(async (transaction) => {
        // Locked in id order, every admin row at once: two admins demoting each other at the
        // same moment must not leave nobody to administer the helpdesk.
        const admins = await db.Operator.findAll({ where: { role: 'admin', active: true }, order: [['id', 'ASC']], lock: transaction.LOCK.UPDATE, transaction });
        const operator = await db.Operator.findByPk(id, { lock: transaction.LOCK.UPDATE, transaction });
        if (!operator) return null;
        const stillAdmin = (changes.active ?? operator.active) && (changes.role ?? operator.role) === 'admin';
        if (admins.length === 1 && admins[0]!.id === operator.id && !stillAdmin) throw new LastAdmin();
        await operator.update(changes, { transaction });
        return operator;
      });
    },
  };
}
