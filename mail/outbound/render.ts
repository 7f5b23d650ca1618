import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { NotificationKind } from '../../domain/ticket';

export interface TemplateData {
  number: number;
  subject: string;
  status: string;
  name: string | null;
  body: string | null;
  /** The body as sanitised HTML (an operator's Markdown), else null: the HTML part shows the text. */
  body_html?: string | null;
  author: string | null;
  /** The customer's public link; always present so every mail can carry it. */
  ticket_url: string;
  admin_url: string;
  /** An SLA warning's target ("First response") and due time. */
  target?: string;
  due?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const TEMPLATE_DIR = join(__dirname, 'templates');

/** Mail for operators: its link opens the ticket in the admin UI, not the customer's page. */
const OPERATOR_MAIL = new Set<NotificationKind>(['customer_replied', 'waiting_over', 'sla_warning', 'escalation', 'ticket_assigned', 'mentioned']);

/**
 * In HTML parts Handlebars escapes every {{value}}, so nothing a customer typed becomes
 * markup; plain-text parts are not HTML and show what was typed as it was typed.
 */
function compile(name: string) {
  return Handlebars.compile(readFileSync(join(TEMPLATE_DIR, `${name}.hbs`), 'utf8'), { noEscape: name.endsWith('.text') });
}

/**
 * The acknowledgement goes out to whatever address a stranger typed: it quotes nothing
 * they wrote but the subject, cut, so it can't carry their message to someone else.
 */
export const ACKNOWLEDGEMENT_SUBJECT_LENGTH = 80;

const cut = (text: string, length: number) => (text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`);

export function createRenderer() {
  const layout = compile('layout.html');
  const cache = new Map<string, Handlebars.TemplateDelegate>();
  const template = (name: string) => {
    let compiled = cache.get(name);
    if (!compiled) cache.set(name, (compiled = compile(name)));
    return compiled;
  };
  return function render(kind: NotificationKind, given: TemplateData): RenderedMail {
    const data = kind === 'ticket_created' ? { ...given, subject: cut(given.subject, ACKNOWLEDGEMENT_SUBJECT_LENGTH), body: null } : given;
    const viewUrl = OPERATOR_MAIL.has(kind) ? data.admin_url : data.ticket_url;
    return {
      subject: `[#${data.number}] ${data.subject}`,
      text: template(`${kind}.text`)(data),
      html: layout({ ...data, view_url: viewUrl, content: template(`${kind}.html`)(data) }),
    };
  };
}
