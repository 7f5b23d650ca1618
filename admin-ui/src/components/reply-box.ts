import { LitElement, html, css } from 'lit';
import type { AddCommentBody } from '../../../api/schemas';
import type { CommentVisibility, TicketStatus } from '../../../domain/ticket';
import { api, idempotencyKey } from '../api';
import { shared } from '../styles';

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
  };
  declare number: number;
  declare customerEmail: string | null;
  /** The ticket's status: a closed ticket's reply reopens it. */
  declare status: TicketStatus;
  declare mode: CommentVisibility;
  declare busy: boolean;
  declare problem: string | null;
  declare sent: string | null;
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
      const comment: AddCommentBody = { body, visibility: this.mode, ...(status ? { status } : {}) };
      await api.post(`/api/tickets/${this.number}/comments`, comment, this.key);
      this.textarea.value = '';
      this.key = idempotencyKey();
      this.confirm(this.mode === 'internal' ? 'Internal note added.'
        : status === 'closed' ? 'Reply sent to the customer; ticket closed.'
        : status === 'waiting' ? 'Reply sent to the customer; ticket waiting.'
        : status === 'in_progress' ? 'Ticket reopened; reply sent to the customer.'
        : 'Reply sent to the customer.');
      this.dispatchEvent(new CustomEvent('comment-added', { bubbles: true, composed: true }));
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private onKeydown(event: KeyboardEvent) {
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
    return html`<form class=${this.mode} @submit=${(e: Event) => this.submit(e, this.reopens ? 'in_progress' : undefined)} aria-label="Reply">
      <fieldset>
        <legend class="visually-hidden">Who sees this</legend>
        ${this.modeOption('public', 'Public reply')}
        ${this.modeOption('internal', 'Internal note')}
      </fieldset>
      ${this.reopens ? html`<p class="closed-note" role="note">This ticket is closed. Replying reopens it (In Progress).</p>` : null}
      <label for="reply-body" class="hint">${internal
        ? 'Internal note: only operators see it; the customer is not told.'
        : `Public reply: the customer sees it on the ticket page${this.customerEmail ? ` and gets it by email at ${this.customerEmail}` : ''}.`}</label>
      <textarea id="reply-body" @keydown=${this.onKeydown} @input=${() => { this.problem = null; this.confirm(null); }} ?disabled=${this.busy}></textarea>
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
        <span class="muted small">Ctrl+Enter sends</span>
      </div>
    </form>`;
  }
}
customElements.define('reply-box', ReplyBox);
