import { LitElement, html, css, PropertyValues } from 'lit';
import type { CustomerView } from '../../../api/schemas';
import { api, query } from '../api';
import { count, personName } from '../format';
import { BASE, navigate } from '../router';
import { shared } from '../styles';
import '../components/list-pager';

interface CustomerPage { items: CustomerView[]; total: number; page: number; pageSize: number }

/** The CRM: everyone tickets link to, searchable. */
export class CustomerListView extends LitElement {
  static override properties = { params: { attribute: false }, data: { state: true }, problem: { state: true } };
  declare params: URLSearchParams;
  declare data: CustomerPage | null;
  declare problem: string | null;
  private searchTimer: number | null = null;
  private requestId = 0;

  static override styles = [shared, css`
    .head { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
    .search { margin-bottom: 0.75rem; max-width: 480px; }
    .card.flush { padding: 0; overflow-x: auto; }
    .empty { padding: 2rem; text-align: center; }
  `];

  constructor() {
    super();
    this.params = new URLSearchParams();
    this.data = null;
    this.problem = null;
  }

  override disconnectedCallback() {
    // A search typed just before leaving must not pull the operator back to the list.
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('params')) void this.load();
  }

  private async load() {
    const id = ++this.requestId;
    try {
      const data = await api.get<CustomerPage>(`/api/customers${query({ q: this.params.get('q'), page: this.params.get('page'), pageSize: 25 })}`);
      if (id === this.requestId) {
        this.data = data;
        this.problem = null;
      }
    } catch (error) {
      if (id === this.requestId) this.problem = (error as Error).message;
    }
  }

  private go(q: string | null, page: number | null, replace = false) {
    const params = query({ q, page: page && page > 1 ? page : null });
    navigate(`${BASE}/customers${params}`, { replace });
  }

  private onSearchInput(event: InputEvent) {
    const value = (event.target as HTMLInputElement).value.trim();
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(() => this.go(value || null, null, true), 300);
  }

  override render() {
    const data = this.data;
    return html`
      <div class="head"><h1>Customers</h1><a class="button" href="${BASE}/customers/new">New customer</a></div>
      <div class="field search" role="search">
        <label for="q">Search customers</label>
        <input id="q" type="search" placeholder="Name, email, phone, company or external ID" .value=${this.params.get('q') ?? ''} @input=${this.onSearchInput}>
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      <div class="card flush">
        ${!data ? html`<p class="empty muted">Loading…</p>` : data.items.length === 0 ? html`<p class="empty muted">No customers found.</p>` : html`<table>
          <thead><tr><th>Name</th><th>Email</th><th>Phone</th><th>Company</th><th>External ID</th></tr></thead>
          <tbody>${data.items.map((c) => html`<tr>
            <td><a href="${BASE}/customers/${c.id}">${personName(c)}</a></td>
            <td>${c.email ?? ''}</td><td>${c.phone ?? ''}</td><td>${c.company ?? ''}</td><td>${c.externalId ?? ''}</td>
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${data ? html`<list-pager .page=${data.page} .pageSize=${data.pageSize} .total=${data.total}
        .summary=${`${count(data.total)} ${data.total === 1 ? 'customer' : 'customers'}`}
        @page-change=${(event: CustomEvent<number>) => this.go(this.params.get('q'), event.detail)}></list-pager>` : null}
    `;
  }
}
customElements.define('customer-list-view', CustomerListView);
