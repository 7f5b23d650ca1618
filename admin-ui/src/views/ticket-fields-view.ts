import { LitElement, html, css } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { CustomFieldView, OperatorView } from '../../../api/schemas';
import { CUSTOM_FIELD_TYPES, CUSTOM_FIELD_TYPE_LABELS, CustomFieldType } from '../../../domain/custom-fields';
import { api } from '../api';
import { shared } from '../styles';
import { ManagedList } from '../components/managed-list';
import { forgetCustomFields } from '../custom-fields';

/**
 * Custom ticket fields: admins define what a ticket records beyond the built-in fields
 * (a plan, an order number, a renewal date), which the widget may fill in, and retire
 * what is no longer needed (its values stay on the tickets).
 */
export class TicketFieldsView extends LitElement {
  static override properties = {
    formGeneration: { state: true }, me: { attribute: false }, editing: { state: true } };
  declare me: OperatorView;
  declare editing: CustomFieldView | null;
  /** Bumped to make the form anew (keyed) after a save or for another item. */
  declare formGeneration: number;
  private readonly fields = new ManagedList<CustomFieldView>(this, '/api/ticket-fields', forgetCustomFields);

  static override styles = [shared, css`
    .card.flush { margin-bottom: 1rem; }
    textarea { min-height: 5rem; }
    tr.retired td { color: #5b6578; }
  `];

  constructor() {
    super();
    this.formGeneration = 0;
    this.editing = null;
  }

  private edit(field: CustomFieldView | null) {
    this.editing = field;
    this.formGeneration++;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const options = String(data.get('options') ?? '').split('\n').map((o) => o.trim()).filter(Boolean);
    const common = { label: String(data.get('label') ?? '').trim(), options, widget: data.get('widget') !== null };
    const editing = this.editing;
    const saved = editing
      ? await this.fields.act(() => api.patch(`/api/ticket-fields/${editing.key}`, common), `${common.label} is changed.`)
      : await this.fields.act(() => api.post('/api/ticket-fields', { ...common, key: String(data.get('key') ?? '').trim(), type: String(data.get('type')) as CustomFieldType }), `${common.label} is added.`);
    if (saved) this.edit(null);
  }

  private setActive(field: CustomFieldView, active: boolean) {
    void this.fields.act(() => api.patch(`/api/ticket-fields/${field.key}`, { active }), active ? `${field.label} is offered again.` : `${field.label} is retired; its values stay on the tickets.`);
  }

  private form() {
    const f = this.editing;
    const busy = this.fields.busy;
    return html`<form class="card" @submit=${this.save} aria-label=${f ? `Change ${f.label}` : 'Add a ticket field'}>
      <h2>${f ? `Change ${f.label}` : 'Add a ticket field'}</h2>
      <div class="grid">
        <div class="field"><label for="label">Label</label><input id="label" name="label" required maxlength="80" .value=${f?.label ?? ''}></div>
        <div class="field"><label for="key">Key (API, widget, filters)</label><input id="key" name="key" required maxlength="40" pattern="[a-z][a-z0-9_]*" ?disabled=${f !== null} .value=${f?.key ?? ''}></div>
        <div class="field"><label for="type">Type</label><select id="type" name="type" ?disabled=${f !== null}>
          ${CUSTOM_FIELD_TYPES.map((t) => html`<option value=${t} ?selected=${f?.type === t}>${CUSTOM_FIELD_TYPE_LABELS[t]}</option>`)}</select></div>
        <span class="field check"><input type="checkbox" id="widget" name="widget" ?checked=${f?.widget ?? false}><label for="widget">The website may set it (widget)</label></span>
      </div>
      <div class="field"><label for="options">Choices, one a line (for One choice and Several choices)</label>
        <textarea id="options" name="options" .value=${(f?.options ?? []).join('\n')}></textarea></div>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${busy}>${f ? 'Save changes' : 'Add field'}</button>
        ${f ? html`<button type="button" ?disabled=${busy} @click=${() => this.edit(null)}>Cancel</button>` : null}
      </div>
    </form>`;
  }

  override render() {
    const { items: list, problem, notice, busy } = this.fields;
    const admin = this.me?.role === 'admin';
    return html`
      <h1>Ticket fields</h1>
      <p class="muted small">What a ticket records beyond status, priority and tags; set on the ticket's page, filtered by in the list.
        ${admin ? '' : 'Admins define them.'}</p>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="card flush">
        ${!list ? html`<p class="muted loading">Loading…</p>` : list.length === 0 ? html`<p class="muted empty">No ticket field yet.</p>` : html`<table>
          <thead><tr><th>Label</th><th>Key</th><th>Type</th><th>Choices</th><th>Widget</th><th></th></tr></thead>
          <tbody>${list.map((f) => html`<tr class=${f.active ? '' : 'retired'}>
            <td>${f.label}${f.active ? null : html` <span class="badge status-closed">retired</span>`}</td>
            <td><code>${f.key}</code></td>
            <td>${CUSTOM_FIELD_TYPE_LABELS[f.type]}</td>
            <td>${f.options.join(', ')}</td>
            <td>${f.widget ? 'may set it' : '—'}</td>
            <td>${admin ? html`
              <button type="button" ?disabled=${busy} @click=${() => this.edit(f)}>Change ${f.label}</button>
              <button type="button" ?disabled=${busy} @click=${() => this.setActive(f, !f.active)}>${f.active ? `Retire ${f.label}` : `Offer ${f.label} again`}</button>` : null}</td>
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${admin ? keyed(this.formGeneration, this.form()) : null}
    `;
  }
}
customElements.define('ticket-fields-view', TicketFieldsView);
