import { LitElement, html, css } from 'lit';
import type { MailboxView } from '../../../api/schemas';
import { mailServerUrl } from '../../../domain/mail-server';
import { api } from '../api';
import { shared } from '../styles';
import { ManagedList } from '../components/managed-list';

type Server = 'imap' | 'smtp';
const USUAL_PORTS: Record<Server, [tls: number, plain: number]> = { imap: [993, 143], smtp: [465, 587] };

/** The form's fields of one server, named after it (imapHost, smtpUser, ...). */
function serverFields(server: Server) {
  const name = server.toUpperCase();
  const [tls, plain] = USUAL_PORTS[server];
  return html`
    <div class="field"><label for="${server}Host">${name} server</label><input id="${server}Host" name="${server}Host" required autocomplete="off"></div>
    <div class="field"><label for="${server}Port">${name} port (empty: ${tls} with TLS, ${plain} without)</label><input id="${server}Port" name="${server}Port" type="number" min="1" max="65535"></div>
    <div class="field check"><input id="${server}Tls" name="${server}Tls" type="checkbox" checked><label for="${server}Tls">${name} over TLS</label></div>
    <div class="field"><label for="${server}User">${name} user</label><input id="${server}User" name="${server}User" required autocomplete="off"></div>
    <div class="field"><label for="${server}Password">${name} password</label><input id="${server}Password" name="${server}Password" type="password" required autocomplete="new-password"></div>`;
}

/** The URL of the server the form's fields describe. */
function serverUrl(data: FormData, server: Server, folder?: string): string {
  const text = (field: string) => String(data.get(`${server}${field}`) ?? '').trim();
  return mailServerUrl({
    protocol: data.get(`${server}Tls`) ? `${server}s` : server,
    host: text('Host'),
    port: text('Port') ? Number(text('Port')) : null,
    user: text('User'),
    password: String(data.get(`${server}Password`) ?? ''),
    ...(folder ? { folder } : {}),
  });
}

/**
 * The helpdesk's mailboxes (admins only): the one from IMAP_URL, read-only, and those added
 * here. Passwords go in and are kept encrypted; the list never shows them.
 */
export class MailboxesView extends LitElement {
  static override properties = { ownSmtp: { state: true } };
  /** Whether the new mailbox sends through an SMTP server of its own. */
  declare ownSmtp: boolean;
  private readonly mailboxes = new ManagedList<MailboxView>(this, '/api/mailboxes');

  static override styles = [shared, css`
    .card.flush { margin-bottom: 1rem; }
    .off td { color: #5b6578; }
  `];

  constructor() {
    super();
    this.ownSmtp = false;
  }

  private async add(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const body = {
      name: text('name'),
      address: text('address'),
      imapUrl: serverUrl(data, 'imap', text('imapFolder') || 'INBOX'),
      smtpUrl: this.ownSmtp ? serverUrl(data, 'smtp') : null,
    };
    if (await this.mailboxes.act(() => api.post('/api/mailboxes', body), `Mail to ${body.address} is now taken from ${text('imapHost')}.`)) {
      form.reset();
      this.ownSmtp = false;
    }
  }

  override render() {
    const { items: list, problem, notice, busy } = this.mailboxes;
    return html`
      <h1>Mailboxes</h1>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="card flush">
        ${!list ? html`<p class="muted loading">Loading…</p>` : list.length === 0 ? html`<p class="muted empty">No mailbox yet: tickets come from the widget and the admin UI only.</p>` : html`<table>
          <thead><tr><th>Name</th><th>Address</th><th>Mail is taken from</th><th>Answers go out through</th><th>Status</th><th></th></tr></thead>
          <tbody>${list.map((m) => html`<tr class=${m.active ? '' : 'off'}>
            <td>${m.name}</td>
            <td>${m.address}</td>
            <td>${m.imap.user} at ${m.imap.host}:${m.imap.port}${m.imap.secure ? ' (TLS)' : ''}, folder ${m.imap.folder}</td>
            <td>${m.smtp ? `${m.smtp.user} at ${m.smtp.host}:${m.smtp.port}${m.smtp.secure ? ' (TLS)' : ''}` : 'the default outgoing server'}</td>
            <td>${m.active ? 'On' : 'Off'}</td>
            <td>${m.source === 'environment'
              ? html`<span class="muted small">Set by IMAP_URL</span>`
              : m.active
                ? html`<button type="button" ?disabled=${busy} @click=${() => this.mailboxes.act(() => api.patch(`/api/mailboxes/${m.id}`, { active: false }), `${m.address} is switched off: its mail is no longer taken.`)}>Switch off ${m.name}</button>`
                : html`<button type="button" ?disabled=${busy} @click=${() => this.mailboxes.act(() => api.patch(`/api/mailboxes/${m.id}`, { active: true }), `${m.address} is switched on again.`)}>Switch on ${m.name}</button>`}</td>
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${this.addForm()}
    `;
  }

  private addForm() {
    return html`<section class="card" aria-labelledby="add-heading">
      <h2 id="add-heading">Add a mailbox</h2>
      <p class="muted small">Every mail that arrives in the folder becomes a ticket or an answer to one; notifications for its tickets come from its address.</p>
      <form @submit=${this.add}>
        <div class="grid">
          <div class="field"><label for="name">Name (lower-case letters, digits, dashes)</label><input id="name" name="name" required pattern="[a-z0-9][a-z0-9\\-]{0,62}" autocomplete="off"></div>
          <div class="field"><label for="address">Address customers write to</label><input id="address" name="address" type="email" required autocomplete="off"></div>
        </div>
        <fieldset class="group">
          <legend>Incoming mail (IMAP)</legend>
          <div class="grid">
            ${serverFields('imap')}
            <div class="field"><label for="imapFolder">Folder</label><input id="imapFolder" name="imapFolder" placeholder="INBOX" autocomplete="off"></div>
          </div>
        </fieldset>
        <div class="field check">
          <input id="ownSmtp" type="checkbox" .checked=${this.ownSmtp} @change=${(e: Event) => { this.ownSmtp = (e.target as HTMLInputElement).checked; }}>
          <label for="ownSmtp">Send its notifications through its own SMTP server (otherwise the default one)</label>
        </div>
        ${this.ownSmtp ? html`<fieldset class="group">
          <legend>Outgoing mail (SMTP)</legend>
          <div class="grid">${serverFields('smtp')}</div>
        </fieldset>` : null}
        <button class="primary" type="submit" ?disabled=${this.mailboxes.busy}>Add mailbox</button>
      </form>
    </section>`;
  }
}
customElements.define('mailboxes-view', MailboxesView);
