import type { App } from '../types';
import type { Database } from '../../db';
import { createCustomerStore, CustomerExists } from '../../db/customers';
import { ErrorBody, conflict, notFound, unprocessable } from '../errors';
import { CustomerDetail, CustomerInput, CustomerListQuery, CustomerPage, CustomerView, IdParams } from '../schemas';
import { customerView, toPrefixQuery, TicketQueries } from '../../db/ticket-queries';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody };

function clean(input: CustomerInput) {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) out[key] = typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  }
  return out;
}

/** The CRM: customers tickets link to by external ID or email. */
export default async function customerRoutes(app: App, { db, queries }: { db: Database; queries: TicketQueries }) {
  app.addHook('preHandler', app.requireOperator);

  const store = createCustomerStore(db);
  async function save<T>(saving: Promise<T>, input: CustomerInput): Promise<T> {
    try {
      return await saving;
    } catch (error) {
      if (!(error instanceof CustomerExists)) throw error;
      const which = error.field === 'externalId' ? `external ID ${input.externalId}` : `email ${input.email}`;
      throw conflict('customer_exists', `A customer with the ${which} already exists.`);
    }
  }

  app.get('/api/customers', {
    schema: { tags: ['customers'], summary: 'Search the CRM by name, email, phone, company or external ID', querystring: CustomerListQuery, response: { 200: CustomerPage, ...errors } },
  }, async (request) => {
    const page = request.query.page ?? 1;
    const pageSize = request.query.pageSize ?? 25;
    const tsquery = request.query.q ? toPrefixQuery(request.query.q) : null;
    const { customers, total } = await store.search(tsquery, page, pageSize);
    return { items: customers.map(customerView), total, page, pageSize };
  });

  app.post('/api/customers', {
    schema: { tags: ['customers'], summary: 'Add a customer to the CRM', body: CustomerInput, response: { 201: CustomerView, ...errors } },
  }, async (request, reply) => {
    const values = clean(request.body);
    if (!values.email && !values.phone && !values.externalId) throw unprocessable('A customer needs an email, a phone number or an external ID.');
    const customer = await save(store.add({
      email: values.email ?? null, externalId: values.externalId ?? null, firstName: values.firstName ?? null,
      lastName: values.lastName ?? null, phone: values.phone ?? null, company: values.company ?? null,
    }), request.body);
    return reply.code(201).send(customerView(customer));
  });

  app.get('/api/customers/:id', {
    schema: { tags: ['customers'], summary: 'A customer with their tickets', params: IdParams, response: { 200: CustomerDetail, ...errors } },
  }, async (request) => {
    const customer = await store.byId(request.params.id);
    if (!customer) throw notFound(`Customer ${request.params.id} does not exist.`);
    const tickets = await queries.summaries({ customerId: customer.id }, 100, request.operator!.id);
    return { ...customerView(customer), tickets };
  });

  app.patch('/api/customers/:id', {
    schema: { tags: ['customers'], summary: 'Edit a customer', params: IdParams, body: CustomerInput, response: { 200: CustomerView, ...errors } },
  }, async (request) => {
    const customer = await save(store.change(request.params.id, clean(request.body)), request.body);
    if (!customer) throw notFound(`Customer ${request.params.id} does not exist.`);
    return customerView(customer);
  });
}
