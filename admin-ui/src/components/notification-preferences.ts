import { LitElement, html, css } from 'lit';
import type { InboxPreferencesView } from '../../../api/schemas';
import { INBOX_KINDS, INBOX_LABELS, MAILED_INBOX_KINDS } from '../../../domain/inbox';
import { api } from '../api';
import { shared } from '../styles';
import { BROWSER_NOTIFICATIONS_KEY } from './notification-bell';

/** What the operator wants to be told of: in the bell, by mail, and by this browser when the tab is in the background. */
export class NotificationPreferences extends LitElement {
  static override properties = { preferences: { state: true }, problem: { state: true }, notice: { state: true }, browser: { state: true } };
  declare preferences: InboxPreferencesView | null;
  declare problem: string | null;
  declare notice: string | null;
  declare browser: boolean;

  static override styles = [shared, css`
    table { border-collapse: collapse; }
    th, td { padding: 0.3rem 0.6rem; text-align: left; }
    td.check { text-align: center; }
  `];

  constructor() {
    super();
    this.preferences = null;
    this.problem = null;
    this.notice = null;
    this.browser = localStorage.getItem(BROWSER_NOTIFICATIONS_KEY) === 'on';
  }

  override connectedCallback() {
    super.connectedCallback();
    api.get<InboxPreferencesView>('/api/me/notifications').then((p) => { this.preferences = p; }, (error: Error) => { this.problem = error.message; });
  }

  private async set(kind: (typeof INBOX_KINDS)[number], channel: 'inApp' | 'mail', on: boolean) {
    const next = { ...this.preferences!, [kind]: { ...this.preferences![kind], [channel]: on } };
    this.problem = null;
    try {
      this.preferences = await api.put<InboxPreferencesView>('/api/me/notifications', next);
      this.notice = 'Saved.';
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  private async setBrowser(on: boolean) {
    if (on && typeof Notification !== 'undefined' && Notification.permission !== 'granted') {
      const answer = await Notification.requestPermission().catch(() => 'denied' as const);
      if (answer !== 'granted') {
        this.problem = 'This browser does not let the helpdesk show notifications; allow them in its site settings.';
        this.browser = false;
        return;
      }
    }
    localStorage.setItem(BROWSER_NOTIFICATIONS_KEY, on ? 'on' : 'off');
    this.browser = on;
    this.notice = on ? 'This browser tells you of new notifications while the helpdesk tab is in the background.' : 'Saved.';
  }

  override render() {
    const p = this.preferences;
    return html`
      ${!p ? html`<p class="muted">Loading…</p>` : html`<table>
        <thead><tr><th>Tell me when</th><th>In the app</th><th>By mail</th></tr></thead>
        <tbody>${INBOX_KINDS.map((kind) => html`<tr>
          <td>${INBOX_LABELS[kind]}</td>
          <td class="check"><input type="checkbox" aria-label="${INBOX_LABELS[kind]}: in the app" .checked=${p[kind].inApp} @change=${(e: Event) => this.set(kind, 'inApp', (e.target as HTMLInputElement).checked)}></td>
          <td class="check">${MAILED_INBOX_KINDS.has(kind) ? html`<input type="checkbox" aria-label="${INBOX_LABELS[kind]}: by mail" .checked=${p[kind].mail}
            @change=${(e: Event) => this.set(kind, 'mail', (e.target as HTMLInputElement).checked)}>` : html`<span class="muted" title="In the app only">—</span>`}</td>
        </tr>`)}</tbody>
      </table>`}
      <span class="field check"><input type="checkbox" id="browser-notifications" .checked=${this.browser} @change=${(e: Event) => this.setBrowser((e.target as HTMLInputElement).checked)}>
        <label for="browser-notifications">Also as a browser notification while this tab is in the background</label></span>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : null}
    `;
  }
}
customElements.define('notification-preferences', NotificationPreferences);
