import { LitElement, html, css } from 'lit';
// Only for bodyHtml: the server's sanitised rendering of an operator's Markdown (mail/outbound/markdown.ts).
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { PublicTicket } from './public-api';
import { customerStyles } from './styles';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A ticket's public history as its customer sees it: their messages and our replies. */
export class PublicThread extends LitElement {
  static override properties = { comments: { attribute: false }, attachmentBase: { type: String } };
  declare comments: PublicTicket['comments'];
  declare attachmentBase: string;

  static override styles = [customerStyles, css`
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.6rem; }
    article { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.6rem 0.8rem; background: var(--_surface); }
    article.operator { border-left: 4px solid var(--_accent); }
    article.customer { border-left: 4px solid var(--_muted); }
    .meta { font-size: 0.85rem; color: var(--_muted); margin-bottom: 0.25rem; display: flex; gap: 0.5rem; flex-wrap: wrap; }
    .meta strong { color: var(--_text); }
    .body.formatted { white-space: normal; }
    .body.formatted > :first-child { margin-top: 0; }
    .body.formatted > :last-child { margin-bottom: 0; }
    .body.formatted blockquote { margin: 0.4rem 0; padding-left: 0.7rem; border-left: 3px solid #c5ccd8; color: #4a5568; }
    .body.formatted pre { background: #f3f5f9; padding: 0.5rem; border-radius: 4px; overflow-x: auto; }
    .body { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
  `];

  constructor() {
    super();
    this.comments = [];
    this.attachmentBase = '';
  }

  override render() {
    return html`<ol class="root" aria-label="Messages">${this.comments.map((c) => html`<li>
      <article class=${c.author.kind} aria-label="${c.author.kind === 'customer' ? 'Your message' : `Reply from ${c.author.name ?? 'support'}`}">
        <div class="meta"><strong>${c.author.kind === 'customer' ? 'You' : c.author.name ?? 'Support'}</strong>
          <time datetime=${c.createdAt}>${when.format(new Date(c.createdAt))}</time></div>
        ${c.bodyHtml ? html`<div class="body formatted">${unsafeHTML(c.bodyHtml)}</div>` : html`<p class="body">${c.body}</p>`}
        ${c.attachments.filter((a) => a.stored).map((a) => html`<div class="small"><a href="${this.attachmentBase}/attachments/${a.id}" download>📎 ${a.filename ?? 'attachment'}</a></div>`)}
      </article>
    </li>`)}</ol>`;
  }
}
if (!customElements.get('helpdesk-public-thread')) customElements.define('helpdesk-public-thread', PublicThread);
