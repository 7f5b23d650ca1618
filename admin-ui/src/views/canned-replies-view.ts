import { LitElement, html, css } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { CannedReplyView, CreateCannedReplyBody, OperatorView } from '../../../api/schemas';
import { CANNED_REPLY_VARIABLES } from '../../../domain/canned-reply';
import { api } from '../api';
import { shared } from '../styles';
import { ManagedList } from '../components/managed-list';

/**
 * Canned replies: answers written once and inserted in the reply box (picker, or `::` and
 * the shortcut), with the ticket's details filled in. Everyone keeps their own; admins keep
 * the shared ones.
 */
export class CannedRepliesView extends LitElement {
  static override properties = {
    formGeneration: { state: true }, me: { attribute: false }, editing: { state: true } };
  declare me: OperatorView;
  /** The reply in the form (null: a new one). */
  declare editing: CannedReplyView | null;
  /** Bumped to make the form anew (keyed) after a save or for another item. */
  declare formGeneration: number;
  private readonly replies = new ManagedList<CannedReplyView>(this, '/api/canned-replies');

  static override styles = [shared, css`
    .card.flush { margin-bottom: 1rem; }
    textarea { min-height: 8rem; width: 100%; }
    dl.variables { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; font-size: 0.85rem; }
    dl.variables dt { font-family: ui-monospace, monospace; }
    dl.variables dd { margin: 0; }
    td.body { max-width: 28rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  `];

  constructor() {
    super();
    this.formGeneration = 0;
    this.editing = null;
  }

  private edit(reply: CannedReplyView | null) {
    this.editing = reply;
    this.formGeneration++;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '');
    const body: CreateCannedReplyBody = {
      title: text('title').trim(),
      body: text('body'),
      shortcut: text('shortcut').trim() || null,
      shared: this.me.role === 'admin' ? data.get('shared') !== null : (this.editing?.shared ?? false),
    };
    const editing = this.editing;
    const saved = editing
      ? await this.replies.act(() => api.patch(`/api/canned-replies/${editing.id}`, body), `${body.title} is changed.`)
      : await this.replies.act(() => api.post('/api/canned-replies', body), `${body.title} is added.`);
    if (saved) this.edit(null);
  }

  private removeReply(reply: CannedReplyView) {
    void this.replies.act(() => api.delete(`/api/canned-replies/${reply.id}`), `${reply.title} is removed.`);
  }

  private form() {
    const r = this.editing;
    const busy = this.replies.busy;
    const admin = this.me?.role === 'admin';
    return html`<form class="card" @submit=${this.save} aria-label=${r ? `Change ${r.title}` : 'Add a canned reply'}>
      <h2>${r ? `Change ${r.title}` : 'Add a canned reply'}</h2>
      <div class="grid">
        <div class="field"><label for="title">Title</label><input id="title" name="title" required maxlength="120" .value=${r?.title ?? ''}></div>
        <div class="field"><label for="shortcut">Shortcut (typed after ::)</label><input id="shortcut" name="shortcut" maxlength="32" pattern="[a-z0-9][a-z0-9_\\-]*" .value=${r?.shortcut ?? ''}></div>
        ${admin ? html`<span class="field check"><input type="checkbox" id="shared" name="shared" ?checked=${r ? r.shared : false}><label for="shared">Shared with the team</label></span>` : null}
      </div>
      <div class="field"><label for="body">Text</label><textarea id="body" name="body" required maxlength="20000" .value=${r?.body ?? ''}></textarea></div>
      <details>
        <summary class="small">Variables filled in from the ticket</summary>
        <dl class="variables">${Object.entries(CANNED_REPLY_VARIABLES).map(([name, what]) => html`<dt>{{${name}}}</dt><dd>${what}</dd>`)}
          <dt>{{#if customer.first_name}}…{{else}}…{{/if}}</dt><dd>text for when a detail is there, and for when it is not</dd></dl>
      </details>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${busy}>${r ? 'Save changes' : 'Add canned reply'}</button>
        ${r ? html`<button type="button" ?disabled=${busy} @click=${() => this.edit(null)}>Cancel</button>` : null}
      </div>
    </form>`;
  }

  override render() {
    const { items: list, problem, notice, busy } = this.replies;
    return html`
      <h1>Canned replies</h1>
      <p class="muted small">Insert one in a reply with the <b>Canned reply</b> button, or type <kbd>::</kbd> and its shortcut; edit it before sending.</p>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="card flush">
        ${!list ? html`<p class="muted loading">Loading…</p>` : list.length === 0 ? html`<p class="muted empty">No canned reply yet.</p>` : html`<table>
          <thead><tr><th>Title</th><th>Shortcut</th><th>Text</th><th>For</th><th>Used</th><th></th></tr></thead>
          <tbody>${list.map((r) => html`<tr>
            <td>${r.title}</td>
            <td>${r.shortcut ? html`<code>::${r.shortcut}</code>` : html`<span class="muted">—</span>`}</td>
            <td class="body">${r.body.length > 160 ? `${r.body.slice(0, 159)}…` : r.body}</td>
            <td>${r.shared ? 'Team' : 'Only you'}${r.createdBy ? html`<div class="small muted">by ${r.createdBy}</div>` : null}</td>
            <td>${r.usageCount === 1 ? 'once' : `${r.usageCount} times`}</td>
            <td>${r.editable ? html`
              <button type="button" ?disabled=${busy} @click=${() => this.edit(r)}>Change ${r.title}</button>
              <button type="button" ?disabled=${busy} @click=${() => this.removeReply(r)}>Remove ${r.title}</button>` : null}</td>
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${keyed(this.formGeneration, this.form())}
    `;
  }
}
customElements.define('canned-replies-view', CannedRepliesView);
