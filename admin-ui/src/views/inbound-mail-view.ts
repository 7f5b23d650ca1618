import { LitElement, html, css, PropertyValues } from 'lit';
import type { InboundEmailPage } from '../../../api/schemas';
import { INBOUND_OUTCOMES, INBOUND_OUTCOME_LABELS, INBOUND_OUTCOMES_NEEDING_ATTENTION, InboundOutcome } from '../../../domain/inbound-email';
import { api, query } from '../api';
import { count, fileSize, fullTime, relativeTime } from '../format';
import { BASE, navigate } from '../router';
import { shared } from '../styles';
import '../components/list-pager';

/** The filter's choices: everything, what needs a look, or one outcome. */
const NEEDS_ATTENTION = 'needs_attention';
const FILTERS: Array<[string, string]> = [
  ['', 'All mail'],
  [NEEDS_ATTENTION, 'Needs attention (unreadable, too large, refused)'],
  ...INBOUND_OUTCOMES.map((o): [string, string] => [o, INBOUND_OUTCOME_LABELS[o]]),
];

const needsAttention = (outcome: InboundOutcome) => (INBOUND_OUTCOMES_NEEDING_ATTENTION as readonly string[]).includes(outcome);

/**
 * Every message the mailboxes handed over and what became of it. A mail that made no
 * ticket is reported here with the reason and its original to download, never dropped.
 */
export class InboundMailView extends LitElement {
  static override properties = { params: { attribute: false }, data: { state: true }, problem: { state: true } };
  declare params: URLSearchParams;
  declare data: InboundEmailPage | null;
  declare problem: string | null;
  private requestId = 0;

  static override styles = [shared, css`
    .head { display: flex; justify-content: space-between; align-items: end; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
    .head .field { min-width: 260px; }
    .card.flush { padding: 0; overflow-x: auto; }
    .empty { padding: 2rem; text-align: center; }
    .outcome { white-space: nowrap; }
    .attention { color: #9a2a00; font-weight: 600; }
    .reason { font-size: 0.85rem; }
  `];

  constructor() {
    super();
    this.params = new URLSearchParams();
    this.data = null;
    this.problem = null;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('params')) void this.load();
  }

  private get filter(): string {
    return this.params.get('outcome') ?? '';
  }

  private async load() {
    const id = ++this.requestId;
    const outcomes = this.filter === NEEDS_ATTENTION ? [...INBOUND_OUTCOMES_NEEDING_ATTENTION] : this.filter ? [this.filter] : [];
    try {
      const data = await api.get<InboundEmailPage>(`/api/inbound-emails${query({ outcome: outcomes, page: this.params.get('page'), pageSize: 25 })}`);
      if (id === this.requestId) {
        this.data = data;
        this.problem = null;
      }
    } catch (error) {
      if (id === this.requestId) this.problem = (error as Error).message;
    }
  }

  private go(outcome: string, page: number | null) {
    navigate(`${BASE}/inbound-mail${query({ outcome: outcome || null, page: page && page > 1 ? page : null })}`);
  }

  override render() {
    const data = this.data;
    return html`
      <div class="head">
        <h1>Inbound mail</h1>
        <div class="field">
          <label for="outcome">Show</label>
          <select id="outcome" .value=${this.filter} @change=${(e: Event) => this.go((e.target as HTMLSelectElement).value, null)}>
            ${FILTERS.map(([value, label]) => html`<option value=${value} ?selected=${value === this.filter}>${label}</option>`)}
          </select>
        </div>
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      <div class="card flush">
        ${!data ? html`<p class="empty muted">Loading…</p>` : data.items.length === 0 ? html`<p class="empty muted">No mail here.</p>` : html`<table>
          <thead><tr><th>Received</th><th>From</th><th>Subject</th><th>What became of it</th><th>Ticket</th><th>Mailbox</th><th>Size</th><th>Original</th></tr></thead>
          <tbody>${data.items.map((m) => html`<tr>
            <td><time datetime=${m.receivedAt} title=${fullTime(m.receivedAt)}>${relativeTime(m.receivedAt)}</time></td>
            <td>${m.sender ?? html`<span class="muted">unknown</span>`}</td>
            <td>${m.subject ?? html`<span class="muted">(no subject)</span>`}</td>
            <td>
              <span class="outcome ${needsAttention(m.outcome) ? 'attention' : ''}">${INBOUND_OUTCOME_LABELS[m.outcome]}</span>
              ${m.reason ? html`<div class="reason muted">${m.reason}</div>` : null}
            </td>
            <td>${m.ticketNumber === null ? '' : html`<a href="${BASE}/tickets/${m.ticketNumber}">#${m.ticketNumber}</a>`}</td>
            <td>${m.mailbox}</td>
            <td>${fileSize(m.size)}</td>
            <td><a href="/api/inbound-emails/${m.id}/raw" download aria-label="Download the original of ${m.subject ?? 'this mail'}">.eml</a></td>
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${data ? html`<list-pager .page=${data.page} .pageSize=${data.pageSize} .total=${data.total}
        .summary=${`${count(data.total)} ${data.total === 1 ? 'message' : 'messages'}`}
        @page-change=${(event: CustomEvent<number>) => this.go(this.filter, event.detail)}></list-pager>` : null}
    `;
  }
}
customElements.define('inbound-mail-view', InboundMailView);
