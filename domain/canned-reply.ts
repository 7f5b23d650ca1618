/**
 * Canned replies (text modules): answers a team writes once and inserts in the reply box,
 * with the ticket's details filled in. Shared ones belong to the team (admins keep them),
 * personal ones to the operator who wrote them.
 */

export const MAX_CANNED_TITLE_LENGTH = 120;
export const MAX_CANNED_BODY_LENGTH = 20_000;

/** A shortcut is what follows `::` in the reply box: a word, so typing it never needs the mouse. */
export const SHORTCUT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Every variable a canned reply may use, with what it becomes (shown where they are written). */
export const CANNED_REPLY_VARIABLES = {
  'customer.first_name': "the customer's first name",
  'customer.last_name': "the customer's last name",
  'customer.name': "the customer's full name (or email address when there is no name)",
  'customer.email': "the customer's email address",
  'ticket.number': "the ticket's number",
  'ticket.subject': "the ticket's subject",
  ticket_url: "the customer's link to the ticket",
  'operator.name': 'your name, as customers see it',
} as const;

export type CannedReplyVariable = keyof typeof CANNED_REPLY_VARIABLES;

/** What the variables are filled from: one ticket, answered by one operator. */
export interface CannedReplyContext {
  customer: { first_name: string; last_name: string; name: string; email: string };
  ticket: { number: number; subject: string };
  ticket_url: string;
  operator: { name: string };
}

export function shortcutProblem(shortcut: string): string | null {
  return SHORTCUT_PATTERN.test(shortcut)
    ? null
    : 'A shortcut is 1 to 32 lowercase letters, digits, "-" or "_", starting with a letter or digit (typed after :: in the reply box).';
}

/** The text after `::` the operator is typing at the cursor, or null when not typing a shortcut. */
export function shortcutAtCursor(text: string, cursor: number): { query: string; start: number } | null {
  const before = text.slice(Math.max(0, cursor - 40), cursor);
  const match = /(?:^|\s)::([a-z0-9_-]{0,32})$/i.exec(before);
  if (!match) return null;
  return { query: match[1]!.toLowerCase(), start: cursor - match[1]!.length - 2 };
}

export interface PickableReply {
  title: string;
  shortcut: string | null;
  body: string;
  usageCount: number;
}

/**
 * The replies a picker offers for what was typed, best first: an exact shortcut, then
 * shortcuts and titles that start with it, then any that contain it; the most used first
 * within each.
 */
export function pickReplies<T extends PickableReply>(replies: readonly T[], typed: string): T[] {
  const query = typed.trim().toLowerCase();
  const rank = (reply: T): number | null => {
    if (!query) return 3;
    const shortcut = reply.shortcut ?? '';
    const title = reply.title.toLowerCase();
    if (shortcut === query) return 0;
    if (shortcut.startsWith(query) || title.startsWith(query)) return 1;
    if (shortcut.includes(query) || title.includes(query)) return 2;
    if (reply.body.toLowerCase().includes(query)) return 3;
    return null;
  };
  return replies
    .map((reply) => ({ reply, rank: rank(reply) }))
    .filter((r): r is { reply: T; rank: number } => r.rank !== null)
    .sort((a, b) => a.rank - b.rank || b.reply.usageCount - a.reply.usageCount || a.reply.title.localeCompare(b.reply.title))
    .map((r) => r.reply);
}
