import { LitElement, html, css, PropertyValues } from 'lit';
import type { OperatorView, TicketSummary } from '../../../api/schemas';
import { OPEN_STATUSES, TICKET_PRIORITIES, TICKET_SOURCES, TICKET_STATUSES } from '../../../domain/ticket';
import { api, query } from '../api';
import { address, count, dueText, fullTime, personName, plural, PRIORITY_LABELS, relativeTime, SOURCE_LABELS, STATUS_LABELS } from '../format';
import { onTicketChange } from '../live';
import { operators } from '../operators';
import { BASE, navigate } from '../router';
import { shared } from '../styles';
import '../components/list-pager';

interface TicketPage {
  items: TicketSummary[];
  total: number;
  page: number;
  pageSize: number;
  countsByStatus: Record<string, number>;
}

/** The saved views in the sidebar: each is a preset of the list's filters. */
const VIEWS = {
  mine: { label: 'My tickets', filter: { assignee: 'me', status: OPEN_STATUSES } },
  unassigned: { label: 'Unassigned', filter: { assignee: 'none', status: OPEN_STATUSES } },
  open: { label: 'All open', filter: { status: OPEN_STATUSES } },
  waiting: { label: 'Waiting', filter: { status: ['waiting'] } },
  dueSoon: { label: 'Due soon', filter: { status: OPEN_STATUSES, due: 'soon', sort: 'due_asc' } },
  overdue: { label: 'Overdue', filter: { status: OPEN_STATUSES, due: 'overdue', sort: 'due_asc' } },
  closed: { label: 'Closed', filter: { status: ['closed'] } },
  all: { label: 'All tickets', filter: {} },
} as const satisfies Record<string, { label: string; filter: Preset }>;

interface Preset { assignee?: string; status?: readonly string[]; due?: 'soon' | 'overdue'; sort?: string }
type ViewName = keyof typeof VIEWS;

const SORT_LABELS = {
  updated_desc: 'Recently updated',
  updated_asc: 'Least recently updated',
  created_desc: 'Newest first',
  created_asc: 'Oldest first',
  priority_desc: 'Highest priority',
  number_desc: 'Number, high to low',
  number_asc: 'Number, low to high',
  due_asc: 'Next SLA due first',
};

const PAGE_SIZE = 25;
/** A filter set to "any" over a view's preset (My tickets, Assignee: Anyone). */
const ANY = 'any';
const FILTER_KEYS = ['view', 'q', 'status', 'priority', 'assignee', 'source', 'sort', 'page'] as const;

export class TicketListView extends LitElement {
  static override properties = {
    me: { attribute: false },
    params: { attribute: false },
    data: { state: true },
    problem: { state: true },
    operatorList: { state: true },
    now: { state: true },
  };
  declare me: OperatorView;
  declare params: URLSearchParams;
  declare data: TicketPage | null;
  declare problem: string | null;
  declare operatorList: OperatorView[];
  declare now: number;
  private unsubscribe: (() => void) | null = null;
  private refetchTimer: number | null = null;
  private clock: number | null = null;
  private searchTimer: number | null = null;
  private requestId = 0;

  static override styles = [shared, css`
    .layout { display: grid; grid-template-columns: 200px 1fr; gap: 1rem; align-items: start; }
    aside nav { display: flex; flex-direction: column; gap: 2px; }
    aside a { display: flex; justify-content: space-between; padding: 0.4rem 0.6rem; border-radius: 6px; color: #1d2330; text-decoration: none; }
    aside a[aria-current='page'] { background: #dfe7f7; font-weight: 600; }
    aside a:hover { background: #e9edf4; }
    .filters { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: end; margin-bottom: 0.75rem; }
    .filters .search { flex: 1 1 240px; }
    .filters .search input { width: 100%; }
    .counts { display: flex; gap: 0.4rem; flex-wrap: wrap; margin-bottom: 0.6rem; }
    td.number { white-space: nowrap; color: #5b6578; }
    td.subject a { font-weight: 600; text-decoration: none; color: #1d2330; }
    td.subject a:hover { text-decoration: underline; }
    tbody tr:hover { background: #f7f9fc; }
    .empty { padding: 2rem; text-align: center; }
    .card.flush { padding: 0; overflow-x: auto; }
    @media (max-width: 760px) {
      .layout { grid-template-columns: 1fr; }
      aside nav { flex-direction: row; flex-wrap: wrap; }
      thead { display: none; }
      table, tbody, tr, td { display: block; width: 100%; }
      tr { border-bottom: 1px solid #dde1e8; padding: 0.4rem 0; }
      td { border: none; padding: 0.15rem 0.4rem; }
      td[data-label]::before { content: attr(data-label) ': '; color: #5b6578; font-size: 0.8rem; }
    }
  `];

