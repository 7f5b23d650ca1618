/** Tags as the admin UI shows them: their colours (fetched once per page load) and a chip each. */
import { html } from 'lit';
import type { TagView } from '../../api/schemas';
import { api, query } from './api';

let cached: Promise<Map<string, TagView['colour']>> | null = null;

/** Every known tag's colour; a tag not in it is gray. */
export function tagColours(): Promise<Map<string, TagView['colour']>> {
  cached ??= api.get<TagView[]>('/api/tags').then((tags) => new Map(tags.map((t) => [t.name, t.colour]))).catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}

/** After an admin coloured a tag, or a new one was put on: fetched afresh next time. */
export function forgetTagColours() {
  cached = null;
}

/** Tags starting with what was typed, the most used first (for autocomplete). */
export const suggestTags = (typed: string) => api.get<TagView[]>(`/api/tags${query({ q: typed.trim() })}`);

export function tagChip(tag: string, colours: Map<string, TagView['colour']>) {
  return html`<span class="tag tag-${colours.get(tag) ?? 'gray'}">${tag}</span>`;
}
