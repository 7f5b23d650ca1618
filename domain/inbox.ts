/**
 * What operators hear about their work (the bell in the admin UI, and mail where they want
 * it): derived from each change of a ticket, so it is written with the change and never
 * twice. Who exactly (which agents are active, who turned what off) is the database's to
 * know; the rule here names the kind and for whom.
 */
import type { TicketEvent, TicketState } from './ticket';

export const INBOX_KINDS = ['new_ticket', 'assigned', 'customer_replied', 'mention', 'sla_warning'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/** What each kind is, as the preferences and the bell say it. */
export const INBOX_LABELS: Record<InboxKind, string> = {
  new_ticket: 'A new ticket nobody is assigned to',
  assigned: 'A ticket is assigned to you',
  customer_replied: 'A customer answered your ticket',
  mention: 'You are mentioned in a note',
  sla_warning: 'A ticket of yours (or nobody\'s) is about to miss an SLA target',
};

/** Kinds that can also come by mail (a new unassigned ticket is the bell's only). */
export const MAILED_INBOX_KINDS: ReadonlySet<InboxKind> = new Set(['assigned', 'customer_replied', 'mention', 'sla_warning']);

export interface InboxPreference {
  inApp: boolean;
  mail: boolean;
}
export type InboxPreferences = Record<InboxKind, InboxPreference>;

/** A new operator's choice until they make their own: everything in the app, mail for what is theirs. */
export const DEFAULT_INBOX_PREFERENCES: InboxPreferences = {
  new_ticket: { inApp: true, mail: false },
  assigned: { inApp: true, mail: true },
  customer_replied: { inApp: true, mail: true },
  mention: { inApp: true, mail: true },
  sla_warning: { inApp: true, mail: true },
};

/** Stored preferences over the defaults (a kind added later takes its default). */
export function inboxPreferences(stored: Partial<Record<string, Partial<InboxPreference>>> | null | undefined): InboxPreferences {
  return Object.fromEntries(INBOX_KINDS.map((kind) => [kind, { ...DEFAULT_INBOX_PREFERENCES[kind], ...stored?.[kind] }])) as InboxPreferences;
}

/**
 * Who hears of a change: named operators, the members of a team, or every active agent.
 * Whoever made the change never hears of it.
 */
export interface InboxEntry {
  kind: InboxKind;
  operators: number[];
  agents: boolean;
  /** The team whose members hear of it (instead of every agent). */
  team?: number;
}

const to = (kind: InboxKind, operators: Array<number | null>): InboxEntry[] => {
  const named = operators.filter((id): id is number => id !== null);
  return named.length ? [{ kind, operators: [...new Set(named)], agents: false }] : [];
};
/** Every agent, or the ticket's team when it has one. */
const toAgents = (kind: InboxKind, team: number | undefined): InboxEntry[] => [team === undefined ? { kind, operators: [], agents: true } : { kind, operators: [], agents: false, team }];

/** What a change tells whom. */
export function inboxFor(before: TicketState | null, event: TicketEvent, after: TicketState): InboxEntry[] {
  const entries: InboxEntry[] = [];
  if (event.type === 'create') {
    entries.push(...(after.assigneeId === null ? toAgents('new_ticket', after.teamId) : to('assigned', [after.assigneeId])));
    return entries;
  }
  if (after.assigneeId !== null && after.assigneeId !== before?.assigneeId) entries.push(...to('assigned', [after.assigneeId]));
  if (event.type === 'customer_message' && !event.automatic) entries.push(...to('customer_replied', [after.assigneeId]));
  if (event.type === 'internal_note' && event.mentions?.length) entries.push(...to('mention', event.mentions));
  if (event.type === 'sla_warning') entries.push(...(after.assigneeId === null ? toAgents('sla_warning', after.teamId) : to('sla_warning', [after.assigneeId])));
  return entries;
}

/** The bell's line for an entry ("Sam assigned #12 to you"), the subject shown beside it. */
export function inboxSentence(entry: { kind: InboxKind; ticketNumber: number; actorKind: string; actorName: string | null }): string {
  const who = entry.actorKind === 'operator' ? entry.actorName ?? 'A colleague' : entry.actorKind === 'customer' ? 'The customer' : 'The helpdesk';
  const ticket = `#${entry.ticketNumber}`;
  switch (entry.kind) {
    case 'new_ticket': return `New ticket ${ticket}, nobody assigned`;
    case 'assigned':
      if (entry.actorKind === 'operator') return `${who} assigned ${ticket} to you`;
      return entry.actorKind === 'system' ? `${ticket} was assigned to you (your team's turn, or an escalation)` : `${ticket} is assigned to you`;
    case 'customer_replied': return `The customer answered ${ticket}`;
    case 'mention': return `${who} mentioned you on ${ticket}`;
    case 'sla_warning': return `${ticket} is about to miss an SLA target`;
  }
}

/** The `@` and the letters after it the operator is typing at the cursor, or null. */
export function mentionAtCursor(text: string, cursor: number): { query: string; start: number } | null {
  const before = text.slice(Math.max(0, cursor - 40), cursor);
  const match = /(?:^|\s)@([\p{L}\p{N}._-]{0,30})$/u.exec(before);
  if (!match) return null;
  return { query: match[1]!.toLowerCase(), start: cursor - match[1]!.length - 1 };
}

/** The operators a text mentions: each whose `@Name` it still contains. */
export function mentionedIn(text: string, operators: ReadonlyArray<{ id: number; name: string }>): number[] {
  return operators.filter((o) => text.includes(`@${o.name}`)).map((o) => o.id);
}
