import { LitElement, html, css } from 'lit';
import type { AddCommentBody, CannedReplyView, CommentRefusedBody, CommentView } from '../../../api/schemas';
import type { CommentVisibility, TicketStatus } from '../../../domain/ticket';
import { shortcutAtCursor } from '../../../domain/canned-reply';
import { mentionAtCursor, mentionedIn } from '../../../domain/inbox';
import type { OperatorView } from '../../../api/schemas';
import { operators } from '../operators';
import { uploadsOf } from '../../../widget/src/files';
import { fileSize } from '../format';
import { api, ApiError, idempotencyKey } from '../api';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { shared } from '../styles';
import type { CannedReplyPicker } from './canned-reply-picker';
import './canned-reply-picker';

/** Where a chosen canned reply goes: over the `::shortcut` being typed, or at the cursor. */
type Picking = { mode: 'inline'; start: number; end: number } | { mode: 'search'; start: number; end: number };

/**
 * Public reply or internal note. The mode is a visible switch that also recolours the
 * box and renames the button, so nobody mails a customer what was meant for colleagues.
 * The draft survives live refreshes of the ticket around it.
 */
export class ReplyBox extends LitElement {
  static override properties = {
    number: { type: Number },
    customerEmail: { attribute: false },
    status: { attribute: false },
    mode: { state: true },
    busy: { state: true },
    problem: { state: true },
    sent: { state: true },
    seenComments: { attribute: false },
    missed: { state: true },
    arrivedWhileWriting: { state: true },
    picking: { state: true },
    mentioning: { state: true },
    preview: { state: true },
    files: { state: true },
    dragging: { state: true },
    cannedReplies: { state: true },
  };
  declare number: number;
  declare customerEmail: string | null;
  /** The ticket's status: a closed ticket's reply reopens it. */
  declare status: TicketStatus;
  declare mode: CommentVisibility;
  declare busy: boolean;
  declare problem: string | null;
  declare sent: string | null;
  /** How many comments the thread above shows: the ticket's workflow refuses a reply on a thread that has more. */
  declare seenComments: number;
  /** What was written while the operator wrote, as the refusal of their send showed it. */
  declare missed: CommentView[] | null;
  /** Comments the live thread brought while a draft was open. */
  declare arrivedWhileWriting: number;
  /** The thread position the operator has been shown by a refusal (the thread above may not have caught up yet). */
  private acknowledged = 0;
  declare picking: Picking | null;
  /** Typing `@` and a name in a note: whom it may mention, and which is chosen. */
  declare mentioning: { start: number; end: number; matches: OperatorView[]; active: number } | null;
  private colleagues: OperatorView[] = [];
  /** Files to go with the message: picked, dropped or pasted. */
  declare files: File[];
  declare dragging: boolean;
  /** The draft as it will look (the server renders it as it renders the sent reply); null: writing. */
  declare preview: string | null;
  /** Loaded when the picker first opens, again each time it is opened by its button. */
  declare cannedReplies: CannedReplyView[] | null;
  /** One key per draft, so a retried send never posts the message twice. */
  private key = idempotencyKey();
  private sentTimer: number | null = null;

