import { LitElement, html, css } from 'lit';
import type { CustomerView, TicketDetail } from '../../../api/schemas';
import { api, query } from '../api';
import { address, personName, STATUS_LABELS } from '../format';
import { BASE } from '../router';
import { shared } from '../styles';

type Panel = TicketDetail['customerPanel'];

/**
 * Who the customer is: the contact data they gave, the CRM record the ticket is linked
 * to (or "Not in CRM"), their earlier tickets, and a dialog to link another record.
 * Linking is the ticket view's job: this panel only asks for it with `link-customer`.
 */
export class CustomerPanel extends LitElement {
  static override properties = {
    panel: { attribute: false },
    busy: { type: Boolean },
    results: { state: true },
    searchProblem: { state: true },
    searched: { state: true },
  };
  declare panel: Panel;
  declare busy: boolean;
  declare results: CustomerView[];
  declare searchProblem: string | null;
  declare searched: boolean;
  private searchTimer: number | null = null;

  static override styles = [shared, css`
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.75rem; margin: 0 0 0.75rem; }
    dt { color: #5b6578; font-size: 0.85rem; }
    dd { margin: 0; overflow-wrap: break-word; }
    section + section { margin-top: 1rem; border-top: 1px solid #e6e9ef; padding-top: 0.75rem; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.35rem; }
    .crm-none { font-style: italic; }
    dialog { border: 1px solid #b7bfcc; border-radius: 10px; padding: 1rem; width: min(560px, 95vw); }
    dialog::backdrop { background: rgb(20 25 35 / 45%); }
    dialog ul { max-height: 50vh; overflow: auto; margin: 0.75rem 0; }
    dialog li { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; padding: 0.4rem; border: 1px solid #e6e9ef; border-radius: 6px; }
    .warning { color: #7a3c00; background: #fff3e0; border: 1px solid #f3c98b; border-radius: 6px; padding: 0.4rem 0.6rem; font-size: 0.85rem; }
  `];

  constructor() {
    super();
    this.busy = false;
    this.results = [];
    this.searchProblem = null;
    this.searched = false;
  }

  private get dialog() {
    return this.renderRoot.querySelector('dialog')!;
  }

  private openDialog() {
    const contact = this.panel.contact;
    this.dialog.showModal();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#crm-search')!;
    // Start from what we know of the customer: most of the time that finds them.
    input.value = contact.email ?? contact.externalId ?? contact.lastName ?? '';
    input.select();
    void this.search(input.value);
  }

  private async search(text: string) {
    try {
      const page = await api.get<{ items: CustomerView[] }>(`/api/customers${query({ q: text.trim(), pageSize: 20 })}`);
      this.results = page.items;
      this.searchProblem = null;
    } catch (error) {
      this.searchProblem = (error as Error).message;
    }
    this.searched = true;
  }

  private onSearchInput(event: InputEvent) {
    const value = (event.target as HTMLInputElement).value;
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(() => void this.search(value), 250);
  }

  private link(customerId: number | null) {
    this.dialog.close();
    this.dispatchEvent(new CustomEvent('link-customer', { detail: customerId, bubbles: true, composed: true }));
  }

  /** A customer the CRM doesn't know yet: create the record from the ticket's contact data. */
  private async createFromContact() {
    const { email, phone, firstName, lastName, externalId } = this.panel.contact;
    try {
      const created = await api.post<CustomerView>('/api/customers', { email, phone, firstName, lastName, externalId });
      this.link(created.id);
    } catch (error) {
      this.searchProblem = (error as Error).message;
    }
  }

  override render() {
    const { contact, crm, previousTickets, emailBounce } = this.panel;
    return html`
      <section aria-labelledby="customer-title">
        <h2 id="customer-title">Customer</h2>
        <dl>
          <dt>Name</dt><dd>${[contact.firstName, contact.lastName].filter(Boolean).join(' ') || html`<span class="muted">not given</span>`}</dd>
          <dt>Email</dt><dd>${contact.email ? html`<a href="mailto:${contact.email}">${address(contact.email)}</a>` : html`<span class="muted">none</span>`}${contact.email && contact.emailVerified === false ? html` <span class="badge" title="Typed into the website form by someone who has not yet answered from this address or opened the link we mailed to it">not verified</span>` : null}</dd>
          <dt>Phone</dt><dd>${contact.phone ?? html`<span class="muted">none</span>`}</dd>
          <dt>External ID</dt><dd>${this.panel.externalId ?? html`<span class="muted">none</span>`}</dd>
        </dl>
        ${contact.email && contact.emailVerified === false ? html`<p class="warning" role="note">Email not verified: anyone can type an address into the website form. This ticket is not linked to the CRM by it, and shows in nobody's "Your tickets", until the sender answers from it or opens the link we mailed there.</p>` : null}
        ${emailBounce ? html`<p class="warning" role="note">Mail to this address bounced ${new Date(emailBounce.at).toLocaleDateString()}${emailBounce.status ? ` (${emailBounce.status})` : ''}: they may not get our replies.</p>` : null}
      </section>
      <section aria-labelledby="crm-title">
        <h2 id="crm-title">CRM record</h2>
        ${crm ? html`
          <p><a href="${BASE}/customers/${crm.id}">${personName(crm)}</a>${crm.company ? html` · ${crm.company}` : null}</p>
          <dl>
            <dt>Email</dt><dd>${crm.email ?? '—'}</dd>
            <dt>Phone</dt><dd>${crm.phone ?? '—'}</dd>
            <dt>External ID</dt><dd>${crm.externalId ?? '—'}</dd>
          </dl>
          <div class="row">
            <button type="button" ?disabled=${this.busy} @click=${this.openDialog}>Link another customer…</button>
            <button type="button" ?disabled=${this.busy} @click=${() => this.link(null)}>Unlink</button>
          </div>`
        : html`
          <p class="crm-none muted">Not in CRM</p>
          <button type="button" ?disabled=${this.busy} @click=${this.openDialog}>Link CRM customer…</button>`}
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">Earlier tickets</h2>
        ${previousTickets.length === 0 ? html`<p class="muted small">None.</p>` : html`<ul>
          ${previousTickets.map((t) => html`<li><a href="${BASE}/tickets/${t.number}">#${t.number} ${t.subject}</a>
            <span class="badge status-${t.status}">${STATUS_LABELS[t.status]}</span></li>`)}
        </ul>`}
      </section>
      <dialog aria-labelledby="crm-dialog-title" @close=${() => { this.searched = false; }}>
        <h2 id="crm-dialog-title">Link a CRM customer</h2>
        <div class="field">
          <label for="crm-search">Search the CRM</label>
          <input id="crm-search" type="search" placeholder="Name, email, phone, company or external ID" @input=${this.onSearchInput}>
        </div>
        ${this.searchProblem ? html`<p class="error" role="alert">${this.searchProblem}</p>` : null}
        <ul aria-label="CRM customers found">
          ${this.results.map((c) => html`<li>
            <span>${personName(c)}<span class="muted small">${c.email ? ` · ${c.email}` : ''}${c.externalId ? ` · ID ${c.externalId}` : ''}</span></span>
            <button type="button" @click=${() => this.link(c.id)} aria-label="Link ${personName(c)}">Link</button>
          </li>`)}
        </ul>
        ${this.searched && this.results.length === 0 ? html`<p class="muted small">No customer found.</p>` : null}
        <div class="row">
          <button type="button" @click=${this.createFromContact}>Create from this ticket's contact</button>
          <button type="button" @click=${() => this.dialog.close()}>Cancel</button>
        </div>
      </dialog>
    `;
  }
}
customElements.define('customer-panel', CustomerPanel);
