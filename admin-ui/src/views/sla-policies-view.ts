import { LitElement, html, css } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { OperatorView, SlaPolicyView } from '../../../api/schemas';
import { WEEKDAYS } from '../../../domain/business-hours';
import { PRIORITY_LABELS, SOURCE_LABELS, TICKET_PRIORITIES, TICKET_SOURCES } from '../../../domain/ticket';
import { SLA_TARGET_LABELS } from '../../../domain/sla';
import { api } from '../api';
import { shared } from '../styles';
import { ManagedList } from '../components/managed-list';
import { operators } from '../operators';

const TARGET_FIELDS = ['firstResponse', 'nextResponse', 'resolution'] as const;
const TARGET_LABELS: Record<(typeof TARGET_FIELDS)[number], string> = {
  firstResponse: SLA_TARGET_LABELS.first_response, nextResponse: SLA_TARGET_LABELS.next_response, resolution: SLA_TARGET_LABELS.resolution,
};
const DAY_LABELS: Record<(typeof WEEKDAYS)[number], string> = {
  sunday: 'Sunday', monday: 'Monday', tuesday: 'Tuesday', wednesday: 'Wednesday', thursday: 'Thursday', friday: 'Friday', saturday: 'Saturday',
};
const ESCALATION_ROWS = [0, 1, 2];
const ESCALATION_LABELS: Record<string, string> = { notify_agents: 'Tell every agent', raise_priority: 'Raise the priority', assign: 'Assign to' };
const WORKDAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']);

type Weekday = (typeof WEEKDAYS)[number];
type Span = { from: string; to: string };
type Week = Record<Weekday, Span[]>;
/** A new calendar: weekdays 9 to 5. */
const officeWeek = (): Week => Object.fromEntries(WEEKDAYS.map((d) => [d, WORKDAYS.has(d) ? [{ from: '09:00', to: '17:00' }] : []])) as Week;

/** The browser's own zone: what an admin most likely means. */
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** What a policy applies to, in a sentence. */
function appliesTo(p: SlaPolicyView): string {
  const sources = p.sources ? p.sources.map((s) => SOURCE_LABELS[s]).join(', ') : 'every source';
  const mailboxes = p.mailboxes ? ` in ${p.mailboxes.join(', ')}` : '';
  return `${sources}${mailboxes}`;
}

/**
 * SLA policies: what each ticket is held to, per priority, in business hours or around the
 * clock. Everyone reads them; admins add, change and remove them, and each change reaches
 * the open tickets it applies to.
 */
export class SlaPoliciesView extends LitElement {
  static override properties = {
    formGeneration: { state: true },
    me: { attribute: false }, editing: { state: true }, hoursOn: { state: true }, week: { state: true }, warnBy: { state: true },
    operatorList: { state: true },
  };
  declare operatorList: OperatorView[];
  declare me: OperatorView;
  /** The policy in the form (null: a new one). */
  declare editing: SlaPolicyView | null;
  declare hoursOn: boolean;
  /** The opening hours in the form: any number of spans a day (a lunch break is two). */
  declare week: Week;
  declare warnBy: 'percent' | 'before';
  /** Bumped to make the form anew (keyed) after a save or for another item. */
  declare formGeneration: number;
  private readonly policies = new ManagedList<SlaPolicyView>(this, '/api/sla-policies');

  static override styles = [shared, css`
    .card.flush { margin-bottom: 1rem; }
    table.targets input { width: 7rem; }
    td ul { margin: 0; padding-left: 1rem; }
    fieldset.day { border: 0; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; grid-column: 1 / -1; }
    fieldset.day legend { float: left; width: 7rem; font-weight: 600; }
    fieldset.day .span { display: inline-flex; gap: 0.25rem; align-items: center; }
    button.small { padding: 0.1rem 0.5rem; font-size: 0.85rem; }
  `];

  constructor() {
    super();
    this.formGeneration = 0;
    this.editing = null;
    this.hoursOn = false;
    this.week = officeWeek();
    this.warnBy = 'percent';
    this.operatorList = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    operators().then((list) => { this.operatorList = list.filter((o) => o.active); }).catch(() => undefined);
  }

  private edit(policy: SlaPolicyView | null) {
    this.editing = policy;
    this.hoursOn = policy ? policy.businessHours !== null : false;
    const stored = policy?.businessHours?.week;
    this.week = stored ? Object.fromEntries(WEEKDAYS.map((d) => [d, stored[d].map((span) => ({ ...span }))])) as Week : officeWeek();
    this.warnBy = policy && 'before' in policy.warnBefore ? 'before' : 'percent';
    // A fresh form each time: resetting one in place would blank the fields whose value
    // is the same for the policy as for the last form (Lit sets a property only when it changes).
    this.formGeneration++;
  }

