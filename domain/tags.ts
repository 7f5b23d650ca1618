/**
 * Ticket tags: free words operators put on tickets to group them ("billing", "vip",
 * "bug 4.2"). One spelling per tag (lower case, single spaces), so "Billing" and
 * "billing " are one tag in lists, filters and Temporal's `TicketTags`. Pure.
 */

export const MAX_TAG_LENGTH = 40;
export const MAX_TAGS_PER_TICKET = 20;

/**
 * The colours an admin may give a tag: names, not CSS values, so nothing typed into a tag's
 * settings ever reaches a style attribute.
 */
export const TAG_COLOURS = ['gray', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink'] as const;
export type TagColour = (typeof TAG_COLOURS)[number];

/** Letters and digits of any script, and a few joiners; no comma (the UIs split on it). */
const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._/&+#:-]*$/u;

/** The one spelling of a tag, or null when nothing is left of it. */
export function normalizeTag(tag: string): string | null {
  const spelled = tag.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  return spelled === '' ? null : spelled;
}

export function validateTag(tag: string): string | null {
  if (tag.length > MAX_TAG_LENGTH) return `A tag is at most ${MAX_TAG_LENGTH} characters ("${tag.slice(0, MAX_TAG_LENGTH)}…").`;
  if (!TAG_PATTERN.test(tag)) return `"${tag}" is not a tag: use letters, digits, spaces and . _ / & + # : - (starting with a letter or digit).`;
  return null;
}

/** Tags as typed, normalised and without repeats, in the order given; or what is wrong with one. */
export function normalizeTags(tags: readonly string[]): { tags: string[] } | { problem: string } {
  const out: string[] = [];
  for (const typed of tags) {
    const tag = normalizeTag(typed);
    if (tag === null) continue;
    const problem = validateTag(tag);
    if (problem) return { problem };
    if (!out.includes(tag)) out.push(tag);
  }
  return { tags: out };
}

/** A ticket's tags after adding and removing some: existing ones keep their place, new ones follow. */
export function retag(current: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const kept = current.filter((tag) => !remove.includes(tag));
  for (const tag of add) if (!kept.includes(tag) && !remove.includes(tag)) kept.push(tag);
  return kept;
}

export const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((tag, i) => tag === b[i]);
