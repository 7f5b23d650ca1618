/**
 * The website widget: `<script src="https://HELPDESK/widget.js" async></script>` adds a
 * `<helpdesk-widget>` (or uses the one on the page): a launcher button and a panel where
 * visitors open tickets and, when the website vouches for them with a signed external ID,
 * follow and answer their tickets. Shadow DOM keeps its CSS and the page's apart.
 */
import { LitElement, html, css } from 'lit';
import { uploadsOf } from './files';
import { WIDGET_MAX_ATTACHMENT_BYTES, WIDGET_MAX_ATTACHMENTS, widgetAttachmentProblem, widgetFormProblems, WidgetFormProblems, WidgetTicketForm } from '../../domain/widget';
import { newKey, publicApi, PublicApi, WidgetTicketView } from './public-api';
import { customerStyles } from './styles';
import './ticket-conversation';

/** Where this script was loaded from: the helpdesk the widget talks to. */
const scriptElement = document.currentScript as HTMLScriptElement | null;
const scriptOrigin = scriptElement?.src ? new URL(scriptElement.src).origin : location.origin;

const FIELDS: Array<[keyof WidgetTicketForm, string, string, string]> = [
  ['firstName', 'First name', 'text', 'given-name'],
  ['lastName', 'Last name', 'text', 'family-name'],
  ['email', 'Email', 'email', 'email'],
  ['phone', 'Phone (optional)', 'tel', 'tel'],
  ['subject', 'Subject', 'text', 'off'],
];

type View = { name: 'form' } | { name: 'sent'; ticket: WidgetTicketView } | { name: 'list' } | { name: 'ticket'; token: string };

export class HelpdeskWidget extends LitElement {
  static override properties = {
    api: { type: String },
    externalId: { type: String, attribute: 'external-id' },
    externalIdSignature: { type: String, attribute: 'external-id-signature' },
    heading: { type: String },
    open: { type: Boolean, reflect: true },
    view: { state: true },
    problems: { state: true },
    fileProblem: { state: true },
    problem: { state: true },
    busy: { state: true },
    tickets: { state: true },
  };
  declare api: string;
  declare externalId: string | null;
  declare externalIdSignature: string | null;
  declare heading: string;
  declare open: boolean;
  declare view: View;
  declare problems: WidgetFormProblems;
  declare fileProblem: string | null;
  declare problem: string | null;
  declare busy: boolean;
  declare tickets: WidgetTicketView[] | null;
  /** One key per ticket the visitor means to open, so a retried send opens it once. */
  private key = newKey();

  static override styles = [customerStyles, css`
    :host { position: fixed; right: 20px; bottom: 20px; z-index: var(--helpdesk-z-index, 2147483000); }
    .launcher {
      border-radius: 999px; padding: 0.7rem 1.2rem; font-weight: 700; box-shadow: 0 4px 14px rgb(0 0 0 / 20%);
      background: var(--_accent); border-color: var(--_accent); color: var(--_accent-text);
    }
    .panel {
      position: absolute; right: 0; bottom: calc(100% + 12px); width: min(380px, calc(100vw - 40px));
      max-height: min(640px, calc(100vh - 100px)); overflow: auto; background: var(--_surface);
      border: 1px solid var(--_border); border-radius: var(--_radius); box-shadow: 0 12px 40px rgb(0 0 0 / 22%);
    }
    .panel[hidden] { display: none; }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; padding: 0.8rem 1rem; background: var(--_accent); color: var(--_accent-text); border-radius: var(--_radius) var(--_radius) 0 0; }
    .head h2 { margin: 0; font-size: 1.05rem; }
    .head button { background: transparent; border: none; color: inherit; font-size: 1.2rem; padding: 0.1rem 0.4rem; }
    .tabs { display: flex; border-bottom: 1px solid var(--_border); }
    .tabs button { flex: 1; border: none; border-radius: 0; background: transparent; padding: 0.6rem; }
    .tabs button[aria-selected='true'] { box-shadow: inset 0 -3px 0 var(--_accent); font-weight: 700; }
    .body { padding: 1rem; }
    .names { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6rem; }
    .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.4rem; }
    li button { width: 100%; text-align: left; display: flex; justify-content: space-between; gap: 0.5rem; align-items: center; }
    .back { margin-bottom: 0.75rem; }
  `];

  constructor() {
    super();
    this.api = '';
    this.externalId = null;
    this.externalIdSignature = null;
    this.heading = 'Contact us';
    this.open = false;
    this.view = { name: 'form' };
    this.problems = {};
    this.fileProblem = null;
    this.problem = null;
    this.busy = false;
    this.tickets = null;
  }