  static override styles = [shared, css`
    form { border-radius: 8px; padding: 0.75rem 1rem; border: 2px solid #1d5bd6; background: #fff; display: flex; flex-direction: column; gap: 0.6rem; }
    form.internal { border-color: #c99a00; border-style: dashed; background: #fff8db; }
    fieldset { border: none; margin: 0; padding: 0; display: flex; gap: 0; }
    fieldset label { border: 1px solid #b7bfcc; padding: 0.35rem 0.8rem; cursor: pointer; background: #fff; font-size: 0.9rem; }
    fieldset label:first-of-type { border-radius: 6px 0 0 6px; }
    fieldset label:last-of-type { border-radius: 0 6px 6px 0; border-left: none; }
    fieldset input { position: absolute; opacity: 0; width: 1px; height: 1px; }
    fieldset label.checked.public { background: #1d5bd6; border-color: #1d5bd6; color: #fff; }
    fieldset label.checked.internal { background: #c99a00; border-color: #c99a00; color: #fff; }
    fieldset input:focus-visible + span { outline: 3px solid #8ab4ff; outline-offset: 2px; }
    .hint { font-size: 0.85rem; }
    textarea { min-height: 7rem; }
    .compose { position: relative; }
    form.dragging { outline: 3px dashed #1d5bd6; outline-offset: 2px; }
    ul.files { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; font-size: 0.9rem; }
    ul.files button.small { padding: 0 0.4rem; }
    .preview { border: 1px dashed #b7bfcc; border-radius: 6px; padding: 0.5rem 0.75rem; background: #fafbfd; overflow-wrap: anywhere; }
    .preview > :first-child { margin-top: 0; }
    .preview > :last-child { margin-bottom: 0; }
    .preview blockquote { margin: 0.4rem 0; padding-left: 0.7rem; border-left: 3px solid #c5ccd8; color: #4a5568; }
    ul.mentions { position: absolute; left: 0; top: 100%; z-index: 6; margin: 0.25rem 0 0; padding: 0.25rem; list-style: none; background: #fff; border: 1px solid #b7bfcc; border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,0.12); min-width: 14rem; }
    ul.mentions li { padding: 0.3rem 0.5rem; border-radius: 4px; cursor: pointer; }
    ul.mentions li[aria-selected="true"] { background: #e3ebfb; outline: 1px solid #1d5bd6; }
    canned-reply-picker { position: absolute; left: 0; right: 0; top: 100%; z-index: 5; margin-top: 0.25rem; }
    .missed { border: 1px solid #c98a00; border-radius: 6px; background: #fff6e0; padding: 0.4rem 0.7rem; }
    .missed p { margin: 0.2rem 0; }
    .missed blockquote { margin: 0.3rem 0; padding: 0.3rem 0.6rem; background: #fff; border-left: 3px solid #1d5bd6; }
    .missed blockquote.internal { border-left-color: #c99a00; background: #fff8db; }
    .missed .body { white-space: pre-wrap; overflow-wrap: anywhere; }
    .closed-note { margin: 0; padding: 0.4rem 0.6rem; border-radius: 6px; background: #eef0f4; font-size: 0.9rem; }
  `];

  constructor() {
    super();
    this.customerEmail = null;
    this.mode = 'public';
    this.busy = false;
    this.problem = null;
    this.sent = null;
    this.status = 'new';
    this.picking = null;
    this.mentioning = null;
    this.preview = null;
    this.files = [];
    this.dragging = false;
    this.cannedReplies = null;
    this.seenComments = 0;
    this.missed = null;
    this.arrivedWhileWriting = 0;
  }

  override willUpdate(changed: Map<string, unknown>) {
    const before = changed.get('seenComments') as number | undefined;
    if (before !== undefined && this.seenComments > before && this.hasUpdated && this.textarea.value.trim() !== '' && !this.busy) {
      this.arrivedWhileWriting += this.seenComments - before;
    }
  }

  /** A confirmation is read and gone: it does not linger into the next thing the operator does. */
  private confirm(text: string | null) {
    if (this.sentTimer !== null) clearTimeout(this.sentTimer);
    this.sent = text;
    this.sentTimer = text ? window.setTimeout(() => { this.sent = null; }, 4000) : null;
  }

  private get textarea() {
    return this.renderRoot.querySelector('textarea')!;
  }

  private async submit(event: Event, status?: AddCommentBody['status']) {
    event.preventDefault();
    const body = this.textarea.value;
    if (!body.trim()) {
      this.problem = 'Write something first.';
      return;
    }
    this.busy = true;
    this.problem = null;
    this.confirm(null);
    try {
      const mentions = this.mode === 'internal' ? mentionedIn(body, this.colleagues) : [];
      const attachments = await uploadsOf(this.files);
      const comment: AddCommentBody = {
        body, visibility: this.mode, ...(status ? { status } : {}), seenComments: Math.max(this.seenComments, this.acknowledged),
        ...(mentions.length ? { mentions } : {}), ...(attachments.length ? { attachments } : {}),
      };
      await api.post(`/api/tickets/${this.number}/comments`, comment, this.key);
      this.textarea.value = '';
      this.preview = null;
      this.files = [];
      this.key = idempotencyKey();
      this.missed = null;
      this.arrivedWhileWriting = 0;
      this.confirm(this.mode === 'internal' ? 'Internal note added.'
        : status === 'closed' ? 'Reply sent to the customer; ticket closed.'
        : status === 'waiting' ? 'Reply sent to the customer; ticket waiting.'
        : status === 'in_progress' ? 'Ticket reopened; reply sent to the customer.'
        : 'Reply sent to the customer.');
      this.dispatchEvent(new CustomEvent('comment-added', { bubbles: true, composed: true }));
    } catch (error) {
      this.problem = (error as Error).message;
      if (error instanceof ApiError && error.code === 'thread_moved') {
        const missed = (error.details as CommentRefusedBody).newComments ?? [];
        this.missed = missed;
        this.acknowledged = Math.max(this.seenComments, this.acknowledged) + missed.length;
        this.arrivedWhileWriting = 0;
        // Nothing was sent: sending again is a new message.
        this.key = idempotencyKey();
      }
    } finally {
      this.busy = false;
    }
  }

