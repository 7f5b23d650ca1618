import { LitElement, html, css } from 'lit';
import type { BulkChangeResult, OperatorView, PatchTicketBody } from '../../../api/schemas';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../../domain/ticket';
import { normalizeTag, validateTag } from '../../../domain/tags';
import { api, ApiError } from '../api';
import { count, plural, PRIORITY_LABELS, STATUS_LABELS } from '../format';
import { BASE } from '../router';
import { shared } from '../styles';

/** Tickets per request: the bar shows progress between them, and no request runs long. */
const PART = 50;

type BulkChanges = Omit<PatchTicketBody, 'customerId' | 'tags' | 'fields'>;

/**
 * What to do with the tickets selected in a list: assign, status, priority, tags, close.
 * Each ticket is changed on its own (the API's bulk route); the bar shows how far it got
 * and then each refusal with its reason, the rest applied. Tells the list `bulk-done`.
 */
export class BulkBar extends LitElement {
  static override properties = {
    numbers: { attribute: false },
    me: { attribute: false },
    operatorList: { attribute: false },
    progress: { state: true },
    outcome: { state: true },
    problem: { state: true },
  };
  declare numbers: number[];
  declare me: OperatorView;
  declare operatorList: OperatorView[];
  declare progress: { done: number; of: number } | null;
  declare outcome: { applied: number; unchanged: number; refused: BulkChangeResult['results'] } | null;
  declare problem: string | null;

  static override styles = [shared, css`
    :host { position: sticky; top: 0; z-index: 2; }
    .bar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; background: #eef3ff; border: 1px solid #b9cdf5; border-radius: 8px; padding: 0.5rem 0.75rem; margin-bottom: 0.6rem; }
    .bar select, .bar input { font-size: 0.85rem; padding: 0.25rem 0.4rem; }
    .outcome ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
    progress { width: 10rem; }
  `];

  constructor() {
    super();
    this.numbers = [];
    this.operatorList = [];
    this.progress = null;
    this.outcome = null;
    this.problem = null;
  }

  private async apply(changes: BulkChanges, what: string) {
    const numbers = [...this.numbers];
    this.problem = null;
    this.outcome = null;
    this.progress = { done: 0, of: numbers.length };
    const results: BulkChangeResult['results'] = [];
    try {
      for (let i = 0; i < numbers.length; i += PART) {
        const part = numbers.slice(i, i + PART);
        const answer = await api.post<BulkChangeResult>('/api/tickets/bulk', { numbers: part, changes }, { 'idempotency-key': `${crypto.randomUUID()}` });
        results.push(...answer.results);
        this.progress = { done: Math.min(numbers.length, i + PART), of: numbers.length };
      }
    } catch (error) {
      this.problem = `${what}: stopped after ${plural(results.length, 'ticket')}. ${error instanceof ApiError ? error.message : String(error)}`;
    }
    this.progress = null;
    const refused = results.filter((r) => !r.ok);
    this.outcome = { applied: results.filter((r) => r.ok && r.changed).length, unchanged: results.filter((r) => r.ok && !r.changed).length, refused };
    this.dispatchEvent(new CustomEvent('bulk-done', { detail: { refused: refused.map((r) => r.number) }, bubbles: true, composed: true }));
  }

  private pick(event: Event, make: (value: string) => [BulkChanges, string] | null) {
    const select = event.target as HTMLSelectElement;
    const value = select.value;
    select.value = '';
    const change = value ? make(value) : null;
    if (change) void this.apply(...change);
  }

  private tag(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const tag = normalizeTag(String(data.get('tag') ?? ''));
    const problem = tag === null ? 'Type a tag first.' : validateTag(tag);
    if (problem || tag === null) { this.problem = problem; return; }
    const remove = (event.submitter as HTMLButtonElement | null)?.value === 'remove';
    form.reset();
    void this.apply(remove ? { removeTags: [tag] } : { addTags: [tag] }, remove ? `Taking off "${tag}"` : `Tagging "${tag}"`);
  }

  override render() {
    const busy = this.progress !== null;
    const n = this.numbers.length;
    return html`
      <div class="bar" role="region" aria-label="Change the selected tickets">
        <strong>${plural(n, 'ticket')} selected</strong>
        <select aria-label="Assign the selected tickets" ?disabled=${busy || n === 0} @change=${(e: Event) => this.pick(e, (v) => [
          { assigneeId: v === 'none' ? null : Number(v) }, v === 'none' ? 'Unassigning' : 'Assigning'])}>
          <option value="">Assign…</option>
          <option value=${String(this.me.id)}>To me</option>
          <option value="none">Nobody (unassign)</option>
          ${this.operatorList.filter((o) => o.active && o.id !== this.me.id).map((o) => html`<option value=${String(o.id)}>${o.name}</option>`)}
        </select>
        <select aria-label="Set the status of the selected tickets" ?disabled=${busy || n === 0} @change=${(e: Event) => this.pick(e, (v) => [{ status: v as BulkChanges['status'] }, `Setting ${STATUS_LABELS[v as 'new']}`])}>
          <option value="">Status…</option>
          ${TICKET_STATUSES.map((s) => html`<option value=${s}>${STATUS_LABELS[s]}</option>`)}
        </select>
        <select aria-label="Set the priority of the selected tickets" ?disabled=${busy || n === 0} @change=${(e: Event) => this.pick(e, (v) => [{ priority: v as BulkChanges['priority'] }, `Setting ${PRIORITY_LABELS[v as 'low']}`])}>
          <option value="">Priority…</option>
          ${TICKET_PRIORITIES.map((p) => html`<option value=${p}>${PRIORITY_LABELS[p]}</option>`)}
        </select>
        <form class="row" @submit=${this.tag}>
          <input name="tag" aria-label="Tag for the selected tickets" placeholder="Tag" maxlength="40" ?disabled=${busy || n === 0}>
          <button type="submit" value="add" ?disabled=${busy || n === 0}>Add tag</button>
          <button type="submit" value="remove" ?disabled=${busy || n === 0}>Remove tag</button>
        </form>
        <button type="button" ?disabled=${busy || n === 0} @click=${() => this.apply({ status: 'closed' }, 'Closing')}>Close</button>
        ${this.progress ? html`<span role="status"><progress max=${this.progress.of} value=${this.progress.done}></progress>
          ${count(this.progress.done)} of ${count(this.progress.of)}</span>` : null}
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      ${this.outcome ? html`<div class="outcome ${this.outcome.refused.length ? 'error' : 'notice'}" role="status">
        ${plural(this.outcome.applied, 'ticket')} changed${this.outcome.unchanged ? `, ${count(this.outcome.unchanged)} already so` : ''}${this.outcome.refused.length
          ? html`; ${count(this.outcome.refused.length)} refused:<ul>${this.outcome.refused.map((r) => html`<li><a href="${BASE}/tickets/${r.number}">#${r.number}</a>: ${r.message}</li>`)}</ul>` : '.'}
      </div>` : null}
    `;
  }
}
customElements.define('bulk-bar', BulkBar);
