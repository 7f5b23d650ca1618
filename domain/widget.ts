/**
 * The widget's form rules, one definition for the widget (which checks as the visitor
 * types) and the API (which enforces them, since anyone can post without the widget).
 */
import { isValidEmail, MAX_SUBJECT_LENGTH } from './ticket';

export const WIDGET_MAX_MESSAGE_LENGTH = 10_000;
export const WIDGET_MAX_NAME_LENGTH = 100;
export const WIDGET_MAX_PHONE_LENGTH = 40;
import { attachmentProblem, type AttachmentInfo, type AttachmentLimits } from './attachments';

export const WIDGET_MAX_ATTACHMENTS = 3;
export const WIDGET_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** What the visitor attaches, as far as the rules care. */
export type WidgetAttachmentInfo = AttachmentInfo;

/** What a customer may attach, on the form and to an answer through their link: strangers, so less than operators. */
export const CUSTOMER_ATTACHMENT_LIMITS: AttachmentLimits = { maxCount: WIDGET_MAX_ATTACHMENTS, maxBytes: WIDGET_MAX_ATTACHMENT_BYTES };

/** The first problem with the attached files, or null. */
export function widgetAttachmentProblem(files: WidgetAttachmentInfo[]): string | null {
  return attachmentProblem(files, CUSTOMER_ATTACHMENT_LIMITS);
}

export interface WidgetTicketForm {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  subject: string;
  message: string;
}

export type WidgetFormProblems = Partial<Record<keyof WidgetTicketForm, string>>;

const PHONE = /^\+?[0-9 ()./-]{3,}$/;

/** Every problem by field, in form order; empty when the form may be sent. */
export function widgetFormProblems(form: WidgetTicketForm): WidgetFormProblems {
  const problems: WidgetFormProblems = {};
  const first = form.firstName.trim();
  const last = form.lastName.trim();
  if (!first && !last) problems.firstName = 'Tell us your name.';
  if (first.length > WIDGET_MAX_NAME_LENGTH) problems.firstName = `Your first name is longer than ${WIDGET_MAX_NAME_LENGTH} characters.`;
  if (last.length > WIDGET_MAX_NAME_LENGTH) problems.lastName = `Your last name is longer than ${WIDGET_MAX_NAME_LENGTH} characters.`;
  const email = form.email.trim();
  if (!email) problems.email = 'Give your email address, so we can answer.';
  else if (!isValidEmail(email)) problems.email = `"${email}" is not an email address.`;
  const phone = form.phone.trim();
  if (phone && (phone.length > WIDGET_MAX_PHONE_LENGTH || !PHONE.test(phone))) problems.phone = 'Give the phone number in digits, like +48 600 100 200, or leave it empty.';
  const subject = form.subject.trim();
  if (!subject) problems.subject = 'Give your message a subject.';
  else if (subject.length > MAX_SUBJECT_LENGTH) problems.subject = `The subject is longer than ${MAX_SUBJECT_LENGTH} characters.`;
  if (!form.message.trim()) problems.message = 'Write your message.';
  else if (form.message.length > WIDGET_MAX_MESSAGE_LENGTH) problems.message = `The message is longer than ${WIDGET_MAX_MESSAGE_LENGTH.toLocaleString('en')} characters.`;
  return problems;
}
