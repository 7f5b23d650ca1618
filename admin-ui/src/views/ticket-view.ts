import { LitElement, html, css, PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import type { OperatorView, PatchTicketBody, TicketDetail } from '../../../api/schemas';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../../domain/ticket';
import { api, ApiError, idempotencyKey } from '../api';
import { address, dueText, fullTime, historySentence, personName, PRIORITY_LABELS, relativeTime, SOURCE_LABELS, STATUS_LABELS } from '../format';
import { SLA_TARGET_LABELS } from '../../../domain/sla';
import { onTicketChange } from '../live';
import { operators } from '../operators';
import { BASE, navigate } from '../router';
import { shared } from '../styles';
import '../components/customer-panel';
import '../components/ticket-thread';
import '../components/reply-box';
import '../components/ticket-presence';
import { INBOX_READ } from '../components/notification-bell';
import type { TicketPresence } from '../components/ticket-presence';
import '../components/wait-until';
import '../components/tag-editor';
import { customFields, fieldControl, shownValue } from '../custom-fields';
import type { CustomFieldView, TeamView } from '../../../api/schemas';
import { teams } from '../teams';

const MAIL_LABELS: Record<string, string> = {
  ticket_created: 'The acknowledgement',
  outbound_message: 'The first message',
  public_reply: 'The reply',
  ticket_closed: 'The closing mail',
  customer_replied: "The assignee's notice of an answer",
  waiting_reminder: 'The reminder to the customer',
  waiting_over: "The assignee's notice that the waiting time is over",
  sla_warning: 'The SLA warning',
};

/** What a ticket's own clock does next (domain/clocks.ts), as the operator reads it. */
const CLOCK_LABELS: Record<string, string> = {
  wake_up: 'Back to In Progress',
  follow_up_reminder: 'The customer is reminded',
  auto_close: 'Closes for want of an answer',
  sla_warning: 'SLA warning',
  sla_breach: 'SLA target missed',
};

/** One ticket: its controls, customer, conversation and history, kept live. */
export class TicketView extends LitElement {
  static override properties = {
    me: { attribute: false },
    number: { type: Number },
    detail: { state: true },
    problem: { state: true },
    actionProblem: { state: true },
    busy: { state: true },
    operatorList: { state: true },
    copied: { state: true },
    confirmingRotation: { state: true },
    fieldList: { state: true },
    merging: { state: true },
    teamList: { state: true },
    splitting: { state: true },
  };
  declare me: OperatorView;
  declare number: number;
  declare detail: TicketDetail | null;
  declare problem: string | null;
  declare actionProblem: string | null;
  declare busy: boolean;
  declare operatorList: OperatorView[];
  declare copied: string | null;
  declare confirmingRotation: boolean;
  declare fieldList: CustomFieldView[];
  declare teamList: TeamView[];
  /** The Merge into… form is open. */
  declare merging: boolean;
  /** The customer's message being split off (the form asks for the new ticket's subject). */
  declare splitting: string | null;
  private unsubscribe: (() => void) | null = null;
  private copiedTimer: number | null = null;
  private requestId = 0;

  static override styles = [shared, css`
    .head { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; align-items: start; margin-bottom: 0.75rem; }
    .head h1 { overflow-wrap: anywhere; }
    .layout { display: grid; grid-template-columns: minmax(0, 1fr) 320px; gap: 1rem; align-items: start; }
    .controls { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 0.75rem; align-items: end; margin-bottom: 1rem; }
    .controls select { width: 100%; }
    .main { display: flex; flex-direction: column; gap: 1rem; min-width: 0; }
    .link-row { display: flex; gap: 0.4rem; margin-top: 0.5rem; }
    .link-row input { flex: 1; min-width: 0; font-size: 0.85rem; }
    details ol { margin: 0.5rem 0 0; padding-left: 1.2rem; font-size: 0.85rem; }
    details summary { cursor: pointer; font-weight: 600; }
    aside { display: flex; flex-direction: column; gap: 1rem; }
    .sla ul { margin: 0; padding-left: 1.2rem; }
    .sla p { margin: 0 0 0.4rem; }
    .undelivered { border-color: #c77c00; background: #fff8e6; font-size: 0.9rem; }
    .undelivered ul { margin: 0; padding-left: 1.2rem; }
    .mine { margin: 0 0 0.5rem; }
    .tag-row { margin-bottom: 0.75rem; }
    fieldset.choices { border: none; padding: 0; margin: 0; }
    fieldset.choices legend { font-weight: 600; font-size: 0.85rem; color: #3a4356; padding: 0; }
    fieldset.choices .check { display: inline-flex; gap: 0.25rem; margin-right: 0.6rem; align-items: center; }
    .confirm { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-top: 0.5rem; font-size: 0.9rem; }
    @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
  `];

  constructor() {
    super();
    this.detail = null;
    this.problem = null;
    this.actionProblem = null;
    this.busy = false;
    this.operatorList = [];
    this.copied = null;
    this.confirmingRotation = false;
    this.fieldList = [];
    this.merging = false;
    this.splitting = null;
    this.teamList = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    this.unsubscribe = onTicketChange((change) => {
      // The answer to this operator's own change already showed it: no second fetch.
      const shown = this.detail?.events[this.detail.events.length - 1]?.seq ?? 0;
      if (change === null || (change.number === this.number && change.seq > shown)) void this.load();
    });
    operators().then((list) => { this.operatorList = list; }).catch(() => undefined);
    customFields().then((list) => { this.fieldList = list; }).catch(() => undefined);
    teams().then((list) => { this.teamList = list; }).catch(() => undefined);
  }

  override disconnectedCallback() {
    this.unsubscribe?.();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('number')) {
      this.detail = null;
      this.actionProblem = null;
      void this.load();
    }
  }

  private async load() {
    const id = ++this.requestId;
    try {
      const detail = await api.get<TicketDetail>(`/api/tickets/${this.number}`);
      if (id !== this.requestId) return;
      this.detail = detail;
      this.problem = null;
      document.title = `#${detail.number} ${detail.subject} · Helpdesk`;
      if (!document.hidden) this.markSeen(detail);
    } catch (error) {
      if (id === this.requestId) this.problem = (error as Error).message;
    }
  }

  /**
   * The operator has this ticket before their eyes: what the bell said of it is read, and
   * the ticket is read up to the customer's last message shown (a newer one stays unread).
   */
  private markSeen(detail: TicketDetail) {
    api.post<{ unread: number }>('/api/inbox/read', { ticketNumber: detail.number })
      .then(({ unread }) => window.dispatchEvent(new CustomEvent(INBOX_READ, { detail: unread })))
      .catch(() => undefined);
    // Always: opening it is also what takes up a ticket a team's dispatcher offered.
    api.put(`/api/tickets/${detail.number}/read`, detail.lastCustomerMessageAt ? { upTo: detail.lastCustomerMessageAt } : {}).catch(() => undefined);
  }

  private merge(event: SubmitEvent) {
    event.preventDefault();
    const into = Number(new FormData(event.target as HTMLFormElement).get('into'));
    void this.goTo(() => api.post<TicketDetail>(`/api/tickets/${this.number}/merge`, { into }), () => { this.merging = false; });
  }

  private split(event: SubmitEvent) {
    event.preventDefault();
    const subject = String(new FormData(event.target as HTMLFormElement).get('subject') ?? '').trim();
    void this.goTo(() => api.post<TicketDetail>(`/api/tickets/${this.number}/split`, { commentId: this.splitting, subject }), () => { this.splitting = null; });
  }

  /** A change that answers with another ticket (merged into, split off): it opens; a refusal is shown where the form is. */
  private async goTo(request: () => Promise<TicketDetail>, done: () => void) {
    this.busy = true;
    this.actionProblem = null;
    try {
      const other = await request();
      done();
      navigate(`${BASE}/tickets/${other.number}`);
    } catch (error) {
      this.actionProblem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /** Back to the list with the ticket shown as unread, to come back to it. */
  private async markUnread() {
    try {
      await api.delete(`/api/tickets/${this.number}/read`);
      navigate(`${BASE}/tickets`);
    } catch (error) {
      this.actionProblem = (error as Error).message;
    }
  }

  /** The custom fields: each offered one to set, and a retired one's value still on the ticket, as it is. */
  private fieldsCard(t: TicketDetail) {
    const offered = this.fieldList.filter((f) => f.active);
    const retired = this.fieldList.filter((f) => !f.active && t.fields[f.key] !== undefined);
    if (offered.length === 0 && retired.length === 0) return null;
    return html`<section class="card" aria-label="Ticket fields">
      <div class="controls">${offered.map((f) => fieldControl(f, t.fields[f.key], this.busy, (value) => this.change({ fields: { [f.key]: value } })))}</div>
      ${retired.length ? html`<p class="small muted">${retired.map((f) => html`${f.label}: ${shownValue(t.fields[f.key])} (retired field) `)}</p>` : null}
    </section>`;
  }

  /** The ticket's SLA targets: when each is due, paused while it waits, or missed. */
  private slaCard(t: TicketDetail) {
    const sla = t.sla!;
    return html`<section class="card sla" aria-label="SLA">
      <p class="small"><strong>SLA: ${sla.policy}</strong>${sla.breached ? html` <span class="badge due-overdue">a target was missed</span>` : null}</p>
      ${t.slaTargets.length === 0 ? html`<p class="small muted">No target running.</p>` : html`<ul class="small">${t.slaTargets.map((target) => {
        const due = target.dueAt ? dueText(target.dueAt) : null;
        return html`<li>${SLA_TARGET_LABELS[target.target]}:
          ${target.paused ? html`<span class="badge status-waiting">paused while waiting</span>`
            : due ? html`<span class="badge due-${due.state}">${due.text}</span> <time class="muted" datetime=${target.dueAt!}>${fullTime(target.dueAt!)}</time>` : 'no opening hours ahead'}
          ${target.pausedMinutes ? html`<span class="muted">(paused ${target.pausedMinutes} min)</span>` : null}
        </li>`;
      })}</ul>`}
    </section>`;
  }

  /** Each control takes effect at once; a refusal by the workflow is shown and the control reverts. */
  /** `null`: rotate the public link. */
  private async change(changes: PatchTicketBody | null) {
    this.busy = true;
    this.actionProblem = null;
    this.copied = null;
    try {
      this.requestId += 1; // a load already on its way would show the state before this change
      this.detail = changes === null
        ? await api.post<TicketDetail>(`/api/tickets/${this.number}/public-link`, undefined, idempotencyKey())
        : await api.patch<TicketDetail>(`/api/tickets/${this.number}`, changes, idempotencyKey());
    } catch (error) {
      this.actionProblem = error instanceof ApiError ? error.message : String(error);
      this.requestUpdate();
    } finally {
      this.busy = false;
    }
  }

  private async copyLink() {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#public-link')!;
    try {
      await navigator.clipboard.writeText(input.value);
      this.notify('Link copied.');
    } catch {
      input.select();
      this.notify('Selected: press Ctrl+C to copy.');
    }
  }

  /** A short confirmation that goes by itself after a few seconds. */
  private notify(text: string) {
    if (this.copiedTimer !== null) clearTimeout(this.copiedTimer);
    this.copied = text;
    this.copiedTimer = window.setTimeout(() => { this.copied = null; }, 4000);
  }

  private async rotateLink() {
    this.confirmingRotation = false;
    await this.change(null);
    if (!this.actionProblem) this.notify('New link made. The old one no longer works.');
  }

  override render() {
    if (this.problem && !this.detail) {
      return html`<p class="error" role="alert">${this.problem}</p><p><a href="${BASE}/tickets">Back to the tickets</a></p>`;
    }
    const t = this.detail;
    if (!t) return html`<p class="muted">Loading ticket #${this.number}…</p>`;
    const selectOf = (id: string, label: string, value: string, options: [string, string][], onChange: (value: string) => void) => html`
      <div class="field">
        <label for=${id}>${label}</label>
        <select id=${id} .value=${live(value)} ?disabled=${this.busy} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
          ${options.map(([v, l]) => html`<option value=${v} ?selected=${v === value}>${l}</option>`)}
        </select>
      </div>`;
    const assignee = t.assignee ? String(t.assignee.id) : '';
    const assignable = this.operatorList.filter((o) => o.active || String(o.id) === assignee);
    return html`
      <div class="head">
        <div>
          <p class="muted small"><a href="${BASE}/tickets">Tickets</a> / #${t.number}</p>
          <h1>#${t.number} ${t.subject}</h1>
          <p class="muted small">
            <span class="badge status-${t.status}">${STATUS_LABELS[t.status]}${t.waitingUntil ? html` until <time datetime=${t.waitingUntil}>${fullTime(t.waitingUntil)}</time>` : null}</span>
            <span class="badge priority-${t.priority}">${PRIORITY_LABELS[t.priority]}</span>
            ${SOURCE_LABELS[t.source]} · opened <time datetime=${t.createdAt} title=${fullTime(t.createdAt)}>${relativeTime(t.createdAt)}</time>
            · updated <time datetime=${t.updatedAt} title=${fullTime(t.updatedAt)}>${relativeTime(t.updatedAt)}</time>
            ${t.followUpOf ? html`· a follow-up of <a href="${BASE}/tickets/${t.followUpOf}">#${t.followUpOf}</a>` : null}
            ${t.splitFrom ? html`· split off <a href="${BASE}/tickets/${t.splitFrom}">#${t.splitFrom}</a>` : null}
          </p>
          <ticket-presence .number=${t.number}></ticket-presence>
        </div>
        <div class="row">
          ${t.mergedInto === null ? html`<button type="button" ?disabled=${this.busy} @click=${() => { this.merging = !this.merging; }}>Merge into…</button>` : null}
          <button type="button" @click=${this.markUnread}>Mark unread</button>
          <a class="button" href=${t.workflow.temporalWebUrl} target="_blank" rel="noopener noreferrer">Open in Temporal Web</a>
        </div>
      </div>
      ${t.mergedInto !== null ? html`<p class="notice" role="status">Merged into <a href="${BASE}/tickets/${t.mergedInto}">#${t.mergedInto}</a>:
        its messages read there, and the customer's answers to it go there.</p>` : null}
      ${this.merging ? html`<form class="card row merge" @submit=${this.merge} aria-label="Merge into another ticket">
        <div class="field"><label for="merge-into">Merge #${t.number} into ticket number</label>
          <input id="merge-into" name="into" type="number" min="1" required inputmode="numeric"></div>
        <p class="small muted">The same customer's only. This ticket closes without a mail; its messages show on the other one.</p>
        <button type="submit" class="primary" ?disabled=${this.busy}>Merge</button>
        <button type="button" @click=${() => { this.merging = false; }}>Cancel</button>
        ${this.actionProblem ? html`<p class="error" role="alert">${this.actionProblem}</p>` : null}
      </form>` : null}
      ${this.splitting ? html`<form class="card row" @submit=${this.split} aria-label="Split off into a new ticket">
        <div class="field"><label for="split-subject">Subject of the new ticket</label>
          <input id="split-subject" name="subject" required maxlength="255" .value=${`${t.subject}`}></div>
        <p class="small muted">The message becomes the customer's request of a new ticket, assigned to you; here it shows as moved.</p>
        <button type="submit" class="primary" ?disabled=${this.busy}>Split off</button>
        <button type="button" @click=${() => { this.splitting = null; }}>Cancel</button>
        ${this.actionProblem ? html`<p class="error" role="alert">${this.actionProblem}</p>` : null}
      </form>` : null}
      <div class="layout">
        <div class="main">
          <div class="card">
            <div class="controls">
              ${selectOf('status', 'Status', t.status, TICKET_STATUSES.map((s) => [s, STATUS_LABELS[s]]), (status) => this.change({ status: status as PatchTicketBody['status'] }))}
              ${selectOf('priority', 'Priority', t.priority, TICKET_PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]]), (priority) => this.change({ priority: priority as PatchTicketBody['priority'] }))}
              ${selectOf('assignee', 'Assignee', assignee, [['', 'Unassigned'], ...assignable.map((o): [string, string] => [String(o.id), o.name])], (id) => this.change({ assigneeId: id ? Number(id) : null }))}
              ${this.teamList.length || t.team ? selectOf('team', 'Team', t.team ? String(t.team.id) : '', [['', 'No team'], ...this.teamList.map((team): [string, string] => [String(team.id), team.name])],
                (id) => this.change({ teamId: id ? Number(id) : null })) : null}
              ${t.assignee?.id === this.me.id
                ? html`<p class="muted small mine">Assigned to you</p>`
                : html`<button type="button" ?disabled=${this.busy} @click=${() => this.change({ assigneeId: this.me.id })}>Assign to me</button>`}
            </div>
            <div class="tag-row">
              <tag-editor .tags=${t.tags} ?busy=${this.busy}
                @tags-change=${(e: CustomEvent<{ add: string[] } | { remove: string[] }>) => this.change('add' in e.detail ? { addTags: e.detail.add } : { removeTags: e.detail.remove })}></tag-editor>
            </div>
            ${t.status === 'closed' ? null : html`<wait-until ?busy=${this.busy} @wait-until=${(e: CustomEvent<string>) => this.change({ waitingUntil: e.detail })}></wait-until>`}
            ${t.nextClock ? html`<p class="small muted next-clock" role="status">${CLOCK_LABELS[t.nextClock.event] ?? t.nextClock.event}
              <time datetime=${t.nextClock.at} title=${fullTime(t.nextClock.at)}>${relativeTime(t.nextClock.at)}</time> (${fullTime(t.nextClock.at)})</p>` : null}
            ${this.actionProblem ? html`<p class="error" role="alert">${this.actionProblem}</p>` : null}
            <div class="field">
              <label for="public-link">Customer's public link</label>
              <div class="link-row">
                <input id="public-link" readonly .value=${t.publicUrl}>
                <button type="button" @click=${this.copyLink}>Copy public link</button>
                <button type="button" ?disabled=${this.busy || this.confirmingRotation} @click=${() => { this.confirmingRotation = true; }}>Rotate public link</button>
              </div>
              ${this.confirmingRotation ? html`<div class="confirm" role="group" aria-label="Rotate the public link">
                <span>Make a new link? The current one stops working at once; the customer gets the new one with the next mail.</span>
                <button type="button" class="primary" @click=${this.rotateLink}>Make new link</button>
                <button type="button" @click=${() => { this.confirmingRotation = false; }}>Cancel</button>
              </div>` : null}
              ${this.copied ? html`<span class="small muted" role="status">${this.copied}</span>` : null}
            </div>
          </div>
          ${this.fieldsCard(t)}
          ${t.sla ? this.slaCard(t) : null}
          ${t.undeliveredMail.length ? html`<div class="card undelivered" role="note" aria-label="Mail not delivered">
            <ul>${t.undeliveredMail.map((m) => html`<li>
              ${MAIL_LABELS[m.kind] ?? "A mail"} to ${address(m.recipient)}
              ${m.status === 'failed' ? 'was not delivered' : 'has not gone out yet and is tried again'}
              (<time datetime=${m.at} title=${fullTime(m.at)}>${relativeTime(m.at)}</time>): <span class="muted">${m.failure}</span>
            </li>`)}</ul>
          </div>` : null}
          <section aria-labelledby="thread-title">
            <h2 id="thread-title">Conversation</h2>
            <ticket-thread .comments=${t.comments} .customerName=${personName(t.contact)} ?canSplit=${t.mergedInto === null}
              @split-comment=${(e: CustomEvent<string>) => { this.splitting = e.detail; this.actionProblem = null; }}></ticket-thread>
          </section>
          ${t.mergedInto !== null ? null : html`<reply-box .number=${t.number} .customerEmail=${t.contact.email} .status=${t.status} .seenComments=${t.commentCount} @comment-added=${() => this.load()}
            @draft-input=${() => this.renderRoot.querySelector<TicketPresence>('ticket-presence')?.typingNow()}></reply-box>`}
          <details class="card">
            <summary>History (${t.events.length})</summary>
            <ol>${t.events.map((e) => html`<li>
              <time datetime=${e.at} title=${fullTime(e.at)}>${relativeTime(e.at)}</time>:
              ${historySentence(e, (id) => this.operatorList.find((o) => o.id === id)?.name ?? `operator ${id}`, fullTime, {
                field: (key) => this.fieldList.find((f) => f.key === key)?.label ?? key,
                team: (id) => this.teamList.find((team) => team.id === id)?.name ?? `team ${id}`,
              })}
            </li>`)}</ol>
          </details>
        </div>
        <aside class="card">
          <customer-panel .panel=${t.customerPanel} ?busy=${this.busy} @link-customer=${(e: CustomEvent<number | null>) => this.change({ customerId: e.detail })}></customer-panel>
        </aside>
      </div>
    `;
  }
}
customElements.define('ticket-view', TicketView);
