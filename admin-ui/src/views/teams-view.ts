import { LitElement, html, css } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { CreateTeamBody, OperatorView, TeamView } from '../../../api/schemas';
import { TEAM_ASSIGNMENTS, TEAM_ASSIGNMENT_LABELS, TeamAssignment } from '../../../domain/teams';
import { TICKET_SOURCES } from '../../../domain/ticket';
import { api } from '../api';
import { SOURCE_LABELS } from '../format';
import { operators } from '../operators';
import { shared } from '../styles';
import { ManagedList } from '../components/managed-list';
import { forgetTeams } from '../teams';

/**
 * Teams: which channels' new tickets each takes (the first that matches, in this order),
 * who is in it, and how its tickets find someone; members say on their own when they are
 * available (the switch in the header).
 */
export class TeamsView extends LitElement {
  static override properties = {
    formGeneration: { state: true }, me: { attribute: false }, editing: { state: true }, operatorList: { state: true } };
  declare me: OperatorView;
  declare editing: TeamView | null;
  declare operatorList: OperatorView[];
  /** Bumped to make the form anew (keyed) after a save or for another item. */
  declare formGeneration: number;
  private readonly teams = new ManagedList<TeamView>(this, '/api/teams', forgetTeams);

  static override styles = [shared, css`
    .card.flush { margin-bottom: 1rem; }
    fieldset.group .check { display: inline-flex; margin-right: 0.8rem; }
  `];

  constructor() {
    super();
    this.formGeneration = 0;
    this.editing = null;
    this.operatorList = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    operators().then((list) => { this.operatorList = list; }).catch(() => undefined);
  }

  private edit(team: TeamView | null) {
    this.editing = team;
    this.formGeneration++;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const sources = TICKET_SOURCES.filter((s) => data.get(`source-${s}`) !== null);
    const mailboxes = String(data.get('mailboxes') ?? '').split(',').map((m) => m.trim()).filter(Boolean);
    const accept = String(data.get('accept') ?? '').trim();
    const body: CreateTeamBody = {
      name: String(data.get('name') ?? '').trim(),
      sources: sources.length === TICKET_SOURCES.length ? null : sources,
      mailboxes: mailboxes.length ? mailboxes : null,
      assignment: String(data.get('assignment')) as TeamAssignment,
      acceptWithin: accept ? `${Number(accept)}m` : null,
      members: this.operatorList.filter((o) => data.get(`member-${o.id}`) !== null).map((o) => o.id),
    };
    const editing = this.editing;
    const saved = editing
      ? await this.teams.act(() => api.patch(`/api/teams/${editing.id}`, body), `${body.name} is changed.`)
      : await this.teams.act(() => api.post('/api/teams', body), `${body.name} is added.`);
    if (saved) this.edit(null);
  }

  private form() {
    const t = this.editing;
    const busy = this.teams.busy;
    const minutes = t?.acceptWithin ? Math.round(Number.parseInt(t.acceptWithin, 10) * ({ s: 1 / 60, m: 1, h: 60 }[t.acceptWithin.slice(-1) as 's' | 'm' | 'h'] ?? 1)) : '';
    return html`<form class="card" @submit=${this.save} aria-label=${t ? `Change ${t.name}` : 'Add a team'}>
      <h2>${t ? `Change ${t.name}` : 'Add a team'}</h2>
      <div class="grid">
        <div class="field"><label for="team-name">Name</label><input id="team-name" name="name" required maxlength="80" .value=${t?.name ?? ''}></div>
        <div class="field"><label for="assignment">New tickets go to</label><select id="assignment" name="assignment">
          ${TEAM_ASSIGNMENTS.map((a) => html`<option value=${a} ?selected=${(t?.assignment ?? 'round_robin') === a}>${TEAM_ASSIGNMENT_LABELS[a]}</option>`)}</select></div>
        <div class="field"><label for="accept">Passed on if not opened within (minutes; empty: never)</label><input id="accept" name="accept" type="number" min="1" max="10000" .value=${String(minutes)}></div>
        <div class="field"><label for="mailboxes">Only these mailboxes (comma-separated; empty: any)</label><input id="mailboxes" name="mailboxes" .value=${(t?.mailboxes ?? []).join(', ')}></div>
      </div>
      <fieldset class="group"><legend>Takes new tickets from</legend>
        ${TICKET_SOURCES.map((s) => html`<span class="field check"><input type="checkbox" id=${`source-${s}`} name=${`source-${s}`} ?checked=${!t || t.sources === null || t.sources.includes(s)}>
          <label for=${`source-${s}`}>${SOURCE_LABELS[s]}</label></span>`)}
      </fieldset>
      <fieldset class="group"><legend>Members</legend>
        ${this.operatorList.filter((o) => o.active).map((o) => html`<span class="field check"><input type="checkbox" id=${`member-${o.id}`} name=${`member-${o.id}`} ?checked=${t?.members.includes(o.id) ?? false}>
          <label for=${`member-${o.id}`}>${o.name}</label></span>`)}
      </fieldset>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${busy}>${t ? 'Save changes' : 'Add team'}</button>
        ${t ? html`<button type="button" ?disabled=${busy} @click=${() => this.edit(null)}>Cancel</button>` : null}
      </div>
    </form>`;
  }

  override render() {
    const { items: list, problem, notice, busy } = this.teams;
    const admin = this.me?.role === 'admin';
    const nameOf = (id: number) => this.operatorList.find((o) => o.id === id)?.name ?? `operator ${id}`;
    return html`
      <h1>Teams</h1>
      <p class="muted small">A new ticket goes to the first team (in this order) whose channels it came by. Members mark themselves available in the header.</p>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="card flush">
        ${!list ? html`<p class="muted loading">Loading…</p>` : list.length === 0 ? html`<p class="muted empty">No team yet.</p>` : html`<table>
          <thead><tr><th>Team</th><th>Takes</th><th>Assignment</th><th>Members</th><th></th></tr></thead>
          <tbody>${list.map((t) => html`<tr>
            <td>${t.name}</td>
            <td>${t.sources === null ? 'Every channel' : t.sources.map((s) => SOURCE_LABELS[s]).join(', ')}${t.mailboxes ? html`<div class="small muted">mailboxes ${t.mailboxes.join(', ')}</div>` : null}</td>
            <td>${TEAM_ASSIGNMENT_LABELS[t.assignment]}${t.acceptWithin ? html`<div class="small muted">passed on after ${t.acceptWithin}</div>` : null}</td>
            <td>${t.members.map((id) => {
              const o = this.operatorList.find((x) => x.id === id);
              return html`<span class="badge ${o?.available ? 'due-later' : 'status-closed'}" title=${o?.available ? 'available' : 'away'}>${nameOf(id)}</span> `;
            })}</td>
            <td>${admin ? html`<button type="button" ?disabled=${busy} @click=${() => this.edit(t)}>Change ${t.name}</button>
              <button type="button" ?disabled=${busy} @click=${() => void this.teams.act(() => api.delete(`/api/teams/${t.id}`), `${t.name} is removed.`)}>Remove ${t.name}</button>` : null}</td>
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${admin ? keyed(this.formGeneration, this.form()) : null}
    `;
  }
}
customElements.define('teams-view', TeamsView);
