import { LitElement, html, css } from 'lit';
import type { PresenceView } from '../../../api/schemas';
import { PRESENCE_HEARTBEAT_MS, TYPING_PAUSE_MS, type Presence } from '../../../live/events';
import { api, deleteOnLeave } from '../api';
import { onPresenceChange } from '../live';

/**
 * Who else has this ticket open, and who is writing on it, kept live: this page says it is
 * here every few seconds and when its operator starts or stops typing, and asks who else
 * is whenever the event stream says that changed. Leaving (another screen, closing the tab)
 * says so at once; a browser that vanished is gone after PRESENCE_TTL_MS.
 */
export class TicketPresence extends LitElement {
  static override properties = { number: { type: Number }, others: { state: true } };
  declare number: number;
  declare others: Presence[];
  private typing = false;
  private heartbeat: number | null = null;
  private typingTimer: number | null = null;
  private unsubscribe: (() => void) | null = null;
  /** The ticket this page said it is on (left when the number changes). */
  private announced: number | null = null;
  private readonly leave = () => this.goneFrom(this.announced);

  static override styles = css`
    :host { display: block; }
    p { margin: 0; font-size: 0.9rem; color: #5a4300; background: #fff4d6; border: 1px solid #e3c56b; border-radius: 6px; padding: 0.3rem 0.6rem; }
    .typing { font-weight: 600; }
  `;

  constructor() {
    super();
    this.others = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    this.unsubscribe = onPresenceChange((number) => {
      if (number === null || number === this.number) void this.ask();
    });
    this.heartbeat = window.setInterval(() => void this.tell(), PRESENCE_HEARTBEAT_MS);
    window.addEventListener('pagehide', this.leave);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.unsubscribe?.();
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    if (this.typingTimer !== null) clearTimeout(this.typingTimer);
    window.removeEventListener('pagehide', this.leave);
    this.goneFrom(this.announced);
  }

  protected override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('number')) {
      this.goneFrom(this.announced);
      this.others = [];
      this.typing = false;
      void this.tell();
    }
  }

  /** The operator typed in the reply box: writing, until a pause. */
  typingNow() {
    if (this.typingTimer !== null) clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => {
      this.typingTimer = null;
      this.typing = false;
      void this.tell();
    }, TYPING_PAUSE_MS);
    if (!this.typing) {
      this.typing = true;
      void this.tell();
    }
  }

  private goneFrom(number: number | null) {
    if (number === null) return;
    this.announced = null;
    deleteOnLeave(`/api/tickets/${number}/presence`);
  }

  private async tell() {
    const number = this.number;
    if (!number) return;
    try {
      const { others } = await api.put<PresenceView>(`/api/tickets/${number}/presence`, { typing: this.typing });
      this.announced = number;
      if (number === this.number) this.others = others;
    } catch {
      // Presence is a courtesy: a failed beat is retried with the next one.
    }
  }

  private async ask() {
    const number = this.number;
    try {
      const { others } = await api.get<PresenceView>(`/api/tickets/${number}/presence`);
      if (number === this.number) this.others = others;
    } catch {
      // As above.
    }
  }

  override render() {
    if (!this.others.length) return null;
    const writing = this.others.filter((o) => o.typing);
    const viewing = this.others.filter((o) => !o.typing);
    const names = (list: Presence[]) => list.map((o) => o.name).join(', ');
    return html`<p role="status" aria-label="Also on this ticket">
      ${writing.length ? html`<span class="typing">${names(writing)} ${writing.length === 1 ? 'is' : 'are'} writing on this ticket.</span> ` : null}
      ${viewing.length ? html`<span>${names(viewing)} ${viewing.length === 1 ? 'is' : 'are'} viewing it too.</span>` : null}
    </p>`;
  }
}
customElements.define('ticket-presence', TicketPresence);
