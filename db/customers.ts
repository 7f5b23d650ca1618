/** The CRM's customers: search, and saving one with the duplicate told apart. */
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import type { Customer, Database } from './index';

/** Another customer has that email or external ID (`field` says which). */
export class CustomerExists extends Error {
  constructor(readonly field: 'email' | 'externalId') {
    super(`a customer with that ${field === 'email' ? 'email' : 'external ID'} exists already`);
  }
}

export type CustomerFields = Pick<Customer, 'email' | 'externalId' | 'firstName' | 'lastName' | 'phone' | 'company'>;

export function createCustomerStore(db: Database) {
  const { sequelize } = db;
  return {
    /** A page of customers, by last name; with a search, those whose words start so (`tsquery`, see toPrefixQuery). */
    async search(tsquery: string | null, page: number, pageSize: number): Promise<{ customers: Customer[]; total: number }> {
      const where = tsquery ? "WHERE search @@ to_tsquery('simple', :tsquery)" : '';
      const [ids, [{ total } = { total: 0 }]] = await Promise.all([
        sequelize.query<{ id: number }>(`SELECT id FROM customers ${where} ORDER BY lower(coalesce(last_name, email, '')), id LIMIT :limit OFFSET :offset`, {
          type: QueryTypes.SELECT, replacements: { tsquery, limit: pageSize, offset: (page - 1) * pageSize },
        }),
        sequelize.query<{ total: number }>(`SELECT count(*)::int AS total FROM customers ${where}`, { type: QueryTypes.SELECT, replacements: { tsquery } }),
      ]);
      const rows = await db.Customer.findAll({ where: { id: ids.map((r) => r.id) } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return { customers: ids.map((r) => byId.get(r.id)!), total };
    },

    byId: (id: number) => db.Customer.findByPk(id),

    add: (customer: CustomerFields) => saving(() => db.Customer.create(customer)),

    /** Null when there is no such customer. */
    async change(id: number, changes: Partial<CustomerFields>): Promise<Customer | null> {
      const customer = await db.Customer.findByPk(id);
      if (!customer) return null;
      await saving(() => customer.update(changes));
      return customer;
    },
  };

  /** Runs a create or update of a customer; a duplicate email or external ID is a CustomerExists. */
  async function saving<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new CustomerExists(JSON.stringify(error.fields ?? {}).includes('external') ? 'externalId' : 'email');
      throw error;
    }
  }
}
