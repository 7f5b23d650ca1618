/** Tags as the admin UI shows them: their colours (fetched once per page load) and a chip each. */
import { html } from 'lit';
import type { TagView } from '../../api/schemas';
import { api, fetchedOnce, query } from './api';

const all = fetchedOnce<TagView[]>('/api/tags');

/** Every known tag's colour; a tag not in it is gray. */
export const tagColours = async (): Promise<Map<string, TagView['colour']>> => new Map((await all.get()).map((t) => [t.name, t.colour]));

/** After an admin coloured a tag, or a new one was put on: fetched afresh next time. */
export const forgetTagColours = () => all.forget();

/** Tags starting with what was typed, the most used first (for autocomplete). */
export const suggestTags = (typed: string) => api.get<TagView[]>(`/api/tags${query({ q: typed.trim() })}`);

export function tagChip(tag: string, colours: Map<string, TagView['colour']>) {
  return html`<span class="tag tag-${colours.get(tag) ?? 'gray'}">${tag}</span>`;
}
