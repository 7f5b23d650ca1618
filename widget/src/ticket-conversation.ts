import { LitElement, html, css, PropertyValues } from 'lit';
import { followTicket, newKey, PublicApi, PublicApiError, PublicTicket } from './public-api';
import { customerStyles } from './styles';
import './public-thread';
import { uploadsOf } from './files';
import { WIDGET_MAX_ATTACHMENT_BYTES, WIDGET_MAX_ATTACHMENTS, widgetAttachmentProblem } from '../../domain/widget';

/**
 * One ticket through its public link: status, the public history, and an answer box that
 * reopens a closed ticket. Follows the ticket live, so an operator's reply shows up.
 * Used by the ticket page and inside the widget.
 */
export class TicketConversation extends LitElement {
  static override properties = {
    api: { attribute: false },
    token: { type: String },
    ticket: { state: true },
    problem: { state: true },
    sendProblem: { state: true },
    sent: { state: true },
    busy: { state: true },
  };
  declare api: PublicApi;
  declare token: string;
  declare ticket: PublicTicket | null;
  declare problem: string | null;
  /** The follow-up ticket an answer opened, to keep. */
  private followUpUrl: string | null = null;
  declare sendProblem: string | null;
  declare sent: string | null;
  declare busy: boolean;
  private key = newKey();
  private stopFollowing: (() => void) | null = null;

  static override styles = [customerStyles, css`
    header { margin-bottom: 1rem; }
    header h2 { overflow-wrap: anywhere; }
    form { margin-top: 1rem; }
  `];

  constructor() {
    super();
    this.ticket = null;
    this.problem = null;
    this.sendProblem = null;
    this.sent = null;
    this.busy = false;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if ((changed.has('token') || changed.has('api')) && this.api && this.token) {
      this.stopFollowing?.();
      this.stopFollowing = followTicket(this.api, this.token, () => void this.load());
      void this.load();
    }
  }

  override disconnectedCallback() {
    this.stopFollowing?.();
    this.stopFollowing = null;
    super.disconnectedCallback();
  }

  override connectedCallback() {
    super.connectedCallback();
    if (!this.stopFollowing && this.api && this.token) this.stopFollowing = followTicket(this.api, this.token, () => void this.load());
  }

  private async load() {
    try {
      const ticket = await this.api.ticket(this.token);
      // "Sent" belongs to the state it was said in: a status change since makes it stale.
      if (this.ticket && ticket.status !== this.ticket.status) this.sent = null;
      this.ticket = ticket;
      this.problem = null;
    } catch (error) {
      this.problem = error instanceof PublicApiError && error.status === 404 ? 'This ticket link is not valid.' : (error as Error).message;
    }
  }

  private async answer(event: Event) {
    event.preventDefault();
    const textarea = this.renderRoot.querySelector('textarea')!;
    if (!textarea.value.trim()) {
      this.sendProblem = 'Write your answer first.';
      return;
    }
    const picker = this.renderRoot.querySelector<HTMLInputElement>('input[type=file]');
    const files = [...(picker?.files ?? [])];
    const fileProblem = widgetAttachmentProblem(files.map((f) => ({ filename: f.name, size: f.size })));
    if (fileProblem) {
      this.sendProblem = fileProblem;
      return;
    }
    const reopening = this.ticket?.status === 'closed';
    this.busy = true;
    this.sendProblem = null;
    this.sent = null;
    try {
      const answered = await this.api.answer(this.token, textarea.value, this.key, await uploadsOf(files));
      textarea.value = '';
      if (picker) picker.value = '';
      this.key = newKey();
      if (answered.followUp) {
        // The old ticket was closed too long ago: the answer opened a new one, shown from now on.
        this.token = answered.followUp.url.split('/t/')[1] ?? this.token;
        this.followUpUrl = answered.followUp.url;
        this.stopFollowing?.();
        this.stopFollowing = followTicket(this.api, this.token, () => void this.load());
      }
      this.ticket = answered;
      this.sent = answered.followUp ? `Sent. It opened a new ticket, #${answered.followUp.number}; keep its link.`
        : reopening ? 'Sent. Your ticket is open again.' : 'Sent. We will get back to you.';
    } catch (error) {
      this.sendProblem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (this.problem) return html`<p class="root error" role="alert">${this.problem}</p>`;
    const t = this.ticket;
    if (!t) return html`<p class="root muted">Loading your ticket…</p>`;
    const closed = t.status === 'closed';
    return html`<div class="root">
      <header>
        <h2>${t.subject}</h2>
        <p class="small muted">Ticket #${t.number} · <span class="status status-${t.status}" part="status">${t.statusLabel}</span></p>
      </header>
      <helpdesk-public-thread .comments=${t.comments} attachmentBase=${this.api.ticketUrl(this.token)}></helpdesk-public-thread>
      <form @submit=${this.answer} novalidate part="answer-form">
        ${closed ? html`<p class="notice small">${t.answerOpensFollowUp
          ? 'This ticket was closed a while ago. Writing here opens a new ticket about it.'
          : 'This ticket is closed. Writing here reopens it.'}</p>` : null}
        <div class="field">
          <label for="answer">Your answer</label>
          <textarea id="answer" ?disabled=${this.busy}></textarea>
        </div>
        <div class="field">
          <label for="answer-files">Attach files (optional)</label>
          <input id="answer-files" type="file" multiple ?disabled=${this.busy} aria-describedby="answer-files-hint">
          <div class="small muted" id="answer-files-hint">Up to ${WIDGET_MAX_ATTACHMENTS} files, ${WIDGET_MAX_ATTACHMENT_BYTES / 1024 / 1024} MB each.</div>
        </div>
        ${this.sendProblem ? html`<p class="error" role="alert">${this.sendProblem}</p>` : null}
        ${this.sent ? html`<p class="notice" role="status">${this.sent}${this.followUpUrl ? html` <a href=${this.followUpUrl}>Open the new ticket</a>` : null}</p>` : null}
        <button class="primary" type="submit" ?disabled=${this.busy} part="button">${closed ? (t.answerOpensFollowUp ? 'Send as a new ticket' : 'Send and reopen') : 'Send answer'}</button>
      </form>
    </div>`;
  }
}
if (!customElements.get('helpdesk-ticket-conversation')) customElements.define('helpdesk-ticket-conversation', TicketConversation);
