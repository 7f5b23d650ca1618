import { LitElement, html, css } from 'lit';
import type { InboxEntryView, InboxPage } from '../../../api/schemas';
import { inboxSentence } from '../../../domain/inbox';
import { api } from '../api';
import { relativeTime, fullTime } from '../format';
import { onInbox } from '../live';
import { BASE } from '../router';
import { shared } from '../styles';

/** Where the operator's choice to be told by the browser, too, is kept (it is this browser's). */
export const BROWSER_NOTIFICATIONS_KEY = 'helpdesk.browserNotifications';
/** Sent by whatever marks entries read elsewhere (opening a ticket): the bell asks again. */
export const INBOX_READ = 'inbox-read';

/**
 * The bell: how many things the operator was told of and has not read, live, and the list
 * of them, each a link to its ticket. With the operator's leave, a browser notification
 * too while the tab is in the background.
 */
export class NotificationBell extends LitElement {
  static override properties = { unread: { state: true }, items: { state: true }, open: { state: true } };
  declare unread: number;
  declare items: InboxEntryView[] | null;
  declare open: boolean;
  private unsubscribe: (() => void) | null = null;
  /** The newest entry already seen by this page, so a browser notification is shown once. */
  private newestSeen: bigint = 0n;
  private readonly refresh = () => void this.load();
  /** Entries were marked read elsewhere: ask again only if that changed the count. */
  private readonly readElsewhere = (event: Event) => {
    if ((event as CustomEvent<number>).detail !== this.unread) void this.load();
  };

  static override styles = [shared, css`
    :host { position: relative; }
    button.bell { background: transparent; color: #fff; border-color: #5b6578; }
    .count { display: inline-block; min-width: 1.2rem; padding: 0 0.3rem; margin-left: 0.3rem; border-radius: 999px; background: #d93025; color: #fff; font-size: 0.75rem; font-weight: 700; text-align: center; }
    .panel { position: absolute; right: 0; top: calc(100% + 0.4rem); width: min(26rem, 90vw); background: #fff; color: #1d2330; border: 1px solid #b7bfcc; border-radius: 8px; box-shadow: 0 6px 20px rgba(0,0,0,0.2); z-index: 20; }
    .panel header { display: flex; justify-content: space-between; align-items: center; padding: 0.5rem 0.75rem; border-bottom: 1px solid #e2e6ee; }
    .panel h2 { font-size: 1rem; margin: 0; }
    ul { list-style: none; margin: 0; padding: 0; max-height: 24rem; overflow-y: auto; }
    li a { display: block; padding: 0.5rem 0.75rem; color: inherit; text-decoration: none; border-bottom: 1px solid #f0f2f6; }
    li a:hover, li a:focus-visible { background: #f3f6fb; }
    li.unread a { background: #eef4ff; font-weight: 600; }
    .subject { display: block; font-weight: 400; font-size: 0.85rem; color: #4a5568; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .empty { padding: 0.75rem; margin: 0; }
  `];

  constructor() {
    super();
    this.unread = 0;
    this.items = null;
    this.open = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.unsubscribe = onInbox(this.refresh);
    window.addEventListener(INBOX_READ, this.readElsewhere);
    void this.load(true);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.unsubscribe?.();
    window.removeEventListener(INBOX_READ, this.readElsewhere);
  }

  private async load(first = false) {
    try {
      const page = await api.get<InboxPage>('/api/inbox?limit=30');
      this.unread = page.unread;
      this.items = page.items;
      const newest = page.items[0] ? BigInt(page.items[0].id) : 0n;
      if (!first) this.tellTheBrowser(page.items.filter((e) => !e.read && BigInt(e.id) > this.newestSeen));
      if (newest > this.newestSeen) this.newestSeen = newest;
    } catch {
      // The bell is a courtesy: the next event asks again.
    }
  }

  private tellTheBrowser(fresh: InboxEntryView[]) {
    if (!fresh.length || !document.hidden || localStorage.getItem(BROWSER_NOTIFICATIONS_KEY) !== 'on') return;
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const entry of fresh.slice(0, 3)) {
      const shown = new Notification(this.sentence(entry), { body: entry.ticket.subject ?? '', tag: `inbox-${entry.id}` });
      shown.onclick = () => { window.focus(); location.assign(`${BASE}/tickets/${entry.ticket.number}`); };
    }
  }

  private sentence(entry: InboxEntryView) {
    return inboxSentence({ kind: entry.kind, ticketNumber: entry.ticket.number, actorKind: entry.actor.kind, actorName: entry.actor.name });
  }

  private async markAllRead() {
    const { unread } = await api.post<{ unread: number }>('/api/inbox/read', { all: true });
    this.unread = unread;
    this.items = this.items?.map((e) => ({ ...e, read: true })) ?? null;
  }

  private toggle() {
    this.open = !this.open;
    if (this.open) void this.load();
  }

  override render() {
    const label = this.unread ? `Notifications, ${this.unread} unread` : 'Notifications';
    return html`
      <button type="button" class="bell" aria-expanded=${this.open ? 'true' : 'false'} aria-label=${label} @click=${this.toggle}
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') this.open = false; }}>🔔${this.unread ? html`<span class="count" aria-hidden="true">${this.unread > 99 ? '99+' : this.unread}</span>` : null}</button>
      ${this.open ? html`<div class="panel" role="region" aria-label="Notifications" @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') this.open = false; }}>
        <header><h2>Notifications</h2>${this.unread ? html`<button type="button" @click=${this.markAllRead}>Mark all read</button>` : null}</header>
        ${!this.items ? html`<p class="muted empty">Loading…</p>` : this.items.length === 0 ? html`<p class="muted empty">Nothing yet. Choose what you hear of on <a href="${BASE}/profile">your profile</a>.</p>` : html`<ul>
          ${this.items.map((entry) => html`<li class=${entry.read ? '' : 'unread'}>
            <a href="${BASE}/tickets/${entry.ticket.number}" @click=${() => { this.open = false; }}>
              ${this.sentence(entry)}${entry.read ? null : html`<span class="visually-hidden"> (unread)</span>`}
              <span class="subject">${entry.ticket.subject ?? ''} · <time datetime=${entry.at} title=${fullTime(entry.at)}>${relativeTime(entry.at)}</time></span>
            </a>
          </li>`)}
        </ul>`}
      </div>` : null}
    `;
  }
}
customElements.define('notification-bell', NotificationBell);
