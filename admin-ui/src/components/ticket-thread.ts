import { LitElement, html, css } from 'lit';
// Only for bodyHtml: the server's sanitised rendering of an operator's Markdown (mail/outbound/markdown.ts).
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { CommentView } from '../../../api/schemas';
import { fileSize, fullTime, relativeTime } from '../format';
import { shared } from '../styles';

const CHANNEL_LABELS: Record<CommentView['channel'], string> = {
  email: 'by email', widget: 'from the widget', web: 'on the ticket page', admin: '', phone: 'by phone', in_person: 'in person',
};


/** The conversation: public messages and internal notes, told apart by colour and label. */
export class TicketThread extends LitElement {
  static override properties = { comments: { attribute: false }, customerName: { type: String } };
  declare comments: CommentView[];
  declare customerName: string;

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
  `];

  constructor() {
    super();
    this.comments = [];
    this.customerName = 'Customer';
  }

  override render() {
    if (this.comments.length === 0) return html`<p class="muted">No messages yet.</p>`;
    return html`<ol aria-label="Conversation">${this.comments.map((c) => this.comment(c))}</ol>`;
  }

  private comment(c: CommentView) {
    const internal = c.visibility === 'internal';
    const author = c.author.kind === 'customer' ? this.customerName : c.author.kind === 'system' ? 'System' : c.author.name ?? 'Operator';
    return html`<li>
      <article class="${c.author.kind} ${internal ? 'internal' : 'public'}" aria-label="${internal ? 'Internal note' : 'Public message'} by ${author}">
        <div class="meta">
          <span class="kind ${internal ? 'internal' : 'public'}">${internal ? 'Internal note' : c.author.kind === 'customer' ? 'Customer' : 'Public reply'}</span>
          <span class="author">${author}</span>
          <span class="muted">${CHANNEL_LABELS[c.channel]}</span>
          <time class="muted" datetime=${c.createdAt} title=${fullTime(c.createdAt)}>${relativeTime(c.createdAt)}</time>
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
