import { LitElement, html, css } from 'lit';
import { uploadsOf } from '../../../widget/src/files';
import type { CreateTicketBody, CustomerView, OperatorView, TicketDetail } from '../../../api/schemas';
import { FirstMessage, isValidEmail, MAX_SUBJECT_LENGTH, RECORDED_REQUEST_CHANNELS, TICKET_PRIORITIES } from '../../../domain/ticket';
import { api, idempotencyKey, query } from '../api';
import { personName, PRIORITY_LABELS } from '../format';
import { operators } from '../operators';
import { BASE, navigate } from '../router';
import { shared } from '../styles';

const CONTACT_FIELDS = [
  ['email', 'Email', 'email'],
  ['phone', 'Phone', 'tel'],
  ['firstName', 'First name', 'text'],
  ['lastName', 'Last name', 'text'],
  ['externalId', 'External ID', 'text'],
] as const;

const FIRST_MESSAGE_CHOICES: Array<[FirstMessage, string, string]> = [
  ['customer_request', "The customer's request", 'What they told you, shown as their message. They get no mail unless you tick it below.'],
  ['message_to_customer', 'A message to the customer', 'Mailed to them now, in your words, as the first mail of the ticket.'],
  ['internal_note', 'An internal note', 'For the team only; the customer sees and gets nothing.'],
];
const CHANNEL_LABELS: Record<(typeof RECORDED_REQUEST_CHANNELS)[number], string> = {
  phone: 'By phone', in_person: 'In person', email: 'By email', web: 'Another way',
};

/** A ticket an operator opens for a customer (a phone call, a walk-in): source "admin". */
export class NewTicketView extends LitElement {
  static override properties = {
    me: { attribute: false },
    problem: { state: true },
    busy: { state: true },
    crmMatches: { state: true },
    operatorList: { state: true },
    firstMessage: { state: true },
  };
  declare me: OperatorView;
  declare problem: string | null;
  declare busy: boolean;
  declare crmMatches: CustomerView[];
  declare operatorList: OperatorView[];
  declare firstMessage: FirstMessage;
  private key = idempotencyKey();
  private searchTimer: number | null = null;

  static override styles = [shared, css`
    form { display: flex; flex-direction: column; gap: 1rem; max-width: 900px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 0.75rem; }
    fieldset { border: 1px solid #dde1e8; border-radius: 8px; padding: 0.75rem 1rem 1rem; margin: 0; }
    legend { font-weight: 700; padding: 0 0.3rem; }
    ul { list-style: none; padding: 0; margin: 0.5rem 0 0; display: flex; flex-direction: column; gap: 0.3rem; }
    li button { width: 100%; justify-content: flex-start; }
    textarea { min-height: 9rem; }
    .choices { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 0.5rem; margin-bottom: 0.75rem; }
    .choice { display: flex; gap: 0.5rem; align-items: start; font-weight: normal; }
  `];

  constructor() {
    super();
    this.problem = null;
    this.busy = false;
    this.crmMatches = [];
    this.operatorList = [];
    this.firstMessage = 'customer_request';
  }

  override connectedCallback() {
    super.connectedCallback();
    operators().then((list) => { this.operatorList = list.filter((o) => o.active); }).catch(() => undefined);
  }

  private field(name: string) {
    return this.renderRoot.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
  }

  private onCustomerSearch(event: InputEvent) {
    const text = (event.target as HTMLInputElement).value.trim();
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(async () => {
      if (!text) {
        this.crmMatches = [];
        return;
      }
      try {
        this.crmMatches = (await api.get<{ items: CustomerView[] }>(`/api/customers${query({ q: text, pageSize: 8 })}`)).items;
      } catch (error) {
        this.problem = (error as Error).message;
      }
    }, 250);
  }

