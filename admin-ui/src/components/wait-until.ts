import { LitElement, html, css } from 'lit';
import { shared } from '../styles';

/** The times a ticket is most often set aside until, in the operator's own time zone (the browser's). */
export function waitingPresets(now: Date): Array<{ label: string; at: Date }> {
  const at = (days: number, hour: number) => {
    const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, hour, 0, 0, 0);
    return day;
  };
  const daysToMonday = ((8 - now.getDay()) % 7) || 7;
  const inThreeHours = new Date(now.getTime() + 3 * 3_600_000);
  inThreeHours.setSeconds(0, 0);
  return [
    { label: 'In 3 hours', at: inThreeHours },
    { label: 'Tomorrow 9:00', at: at(1, 9) },
    { label: 'In 3 days, 9:00', at: at(3, 9) },
    { label: 'Next Monday 9:00', at: at(daysToMonday, 9) },
  ];
}

/** A `datetime-local` value (local time, to the minute). */
const localInput = (date: Date) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

/**
 * "Wait until…": sets the ticket Waiting until a chosen time, when it comes back to In
 * Progress by itself. Fires `wait-until` with the ISO time.
 */
export class WaitUntil extends LitElement {
  static override properties = { busy: { type: Boolean }, open: { state: true }, custom: { state: true } };
  declare busy: boolean;
  declare open: boolean;
  declare custom: string;

  static override styles = [shared, css`
    :host { display: block; }
    .menu { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: end; margin-top: 0.5rem; }
    .menu input { font: inherit; }
  `];

  constructor() {
    super();
    this.busy = false;
    this.open = false;
    this.custom = '';
  }

  private choose(at: Date) {
    this.open = false;
    this.dispatchEvent(new CustomEvent('wait-until', { detail: at.toISOString(), bubbles: true, composed: true }));
  }

  override render() {
    if (!this.open) {
      return html`<button type="button" ?disabled=${this.busy} @click=${() => { this.open = true; this.custom = localInput(new Date(Date.now() + 86_400_000)); }}>Wait until…</button>`;
    }
    return html`<div class="menu" role="group" aria-label="Wait until">
      ${waitingPresets(new Date()).map((p) => html`<button type="button" ?disabled=${this.busy} @click=${() => this.choose(p.at)}>${p.label}</button>`)}
      <span class="field">
        <label for="wait-custom" class="small">Or a time</label>
        <input id="wait-custom" type="datetime-local" .value=${this.custom} @input=${(e: Event) => { this.custom = (e.target as HTMLInputElement).value; }}>
      </span>
      <button type="button" class="primary" ?disabled=${this.busy || !this.custom} @click=${() => this.choose(new Date(this.custom))}>Wait until then</button>
      <button type="button" @click=${() => { this.open = false; }}>Cancel</button>
    </div>`;
  }
}
customElements.define('wait-until', WaitUntil);
