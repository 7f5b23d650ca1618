import { LitElement, html, css } from 'lit';
import type { MailboxView } from '../../../api/schemas';
import { mailServerUrl } from '../../../domain/mail-server';
import { api, ApiError } from '../api';
import { shared } from '../styles';

const port = (value: FormDataEntryValue | null) => (value && String(value).trim() ? Number(value) : null);

/**
 * The helpdesk's mailboxes (admins only): the one from IMAP_URL, read-only, and those added
 * here. Passwords go in and are kept encrypted; the list never shows them.
 */
export class MailboxesView extends LitElement {
  static override properties = { list: { state: true }, problem: { state: true }, notice: { state: true }, busy: { state: true }, ownSmtp: { state: true } };
  declare list: MailboxView[] | null;
  declare problem: string | null;
  declare notice: string | null;
  declare busy: boolean;
  /** Whether the new mailbox sends through an SMTP server of its own. */
  declare ownSmtp: boolean;

  static override styles = [shared, css`
    .card.flush { padding: 0; overflow-x: auto; margin-bottom: 1rem; }
    .loading, .empty { padding: 1rem; }
    fieldset { border: 1px solid #dde1e8; border-radius: 8px; padding: 0.75rem; margin: 0 0 0.75rem; }
    legend { font-weight: 600; padding: 0 0.3rem; }
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 0.75rem; align-items: end; }
    .check { flex-direction: row; align-items: center; gap: 0.4rem; }
    .off td { color: #5b6578; }
  `];

  constructor() {
    super();
    this.list = null;
    this.problem = null;
    this.notice = null;
    this.busy = false;
    this.ownSmtp = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.list = await api.get<MailboxView[]>('/api/mailboxes');
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  private async act(action: () => Promise<unknown>, done: string): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    this.notice = null;
    try {
      await action();
      this.notice = done;
      await this.load();
      return true;
    } catch (error) {
      this.problem = error instanceof ApiError ? error.message : String(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async add(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const body = {
      name: text('name'),
      address: text('address'),
      imapUrl: mailServerUrl({
        protocol: data.get('imapTls') ? 'imaps' : 'imap', host: text('imapHost'), port: port(data.get('imapPort')),
        user: text('imapUser'), password: String(data.get('imapPassword')), folder: text('imapFolder') || 'INBOX',
      }),
      smtpUrl: this.ownSmtp
        ? mailServerUrl({
          protocol: data.get('smtpTls') ? 'smtps' : 'smtp', host: text('smtpHost'), port: port(data.get('smtpPort')),
          user: text('smtpUser'), password: String(data.get('smtpPassword')),
        })
        : null,
    };
    if (await this.act(() => api.post('/api/mailboxes', body), `Mail to ${body.address} is now taken from ${text('imapHost')}.`)) {
      form.reset();
      this.ownSmtp = false;
    }
  }

  override render() {
    const list = this.list;
    return html`
      <h1>Mailboxes</h1>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : null}
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
                ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.act(() => api.patch(`/api/mailboxes/${m.id}`, { active: false }), `${m.address} is switched off: its mail is no longer taken.`)}>Switch off ${m.name}</button>`
                : html`<button type="button" ?disabled=${this.busy} @click=${() => this.act(() => api.patch(`/api/mailboxes/${m.id}`, { active: true }), `${m.address} is switched on again.`)}>Switch on ${m.name}</button>`}</td>
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
        <fieldset>
          <legend>Incoming mail (IMAP)</legend>
          <div class="grid">
            <div class="field"><label for="imapHost">IMAP server</label><input id="imapHost" name="imapHost" required autocomplete="off"></div>
            <div class="field"><label for="imapPort">Port (empty: 993 with TLS, 143 without)</label><input id="imapPort" name="imapPort" type="number" min="1" max="65535"></div>
            <div class="field check"><input id="imapTls" name="imapTls" type="checkbox" checked><label for="imapTls">TLS</label></div>
            <div class="field"><label for="imapUser">IMAP user</label><input id="imapUser" name="imapUser" required autocomplete="off"></div>
            <div class="field"><label for="imapPassword">IMAP password</label><input id="imapPassword" name="imapPassword" type="password" required autocomplete="new-password"></div>
            <div class="field"><label for="imapFolder">Folder</label><input id="imapFolder" name="imapFolder" placeholder="INBOX" autocomplete="off"></div>
          </div>
        </fieldset>
        <div class="field check">
          <input id="ownSmtp" type="checkbox" .checked=${this.ownSmtp} @change=${(e: Event) => { this.ownSmtp = (e.target as HTMLInputElement).checked; }}>
          <label for="ownSmtp">Send its notifications through its own SMTP server (otherwise the default one)</label>
        </div>
        ${this.ownSmtp ? html`<fieldset>
          <legend>Outgoing mail (SMTP)</legend>
          <div class="grid">
            <div class="field"><label for="smtpHost">SMTP server</label><input id="smtpHost" name="smtpHost" required autocomplete="off"></div>
            <div class="field"><label for="smtpPort">Port (empty: 465 with TLS, 587 without)</label><input id="smtpPort" name="smtpPort" type="number" min="1" max="65535"></div>
            <div class="field check"><input id="smtpTls" name="smtpTls" type="checkbox" checked><label for="smtpTls">TLS</label></div>
            <div class="field"><label for="smtpUser">SMTP user</label><input id="smtpUser" name="smtpUser" required autocomplete="off"></div>
            <div class="field"><label for="smtpPassword">SMTP password</label><input id="smtpPassword" name="smtpPassword" type="password" required autocomplete="new-password"></div>
          </div>
        </fieldset>` : null}
        <button class="primary" type="submit" ?disabled=${this.busy}>Add mailbox</button>
      </form>
    </section>`;
  }
}
customElements.define('mailboxes-view', MailboxesView);