  private addFiles(list: FileList | readonly File[] | null | undefined) {
    const added = [...(list ?? [])];
    if (added.length) this.files = [...this.files, ...added];
  }

  /** A pasted screenshot has no name of its own: it gets one that says what it is. */
  private onPaste(event: ClipboardEvent) {
    const pasted = [...(event.clipboardData?.files ?? [])];
    if (!pasted.length) return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    this.addFiles(pasted.map((f, i) => (f.name && f.name !== 'image.png' ? f
      : new File([f], `pasted-${stamp}${pasted.length > 1 ? `-${i + 1}` : ''}.${(f.type.split('/')[1] ?? 'png').replace(/[^a-z0-9]/g, '')}`, { type: f.type }))));
    if (!event.clipboardData?.getData('text/plain')) event.preventDefault();
  }

  private onDrop(event: DragEvent) {
    event.preventDefault();
    this.dragging = false;
    this.addFiles(event.dataTransfer?.files);
  }

  private previewTimer: number | null = null;

  /** The draft as the server renders a sent reply. */
  private async renderPreview(): Promise<string> {
    return (await api.post<{ html: string }>('/api/formatting/preview', { body: this.textarea.value })).html;
  }

  /** An open preview follows the draft, a moment after typing stops. */
  private previewSoon() {
    if (this.preview === null) return;
    if (this.previewTimer !== null) clearTimeout(this.previewTimer);
    this.previewTimer = window.setTimeout(() => {
      this.previewTimer = null;
      if (this.preview === null) return;
      this.renderPreview().then((html) => { if (this.preview !== null) this.preview = html; }, () => undefined);
    }, 300);
  }