  private bodyOf(data: FormData) {
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const list = (name: string) => {
      const values = data.getAll(name).map(String).filter(Boolean);
      return values.length ? values : null;
    };
    return {
      name: text('name'),
      position: Number(text('position') || '0'),
      sources: list('sources'),
      mailboxes: text('mailboxes') ? text('mailboxes').split(/[\s,]+/).filter(Boolean) : null,
      targets: Object.fromEntries(TICKET_PRIORITIES.map((priority) => [priority,
        Object.fromEntries(TARGET_FIELDS.map((field) => [field, text(`${priority}-${field}`) || null]))])),
      businessHours: this.hoursOn ? {
        timeZone: text('timeZone'),
        week: this.week,
        holidays: text('holidays').split(/[\s,]+/).filter(Boolean),
      } : null,
      pauseWhileWaiting: data.get('pause') !== null,
      warnBefore: this.warnBy === 'percent' ? { percent: Number(text('warnPercent')) } : { before: text('warnBefore') },
      followUp: data.get('followUpOwn') ? { remindAfter: text('remindAfter') || null, closeAfter: text('closeAfter') || null } : null,
      reopenWithin: text('reopenWithin') || null,
      escalation: ESCALATION_ROWS.flatMap((i) => {
        const action = text(`escalation-${i}-action`);
        if (!action) return [];
        return [{ after: text(`escalation-${i}-after`), action, ...(action === 'assign' ? { operatorId: Number(text(`escalation-${i}-operator`)) || null } : {}) }];
      }),
    };
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const body = this.bodyOf(new FormData(event.target as HTMLFormElement));
    const editing = this.editing;
    const saved = editing
      ? await this.policies.act(() => api.patch(`/api/sla-policies/${editing.id}`, body), `${body.name} is changed: its open tickets take the new targets from now on.`)
      : await this.policies.act(() => api.post('/api/sla-policies', body), `${body.name} is added: the open tickets it applies to take it now.`);
    if (saved) this.edit(null);
  }

  private removePolicy(policy: SlaPolicyView) {
    void this.policies.act(() => api.delete(`/api/sla-policies/${policy.id}`), `${policy.name} is removed: its open tickets take the next policy that applies, or none.`);
  }

  private setSpans(day: Weekday, spans: Span[]) {
    this.week = { ...this.week, [day]: spans };
  }

  /** One day's opening hours: each span its own from/to, added and removed in place. */
  private dayHours(day: Weekday) {
    const spans = this.week[day];
    const label = DAY_LABELS[day];
    const change = (i: number, end: keyof Span) => (e: Event) =>
      this.setSpans(day, spans.map((s, j) => (j === i ? { ...s, [end]: (e.target as HTMLInputElement).value } : s)));
    const next = (): Span => {
      const last = spans.at(-1);
      return last && last.to < '23:00' ? { from: last.to, to: last.to < '17:00' ? '17:00' : '23:59' } : { from: '09:00', to: '17:00' };
    };
    return html`<fieldset class="day" aria-label="${label} hours">
      <legend>${label}</legend>
      ${spans.length ? null : html`<span class="muted">Closed</span>`}
      ${spans.map((span, i) => html`<span class="span">
        <input type="time" required aria-label="${label} from${spans.length > 1 ? ` (${i + 1})` : ''}" .value=${span.from} @change=${change(i, 'from')}>
        –
        <input type="time" required aria-label="${label} to${spans.length > 1 ? ` (${i + 1})` : ''}" .value=${span.to} @change=${change(i, 'to')}>
        <button type="button" class="small" aria-label="Remove ${label} ${span.from}–${span.to}" @click=${() => this.setSpans(day, spans.filter((_, j) => j !== i))}>remove</button>
      </span>`)}
      <button type="button" class="small" aria-label="Add hours on ${label}" @click=${() => this.setSpans(day, [...spans, next()])}>add hours</button>
    </fieldset>`;
  }