  private get client(): PublicApi {
    return publicApi((this.api || scriptOrigin).replace(/\/+$/, ''));
  }

  /**
   * Ticket fields the website fills in: `data-field-<key>` attributes on the widget (or its
   * script tag), e.g. `data-field-plan="pro"`, `data-field-order_number="A-1042"`.
   */
  private get fields(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.dataset).flatMap(([name, value]) => (name.startsWith('field') && name.length > 5 && value !== undefined
      ? [[name.charAt(5).toLowerCase() + name.slice(6), value]] : [])));
  }

  private get signedIn() {
    return Boolean(this.externalId && this.externalIdSignature);
  }

  private toggle(open = !this.open) {
    this.open = open;
    if (open) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.panel input, .panel button')?.focus());
    } else {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus());
    }
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && this.open) this.toggle(false);
  }

  private formValues(form: HTMLFormElement): WidgetTicketForm & { website: string } {
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '');
    return {
      firstName: value('firstName'), lastName: value('lastName'), email: value('email'), phone: value('phone'),
      subject: value('subject'), message: value('message'), website: value('website'),
    };
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const values = this.formValues(form);
    const files = [...(form.querySelector<HTMLInputElement>('input[type=file]')?.files ?? [])];
    this.problems = widgetFormProblems(values);
    this.fileProblem = widgetAttachmentProblem(files.map((f) => ({ filename: f.name, size: f.size })));
    this.problem = null;
    const firstProblem = Object.keys(this.problems)[0] ?? (this.fileProblem ? 'files' : undefined);
    if (firstProblem) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[name="${firstProblem}"]`)?.focus());
      return;
    }
    this.busy = true;
    try {
      const attachments = await uploadsOf(files);
      const proofOfWork = await this.solveChallenge();
      const ticket = await this.client.openTicket({
        ...values,
        ...(proofOfWork ? { proofOfWork } : {}),
        ...(attachments.length ? { attachments } : {}),
        ...(this.externalId ? { externalId: this.externalId } : {}),
        ...(this.externalId && this.externalIdSignature ? { externalIdSignature: this.externalIdSignature } : {}),
        ...(Object.keys(this.fields).length ? { fields: this.fields } : {}),
      }, this.key);
      form.reset();
      this.key = newKey();
      this.tickets = null;
      this.view = { name: 'sent', ticket };
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /** The helpdesk may ask the browser to spend a moment on a proof of work (ALTCHA) first. */
  private async solveChallenge(): Promise<{ challenge: Record<string, unknown>; solution: unknown } | null> {
    const { challenge } = await this.client.challenge();
    if (!challenge) return null;
    const [{ solveChallenge }, { deriveKey }] = await Promise.all([import('altcha-lib'), import('altcha-lib/algorithms/web/sha')]);
    const solution = await solveChallenge({ challenge: challenge as never, deriveKey });
    if (!solution) throw new Error('Your browser could not finish the check that you are a person; reload the page and try again.');
    return { challenge, solution };
  }

  private async showList() {
    this.view = { name: 'list' };
    this.problem = null;
    try {
      this.tickets = (await this.client.myTickets(this.externalId!, this.externalIdSignature!)).items;
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  override render() {
    const panelId = 'helpdesk-panel';
    return html`
      <div class="root" @keydown=${this.onKeydown}>
        <section class="panel" id=${panelId} part="panel" role="dialog" aria-label=${this.heading} ?hidden=${!this.open}>
          <div class="head" part="header">
            <h2>${this.heading}</h2>
            <button type="button" aria-label="Close" @click=${() => this.toggle(false)}>✕</button>
          </div>
          ${this.signedIn ? html`<div class="tabs" role="tablist">
            <button type="button" role="tab" aria-selected=${this.view.name === 'form' || this.view.name === 'sent'} @click=${() => { this.view = { name: 'form' }; this.problem = null; }}>New ticket</button>
            <button type="button" role="tab" aria-selected=${this.view.name === 'list' || this.view.name === 'ticket'} @click=${() => this.showList()}>Your tickets</button>
          </div>` : null}
          <div class="body">${this.body()}</div>
        </section>
        <button class="launcher" part="launcher" type="button" aria-expanded=${this.open} aria-controls=${panelId} @click=${() => this.toggle()}>
          ${this.open ? 'Close' : this.heading}
        </button>
      </div>
    `;
  }

  private body() {
    switch (this.view.name) {
      case 'sent': {
        const t = this.view.ticket;
        return html`<div role="status">
          <h3>Thank you!</h3>
          <p>Your ticket <strong>#${t.number}</strong> is open. We will answer by email, and you can follow it here:</p>
          <p><a href=${t.publicUrl} target="_blank" rel="noopener">${t.publicUrl}</a></p>
        </div>
        <button type="button" @click=${() => { this.view = { name: 'form' }; }}>Write another</button>`;
      }
      case 'list':
        return html`
          ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
          ${this.tickets === null ? html`<p class="muted">Loading…</p>` : this.tickets.length === 0 ? html`<p class="muted">You have no tickets yet.</p>` : html`
            <ul aria-label="Your tickets">${this.tickets.map((t) => html`<li>
              <button type="button" @click=${() => { this.view = { name: 'ticket', token: t.token }; }}>
                <span>#${t.number} ${t.subject}</span><span class="status status-${t.status}">${t.statusLabel}</span>
              </button></li>`)}</ul>`}`;
      case 'ticket':
        return html`<button class="back" type="button" @click=${() => this.showList()}>← Your tickets</button>
          <helpdesk-ticket-conversation .api=${this.client} token=${this.view.token}></helpdesk-ticket-conversation>`;
      default:
        return this.form();
    }
  }

  private field(name: keyof WidgetTicketForm, label: string, type: string, autocomplete: string) {
    const problem = this.problems[name];
    return html`<div class="field" part="field">
      <label for=${name}>${label}</label>
      <input id=${name} name=${name} type=${type} autocomplete=${autocomplete} part="input"
        aria-invalid=${problem ? 'true' : 'false'} aria-describedby=${problem ? `${name}-problem` : ''}>
      ${problem ? html`<div class="field-error" id="${name}-problem">${problem}</div>` : null}
    </div>`;
  }

  private form() {
    const [first, last, ...rest] = FIELDS;
    const messageProblem = this.problems.message;
    return html`<form @submit=${this.submit} novalidate part="form" aria-label="New ticket">
      <div class="names">${this.field(...first!)}${this.field(...last!)}</div>
      ${rest.map((f) => this.field(...f))}
      <div class="field" part="field">
        <label for="message">Message</label>
        <textarea id="message" name="message" part="input" aria-invalid=${messageProblem ? 'true' : 'false'} aria-describedby=${messageProblem ? 'message-problem' : ''}></textarea>
        ${messageProblem ? html`<div class="field-error" id="message-problem">${messageProblem}</div>` : null}
      </div>
      <div class="field" part="field">
        <label for="files">Attachments (optional)</label>
        <input id="files" name="files" type="file" multiple part="input" aria-invalid=${this.fileProblem ? 'true' : 'false'}
          aria-describedby=${this.fileProblem ? 'files-hint files-problem' : 'files-hint'}>
        <div class="small muted" id="files-hint">Up to ${WIDGET_MAX_ATTACHMENTS} files, ${WIDGET_MAX_ATTACHMENT_BYTES / 1024 / 1024} MB each.</div>
        ${this.fileProblem ? html`<div class="field-error" id="files-problem">${this.fileProblem}</div>` : null}
      </div>
      <div class="trap" aria-hidden="true">
        <label for="website">Leave this empty</label>
        <input id="website" name="website" tabindex="-1" autocomplete="off">
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
      <button class="primary" type="submit" part="button" ?disabled=${this.busy}>${this.busy ? 'Sending…' : 'Send'}</button>
    </form>`;
  }
}

// Loading the script twice (two tags, a tag manager) must not throw or add a second widget.
if (!customElements.get('helpdesk-widget')) customElements.define('helpdesk-widget', HelpdeskWidget);

function addWidgetIfMissing() {
  if (document.querySelector('helpdesk-widget')) return;
  const widget = document.createElement('helpdesk-widget');
  const data = scriptElement?.dataset ?? {};
  // The website's ticket fields (data-field-plan="pro") go with the widget.
  for (const [name, value] of Object.entries(data)) if (name.startsWith('field') && value !== undefined) widget.dataset[name] = value;
  if (data.externalId) widget.setAttribute('external-id', data.externalId);
  if (data.externalIdSignature) widget.setAttribute('external-id-signature', data.externalIdSignature);
  if (data.heading) widget.setAttribute('heading', data.heading);
  if (scriptElement?.src) widget.setAttribute('api', scriptOrigin);
  document.body.append(widget);
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', addWidgetIfMissing, { once: true });
else addWidgetIfMissing();
