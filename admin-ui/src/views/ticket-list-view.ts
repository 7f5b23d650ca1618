import { LitElement, html, css, PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import type { CustomFieldView, OperatorView, SavedView, TagView, TeamView, TicketSummary } from '../../../api/schemas';
import { TICKET_PRIORITIES, TICKET_SOURCES, TICKET_STATUSES } from '../../../domain/ticket';
import {
  BUILT_IN_VIEWS, BuiltInView, COLUMN_LABELS, DEFAULT_COLUMNS, SORT_LABELS, TicketColumn, TicketFilters, savedViewKey,
} from '../../../domain/views';
import { api, query } from '../api';
import { address, count, dueText, fullTime, personName, plural, PRIORITY_LABELS, relativeTime, SOURCE_LABELS, STATUS_LABELS } from '../format';
import { onTicketChange } from '../live';
import { operators } from '../operators';
import { BASE, navigate } from '../router';
import { shared } from '../styles';
import '../components/list-pager';
import '../components/bulk-bar';
import '../components/save-view-form';
import { tagChip, tagColours } from '../tags';
import { customFields } from '../custom-fields';
import { teams } from '../teams';

interface TicketPage {
  items: TicketSummary[];
  total: number;
  page: number;
  pageSize: number;
  countsByStatus: Record<string, number>;
}

/** A view as the list applies it: built-in or saved, its filters, sort and columns. */
interface ActiveView {
  key: string;
  label: string;
  filters: TicketFilters;
  sort: string | null;
  columns: readonly TicketColumn[];
  saved: SavedView | null;
}

const builtIn = (key: BuiltInView): ActiveView => {
  const v: { label: string; filters: TicketFilters; sort?: string } = BUILT_IN_VIEWS[key];
  return { key, label: v.label, filters: v.filters, sort: v.sort ?? null, columns: DEFAULT_COLUMNS, saved: null };
};

const PAGE_SIZE = 25;
/** A filter set to "any" over a view's preset (My tickets, Assignee: Anyone). */
const ANY = 'any';
const FILTER_KEYS = ['view', 'q', 'status', 'priority', 'assignee', 'source', 'team', 'sort', 'page', 'tag', 'field', 'needsReply', 'unread'] as const;
/** How soon the sidebar's counts follow a change (many changes at once are counted once). */
const COUNTS_AFTER_MS = 1500;

export class TicketListView extends LitElement {
  static override properties = {
    me: { attribute: false },
    params: { attribute: false },
    data: { state: true },
    problem: { state: true },
    operatorList: { state: true },
    now: { state: true },
    savedViews: { state: true },
    counts: { state: true },
    colours: { state: true },
    selected: { state: true },
    savingView: { state: true },
    bulkOpen: { state: true },
    fieldList: { state: true },
    filterField: { state: true },
    teamList: { state: true },
  };
  declare me: OperatorView;
  declare params: URLSearchParams;
  declare data: TicketPage | null;
  declare problem: string | null;
  declare operatorList: OperatorView[];
  declare now: number;
  declare savedViews: SavedView[];
  declare counts: Record<string, number>;
  declare colours: Map<string, TagView['colour']>;
  /** Tickets ticked for a bulk change, kept across pages and live refreshes. */
  declare selected: Set<number>;
  /** The form to save the list as a view: 'new', or the saved view being changed. */
  declare savingView: 'new' | SavedView | null;
  /** The bulk bar stays, with what it did, until the list shows other tickets. */
  declare bulkOpen: boolean;
  declare fieldList: CustomFieldView[];
  declare teamList: TeamView[];
  /** The field picked in the field filter, whose value is asked for next. */
  declare filterField: string;
  private unsubscribe: (() => void) | null = null;
  private refetchTimer: number | null = null;
  private countsTimer: number | null = null;
  private clock: number | null = null;
  private searchTimer: number | null = null;
  private requestId = 0;
  /** The last ticket ticked, for a shift-click range. */
  private anchor: number | null = null;

  static override styles = [shared, css`
    .layout { display: grid; grid-template-columns: 210px 1fr; gap: 1rem; align-items: start; }
    aside nav { display: flex; flex-direction: column; gap: 2px; }
    aside h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.04em; color: #5b6578; margin: 0.8rem 0.6rem 0.2rem; }
    aside a { display: flex; justify-content: space-between; gap: 0.5rem; padding: 0.4rem 0.6rem; border-radius: 6px; color: #1d2330; text-decoration: none; }
    aside a[aria-current='page'] { background: #dfe7f7; font-weight: 600; }
    aside a:hover { background: #e9edf4; }
    aside a .n { color: #5b6578; font-variant-numeric: tabular-nums; }
    .title { display: flex; gap: 0.5rem; align-items: baseline; flex-wrap: wrap; }
    .filters { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: end; margin-bottom: 0.75rem; }
    .filters .search { flex: 1 1 240px; }
    .filters .search input { width: 100%; }
    .filters .tag-filter input { width: 9rem; }
    .active-tags { display: flex; gap: 0.3rem; flex-wrap: wrap; align-items: center; margin-bottom: 0.5rem; }
    .active-tags button { padding: 0 0.3rem; font-size: 0.8rem; }
    .counts { display: flex; gap: 0.4rem; flex-wrap: wrap; margin-bottom: 0.6rem; }
    td.number { white-space: nowrap; color: #5b6578; }
    td.subject a { text-decoration: none; color: #1d2330; }
    tr.unread td.subject a { font-weight: 700; }
    tr.unread td.number::before { content: '●'; color: #1d5bd6; margin-right: 0.25rem; font-size: 0.7rem; }
    td.subject a:hover { text-decoration: underline; }
    td.tags .tag { margin: 0 0.2rem 0.2rem 0; }
    td.pick, th.pick { width: 1.5rem; }
    tbody tr:hover { background: #f7f9fc; }
    tr.selected { background: #f1f5ff; }
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
    this.savedViews = [];
    this.counts = {};
    this.colours = new Map();
    this.selected = new Set();
    this.savingView = null;
    this.bulkOpen = false;
    this.fieldList = [];
    this.filterField = '';
    this.teamList = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    // Any change may move a ticket into or out of this page: refetch, at most a few times a second.
    this.unsubscribe = onTicketChange(() => {
      if (this.refetchTimer === null) {
        this.refetchTimer = window.setTimeout(() => {
          this.refetchTimer = null;
          void this.load();
        }, 250);
      }
      if (this.countsTimer === null) {
        this.countsTimer = window.setTimeout(() => {
          this.countsTimer = null;
          void this.loadCounts();
        }, COUNTS_AFTER_MS);
      }
    });
    this.clock = window.setInterval(() => { this.now = Date.now(); }, 30_000);
    operators().then((list) => { this.operatorList = list; }).catch(() => undefined);
    tagColours().then((colours) => { this.colours = colours; }).catch(() => undefined);
    customFields().then((list) => { this.fieldList = list; }).catch(() => undefined);
    teams().then((list) => { this.teamList = list; }).catch(() => undefined);
    void this.loadViews();
  }

  override disconnectedCallback() {
    this.unsubscribe?.();
    for (const timer of [this.refetchTimer, this.countsTimer, this.searchTimer]) if (timer !== null) clearTimeout(timer);
    // (A search typed just before opening a ticket must not pull the operator back to the list.)
    if (this.clock !== null) clearInterval(this.clock);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('params')) {
      const before = changed.get('params') as URLSearchParams | undefined;
      // Another view or other filters: what was ticked there is not what the operator sees now.
      if (before && this.filterKey(before) !== this.filterKey(this.params)) {
        this.selected = new Set();
        this.bulkOpen = false;
      }
      void this.load();
    }
  }

  private filterKey(params: URLSearchParams) {
    const copy = new URLSearchParams(params);
    copy.delete('page');
    return copy.toString();
  }

  private async loadViews() {
    try {
      const { saved } = await api.get<{ saved: SavedView[] }>('/api/views');
      this.savedViews = saved;
      // A saved view named in the URL: its filters are known now.
      if (this.params.get('view')?.startsWith('saved:')) void this.load();
    } catch { /* the built-in views still work */ }
    void this.loadCounts();
  }

  private async loadCounts() {
    try {
      this.counts = (await api.get<{ counts: Record<string, number> }>('/api/views/counts')).counts;
    } catch { /* counts are a help, not the list */ }
  }

  private get view(): ActiveView {
    const name = this.params.get('view') ?? 'open';
    if (name.startsWith('saved:')) {
      const saved = this.savedViews.find((v) => savedViewKey(v.id) === name);
      if (saved) return { key: name, label: saved.name, filters: saved.filters, sort: saved.sort, columns: saved.columns, saved };
      return { ...builtIn('open'), key: name, label: 'Saved view' };
    }
    return builtIn(name in BUILT_IN_VIEWS ? name as BuiltInView : 'open');
  }

  /** The list's filters: the view's, then whatever the operator picked on top. */
  private filters(): TicketFilters & { sort?: string } {
    const view = this.view;
    const preset = view.filters;
    const status = this.params.get('status');
    const assignee = this.params.get('assignee') ?? (preset.assignee === undefined ? null : String(preset.assignee));
    const flag = (key: 'needsReply' | 'unread') => {
      const value = this.params.get(key);
      return value === 'true' ? true : value === 'false' ? false : value === ANY ? undefined : preset[key];
    };
    const tags = [...new Set([...(preset.tag ?? []), ...this.params.getAll('tag')])];
    const fields = [...new Set([...(preset.field ?? []), ...this.params.getAll('field')])];
    const picked: Record<string, unknown> = {
      status: status === ANY ? undefined : status ? [status] : preset.status,
      assignee: assignee === ANY || assignee === null ? undefined : /^\d+$/.test(assignee) ? Number(assignee) : assignee,
      priority: this.params.get('priority') ?? preset.priority,
      source: this.params.get('source') ?? preset.source,
      team: this.params.get('team') ? Number(this.params.get('team')) : preset.team,
      q: this.params.get('q') ?? preset.q,
      tag: tags.length ? tags : undefined,
      field: fields.length ? fields : undefined,
      needsReply: flag('needsReply'),
      unread: flag('unread'),
      due: preset.due,
      sort: this.params.get('sort') ?? view.sort ?? undefined,
    };
    return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined && v !== null && v !== '')) as TicketFilters & { sort?: string };
  }

  private apiQuery() {
    const { tag, field, status, needsReply, unread, ...rest } = this.filters();
    return query({
      ...rest as Record<string, string>,
      status: status ?? null,
      tag: tag ?? null,
      field: field ?? null,
      needsReply: needsReply === undefined ? null : String(needsReply),
      unread: unread === undefined ? null : String(unread),
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
  private setParams(changes: Partial<Record<(typeof FILTER_KEYS)[number], string | string[] | null>>, { replace = false } = {}) {
    const next = new URLSearchParams(this.params);
    for (const [key, value] of Object.entries(changes)) {
      next.delete(key);
      for (const v of Array.isArray(value) ? value : value === null || value === '' ? [] : [value as string]) next.append(key, v);
    }
    if (!('page' in changes)) next.delete('page');
    const text = next.toString();
    navigate(`${BASE}/tickets${text ? `?${text}` : ''}`, { replace });
  }

  private onSearchInput(event: InputEvent) {
    const value = (event.target as HTMLInputElement).value;
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(() => this.setParams({ q: value.trim() || null }, { replace: true }), 300);
  }

  private addTagFilter(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).querySelector('input')!;
    const tag = input.value.trim().toLowerCase();
    input.value = '';
    if (tag && !this.params.getAll('tag').includes(tag)) this.setParams({ tag: [...this.params.getAll('tag'), tag] });
  }

  private addFieldFilter(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const value = String(data.get('value') ?? '').trim();
    const key = this.filterField;
    if (!key || !value) return;
    const item = `${key}:${value}`;
    this.filterField = '';
    if (!this.params.getAll('field').includes(item)) this.setParams({ field: [...this.params.getAll('field'), item] });
  }

  private fieldFilterForm() {
    const offered = this.fieldList.filter((f) => f.active);
    if (offered.length === 0) return null;
    const picked = offered.find((f) => f.key === this.filterField);
    return html`<form class="row field-filter" @submit=${this.addFieldFilter}>
      <div class="field"><label for="filter-field">Field</label>
        <select id="filter-field" @change=${(e: Event) => { this.filterField = (e.target as HTMLSelectElement).value; }}>
          <option value="" ?selected=${!picked}>Any field</option>
          ${offered.map((f) => html`<option value=${f.key} ?selected=${picked?.key === f.key}>${f.label}</option>`)}
        </select></div>
      ${picked ? html`<div class="field"><label for="filter-value">${picked.label} is</label>
        ${picked.options.length
          ? html`<select id="filter-value" name="value">${picked.options.map((o) => html`<option value=${o}>${o}</option>`)}</select>`
          : html`<input id="filter-value" name="value" required type=${picked.type === 'number' ? 'number' : picked.type === 'date' ? 'date' : 'text'} step="any">`}
      </div><button type="submit">Filter</button>` : null}
    </form>`;
  }

  private fieldLabel(item: string) {
    const colon = item.indexOf(':');
    const field = this.fieldList.find((f) => f.key === item.slice(0, colon));
    return `${field?.label ?? item.slice(0, colon)}: ${item.slice(colon + 1)}`;
  }

  /** A filter shows what the list is filtered by, the view's preset included ("My tickets": Assignee Me). */
  private select(name: string, label: string, key: (typeof FILTER_KEYS)[number], options: [string, string][], anyLabel: string | null) {
    const preset: Record<string, unknown> = { ...this.view.filters, sort: this.view.sort ?? undefined };
    const presetRaw = preset[key];
    const presetValue = Array.isArray(presetRaw) ? (presetRaw.length === 1 ? String(presetRaw[0]) : undefined) : presetRaw === undefined || presetRaw === null ? undefined : String(presetRaw);
    if (key === 'status' && Array.isArray(presetRaw) && presetRaw.length > 1) anyLabel = 'Any open status';
    // Over a preset, "any" is a choice of its own; without one it is the absence of a filter.
    const anyValue = presetValue !== undefined || (key === 'status' && Array.isArray(presetRaw) && presetRaw.length > 1) ? ANY : '';
    const value = this.params.get(key) ?? presetValue ?? '';
    return html`<div class="field">
      <label for=${name}>${label}</label>
      <select id=${name} @change=${(e: Event) => this.setParams({ [key]: (e.target as HTMLSelectElement).value || null })}>
        ${anyLabel === null ? null : html`<option value=${anyValue} ?selected=${value === anyValue || (anyValue === ANY && value === '')}>${anyLabel}</option>`}
        ${options.map(([v, l]) => html`<option value=${v} ?selected=${value === v}>${l}</option>`)}
      </select>
    </div>`;
  }

  private sidebar(current: string) {
    const link = (key: string, label: string) => html`<a href="${BASE}/tickets?view=${encodeURIComponent(key)}" aria-current=${current === key ? 'page' : 'false'}>
      <span>${label}</span>${this.counts[key] === undefined ? null : html`<span class="n" aria-label=${`${this.counts[key]} tickets`}>${count(this.counts[key]!)}</span>`}</a>`;
    const shared = this.savedViews.filter((v) => v.shared);
    const own = this.savedViews.filter((v) => !v.shared);
    return html`<aside>
      <nav aria-label="Ticket views">
        ${(Object.keys(BUILT_IN_VIEWS) as BuiltInView[]).map((key) => link(key, BUILT_IN_VIEWS[key].label))}
        ${shared.length ? html`<h2>Team views</h2>${shared.map((v) => link(savedViewKey(v.id), v.name))}` : null}
        ${own.length ? html`<h2>Your views</h2>${own.map((v) => link(savedViewKey(v.id), v.name))}` : null}
      </nav>
    </aside>`;
  }

  /** Ticks a ticket; with Shift, every ticket on the page from the last one ticked to this one. */
  private pick(number: number, event: MouseEvent) {
    const items = this.data?.items ?? [];
    const on = !this.selected.has(number);
    const next = new Set(this.selected);
    const [from, to] = [items.findIndex((t) => t.number === this.anchor), items.findIndex((t) => t.number === number)];
    const range = event.shiftKey && from >= 0 && to >= 0 ? items.slice(Math.min(from, to), Math.max(from, to) + 1) : [items[to]!];
    for (const t of range) if (on) next.add(t.number); else next.delete(t.number);
    this.selected = next;
    this.bulkOpen = true;
    this.anchor = number;
  }

  private pickPage(on: boolean) {
    const next = new Set(this.selected);
    for (const t of this.data?.items ?? []) if (on) next.add(t.number); else next.delete(t.number);
    this.selected = next;
    this.bulkOpen = true;
  }

  private async deleteView(view: SavedView) {
    try {
      await api.delete(`/api/views/${view.id}`);
      this.setParams({ view: null });
      await this.loadViews();
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  override render() {
    const data = this.data;
    const view = this.view;
    const first = data && data.total ? (data.page - 1) * data.pageSize + 1 : 0;
    const last = data ? Math.min(data.total, data.page * data.pageSize) : 0;
    const columns = view.columns;
    const pageNumbers = data?.items.map((t) => t.number) ?? [];
    const pageTicked = pageNumbers.length > 0 && pageNumbers.every((n) => this.selected.has(n));
    const canEdit = view.saved && (!view.saved.shared || this.me.role === 'admin');
    return html`
      <div class="layout">
        ${this.sidebar(view.key)}
        <section aria-labelledby="list-title">
          <div class="title">
            <h1 id="list-title">${view.label}</h1>
            <button type="button" class="small" @click=${() => { this.savingView = 'new'; }}>Save as view</button>
            ${canEdit ? html`<button type="button" class="small" @click=${() => { this.savingView = view.saved; }}>Change view</button>
              <button type="button" class="small" @click=${() => this.deleteView(view.saved!)}>Delete view</button>` : null}
          </div>
          ${this.savingView ? html`<save-view-form .me=${this.me} .view=${this.savingView === 'new' ? null : this.savingView}
            .filters=${this.filters()} .columns=${columns}
            @view-saved=${(e: CustomEvent<SavedView>) => { this.savingView = null; void this.loadViews().then(() => this.setParams({ view: savedViewKey(e.detail.id), status: null, priority: null, assignee: null, source: null, team: null, sort: null, q: null, tag: null, field: null, needsReply: null, unread: null })); }}
            @cancel=${() => { this.savingView = null; }}></save-view-form>` : null}
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
            ${this.teamList.length ? this.select('team', 'Team', 'team', this.teamList.map((t) => [String(t.id), t.name]), 'Any team') : null}
            ${this.select('needsReply', 'Reply', 'needsReply', [['true', 'Needs reply'], ['false', 'Answered']], 'Either')}
            ${this.select('unread', 'Read', 'unread', [['true', 'Unread'], ['false', 'Read']], 'Either')}
            <form class="field tag-filter" @submit=${this.addTagFilter}>
              <label for="tag-filter">Tag</label>
              <input id="tag-filter" placeholder="Filter by tag" list="tag-names" autocomplete="off">
              <datalist id="tag-names">${[...this.colours.keys()].map((t) => html`<option value=${t}></option>`)}</datalist>
            </form>
            ${this.select('sort', 'Sort', 'sort', Object.entries(SORT_LABELS), null)}
            ${this.fieldFilterForm()}
          </div>
          ${(view.filters.field?.length || this.params.getAll('field').length) ? html`<div class="active-tags" aria-label="Fields filtered by">
            ${(view.filters.field ?? []).map((f) => html`<span class="tag tag-gray">${this.fieldLabel(f)}</span>`)}
            ${this.params.getAll('field').map((f) => html`<span><span class="tag tag-gray">${this.fieldLabel(f)}</span><button type="button" aria-label=${`Stop filtering by ${this.fieldLabel(f)}`}
              @click=${() => this.setParams({ field: this.params.getAll('field').filter((x) => x !== f) })}>×</button></span>`)}
          </div>` : null}
          ${(view.filters.tag?.length || this.params.getAll('tag').length) ? html`<div class="active-tags" aria-label="Tags filtered by">
            <span class="small muted">Tagged:</span>
            ${(view.filters.tag ?? []).map((t) => tagChip(t, this.colours))}
            ${this.params.getAll('tag').map((t) => html`<span>${tagChip(t, this.colours)}<button type="button" aria-label=${`Stop filtering by ${t}`}
              @click=${() => this.setParams({ tag: this.params.getAll('tag').filter((x) => x !== t) })}>×</button></span>`)}
          </div>` : null}
          ${data ? html`<div class="counts" aria-label="Tickets per status">
            ${TICKET_STATUSES.map((s) => html`<span class="badge status-${s}">${STATUS_LABELS[s]} ${count(data.countsByStatus[s] ?? 0)}</span>`)}
          </div>` : null}
          ${this.bulkOpen ? html`<bulk-bar .numbers=${[...this.selected]} .me=${this.me} .operatorList=${this.operatorList}
            @bulk-done=${(e: CustomEvent<{ refused: number[] }>) => { this.selected = new Set(e.detail.refused); void this.load(); void this.loadCounts(); }}></bulk-bar>` : null}
          ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
          <div class="card flush">
            ${!data ? html`<p class="empty muted">Loading tickets…</p>` : data.items.length === 0
              ? html`<p class="empty muted">No tickets here.</p>`
              : html`<table>
                <caption class="visually-hidden">${view.label}</caption>
                <thead><tr>
                  <th class="pick"><input type="checkbox" aria-label="Select every ticket on this page" .checked=${live(pageTicked)} @change=${(e: Event) => this.pickPage((e.target as HTMLInputElement).checked)}></th>
                  ${columns.map((c) => html`<th>${COLUMN_LABELS[c]}</th>`)}
                </tr></thead>
                <tbody>${data.items.map((t) => this.row(t, columns))}</tbody>
              </table>`}
          </div>
          ${data ? html`<list-pager .page=${data.page} .pageSize=${data.pageSize} .total=${data.total}
            .summary=${data.total ? `${count(first)}–${count(last)} of ${count(data.total)}${this.selected.size ? ` · ${count(this.selected.size)} selected` : ''}` : ''}
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

  private cell(t: TicketSummary, column: TicketColumn) {
    switch (column) {
      case 'number': return html`<td class="number">#${t.number}</td>`;
      case 'subject': return html`<td class="subject"><a href="${BASE}/tickets/${t.number}">${t.subject}</a>${t.unread ? html`<span class="visually-hidden"> (unread)</span>` : null}
        <div class="muted small">${SOURCE_LABELS[t.source]} · ${plural(t.commentCount - t.noteCount, 'message')}${t.noteCount ? ` · ${plural(t.noteCount, 'internal note')}` : ''}${t.needsReply && t.status !== 'closed' ? html` · <span class="badge status-new">needs reply</span>` : null}</div></td>`;
      case 'customer': return html`<td data-label="Customer">${personName(t.contact) === t.contact.email ? address(t.contact.email) : personName(t.contact)}${t.contact.email && personName(t.contact) !== t.contact.email ? html`<div class="muted small">${address(t.contact.email)}</div>` : null}</td>`;
      case 'status': return html`<td data-label="Status"><span class="badge status-${t.status}">${STATUS_LABELS[t.status]}</span>${t.mergedInto !== null
        ? html` <span class="small muted">merged into <a href="${BASE}/tickets/${t.mergedInto}">#${t.mergedInto}</a></span>` : null}${t.waitingUntil
        ? html` <span class="small muted">until <time datetime=${t.waitingUntil} title=${fullTime(t.waitingUntil)}>${relativeTime(t.waitingUntil)}</time></span>` : null}</td>`;
      case 'priority': return html`<td data-label="Priority"><span class="badge priority-${t.priority}">${PRIORITY_LABELS[t.priority]}</span>${this.due(t)}</td>`;
      case 'tags': return html`<td class="tags" data-label="Tags">${t.tags.map((tag) => tagChip(tag, this.colours))}</td>`;
      case 'assignee': return html`<td data-label="Assignee">${t.assignee ? t.assignee.name : html`<span class="muted">Unassigned</span>`}</td>`;
      case 'updated': return html`<td data-label="Updated"><time datetime=${t.updatedAt} title=${fullTime(t.updatedAt)}>${relativeTime(t.updatedAt, this.now)}</time></td>`;
      case 'created': return html`<td data-label="Created"><time datetime=${t.createdAt} title=${fullTime(t.createdAt)}>${relativeTime(t.createdAt, this.now)}</time></td>`;
    }
  }

  private row(t: TicketSummary, columns: readonly TicketColumn[]) {
    const ticked = this.selected.has(t.number);
    return html`<tr data-ticket=${t.number} class=${[t.unread ? 'unread' : '', ticked ? 'selected' : ''].join(' ')}>
      <td class="pick"><input type="checkbox" aria-label=${`Select #${t.number}`} .checked=${live(ticked)}
        @click=${(e: MouseEvent) => this.pick(t.number, e)}></td>
      ${columns.map((c) => this.cell(t, c))}
    </tr>`;
  }
}
customElements.define('ticket-list-view', TicketListView);