  private pick(customer: CustomerView) {
    for (const [name] of CONTACT_FIELDS) this.field(name).value = customer[name] ?? '';
    this.crmMatches = [];
    this.field('subject').focus();
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const customer = Object.fromEntries(CONTACT_FIELDS.map(([name]) => [name, text(name) || null]));
    if (!customer.email && !customer.phone && !customer.externalId) {
      this.problem = 'Give the customer an email, a phone number or an external ID.';
      return;
    }
    if (customer.email && !isValidEmail(customer.email)) {
      this.problem = `"${customer.email}" is not an email address.`;
      return;
    }
    if (!text('subject')) {
      this.problem = 'Write a subject.';
      return;
    }
    if (!text('body')) {
      this.problem = 'Write what the ticket is about.';
      return;
    }
    if (this.firstMessage === 'message_to_customer' && !customer.email) {
      this.problem = 'A message to the customer needs their email address.';
      return;
    }
    const request: Pick<CreateTicketBody, 'firstMessage' | 'channel' | 'acknowledge'> = this.firstMessage === 'customer_request'
      ? { firstMessage: 'customer_request', channel: text('channel') as CreateTicketBody['channel'], acknowledge: form.get('acknowledge') === 'on' }
      : { firstMessage: this.firstMessage };
    this.busy = true;
    this.problem = null;
    try {
      const attachments = await uploadsOf(form.getAll('files').filter((f): f is File => f instanceof File && f.size > 0));
      const ticket = await api.post<TicketDetail>('/api/tickets', {
        ...(attachments.length ? { attachments } : {}),
        subject: text('subject'),
        body: String(form.get('body')),
        priority: text('priority'),
        assigneeId: text('assignee') ? Number(text('assignee')) : null,
        customer,
        ...request,
      }, this.key);
      navigate(`${BASE}/tickets/${ticket.number}`);
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h1>New ticket</h1>
      <form @submit=${this.submit} novalidate>
        <fieldset>
          <legend>Customer</legend>
          <div class="field">
            <label for="customer-search">Find in the CRM</label>
            <input id="customer-search" type="search" placeholder="Name, email, phone, company or external ID" @input=${this.onCustomerSearch} autocomplete="off">
          </div>
          ${this.crmMatches.length ? html`<ul aria-label="Matching CRM customers">${this.crmMatches.map((c) => html`<li>
            <button type="button" @click=${() => this.pick(c)}>${personName(c)}${c.email ? ` · ${c.email}` : ''}${c.company ? ` · ${c.company}` : ''}</button>
          </li>`)}</ul>` : null}
          <p class="muted small">…or enter the contact data; the ticket links to the CRM by external ID or email.</p>
          <div class="grid">
            ${CONTACT_FIELDS.map(([name, label, type]) => html`<div class="field">
              <label for="contact-${name}">${label}</label>
              <input id="contact-${name}" name=${name} type=${type} autocomplete="off">
            </div>`)}
          </div>
        </fieldset>
        <div class="field">
          <label for="subject">Subject</label>
          <input id="subject" name="subject" maxlength=${MAX_SUBJECT_LENGTH} required>
        </div>
        <fieldset>
          <legend>The first message is</legend>
          <div class="choices">
            ${FIRST_MESSAGE_CHOICES.map(([value, label, hint]) => html`<label class="choice">
              <input type="radio" name="firstMessage" value=${value} .checked=${this.firstMessage === value}
                @change=${() => { this.firstMessage = value; }}>
              <span><strong>${label}</strong><br><span class="muted small">${hint}</span></span>
            </label>`)}
          </div>
          <div class="field">
            <label for="body">${this.firstMessage === 'customer_request' ? 'Their request' : this.firstMessage === 'message_to_customer' ? 'Your message to them' : 'Note'}</label>
            <textarea id="body" name="body" required></textarea>
          </div>
          <div class="field">
            <label for="files">Files (optional)</label>
            <input id="files" name="files" type="file" multiple>
            <span class="muted small">${this.firstMessage === 'message_to_customer' ? 'Mailed with your message.' : this.firstMessage === 'internal_note' ? 'Only operators see them.' : 'With their request, as they sent them.'}</span>
          </div>
          ${this.firstMessage === 'customer_request' ? html`<div class="grid">
            <div class="field">
              <label for="channel">They told you</label>
              <select id="channel" name="channel">
                ${RECORDED_REQUEST_CHANNELS.map((c) => html`<option value=${c}>${CHANNEL_LABELS[c]}</option>`)}
              </select>
            </div>
            <label class="choice"><input type="checkbox" name="acknowledge"> Mail them that we received it (with the ticket's link)</label>
          </div>` : null}
        </fieldset>
        <div class="grid">
          <div class="field">
            <label for="priority">Priority</label>
            <select id="priority" name="priority">
              ${TICKET_PRIORITIES.map((p) => html`<option value=${p} ?selected=${p === 'normal'}>${PRIORITY_LABELS[p]}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="assignee">Assignee</label>
            <select id="assignee" name="assignee">
              <option value="">Unassigned</option>
              ${this.operatorList.map((o) => html`<option value=${o.id} ?selected=${o.id === this.me.id}>${o.name}</option>`)}
            </select>
          </div>
        </div>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
        <div class="row"><button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Opening…' : this.firstMessage === 'message_to_customer' ? 'Open ticket and send' : 'Open ticket'}</button></div>
      </form>
    `;
  }
}
customElements.define('new-ticket-view', NewTicketView);
