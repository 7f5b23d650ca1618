import { LitElement, html, css } from 'lit';
import type { CannedReplyView } from '../../../api/schemas';
import { pickReplies } from '../../../domain/canned-reply';
import { BASE } from '../router';
import { shared } from '../styles';

export const CANNED_REPLY_CHOSEN = 'canned-reply-chosen';
export const CANNED_REPLY_CLOSED = 'canned-reply-closed';

/**
 * The list of canned replies to insert, best match first. Searched in its own box (opened
 * by the reply box's button) or by what follows `::` in the reply itself (`inline`): then
 * the reply box hands its arrow keys, Enter, Tab and Escape here, so the keyboard alone
 * picks one.
 */
export class CannedReplyPicker extends LitElement {
  static override properties = {
    replies: { attribute: false },
    inline: { type: Boolean },
    query: { state: true },
    active: { state: true },
  };
  declare replies: CannedReplyView[] | null;
  declare inline: boolean;
  declare query: string;
  declare active: number;

  static override styles = [shared, css`
    :host { display: block; border: 1px solid #b7bfcc; border-radius: 6px; background: #fff; padding: 0.5rem; box-shadow: 0 4px 14px rgba(0,0,0,0.12); }
    ul { list-style: none; margin: 0.4rem 0 0; padding: 0; max-height: 16rem; overflow-y: auto; }
    li { padding: 0.35rem 0.5rem; border-radius: 4px; cursor: pointer; display: grid; gap: 0.1rem; }
    li[aria-selected="true"] { background: #e3ebfb; outline: 1px solid #1d5bd6; }
    li .preview { font-size: 0.8rem; color: #555; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    input { width: 100%; }
    .empty { margin: 0.3rem 0; font-size: 0.9rem; }
  `];

  constructor() {
    super();
    this.replies = null;
    this.inline = false;
    this.query = '';
    this.active = 0;
  }

  /** What the reply box typed after `::`. */
  setQuery(query: string) {
    if (query !== this.query) this.active = 0;
    this.query = query;
  }

  private get found() {
    return this.replies ? pickReplies(this.replies, this.query) : [];
  }

  focusSearch() {
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  private choose(reply: CannedReplyView | undefined) {
    if (reply) this.dispatchEvent(new CustomEvent(CANNED_REPLY_CHOSEN, { detail: reply, bubbles: true, composed: true }));
  }

  /** Takes the keys that steer the list; answers whether it took this one. */
  handleKey(event: KeyboardEvent): boolean {
    const count = this.found.length;
    switch (event.key) {
      case 'ArrowDown':
        if (count) this.active = (this.active + 1) % count;
        break;
      case 'ArrowUp':
        if (count) this.active = (this.active - 1 + count) % count;
        break;
      case 'Enter':
      case 'Tab':
        if (!count || event.ctrlKey || event.metaKey) return false;
        this.choose(this.found[Math.min(this.active, count - 1)]);
        break;
      case 'Escape':
        this.dispatchEvent(new CustomEvent(CANNED_REPLY_CLOSED, { bubbles: true, composed: true }));
        break;
      default:
        return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  override updated() {
    this.renderRoot.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }

  override render() {
    const found = this.found;
    const active = Math.min(this.active, found.length - 1);
    return html`
      ${this.inline ? null : html`<input type="search" role="combobox" aria-label="Search canned replies" aria-expanded="true" aria-controls="canned-list"
        aria-activedescendant=${found.length ? `canned-${active}` : ''} placeholder="Search by title, shortcut or text"
        .value=${this.query} @input=${(e: Event) => this.setQuery((e.target as HTMLInputElement).value)} @keydown=${(e: KeyboardEvent) => this.handleKey(e)}>`}
      ${this.replies === null ? html`<p class="muted empty">Loading…</p>`
        : found.length === 0 ? html`<p class="muted empty">${this.replies.length ? 'No canned reply found.' : 'No canned reply yet.'}
            <a href="${BASE}/canned-replies">Write one</a></p>`
        : html`<ul role="listbox" id="canned-list" aria-label="Canned replies">${found.map((reply, i) => html`
            <li role="option" id="canned-${i}" aria-selected=${i === active ? 'true' : 'false'}
              @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.choose(reply)}>
              <span><b>${reply.title}</b>${reply.shortcut ? html` <code class="muted">::${reply.shortcut}</code>` : null}${reply.shared ? null : html` <span class="muted small">(yours)</span>`}</span>
              <span class="preview">${reply.body.slice(0, 140)}</span>
            </li>`)}</ul>`}
    `;
  }
}
customElements.define('canned-reply-picker', CannedReplyPicker);
