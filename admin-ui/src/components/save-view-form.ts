import { LitElement, html, css } from 'lit';
import type { OperatorView, SavedView, SavedViewBody } from '../../../api/schemas';
import { COLUMN_LABELS, TICKET_COLUMNS, TicketColumn, TicketFilters } from '../../../domain/views';
import { api, ApiError } from '../api';
import { shared } from '../styles';

/**
 * Saves the list as it is filtered (and sorted) as a view: a name, the columns to show,
 * and for admins whether the team sees it. `view`: the saved view being changed (null: a
 * new one). Tells `view-saved` (the view) or `cancel`.
 */
export class SaveViewForm extends LitElement {
  static override properties = {
    me: { attribute: false },
    view: { attribute: false },
    filters: { attribute: false },
    columns: { attribute: false },
    problem: { state: true },
    busy: { state: true },
  };
  declare me: OperatorView;
  declare view: SavedView | null;
  declare filters: TicketFilters & { sort?: string };
  declare columns: readonly TicketColumn[];
  declare problem: string | null;
  declare busy: boolean;

  static override styles = [shared, css`
    form { margin-bottom: 0.75rem; }
    fieldset { border: none; padding: 0; margin: 0.5rem 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; }
    legend { font-weight: 600; font-size: 0.85rem; color: #3a4356; margin-bottom: 0.2rem; }
  `];

  constructor() {
    super();
    this.view = null;
    this.problem = null;
    this.busy = false;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const { sort, ...filters } = this.filters;
    const columns = TICKET_COLUMNS.filter((c) => data.get(`column-${c}`) !== null);
    if (columns.length === 0) { this.problem = 'Pick at least one column.'; return; }
    const body: SavedViewBody = {
      name: String(data.get('name') ?? '').trim(),
      filters,
      ...(sort ? { sort: sort as SavedViewBody['sort'] } : {}),
      columns,
      ...(this.me.role === 'admin' ? { shared: data.get('shared') !== null } : {}),
    };
    this.busy = true;
    this.problem = null;
    try {
      const saved = this.view
        ? await api.patch<SavedView>(`/api/views/${this.view.id}`, body)
        : await api.post<SavedView>('/api/views', body);
      this.dispatchEvent(new CustomEvent('view-saved', { detail: saved, bubbles: true, composed: true }));
    } catch (error) {
      this.problem = error instanceof ApiError ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const shown = new Set(this.columns);
    return html`<form class="card" @submit=${this.save} aria-label=${this.view ? `Change the view ${this.view.name}` : 'Save as a view'}>
      <p class="small muted">${this.view ? 'Saves the filters and sort the list has now, with these columns.' : 'The view keeps the filters and sort the list has now.'}</p>
      <div class="row">
        <div class="field"><label for="view-name">Name of the view</label><input id="view-name" name="name" required maxlength="60" .value=${this.view?.name ?? ''}></div>
        ${this.me.role === 'admin' ? html`<span class="field check"><input type="checkbox" id="view-shared" name="shared" ?checked=${this.view?.shared ?? false}><label for="view-shared">Shared with the team</label></span>` : null}
      </div>
      <fieldset><legend>Columns</legend>
        ${TICKET_COLUMNS.map((c) => html`<span class="field check"><input type="checkbox" id=${`column-${c}`} name=${`column-${c}`} ?checked=${shown.has(c)}><label for=${`column-${c}`}>${c === 'number' ? 'Number' : COLUMN_LABELS[c]}</label></span>`)}
      </fieldset>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.view ? 'Save changes' : 'Save view'}</button>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('cancel'))}>Cancel</button>
      </div>
    </form>`;
  }
}
customElements.define('save-view-form', SaveViewForm);
