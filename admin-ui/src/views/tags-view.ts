import { LitElement, html } from 'lit';
import type { OperatorView, TagView } from '../../../api/schemas';
import { TAG_COLOURS, type TagColour } from '../../../domain/tags';
import { api } from '../api';
import { BASE } from '../router';
import { shared } from '../styles';
import { ManagedList } from '../components/managed-list';
import { forgetTagColours, tagChip } from '../tags';

const COLOUR_LABELS: Record<TagColour, string> = {
  gray: 'Gray', red: 'Red', orange: 'Orange', yellow: 'Yellow', green: 'Green', teal: 'Teal', blue: 'Blue', purple: 'Purple', pink: 'Pink',
};

/** Every tag in use, with its open tickets; admins give each its colour (and may add one before anyone uses it). */
export class TagsView extends LitElement {
  static override properties = { me: { attribute: false } };
  declare me: OperatorView;
  private readonly tags = new ManagedList<TagView>(this, '/api/tags', forgetTagColours);

  static override styles = [shared];

  private colour(tag: string, colour: TagColour) {
    void this.tags.act(() => api.put(`/api/tags/${encodeURIComponent(tag)}`, { colour }), `${tag} is ${COLOUR_LABELS[colour].toLowerCase()} now.`);
  }

  private add(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    void this.tags.act(() => api.put(`/api/tags/${encodeURIComponent(name)}`, { colour: String(data.get('colour')) }), `${name} is added.`).then((done) => { if (done) form.reset(); });
  }

  override render() {
    const { items: list, problem, notice, busy } = this.tags;
    const admin = this.me?.role === 'admin';
    const colours = new Map((list ?? []).map((t) => [t.name, t.colour]));
    return html`
      <h1>Tags</h1>
      <p class="muted small">Put tags on a ticket on its page, or on many at once from the list. ${admin ? 'Give each a colour here.' : 'Admins give them their colours.'}</p>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="card flush">
        ${!list ? html`<p class="muted loading">Loading…</p>` : list.length === 0 ? html`<p class="muted empty">No ticket has a tag yet.</p>` : html`<table>
          <thead><tr><th>Tag</th><th>Open tickets</th><th>Colour</th></tr></thead>
          <tbody>${list.map((t) => html`<tr>
            <td>${tagChip(t.name, colours)}</td>
            <td><a href="${BASE}/tickets?view=open&tag=${encodeURIComponent(t.name)}">${t.openTickets}</a></td>
            <td>${admin ? html`<select aria-label=${`Colour of ${t.name}`} ?disabled=${busy} @change=${(e: Event) => this.colour(t.name, (e.target as HTMLSelectElement).value as TagColour)}>
              ${TAG_COLOURS.map((c) => html`<option value=${c} ?selected=${c === t.colour}>${COLOUR_LABELS[c]}</option>`)}</select>` : COLOUR_LABELS[t.colour]}</td>
          </tr>`)}</tbody>
        </table>`}
      </div>
      ${admin ? html`<form class="card row" @submit=${this.add} aria-label="Add a tag">
        <div class="field"><label for="tag-name">New tag</label><input id="tag-name" name="name" required maxlength="40"></div>
        <div class="field"><label for="tag-colour">Colour</label><select id="tag-colour" name="colour">${TAG_COLOURS.map((c) => html`<option value=${c}>${COLOUR_LABELS[c]}</option>`)}</select></div>
        <button type="submit" ?disabled=${busy}>Add tag</button>
      </form>` : null}
    `;
  }
}
customElements.define('tags-view', TagsView);
