import { LitElement, html, css } from 'lit';
import { count } from '../format';
import { shared } from '../styles';

/**
 * The line under a paged list: what it holds (`summary`, worded by the list) and the way
 * to the pages beside this one. Asks for a page with a `page-change` event (detail: the
 * page number); the list decides how to get there.
 */
export class ListPager extends LitElement {
  static override properties = { page: { type: Number }, pageSize: { type: Number }, total: { type: Number }, summary: { type: String } };
  declare page: number;
  declare pageSize: number;
  declare total: number;
  declare summary: string;

  static override styles = [shared, css`
    :host { display: flex; justify-content: space-between; align-items: center; margin-top: 0.75rem; gap: 0.5rem; flex-wrap: wrap; }
  `];

  constructor() {
    super();
    this.page = 1;
    this.pageSize = 25;
    this.total = 0;
    this.summary = '';
  }

  private ask(page: number) {
    this.dispatchEvent(new CustomEvent<number>('page-change', { detail: page }));
  }

  override render() {
    const pages = Math.max(1, Math.ceil(this.total / this.pageSize));
    return html`
      <span class="muted small">${this.summary}</span>
      <span class="row">
        <button type="button" ?disabled=${this.page <= 1} @click=${() => this.ask(this.page - 1)}>Previous page</button>
        <span class="small">Page ${count(this.page)} of ${count(pages)}</span>
        <button type="button" ?disabled=${this.page >= pages} @click=${() => this.ask(this.page + 1)}>Next page</button>
      </span>
    `;
  }
}
customElements.define('list-pager', ListPager);