  private form() {
    const p = this.editing;
    const busy = this.policies.busy;
    const hours = p?.businessHours;
    return html`<form class="card" @submit=${this.save} aria-label=${p ? `Change ${p.name}` : 'Add an SLA policy'}>
      <h2>${p ? `Change ${p.name}` : 'Add an SLA policy'}</h2>
      <div class="grid">
        <div class="field"><label for="name">Name</label><input id="name" name="name" required maxlength="100" .value=${p?.name ?? ''}></div>
        <div class="field"><label for="position">Order (lower is tried first)</label><input id="position" name="position" type="number" min="0" max="10000" .value=${String(p?.position ?? 0)}></div>
        <div class="field"><label for="mailboxes">Mailboxes (empty: any)</label><input id="mailboxes" name="mailboxes" .value=${p?.mailboxes?.join(', ') ?? ''}></div>
      </div>
      <fieldset class="group"><legend>Sources (none ticked: any)</legend>
        ${TICKET_SOURCES.map((s) => html`<span class="field check"><input type="checkbox" id="source-${s}" name="sources" value=${s} ?checked=${p?.sources?.includes(s) ?? false}><label for="source-${s}">${SOURCE_LABELS[s]}</label></span>`)}
      </fieldset>
      <fieldset class="group"><legend>Targets (like 30m, 4h, 2d; empty: none)</legend>
        <table class="targets"><thead><tr><th>Priority</th>${TARGET_FIELDS.map((f) => html`<th>${TARGET_LABELS[f]}</th>`)}</tr></thead>
          <tbody>${TICKET_PRIORITIES.map((priority) => html`<tr><td>${PRIORITY_LABELS[priority]}</td>${TARGET_FIELDS.map((field) => html`<td>
            <input name="${priority}-${field}" aria-label="${PRIORITY_LABELS[priority]}: ${TARGET_LABELS[field]}" pattern="[0-9]{1,7}(ms|s|m|h|d)" .value=${p?.targets[priority][field] ?? ''}></td>`)}</tr>`)}</tbody>
        </table>
      </fieldset>
      <fieldset class="group"><legend>When the clock runs</legend>
        <span class="field check"><input type="checkbox" id="hoursOn" .checked=${this.hoursOn} @change=${(e: Event) => { this.hoursOn = (e.target as HTMLInputElement).checked; }}><label for="hoursOn">In business hours only (else around the clock)</label></span>
        ${this.hoursOn ? html`
          <div class="field"><label for="timeZone">Time zone</label><input id="timeZone" name="timeZone" required .value=${hours?.timeZone ?? localZone()}></div>
          ${WEEKDAYS.map((day) => this.dayHours(day))}
          <div class="field"><label for="holidays">Holidays (YYYY-MM-DD, one per line)</label><textarea id="holidays" name="holidays" rows="3" .value=${hours?.holidays.join('\n') ?? ''}></textarea></div>` : null}
        <span class="field check"><input type="checkbox" id="pause" name="pause" ?checked=${p?.pauseWhileWaiting ?? true}><label for="pause">Pause while the ticket waits for the customer</label></span>
      </fieldset>
      <fieldset class="group"><legend>Warn the assignee (every agent when nobody is assigned)</legend>
        <span class="field check"><input type="radio" id="warn-percent" name="warnBy" ?checked=${this.warnBy === 'percent'} @change=${() => { this.warnBy = 'percent'; }}><label for="warn-percent">at a share of the target</label></span>
        <span class="field check"><input type="radio" id="warn-before" name="warnBy" ?checked=${this.warnBy === 'before'} @change=${() => { this.warnBy = 'before'; }}><label for="warn-before">some time before it</label></span>
        ${this.warnBy === 'percent'
          ? html`<div class="field"><label for="warnPercent">Percent of the target used</label><input id="warnPercent" name="warnPercent" type="number" min="1" max="99" required .value=${String(p && 'percent' in p.warnBefore ? p.warnBefore.percent : 80)}></div>`
          : html`<div class="field"><label for="warnBeforeInput">How long before (like 30m)</label><input id="warnBeforeInput" name="warnBefore" required pattern="[0-9]{1,7}(ms|s|m|h|d)" .value=${p && 'before' in p.warnBefore ? p.warnBefore.before : '30m'}></div>`}
      </fieldset>
      <fieldset class="group"><legend>Waiting and closed tickets</legend>
        <span class="field check"><input type="checkbox" id="followUpOwn" name="followUpOwn" ?checked=${p?.followUp != null}><label for="followUpOwn">Its own follow-up of Waiting tickets (else the settings')</label></span>
        <div class="grid">
          <div class="field"><label for="remindAfter">Remind the customer after (empty: never)</label><input id="remindAfter" name="remindAfter" pattern="[0-9]{1,7}(ms|s|m|h|d)" .value=${p?.followUp?.remindAfter ?? ''}></div>
          <div class="field"><label for="closeAfter">Close this much later (empty: never)</label><input id="closeAfter" name="closeAfter" pattern="[0-9]{1,7}(ms|s|m|h|d)" .value=${p?.followUp?.closeAfter ?? ''}></div>
          <div class="field"><label for="reopenWithin">Reopen on an answer within (empty: always; later a follow-up ticket)</label><input id="reopenWithin" name="reopenWithin" pattern="[0-9]{1,7}(ms|s|m|h|d)" .value=${p?.reopenWithin ?? ''}></div>
        </div>
      </fieldset>
      <fieldset class="group"><legend>Escalation, while a ticket needs attention (New and unassigned, or warned of a target)</legend>
        ${ESCALATION_ROWS.map((i) => {
          const step = p?.escalation[i];
          return html`<div class="grid">
            <div class="field"><label for="escalation-${i}-after">Step ${i + 1} after (like 30m)</label><input id="escalation-${i}-after" name="escalation-${i}-after" pattern="[0-9]{1,7}(ms|s|m|h|d)" .value=${step?.after ?? ''}></div>
            <div class="field"><label for="escalation-${i}-action">Step ${i + 1}</label><select id="escalation-${i}-action" name="escalation-${i}-action">
              <option value="" ?selected=${!step}>Nothing</option>
              ${Object.entries(ESCALATION_LABELS).map(([value, label]) => html`<option value=${value} ?selected=${step?.action === value}>${label}</option>`)}
            </select></div>
            <div class="field"><label for="escalation-${i}-operator">Step ${i + 1}: assign to</label><select id="escalation-${i}-operator" name="escalation-${i}-operator">
              <option value="">Nobody</option>
              ${this.operatorList.map((o) => html`<option value=${String(o.id)} ?selected=${step?.operatorId === o.id}>${o.name}</option>`)}
            </select></div>
          </div>`;
        })}
      </fieldset>
      <button type="submit" class="primary" ?disabled=${busy}>${p ? 'Save changes' : 'Add policy'}</button>
      ${p ? html`<button type="button" @click=${() => this.edit(null)}>Cancel</button>` : null}
    </form>`;
  }

