import { LitElement, html, css, PropertyValues } from 'lit';
import type { CustomerView as Customer, TicketSummary } from '../../../api/schemas';
import { api } from '../api';
import { fullTime, personName, PRIORITY_LABELS, relativeTime, STATUS_LABELS } from '../format';
import { BASE, navigate } from '../router';
import { shared } from '../styles';

type CustomerDetail = Customer & { tickets: TicketSummary[] };

const FIELDS = [
  ['firstName', 'First name', 'text'],
  ['lastName', 'Last name', 'text'],
  ['email', 'Email', 'email'],
  ['phone', 'Phone', 'tel'],
  ['company', 'Company', 'text'],
  ['externalId', 'External ID', 'text'],
] as const;

/** A CRM customer: edit the record, see their tickets. With no ID it creates one. */
export class CustomerPage extends LitElement {
  static override properties = {
    customerId: { attribute: false },
    customer: { state: true },
    problem: { state: true },
    saved: { state: true },
    busy: { state: true },
  };
  declare customerId: number | null;
  declare customer: CustomerDetail | null;
  declare problem: string | null;
  declare saved: string | null;
  declare busy: boolean;

  static override styles = [shared, css`
    .layout { display: grid; grid-template-columns: minmax(280px, 420px) 1fr; gap: 1rem; align-items: start; }
    form { display: flex; flex-direction: column; gap: 0.75rem; }
    .card.flush { padding: 0; overflow-x: auto; }
    @media (max-width: 800px) { .layout { grid-template-columns: 1fr; } }
  `];

  constructor() {
    super();
    this.customerId = null;
    this.customer = null;
    this.problem = null;
    this.saved = null;
    this.busy = false;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('customerId')) {
      this.customer = null;
      this.saved = null;
      this.problem = null;
      if (this.customerId !== null) void this.load();
    }
  }

  private async load() {
    try {
      this.customer = await api.get<CustomerDetail>(`/api/customers/${this.customerId}`);
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const values = Object.fromEntries(FIELDS.map(([name]) => [name, String(form.get(name) ?? '').trim() || null]));
    if (!values.email && !values.phone && !values.externalId) {
      this.problem = 'A customer needs an email, a phone number or an external ID.';
      return;
    }
    this.busy = true;
    this.problem = null;
    this.saved = null;
    try {
      if (this.customerId === null) {
        const created = await api.post<Customer>('/api/customers', values);
        navigate(`${BASE}/customers/${created.id}`, { replace: true });
      } else {
        await api.patch<Customer>(`/api/customers/${this.customerId}`, values);
        await this.load();
        this.saved = 'Saved.';
      }
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const creating = this.customerId === null;
    if (!creating && !this.customer) {
      return this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : html`<p class="muted">Loading…</p>`;
    }
    const c = this.customer;
    return html`
      <p class="muted small"><a href="${BASE}/customers">Customers</a> / ${c ? personName(c) : 'New'}</p>
      <h1>${c ? personName(c) : 'New customer'}</h1>
      <div class="layout">
        <form class="card" @submit=${this.submit} novalidate aria-label="Customer details">
          ${FIELDS.map(([name, label, type]) => html`<div class="field">
            <label for=${name}>${label}</label>
            <input id=${name} name=${name} type=${type} .value=${c?.[name] ?? ''} autocomplete="off">
          </div>`)}
          ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
          ${this.saved ? html`<p class="notice" role="status">${this.saved}</p>` : null}
          <div class="row"><button class="primary" type="submit" ?disabled=${this.busy}>${creating ? 'Create customer' : 'Save changes'}</button></div>
          ${c ? html`<p class="muted small">In the CRM since ${fullTime(c.createdAt)}.</p>` : null}
        </form>
        ${c ? html`<section aria-labelledby="tickets-title">
          <h2 id="tickets-title">Tickets (${c.tickets.length})</h2>
          <div class="card flush">${c.tickets.length === 0 ? html`<p class="muted">No tickets yet.</p>` : html`<table>
            <thead><tr><th>#</th><th>Subject</th><th>Status</th><th>Priority</th><th>Opened</th></tr></thead>
            <tbody>${c.tickets.map((t) => html`<tr>
              <td>#${t.number}</td><td><a href="${BASE}/tickets/${t.number}">${t.subject}</a></td>
              <td><span class="badge status-${t.status}">${STATUS_LABELS[t.status]}</span></td>
              <td>${PRIORITY_LABELS[t.priority]}</td>
              <td><time datetime=${t.createdAt} title=${fullTime(t.createdAt)}>${relativeTime(t.createdAt)}</time></td>
            </tr>`)}</tbody>
          </table>`}</div>
        </section>` : null}
      </div>
    `;
  }
}
customElements.define('customer-view', CustomerPage);
