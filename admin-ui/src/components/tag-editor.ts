import { LitElement, html, css, PropertyValues } from 'lit';
import type { TagView } from '../../../api/schemas';
import { normalizeTag, validateTag } from '../../../domain/tags';
import { shared } from '../styles';
import { suggestTags, tagChip, tagColours } from '../tags';

/**
 * A ticket's tags: each with a button to take it off, and a field to put one on (Enter or
 * a comma), suggesting the tags in use as one types. Asks its ticket to change by
 * `tags-change` ({add} or {remove}); the ticket's answer sets `tags` again.
 */
export class TagEditor extends LitElement {
  static override properties = {
    tags: { attribute: false },
    busy: { type: Boolean },
    suggestions: { state: true },
    colours: { state: true },
    problem: { state: true },
  };
  declare tags: string[];
  declare busy: boolean;
  declare suggestions: TagView[];
  declare colours: Map<string, TagView['colour']>;
  declare problem: string | null;
  private suggestTimer: number | null = null;

  static override styles = [shared, css`
    .tags { display: flex; flex-wrap: wrap; gap: 0.3rem; align-items: center; }
    .tags button { padding: 0 0.25rem; border: none; background: transparent; font-size: 0.9rem; line-height: 1; }
    .chip { display: inline-flex; align-items: center; gap: 0.1rem; }
    input { min-width: 10rem; padding: 0.2rem 0.4rem; font-size: 0.85rem; }
  `];

  constructor() {
    super();
    this.tags = [];
    this.busy = false;
    this.suggestions = [];
    this.colours = new Map();
    this.problem = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    tagColours().then((colours) => { this.colours = colours; }).catch(() => undefined);
  }

  override disconnectedCallback() {
    if (this.suggestTimer !== null) clearTimeout(this.suggestTimer);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('tags')) this.problem = null;
  }

  private ask(change: { add: string[] } | { remove: string[] }) {
    this.dispatchEvent(new CustomEvent('tags-change', { detail: change, bubbles: true, composed: true }));
  }

  private add(input: HTMLInputElement) {
    const typed = input.value.split(',').map((t) => normalizeTag(t)).filter((t): t is string => t !== null);
    const problem = typed.map((t) => validateTag(t)).find((p) => p !== null);
    if (problem) {
      this.problem = problem;
      return;
    }
    const add = typed.filter((t) => !this.tags.includes(t));
    input.value = '';
    this.suggestions = [];
    if (add.length) this.ask({ add });
  }

  private onInput(event: InputEvent) {
    const input = event.target as HTMLInputElement;
    this.problem = null;
    if (input.value.includes(',')) return this.add(input);
    if (this.suggestTimer !== null) clearTimeout(this.suggestTimer);
    const typed = input.value;
    this.suggestTimer = window.setTimeout(() => {
      if (!typed.trim()) { this.suggestions = []; return; }
      suggestTags(typed).then((found) => { this.suggestions = found.filter((t) => !this.tags.includes(t.name)); }).catch(() => undefined);
    }, 150);
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    this.add(event.target as HTMLInputElement);
  }

  override render() {
    return html`
      <label for="add-tag">Tags</label>
      <div class="tags" role="group" aria-label="Tags">
        ${this.tags.map((tag) => html`<span class="chip">${tagChip(tag, this.colours)}<button type="button" ?disabled=${this.busy}
          aria-label=${`Remove tag ${tag}`} title="Remove" @click=${() => this.ask({ remove: [tag] })}>×</button></span>`)}
        <input id="add-tag" aria-label="Add a tag" placeholder=${this.tags.length ? 'Add a tag' : 'Add tags (Enter or comma)'} list="tag-suggestions"
          autocomplete="off" ?disabled=${this.busy} @input=${this.onInput} @keydown=${this.onKeydown}>
        <datalist id="tag-suggestions">${this.suggestions.map((t) => html`<option value=${t.name}>${t.openTickets} open</option>`)}</datalist>
      </div>
      ${this.problem ? html`<p class="error small" role="alert">${this.problem}</p>` : null}
    `;
  }
}
customElements.define('tag-editor', TagEditor);