  override render() {
    const { items: list, problem, notice, busy } = this.policies;
    const admin = this.me?.role === 'admin';
    return html`
      <h1>SLA policies</h1>
      <p class="muted small">Each ticket takes the first policy that applies to it; its own clocks warn before a target is missed and record the breach.</p>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="card flush">
        ${!list ? html`<p class="muted loading">Loading…</p>` : list.length === 0 ? html`<p class="muted empty">No SLA policy yet: tickets have no targets.</p>` : html`<table>
          <thead><tr><th>Order</th><th>Name</th><th>Applies to</th><th>Targets</th><th>Clock</th>${admin ? html`<th></th>` : null}</tr></thead>
          <tbody>${list.map((p) => html`<tr>
            <td>${p.position}</td>
            <td>${p.name} <span class="muted small">v${p.version}</span></td>
            <td>${appliesTo(p)}</td>
            <td><ul>${TICKET_PRIORITIES.map((priority) => {
              const set = TARGET_FIELDS.filter((f) => p.targets[priority][f]);
              return set.length ? html`<li>${PRIORITY_LABELS[priority]}: ${set.map((f) => `${TARGET_LABELS[f].toLowerCase()} ${p.targets[priority][f]}`).join(', ')}</li>` : null;
            })}</ul></td>
            <td>${p.businessHours ? `Business hours (${p.businessHours.timeZone})` : 'Around the clock'}${p.pauseWhileWaiting ? ', paused while waiting' : ''}
              ${p.escalation.length ? html`<div class="small muted">Escalation: ${p.escalation.map((s) => `${ESCALATION_LABELS[s.action]?.toLowerCase()}${s.action === 'assign' ? ` ${this.operatorList.find((o) => o.id === s.operatorId)?.name ?? `operator ${s.operatorId}`}` : ''} after ${s.after}`).join(', then ')}</div>` : null}</td>
            ${admin ? html`<td>
              <button type="button" ?disabled=${busy} @click=${() => this.edit(p)}>Change ${p.name}</button>
              <button type="button" ?disabled=${busy} @click=${() => this.removePolicy(p)}>Remove ${p.name}</button>
            </td>` : null}
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${admin ? keyed(this.formGeneration, this.form()) : null}
    `;
  }
}
customElements.define('sla-policies-view', SlaPoliciesView);
