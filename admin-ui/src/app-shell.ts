import { LitElement, html, css } from 'lit';
import { api, Me, onUnauthorized, setSession } from './api';
import { connectLive, disconnectLive, onTicketChange } from './live';
import { BASE, navigate, parseRoute, Route, ROUTE_CHANGED } from './router';
import { shared } from './styles';
import './views/login-view';
import './views/ticket-list-view';
import './views/ticket-view';
import './views/new-ticket-view';
import './views/customer-list-view';
import './views/customer-view';
import './views/inbound-mail-view';
import './views/operators-view';
import './views/mailboxes-view';
import './views/profile-view';
import './views/sla-policies-view';
import './views/canned-replies-view';
import './views/tags-view';
import './views/ticket-fields-view';
import './views/teams-view';
import './components/notification-bell';
import type { OperatorView } from '../../api/schemas';

/** The logged-in frame: navigation, who is logged in, and the screen the URL names. */
export class HelpdeskAdmin extends LitElement {
  static override properties = { me: { state: true }, route: { state: true }, loading: { state: true }, problem: { state: true }, slaAlerts: { state: true } };
  /** SLA warnings and breaches as they happen, newest first, until dismissed. */
  declare slaAlerts: Array<{ number: number; missed: boolean }>;
  private stopSlaAlerts: (() => void) | null = null;
  declare me: Me | null;
  declare route: Route;
  declare loading: boolean;
  declare problem: string | null;
  /** Where to go back to once logged in (a link from the operator mail, say). */
  private afterLogin = `${BASE}/tickets`;

  static override styles = [shared, css`
    header {
      display: flex; align-items: center; gap: 1rem; padding: 0.5rem 1rem; background: #1d2330; color: #fff; flex-wrap: wrap;
    }
    header .brand { font-weight: 700; font-size: 1.05rem; color: #fff; text-decoration: none; margin-right: 0.5rem; }
    .sla-alerts { background: #fff4e5; border-bottom: 1px solid #f0c48a; padding: 0.25rem 1rem; }
    .sla-alerts p { margin: 0.25rem 0; display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
    header nav { display: flex; gap: 0.25rem; flex-wrap: wrap; }
    header nav a { color: #d7deea; text-decoration: none; padding: 0.35rem 0.6rem; border-radius: 6px; }
    header nav a[aria-current='page'] { background: #38435a; color: #fff; }
    header nav a:hover { background: #2c3547; color: #fff; }
    header .who { margin-left: auto; display: flex; align-items: center; gap: 0.6rem; font-size: 0.9rem; }
    header .who button { background: transparent; color: #fff; border-color: #5b6578; }
    header .availability { color: #d7deea; display: inline-flex; gap: 0.3rem; align-items: center; font-weight: 400; }
    header .who a { color: #d7deea; text-decoration: none; padding: 0.35rem 0.6rem; border-radius: 6px; }
    header .who a[aria-current='page'], header .who a:hover { background: #38435a; color: #fff; }
    main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
    .skip { position: absolute; left: -999px; }
    .skip:focus { left: 1rem; top: 0.5rem; background: #fff; color: #1d2330; padding: 0.3rem 0.6rem; z-index: 10; }
  `];

  constructor() {
    super();
    this.me = null;
    // The list is the home screen; give it its own address so links and history agree.
    if (/^\/admin\/?$/.test(location.pathname)) history.replaceState(null, '', `${BASE}/tickets${location.search}`);
    this.route = parseRoute(location);
    this.loading = true;
    this.slaAlerts = [];
    this.problem = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener(ROUTE_CHANGED, this.onRouteChanged);
    onUnauthorized(() => this.loggedOut());
    void this.loadSession();
    this.stopSlaAlerts = onTicketChange((change) => {
      if (change?.type !== 'sla_warning' && change?.type !== 'sla_breach') return;
      const alert = { number: change.number, missed: change.type === 'sla_breach' };
      this.slaAlerts = [alert, ...this.slaAlerts.filter((a) => a.number !== alert.number)].slice(0, 5);
    });
  }

  override disconnectedCallback() {
    window.removeEventListener(ROUTE_CHANGED, this.onRouteChanged);
    this.stopSlaAlerts?.();
    super.disconnectedCallback();
  }

  private onRouteChanged = () => {
    this.route = parseRoute(location);
    window.scrollTo(0, 0);
  };

  private async loadSession() {
    try {
      const session = await api.get<{ operator: Me['operator'] | null; csrfToken: string | null }>('/api/auth/session');
      if (session.operator && session.csrfToken) this.loggedIn({ operator: session.operator, csrfToken: session.csrfToken });
      else this.loggedOut();
    } catch (error) {
      this.problem = (error as Error).message;
      this.loggedOut();
    } finally {
      this.loading = false;
    }
  }

  private loggedIn(me: Me) {
    this.me = me;
    setSession(me.csrfToken);
    connectLive();
    if (this.route.name === 'login') navigate(this.afterLogin, { replace: true });
  }

  private loggedOut() {
    this.me = null;
    setSession(null);
    disconnectLive();
    if (this.route.name !== 'login') {
      this.afterLogin = location.pathname + location.search;
      navigate(`${BASE}/login`, { replace: true });
    }
  }

  private async setAvailable(available: boolean) {
    try {
      await api.put('/api/me/availability', { available });
      this.me = { ...this.me!, operator: { ...this.me!.operator, available } };
    } catch (error) {
      this.problem = (error as Error).message;
      this.requestUpdate();
    }
  }

