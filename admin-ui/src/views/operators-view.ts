import { LitElement, html, css } from 'lit';
import type { OperatorView } from '../../../api/schemas';
import { MIN_PASSWORD_LENGTH, OPERATOR_ROLES, OperatorRole, ROLE_DESCRIPTIONS, ROLE_LABELS } from '../../../domain/operator';
import { api } from '../api';
import { forgetOperators } from '../operators';
import { shared } from '../styles';
import { ManagedList } from '../components/managed-list';

/**
 * The team: everyone who can log in. Admins add colleagues, change roles, disable someone
 * who left (logged out at once; their tickets stay assigned) and set new passwords.
 */
export class OperatorsView extends LitElement {
  static override properties = { me: { attribute: false }, settingPassword: { state: true } };
  declare me: OperatorView;
  /** The operator whose new-password form is open. */
  declare settingPassword: number | null;
  // The assignee lists elsewhere fetch the team afresh after a change here.
  private readonly team = new ManagedList<OperatorView>(this, '/api/operators', forgetOperators);

  static override styles = [shared, css`
    .card.flush { padding: 0; overflow-x: auto; margin-bottom: 1rem; }
    form.add { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 0.75rem; align-items: end; }
    .inactive td { color: #5b6578; }
    .loading { padding: 1rem; }
    .actions { display: flex; gap: 0.4rem; flex-wrap: wrap; }
    form.password { display: flex; gap: 0.4rem; flex-wrap: wrap; align-items: end; margin-top: 0.4rem; }
  `];

  constructor() {
    super();
    this.settingPassword = null;
  }

  private get isAdmin() {
    return this.me?.role === 'admin';
  }

  private async add(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const body = { name: String(data.get('name')), email: String(data.get('email')), role: String(data.get('role')), password: String(data.get('password')) };
    if (await this.team.act(() => api.post('/api/operators', body), `${body.name} can now log in as ${body.email}.`)) form.reset();
  }

  private change(operator: OperatorView, changes: Partial<Pick<OperatorView, 'role' | 'active'>> & { password?: string }, done: string) {
    return this.team.act(() => api.patch(`/api/operators/${operator.id}`, changes), done);
  }

  private async setPassword(event: SubmitEvent, operator: OperatorView) {
    event.preventDefault();
    const password = String(new FormData(event.target as HTMLFormElement).get('password'));
    if (await this.change(operator, { password }, `${operator.name} has a new password and was logged out everywhere.`)) this.settingPassword = null;
  }

  override render() {
    const { items: list, problem, notice } = this.team;
    return html`
      <h1>Operators</h1>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="card flush">
        ${!list ? html`<p class="muted loading">Loading…</p>` : html`<table>
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Status</th>${this.isAdmin ? html`<th>Actions</th>` : null}</tr></thead>
          <tbody>${list.map((o) => this.row(o))}</tbody>
        </table>`}
      </div>
      ${this.isAdmin ? this.addForm() : html`<p class="muted">Only an admin can add or change operators.</p>`}
    `;
  }

  private row(o: OperatorView) {
    const self = o.id === this.me.id;
    return html`<tr class=${o.active ? '' : 'inactive'}>
      <td>${o.name}${self ? html` <span class="muted small">(you)</span>` : null}</td>
      <td>${o.email}</td>
      <td>${this.isAdmin ? html`
        <label class="visually-hidden" for="role-${o.id}">Role of ${o.name}</label>
        <select id="role-${o.id}" ?disabled=${this.team.busy} @change=${(e: Event) => {
          const role = (e.target as HTMLSelectElement).value as OperatorRole;
          void this.change(o, { role }, `${o.name} is now ${role === 'admin' ? 'an admin' : 'an agent'}.`).then((ok) => { if (!ok) (e.target as HTMLSelectElement).value = o.role; });
        }}>
          ${OPERATOR_ROLES.map((r) => html`<option value=${r} ?selected=${r === o.role}>${ROLE_LABELS[r]}</option>`)}
        </select>` : ROLE_LABELS[o.role]}</td>
      <td>${o.active ? 'Active' : 'Disabled'}</td>
      ${this.isAdmin ? html`<td>
        <div class="actions">
          ${o.active
            ? html`<button type="button" ?disabled=${this.team.busy} @click=${() => this.change(o, { active: false }, `${o.name} was disabled and logged out.`)}>Disable ${o.name}</button>`
            : html`<button type="button" ?disabled=${this.team.busy} @click=${() => this.change(o, { active: true }, `${o.name} can log in again.`)}>Enable ${o.name}</button>`}
          <button type="button" ?disabled=${this.team.busy} aria-expanded=${this.settingPassword === o.id ? 'true' : 'false'}
            @click=${() => { this.settingPassword = this.settingPassword === o.id ? null : o.id; }}>Set password</button>
        </div>
        ${this.settingPassword === o.id ? html`<form class="password" @submit=${(e: SubmitEvent) => this.setPassword(e, o)}>
          <div class="field">
            <label for="password-${o.id}">New password for ${o.name}</label>
            <input id="password-${o.id}" name="password" type="password" autocomplete="new-password" required minlength=${MIN_PASSWORD_LENGTH}>
          </div>
          <button class="primary" type="submit" ?disabled=${this.team.busy}>Save password</button>
        </form>` : null}
      </td>` : null}
    </tr>`;
  }

  private addForm() {
    return html`<section class="card" aria-labelledby="add-heading">
      <h2 id="add-heading">Add an operator</h2>
      <form class="add" @submit=${this.add}>
        <div class="field"><label for="new-name">Name</label><input id="new-name" name="name" required maxlength="200" autocomplete="off"></div>
        <div class="field"><label for="new-email">Email</label><input id="new-email" name="email" type="email" required autocomplete="off"></div>
        <div class="field">
          <label for="new-role">Role</label>
          <select id="new-role" name="role">${OPERATOR_ROLES.map((r) => html`<option value=${r} ?selected=${r === 'agent'}>${ROLE_LABELS[r]}: ${ROLE_DESCRIPTIONS[r]}</option>`)}</select>
        </div>
        <div class="field">
          <label for="new-password">First password (at least ${MIN_PASSWORD_LENGTH} characters)</label>
          <input id="new-password" name="password" type="password" required minlength=${MIN_PASSWORD_LENGTH} autocomplete="new-password">
        </div>
        <div><button class="primary" type="submit" ?disabled=${this.team.busy}>Add operator</button></div>
      </form>
    </section>`;
  }
}
customElements.define('operators-view', OperatorsView);