  constructor() {
    super();
    this.params = new URLSearchParams();
    this.data = null;
    this.problem = null;
    this.operatorList = [];
    this.now = Date.now();
  }

  override connectedCallback() {
    super.connectedCallback();
    // Any change may move a ticket into or out of this page: refetch, at most a few times a second.
    this.unsubscribe = onTicketChange(() => {
      if (this.refetchTimer !== null) return;
      this.refetchTimer = window.setTimeout(() => {
        this.refetchTimer = null;
        void this.load();
      }, 250);
    });
    this.clock = window.setInterval(() => { this.now = Date.now(); }, 30_000);
    operators().then((list) => { this.operatorList = list; }).catch(() => undefined);
  }

  override disconnectedCallback() {
    this.unsubscribe?.();
    if (this.refetchTimer !== null) clearTimeout(this.refetchTimer);
    // A search typed just before opening a ticket must not pull the operator back to the list.
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    if (this.clock !== null) clearInterval(this.clock);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('params')) void this.load();
  }

  private get view(): ViewName {
    const name = this.params.get('view');
    return name && name in VIEWS ? name as ViewName : 'open';
  }

  /** The API query: the view's preset, then whatever filter the operator picked on top. */
  private apiQuery() {
    const preset: Preset = VIEWS[this.view].filter;
    const status = this.params.get('status');
    const assignee = this.params.get('assignee') ?? preset.assignee;
    return query({
      status: status === ANY ? null : status ? [status] : preset.status,
      assignee: assignee === ANY ? null : assignee,
      priority: this.params.get('priority'),
      source: this.params.get('source'),
      q: this.params.get('q'),
      sort: this.params.get('sort') ?? preset.sort ?? null,
      due: preset.due ?? null,
      page: this.params.get('page'),
      pageSize: PAGE_SIZE,
    });
  }

  private async load() {
    const id = ++this.requestId;
    try {
      const data = await api.get<TicketPage>(`/api/tickets${this.apiQuery()}`);
      if (id !== this.requestId) return; // an answer to an older filter
      this.data = data;
      this.problem = null;
    } catch (error) {
      if (id === this.requestId) this.problem = (error as Error).message;
    }
  }

  /** Filters live in the URL, so back/forward and a shared link show the same list. */
  private setParams(changes: Partial<Record<(typeof FILTER_KEYS)[number], string | null>>, { replace = false } = {}) {
    const next = new URLSearchParams(this.params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    if (!('page' in changes)) next.delete('page');
    const text = next.toString();
    navigate(`${BASE}/tickets${text ? `?${text}` : ''}`, { replace });
  }

  private viewHref(name: ViewName) {
    return `${BASE}/tickets?view=${name}`;
  }

  private onSearchInput(event: InputEvent) {
    const value = (event.target as HTMLInputElement).value;
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(() => this.setParams({ q: value.trim() || null }, { replace: true }), 300);
  }

  /** A filter shows what the list is filtered by, the view's preset included ("My tickets": Assignee Me). */
  private select(name: string, label: string, key: (typeof FILTER_KEYS)[number], options: [string, string][], anyLabel: string | null) {
    const preset: Preset = VIEWS[this.view].filter;
    const presetValue = key === 'assignee' ? preset.assignee : key === 'status' && preset.status?.length === 1 ? preset.status[0] : undefined;
    const presetStatuses = key === 'status' && (preset.status?.length ?? 0) > 1;
    if (presetStatuses) anyLabel = 'Any open status';
    // Over a preset, "any" is a choice of its own; without one it is the absence of a filter.
    const anyValue = presetValue !== undefined ? ANY : '';
    const value = this.params.get(key) ?? presetValue ?? '';
    return html`<div class="field">
      <label for=${name}>${label}</label>
      <select id=${name} @change=${(e: Event) => this.setParams({ [key]: (e.target as HTMLSelectElement).value || null })}>
        ${anyLabel === null ? null : html`<option value=${anyValue} ?selected=${value === anyValue}>${anyLabel}</option>`}
        ${options.map(([v, l]) => html`<option value=${v} ?selected=${value === v}>${l}</option>`)}
      </select>
    </div>`;
  }

  override render() {
    const data = this.data;
    const view = this.view;
    const first = data && data.total ? (data.page - 1) * data.pageSize + 1 : 0;
    const last = data ? Math.min(data.total, data.page * data.pageSize) : 0;
    return html`
      <div class="layout">
        <aside>
          <nav aria-label="Ticket views">
            ${(Object.keys(VIEWS) as ViewName[]).map((name) => html`
              <a href=${this.viewHref(name)} aria-current=${view === name ? 'page' : 'false'}>${VIEWS[name].label}</a>`)}
          </nav>
        </aside>
        <section aria-labelledby="list-title">
          <h1 id="list-title">${VIEWS[view].label}</h1>
          <div class="filters" role="search">
            <div class="field search">
              <label for="q">Search</label>
              <input id="q" type="search" placeholder="Subject, message, customer or #number"
                .value=${this.params.get('q') ?? ''} @input=${this.onSearchInput}>
            </div>
            ${this.select('status', 'Status', 'status', TICKET_STATUSES.map((s) => [s, STATUS_LABELS[s]]), 'Any status')}
            ${this.select('priority', 'Priority', 'priority', TICKET_PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]]), 'Any priority')}
            ${this.select('assignee', 'Assignee', 'assignee', [['me', 'Me'], ['none', 'Unassigned'], ...this.operatorList.map((o): [string, string] => [String(o.id), o.name])], 'Anyone')}
            ${this.select('source', 'Source', 'source', TICKET_SOURCES.map((s) => [s, SOURCE_LABELS[s]]), 'Any source')}
            ${this.select('sort', 'Sort', 'sort', Object.entries(SORT_LABELS), null)}
          </div>
          ${data ? html`<div class="counts" aria-label="Tickets per status">
            ${TICKET_STATUSES.map((s) => html`<span class="badge status-${s}">${STATUS_LABELS[s]} ${count(data.countsByStatus[s] ?? 0)}</span>`)}
          </div>` : null}
          ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
          <div class="card flush">
            ${!data ? html`<p class="empty muted">Loading tickets…</p>` : data.items.length === 0
              ? html`<p class="empty muted">No tickets here.</p>`
              : html`<table>
                <caption class="visually-hidden">${VIEWS[view].label}</caption>
                <thead><tr><th>#</th><th>Subject</th><th>Customer</th><th>Status</th><th>Priority</th><th>Assignee</th><th>Updated</th></tr></thead>
                <tbody>${data.items.map((t) => this.row(t))}</tbody>
              </table>`}
          </div>
          ${data ? html`<list-pager .page=${data.page} .pageSize=${data.pageSize} .total=${data.total}
            .summary=${data.total ? `${count(first)}–${count(last)} of ${count(data.total)}` : ''}
            @page-change=${(event: CustomEvent<number>) => this.setParams({ page: String(event.detail) })}></list-pager>` : null}
        </section>
      </div>
    `;
  }

  /** The SLA badge: the next target's due time, or that one was missed. */
  private due(t: TicketSummary) {
    if (!t.sla || t.status === 'closed') return null;
    if (t.sla.nextDue) {
      const due = dueText(t.sla.nextDue, this.now);
      return html` <span class="badge due-${due.state}" title=${`${t.sla.policy}: ${fullTime(t.sla.nextDue)}`}>${due.text}</span>`;
    }
    return t.sla.breached ? html` <span class="badge due-overdue" title=${t.sla.policy}>SLA missed</span>` : null;
  }

  private row(t: TicketSummary) {
    return html`<tr data-ticket=${t.number}>
      <td class="number">#${t.number}</td>
      <td class="subject"><a href="${BASE}/tickets/${t.number}">${t.subject}</a>
        <div class="muted small">${SOURCE_LABELS[t.source]} · ${plural(t.commentCount - t.noteCount, 'message')}${t.noteCount ? ` · ${plural(t.noteCount, 'internal note')}` : ''}</div></td>
      <td data-label="Customer">${personName(t.contact) === t.contact.email ? address(t.contact.email) : personName(t.contact)}${t.contact.email && personName(t.contact) !== t.contact.email ? html`<div class="muted small">${address(t.contact.email)}</div>` : null}</td>
      <td data-label="Status"><span class="badge status-${t.status}">${STATUS_LABELS[t.status]}</span>${t.waitingUntil
        ? html` <span class="small muted">until <time datetime=${t.waitingUntil} title=${fullTime(t.waitingUntil)}>${relativeTime(t.waitingUntil)}</time></span>` : null}</td>
      <td data-label="Priority"><span class="badge priority-${t.priority}">${PRIORITY_LABELS[t.priority]}</span>${this.due(t)}</td>
      <td data-label="Assignee">${t.assignee ? t.assignee.name : html`<span class="muted">Unassigned</span>`}</td>
      <td data-label="Updated"><time datetime=${t.updatedAt} title=${fullTime(t.updatedAt)}>${relativeTime(t.updatedAt, this.now)}</time></td>
    </tr>`;
  }
}
customElements.define('ticket-list-view', TicketListView);