  private async togglePreview() {
    if (this.preview !== null) {
      this.preview = null;
      return;
    }
    try {
      this.preview = await this.renderPreview();
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  /** What came in while the operator wrote, beside the draft it may change. */
  private missedComments() {
    if (this.missed?.length) {
      return html`<section class="missed" aria-label="Written while you wrote">
        <p><b>Not sent.</b> While you wrote:</p>
        ${this.missed.map((c) => html`<blockquote class=${c.visibility}>
          <span class="small muted">${c.author.kind === 'customer' ? 'The customer' : c.author.name ?? 'An operator'}${c.visibility === 'internal' ? ' (internal note)' : ''}</span>
          <div class="body">${c.body}</div>
        </blockquote>`)}
        <p class="small">Edit yours if it changes anything, then send it again.</p>
      </section>`;
    }
    if (this.arrivedWhileWriting > 0) {
      return html`<p class="closed-note" role="status">${this.arrivedWhileWriting === 1 ? 'A new message' : `${this.arrivedWhileWriting} new messages`} came in above while you wrote.</p>`;
    }
    return null;
  }

  private get picker() {
    return this.renderRoot.querySelector<CannedReplyPicker>('canned-reply-picker');
  }

  private loadCannedReplies() {
    api.get<CannedReplyView[]>('/api/canned-replies').then((list) => { this.cannedReplies = list; }).catch((error: Error) => {
      this.picking = null;
      this.problem = `The canned replies could not be loaded: ${error.message}`;
    });
  }

  private async openPicker() {
    const { selectionStart, selectionEnd } = this.textarea;
    this.picking = { mode: 'search', start: selectionStart, end: selectionEnd };
    this.loadCannedReplies();
    await this.updateComplete;
    this.picker?.focusSearch();
  }

  /** `::` and a few letters at the cursor open the picker on them; anything else closes it. */
  private followShortcut() {
    const { value, selectionStart } = this.textarea;
    const typed = shortcutAtCursor(value, selectionStart);
    if (!typed) {
      if (this.picking?.mode === 'inline') this.picking = null;
      return;
    }
    if (this.picking?.mode !== 'inline' && this.cannedReplies === null) this.loadCannedReplies();
    this.picking = { mode: 'inline', start: typed.start, end: selectionStart };
    void this.updateComplete.then(() => this.picker?.setQuery(typed.query));
  }

  private closePicker() {
    const wasSearching = this.picking?.mode === 'search';
    this.picking = null;
    if (wasSearching) this.textarea.focus();
  }

  /** Fills the reply in for this ticket and puts it where the operator was writing, to edit before sending. */
  private async insertCannedReply(reply: CannedReplyView) {
    const at = this.picking;
    if (!at) return;
    this.picking = null;
    try {
      const { body } = await api.post<{ body: string }>(`/api/tickets/${this.number}/canned-replies/${reply.id}/fill`, {});
      const textarea = this.textarea;
      textarea.setRangeText(body, at.start, at.end, 'end');
      textarea.focus();
      this.problem = null;
    } catch (error) {
      this.problem = `${reply.title} could not be inserted: ${(error as Error).message}`;
    }
  }

  /** `@` and a few letters in a note offer the colleagues whose names match. */
  private followMention() {
    const { value, selectionStart } = this.textarea;
    const typed = this.mode === 'internal' ? mentionAtCursor(value, selectionStart) : null;
    if (!typed) {
      this.mentioning = null;
      return;
    }
    if (!this.colleagues.length) {
      operators().then((list) => { this.colleagues = list.filter((o) => o.active); this.followMention(); }).catch(() => undefined);
      return;
    }
    const matches = this.colleagues.filter((o) => o.name.toLowerCase().split(/\s+/).some((word) => word.startsWith(typed.query)) || o.name.toLowerCase().startsWith(typed.query)).slice(0, 8);
    this.mentioning = matches.length ? { start: typed.start, end: selectionStart, matches, active: Math.min(this.mentioning?.active ?? 0, matches.length - 1) } : null;
  }

  private mention(operator: OperatorView) {
    const at = this.mentioning;
    if (!at) return;
    this.mentioning = null;
    this.textarea.setRangeText(`@${operator.name} `, at.start, at.end, 'end');
    this.textarea.focus();
  }

  private mentionKey(event: KeyboardEvent): boolean {
    const m = this.mentioning;
    if (!m) return false;
    switch (event.key) {
      case 'ArrowDown': this.mentioning = { ...m, active: (m.active + 1) % m.matches.length }; break;
      case 'ArrowUp': this.mentioning = { ...m, active: (m.active - 1 + m.matches.length) % m.matches.length }; break;
      case 'Enter': case 'Tab':
        if (event.ctrlKey || event.metaKey) return false;
        this.mention(m.matches[m.active]!);
        break;
      case 'Escape': this.mentioning = null; break;
      default: return false;
    }
    event.preventDefault();
    return true;
  }

  private onKeydown(event: KeyboardEvent) {
    if (this.mentionKey(event)) return;
    if (this.picking?.mode === 'inline' && this.picker?.handleKey(event)) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void this.submit(event, this.reopens ? 'in_progress' : undefined);
  }

  /** A public reply to a closed ticket reopens it (the workflow refuses one that doesn't). */
  private get reopens() {
    return this.mode === 'public' && this.status === 'closed';
  }

  private modeOption(mode: CommentVisibility, label: string) {
    const checked = this.mode === mode;
    return html`<label class="${mode} ${checked ? 'checked' : ''}">
      <input type="radio" name="visibility" value=${mode} .checked=${checked} @change=${() => { this.mode = mode; this.confirm(null); this.problem = null; }}>
      <span>${label}</span>
    </label>`;
  }

  override render() {
    const internal = this.mode === 'internal';
    return html`<form class="${this.mode} ${this.dragging ? 'dragging' : ''}" @submit=${(e: Event) => this.submit(e, this.reopens ? 'in_progress' : undefined)} aria-label="Reply"
      @dragover=${(e: DragEvent) => { if (e.dataTransfer?.types.includes('Files')) { e.preventDefault(); this.dragging = true; } }}
      @dragleave=${(e: DragEvent) => { if (e.currentTarget === e.target) this.dragging = false; }} @drop=${this.onDrop}>
      <fieldset>
        <legend class="visually-hidden">Who sees this</legend>
        ${this.modeOption('public', 'Public reply')}
        ${this.modeOption('internal', 'Internal note')}
      </fieldset>
      ${this.reopens ? html`<p class="closed-note" role="note">This ticket is closed. Replying reopens it (In Progress).</p>` : null}
      <label for="reply-body" class="hint">${internal
        ? 'Internal note: only operators see it; the customer is not told. @name tells a colleague.'
        : `Public reply: the customer sees it on the ticket page${this.customerEmail ? ` and gets it by email at ${this.customerEmail}` : ''}.`}</label>
      <div class="compose" @canned-reply-chosen=${(e: CustomEvent<CannedReplyView>) => this.insertCannedReply(e.detail)}
        @canned-reply-closed=${() => this.closePicker()}>
        <textarea id="reply-body" @keydown=${this.onKeydown} @input=${() => { this.problem = null; this.confirm(null); this.followShortcut(); this.followMention(); this.previewSoon(); this.dispatchEvent(new CustomEvent('draft-input', { bubbles: true, composed: true })); }}
          @blur=${() => { if (this.picking?.mode === 'inline') this.picking = null; this.mentioning = null; }} @paste=${this.onPaste} ?disabled=${this.busy}
          aria-describedby="canned-hint"></textarea>
        ${this.preview !== null ? html`<div class="preview" role="region" aria-label="Preview">${this.preview ? unsafeHTML(this.preview) : html`<span class="muted">Nothing to show yet.</span>`}</div>` : null}
        ${this.mentioning ? html`<ul class="mentions" role="listbox" aria-label="Mention a colleague">${this.mentioning.matches.map((o, i) => html`
          <li role="option" aria-selected=${i === this.mentioning!.active ? 'true' : 'false'} @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.mention(o)}>${o.name}</li>`)}</ul>` : null}
        ${this.picking ? html`<canned-reply-picker .replies=${this.cannedReplies} ?inline=${this.picking.mode === 'inline'}
          @focusout=${(e: FocusEvent) => { if (this.picking?.mode === 'search' && !this.picker?.contains(e.relatedTarget as Node) && !this.picker?.shadowRoot?.contains(e.relatedTarget as Node)) this.picking = null; }}></canned-reply-picker>` : null}
      </div>
      ${this.files.length ? html`<ul class="files" aria-label="Attached files">${this.files.map((f, i) => html`<li>📎 ${f.name} <span class="muted small">${fileSize(f.size)}</span>
        <button type="button" class="small" aria-label="Remove ${f.name}" @click=${() => { this.files = this.files.filter((_, j) => j !== i); }}>×</button></li>`)}</ul>` : null}
      ${this.missedComments()}
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      ${this.sent ? html`<p class="notice" role="status">${this.sent}</p>` : null}
      <div class="row">
        ${internal
          ? html`<button type="submit" class="warning" ?disabled=${this.busy}>Add internal note</button>`
          : this.reopens
            ? html`<button type="submit" class="primary" ?disabled=${this.busy}>Reopen and reply</button>`
            : html`<button type="submit" class="primary" ?disabled=${this.busy}>Send public reply</button>
              <button type="button" ?disabled=${this.busy} @click=${(e: Event) => this.submit(e, 'waiting')} title="Send, and set the ticket Waiting for the customer">Send and set Waiting</button>
              <button type="button" ?disabled=${this.busy} @click=${(e: Event) => this.submit(e, 'closed')} title="Send, and close the ticket: the customer gets the reply only">Send and close</button>`}
        <label class="button" for="reply-files" title="Or drop files on the box, or paste an image">Attach files</label>
        <input id="reply-files" class="visually-hidden" type="file" multiple ?disabled=${this.busy}
          @change=${(e: Event) => { const input = e.target as HTMLInputElement; this.addFiles(input.files); input.value = ''; }}>
        <button type="button" ?disabled=${this.busy} aria-pressed=${this.preview !== null ? 'true' : 'false'} @click=${() => this.togglePreview()}
          title="Markdown: **bold**, _italics_, [link](https://…), - lists, > quotes, \`code\`">${this.preview !== null ? 'Hide preview' : 'Preview'}</button>
        <button type="button" ?disabled=${this.busy} aria-haspopup="listbox" aria-expanded=${this.picking ? 'true' : 'false'} @click=${() => (this.picking ? this.closePicker() : this.openPicker())}>Canned reply</button>
        <span class="muted small" id="canned-hint">Ctrl+Enter sends; :: and a shortcut inserts a canned reply; **bold**, _italics_, [links](https://…), - lists, &gt; quotes</span>
      </div>
    </form>`;
  }
}
customElements.define('reply-box', ReplyBox);
