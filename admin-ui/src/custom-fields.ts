/** The custom ticket fields as the admin UI shows them, and the control that sets each. */
import { html } from 'lit';
import type { CustomFieldView } from '../../api/schemas';
import { fetchedOnce } from './api';

const list = fetchedOnce<CustomFieldView[]>('/api/ticket-fields');

export const customFields = () => list.get();

/** After an admin changed the fields: fetched afresh next time. */
export const forgetCustomFields = () => list.forget();

/** A value as an operator reads it. */
export const shownValue = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value));

/**
 * The control that edits one field's value; tells `onValue` the new one (null: cleared)
 * once the operator is done with it (change, not every keystroke).
 */
export function fieldControl(field: CustomFieldView, value: unknown, busy: boolean, onValue: (value: string | number | string[] | null) => void) {
  const id = `field-${field.key}`;
  switch (field.type) {
    case 'select':
      return html`<div class="field"><label for=${id}>${field.label}</label>
        <select id=${id} ?disabled=${busy} @change=${(e: Event) => onValue((e.target as HTMLSelectElement).value || null)}>
          <option value="" ?selected=${value === undefined}>—</option>
          ${field.options.map((o) => html`<option value=${o} ?selected=${value === o}>${o}</option>`)}
        </select></div>`;
    case 'multiselect': {
      const chosen = Array.isArray(value) ? value as string[] : [];
      return html`<fieldset class="field choices"><legend>${field.label}</legend>
        ${field.options.map((o) => html`<span class="check"><input type="checkbox" id=${`${id}-${o}`} ?checked=${chosen.includes(o)} ?disabled=${busy}
          @change=${(e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            const next = on ? [...chosen, o] : chosen.filter((c) => c !== o);
            onValue(next.length ? field.options.filter((x) => next.includes(x)) : null);
          }}><label for=${`${id}-${o}`}>${o}</label></span>`)}
      </fieldset>`;
    }
    default:
      return html`<div class="field"><label for=${id}>${field.label}</label>
        <input id=${id} type=${field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'} step="any" ?disabled=${busy}
          .value=${value === undefined ? '' : String(value)}
          @change=${(e: Event) => {
            const text = (e.target as HTMLInputElement).value.trim();
            onValue(text === '' ? null : field.type === 'number' ? Number(text) : text);
          }}></div>`;
  }
}