  private async logout() {
    try {
      await api.post('/api/auth/logout');
    } finally {
      this.afterLogin = `${BASE}/tickets`;
      this.loggedOut();
    }
  }

  override render() {
    if (this.loading) return html`<main><p class="muted">Loading…</p></main>`;
    if (!this.me || this.route.name === 'login') {
      return html`<main>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
        <login-view @logged-in=${(event: CustomEvent<Me>) => this.loggedIn(event.detail)}></login-view>
      </main>`;
    }
    const section = this.route.name === 'customers' || this.route.name === 'customer' || this.route.name === 'new-customer'
      ? 'customers'
      : ['new-ticket', 'inbound-mail', 'operators', 'mailboxes', 'sla-policies', 'canned-replies', 'tags', 'ticket-fields', 'teams', 'profile'].includes(this.route.name) ? this.route.name : 'tickets';
    const current = (name: string) => (section === name ? 'page' : undefined);
    return html`
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <a class="brand" href="${BASE}/tickets">Helpdesk</a>
        <nav aria-label="Main">
          <a href="${BASE}/tickets" aria-current=${current('tickets') ?? 'false'}>Tickets</a>
          <a href="${BASE}/tickets/new" aria-current=${current('new-ticket') ?? 'false'}>New ticket</a>
          <a href="${BASE}/customers" aria-current=${current('customers') ?? 'false'}>Customers</a>
          <a href="${BASE}/inbound-mail" aria-current=${current('inbound-mail') ?? 'false'}>Inbound mail</a>
          <a href="${BASE}/operators" aria-current=${current('operators') ?? 'false'}>Operators</a>
          <a href="${BASE}/teams" aria-current=${current('teams') ?? 'false'}>Teams</a>
          <a href="${BASE}/canned-replies" aria-current=${current('canned-replies') ?? 'false'}>Canned replies</a>
          <a href="${BASE}/tags" aria-current=${current('tags') ?? 'false'}>Tags</a>
          <a href="${BASE}/ticket-fields" aria-current=${current('ticket-fields') ?? 'false'}>Fields</a>
          <a href="${BASE}/sla-policies" aria-current=${current('sla-policies') ?? 'false'}>SLA</a>
          ${this.me.operator.role === 'admin' ? html`<a href="${BASE}/mailboxes" aria-current=${current('mailboxes') ?? 'false'}>Mailboxes</a>` : null}
        </nav>
        <div class="who">
          <label class="availability" title="Take new tickets from your teams' round-robin">
            <input type="checkbox" .checked=${this.me.operator.available} @change=${(e: Event) => this.setAvailable((e.target as HTMLInputElement).checked)}> Available</label>
          <notification-bell></notification-bell>
          <a href="${BASE}/profile" aria-current=${current('profile') ?? 'false'} title="Your profile: name, signature, password">${this.me.operator.name}</a>
          <button type="button" @click=${() => this.logout()}>Log out</button>
        </div>
      </header>
      ${this.slaAlerts.length ? html`<div class="sla-alerts" role="status" aria-label="SLA alerts">${this.slaAlerts.map((a) => html`<p>
        <a href="${BASE}/tickets/${a.number}">Ticket #${a.number}</a> ${a.missed ? 'missed an SLA target' : 'is about to miss an SLA target'}.
        <button type="button" @click=${() => { this.slaAlerts = this.slaAlerts.filter((x) => x !== a); }}>Dismiss</button></p>`)}</div>` : null}
      <main id="main">${this.screen(this.route)}</main>
    `;
  }

  private screen(route: Route) {
    const me = this.me!.operator;
    switch (route.name) {
      case 'tickets': return html`<ticket-list-view .me=${me} .params=${route.params}></ticket-list-view>`;
      case 'ticket': return html`<ticket-view .me=${me} .number=${route.number}></ticket-view>`;
      case 'new-ticket': return html`<new-ticket-view .me=${me}></new-ticket-view>`;
      case 'customers': return html`<customer-list-view .params=${route.params}></customer-list-view>`;
      case 'customer': return html`<customer-view .customerId=${route.id}></customer-view>`;
      case 'new-customer': return html`<customer-view .customerId=${null}></customer-view>`;
      case 'inbound-mail': return html`<inbound-mail-view .params=${route.params}></inbound-mail-view>`;
      case 'operators': return html`<operators-view .me=${me}></operators-view>`;
      case 'sla-policies': return html`<sla-policies-view .me=${me}></sla-policies-view>`;
      case 'canned-replies': return html`<canned-replies-view .me=${me}></canned-replies-view>`;
      case 'tags': return html`<tags-view .me=${me}></tags-view>`;
      case 'ticket-fields': return html`<ticket-fields-view .me=${me}></ticket-fields-view>`;
      case 'teams': return html`<teams-view .me=${me}></teams-view>`;
      case 'profile': return html`<profile-view .me=${me} @profile-changed=${(event: CustomEvent<OperatorView>) => {
        this.me = { ...this.me!, operator: event.detail };
      }}></profile-view>`;
      case 'mailboxes': return me.role === 'admin'
        ? html`<mailboxes-view></mailboxes-view>`
        : html`<h1>Mailboxes</h1><p>Only an admin can see and change the mailboxes.</p>`;
      default: return html`<h1>Not found</h1><p>There is no such page. <a href="${BASE}/tickets">Back to the tickets</a></p>`;
    }
  }
}
customElements.define('helpdesk-admin', HelpdeskAdmin);
