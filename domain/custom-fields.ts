/**
 * Custom ticket fields: what admins define beyond the built-in ones (an order number, a
 * plan, a renewal date, the product areas concerned), their values on a ticket, and the
 * rules a value must keep. The ticket's workflow stores values as given; whoever sets
 * them (the API, the widget) holds them to the definition first. Pure.
 */

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'select', 'multiselect'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export const CUSTOM_FIELD_TYPE_LABELS: Record<CustomFieldType, string> = {
  text: 'Text', number: 'Number', date: 'Date', select: 'One choice', multiselect: 'Several choices',
};

export type CustomFieldValue = string | number | string[];
/** A ticket's values by field key. */
export type CustomFieldValues = Record<string, CustomFieldValue>;

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  /** The choices of a select or multiselect. */
  options: string[];
  /** The website may set it through the widget (a visitor could too: never trust it for anything that matters). */
  widget: boolean;
}

export const MAX_CUSTOM_FIELDS = 50;
export const MAX_FIELD_TEXT_LENGTH = 1000;
export const MAX_FIELD_OPTIONS = 100;
export const MAX_OPTION_LENGTH = 100;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function fieldKeyProblem(key: string): string | null {
  return KEY_PATTERN.test(key) ? null : `"${key}" is not a field key: a lower-case letter, then letters, digits or _ (at most 40).`;
}

/** What is wrong with a definition, or null. */
export function definitionProblem(definition: Pick<CustomFieldDefinition, 'key' | 'label' | 'type' | 'options'>): string | null {
  const keyProblem = fieldKeyProblem(definition.key);
  if (keyProblem) return keyProblem;
  if (definition.label.trim() === '') return 'A field needs a label.';
  const choices = definition.type === 'select' || definition.type === 'multiselect';
  if (!choices && definition.options.length) return `A ${CUSTOM_FIELD_TYPE_LABELS[definition.type].toLowerCase()} field has no choices.`;
  if (choices && definition.options.length === 0) return 'Give the field its choices.';
  if (definition.options.length > MAX_FIELD_OPTIONS) return `A field has at most ${MAX_FIELD_OPTIONS} choices.`;
  if (new Set(definition.options).size !== definition.options.length) return 'Each choice once.';
  if (definition.options.some((o) => o.trim() === '' || o.length > MAX_OPTION_LENGTH)) return `A choice is 1 to ${MAX_OPTION_LENGTH} characters.`;
  return null;
}

/**
 * A value as the definition types it: a number from "42", a date as YYYY-MM-DD, a choice
 * among the options; null or '' (or an empty list) clears the field. Or what is wrong.
 */
export function fieldValue(definition: CustomFieldDefinition, raw: unknown): { value: CustomFieldValue | null } | { problem: string } {
  const label = definition.label;
  if (raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0)) return { value: null };
  switch (definition.type) {
    case 'text': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { problem: `${label} takes text.` };
      const text = String(raw).trim();
      if (text.length > MAX_FIELD_TEXT_LENGTH) return { problem: `${label} is at most ${MAX_FIELD_TEXT_LENGTH} characters.` };
      return { value: text === '' ? null : text };
    }
    case 'number': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : Number.NaN;
      if (!Number.isFinite(number)) return { problem: `${label} takes a number.` };
      return { value: number };
    }
    case 'date': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      const date = DATE_PATTERN.test(text) ? new Date(`${text}T00:00:00Z`) : null;
      if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return { problem: `${label} takes a date (YYYY-MM-DD).` };
      return { value: text };
    }
    case 'select': {
      if (typeof raw !== 'string' || !definition.options.includes(raw)) return { problem: `${label} is one of: ${definition.options.join(', ')}.` };
      return { value: raw };
    }
    case 'multiselect': {
      const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : null;
      if (!list || list.some((v) => typeof v !== 'string' || !definition.options.includes(v))) return { problem: `${label} takes some of: ${definition.options.join(', ')}.` };
      return { value: [...new Set(list as string[])] };
    }
  }
}

/**
 * Values as given (by key; null clears one), held to their definitions; unknown keys are
 * refused, or left out with `ignoreUnknown` (a website sending more than the admins defined).
 */
export function fieldValues(definitions: readonly CustomFieldDefinition[], given: Record<string, unknown>, { ignoreUnknown = false } = {}):
  { values: Record<string, CustomFieldValue | null> } | { problem: string } {
  const values: Record<string, CustomFieldValue | null> = {};
  for (const [key, raw] of Object.entries(given)) {
    const definition = definitions.find((d) => d.key === key);
    if (!definition) {
      if (ignoreUnknown) continue;
      return { problem: `There is no ticket field "${key}".` };
    }
    const typed = fieldValue(definition, raw);
    if ('problem' in typed) return typed;
    values[key] = typed.value;
  }
  return { values };
}

/** A ticket's values after a change: set ones replaced, null ones gone. */
export function withFieldValues(current: CustomFieldValues | undefined, changes: Record<string, CustomFieldValue | null>): CustomFieldValues {
  const next: CustomFieldValues = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Whether two sets of values say the same. */
export function sameFieldValues(a: CustomFieldValues | undefined, b: CustomFieldValues | undefined): boolean {
  const [x, y] = [a ?? {}, b ?? {}];
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of keys) if (JSON.stringify(x[key]) !== JSON.stringify(y[key])) return false;
  return true;
}

/**
 * The list's field filter (`key:value`, as `GET /api/tickets` takes it) as the values the
 * tickets must contain: typed by each definition, a choice of a several-choices field as a
 * list of it. Or what is wrong.
 */
export function fieldFilter(definitions: readonly CustomFieldDefinition[], given: readonly string[]): { fields: CustomFieldValues } | { problem: string } {
  const fields: CustomFieldValues = {};
  for (const item of given) {
    const colon = item.indexOf(':');
    const [key, raw] = [item.slice(0, colon), item.slice(colon + 1)];
    const definition = definitions.find((d) => d.key === key);
    if (colon < 1 || !definition) return { problem: `There is no ticket field "${key}" to filter by.` };
    const typed = fieldValue(definition.type === 'multiselect' ? { ...definition, type: 'select' } : definition, raw);
    if ('problem' in typed) return typed;
    if (typed.value === null) continue;
    if (definition.type === 'multiselect') fields[key] = [...(Array.isArray(fields[key]) ? fields[key] as string[] : []), typed.value as string];
    else fields[key] = typed.value;
  }
  return { fields };
}
