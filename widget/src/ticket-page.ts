/** `/t/<token>`: the page a customer's ticket link opens, no account needed. */
import { LitElement, html, css } from 'lit';
import { publicApi } from './public-api';
import { customerStyles } from './styles';
import './ticket-conversation';

export class TicketPage extends LitElement {
  static override styles = [customerStyles, css`
    :host { display: block; max-width: 760px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
    .brand { font-weight: 700; margin-bottom: 1.25rem; color: var(--_muted); }
  `];

  private api = publicApi(location.origin);
  private token = decodeURIComponent(location.pathname.split('/').pop() ?? '');

  override connectedCallback() {
    super.connectedCallback();
    // The link in our mail proves the address is the customer's: tell the helpdesk once,
    // and keep the code out of the address bar (and of anything it is copied into).
    const code = new URLSearchParams(location.search).get('verify');
    if (code) {
      history.replaceState(null, '', location.pathname);
      void this.api.verifyContact(this.token, code).catch(() => undefined);
    }
  }

  override render() {
    return html`<div class="root">
      <p class="brand">Support</p>
      <main><helpdesk-ticket-conversation .api=${this.api} token=${this.token}></helpdesk-ticket-conversation></main>
      <p class="small muted">Anyone with this page's address can read this ticket: don't share it.</p>
    </div>`;
  }
}
if (!customElements.get('helpdesk-ticket-page')) customElements.define('helpdesk-ticket-page', TicketPage);
