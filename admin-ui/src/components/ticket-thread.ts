import { LitElement, html, css } from 'lit';
// Only for bodyHtml: the server's sanitised rendering of an operator's Markdown (mail/outbound/markdown.ts).
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { CommentView } from '../../../api/schemas';
import { fileSize, fullTime, relativeTime } from '../format';
import { shared } from '../styles';
import { BASE } from '../router';

const CHANNEL_LABELS: Record<CommentView['channel'], string> = {
  email: 'by email', widget: 'from the widget', web: 'on the ticket page', admin: '', phone: 'by phone', in_person: 'in person',
};


/**
 * The conversation: public messages and internal notes, told apart by colour and label;
 * those of a ticket merged in say so, one split off says where it went. With `canSplit`,
 * a customer's message offers to become a ticket of its own (`split-comment`: its id).
 */
export class TicketThread extends LitElement {
  static override properties = { comments: { attribute: false }, customerName: { type: String }, canSplit: { type: Boolean } };
  declare comments: CommentView[];
  declare customerName: string;
  declare canSplit: boolean;

  static override styles = [shared, css`
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.75rem; }
    article { border-radius: 8px; padding: 0.75rem 1rem; border: 1px solid #dde1e8; background: #fff; }
    article.customer { border-left: 4px solid #7a8599; }
    article.operator { border-left: 4px solid #1d5bd6; background: #f5f8ff; }
    article.internal { border: 1px dashed #c99a00; border-left: 4px solid #c99a00; background: #fff8db; }
    article.system { background: #f4f5f7; }
    .meta { display: flex; gap: 0.5rem; align-items: baseline; flex-wrap: wrap; font-size: 0.85rem; margin-bottom: 0.35rem; }
    .author { font-weight: 700; }
    .kind { font-size: 0.75rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; border-radius: 4px; padding: 0 0.35rem; }
    .kind.internal { background: #c99a00; color: #fff; }
    .kind.public { background: #dfe7f7; color: #1a47a8; }
    .body.formatted { white-space: normal; }
    .body.formatted > :first-child { margin-top: 0; }
    .body.formatted > :last-child { margin-bottom: 0; }
    .body.formatted blockquote { margin: 0.4rem 0; padding-left: 0.7rem; border-left: 3px solid #c5ccd8; color: #4a5568; }
    .body.formatted pre { background: #f3f5f9; padding: 0.5rem; border-radius: 4px; overflow-x: auto; }
    .body { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: inherit; }
    .attachments { margin-top: 0.5rem; display: flex; gap: 0.5rem; flex-wrap: wrap; font-size: 0.85rem; }
    article.moved { opacity: 0.7; }
    .meta button { margin-left: auto; font-size: 0.8rem; padding: 0.1rem 0.5rem; }
  `];

  constructor() {
    super();
    this.comments = [];
    this.customerName = 'Customer';
    this.canSplit = false;
  }

  override render() {
    if (this.comments.length === 0) return html`<p class="muted">No messages yet.</p>`;
    return html`<ol aria-label="Conversation">${this.comments.map((c) => this.comment(c))}</ol>`;
  }

  private comment(c: CommentView) {
    const internal = c.visibility === 'internal';
    const author = c.author.kind === 'customer' ? this.customerName : c.author.kind === 'system' ? 'System' : c.author.name ?? 'Operator';
    if (c.movedTo !== null) {
      return html`<li><article class="${c.author.kind} moved" aria-label="Message moved to #${c.movedTo}">
        <p class="small muted">A message by ${author} (<time datetime=${c.createdAt}>${relativeTime(c.createdAt)}</time>) was split off into
          <a href="${BASE}/tickets/${c.movedTo}">#${c.movedTo}</a>.</p></article></li>`;
    }
    return html`<li>
      <article class="${c.author.kind} ${internal ? 'internal' : 'public'}" aria-label="${internal ? 'Internal note' : 'Public message'} by ${author}">
        <div class="meta">
          <span class="kind ${internal ? 'internal' : 'public'}">${internal ? 'Internal note' : c.author.kind === 'customer' ? 'Customer' : 'Public reply'}</span>
          <span class="author">${author}</span>
          <span class="muted">${CHANNEL_LABELS[c.channel]}</span>
          <time class="muted" datetime=${c.createdAt} title=${fullTime(c.createdAt)}>${relativeTime(c.createdAt)}</time>
          ${c.mergedFrom !== null ? html`<span class="badge status-closed">from <a href="${BASE}/tickets/${c.mergedFrom}">#${c.mergedFrom}</a> (merged)</span>` : null}
          ${this.canSplit && c.author.kind === 'customer' && c.mergedFrom === null ? html`<button type="button" aria-label="Split this message off into a new ticket"
            @click=${() => this.dispatchEvent(new CustomEvent('split-comment', { detail: c.id, bubbles: true, composed: true }))}>Split off…</button>` : null}
        </div>
        ${c.bodyHtml ? html`<div class="body formatted">${unsafeHTML(c.bodyHtml)}</div>` : html`<p class="body">${c.body}</p>`}
        ${c.attachments.length ? html`<div class="attachments">
          ${c.attachments.map((a) => a.stored
            ? html`<a href="/api/attachments/${a.id}" download>📎 ${a.filename ?? 'attachment'} (${fileSize(a.size)})</a>`
            : html`<span class="muted" title="Over the size limit: recorded, not kept">📎 ${a.filename ?? 'attachment'} (${fileSize(a.size)}, not kept)</span>`)}
        </div>` : null}
      </article>
    </li>`;
  }
}
customElements.define('ticket-thread', TicketThread);
