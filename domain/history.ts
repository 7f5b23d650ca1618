/**
 * A ticket's audit trail as sentences a person would write: "Olivia set the status from
 * In Progress to Waiting", "Olivia reassigned it from Bob to Carl". Pure, for every UI.
 */
import { PRIORITY_LABELS, STATUS_LABELS, TICKET_PRIORITIES, TicketPriority, TicketStatus } from './ticket';
import { SLA_TARGET_LABELS, SlaTarget } from './sla';

export interface HistoryEntry {
  type: string;
  actor: { kind: string; id: number | null; name: string | null };
  changes: Record<string, { from: unknown; to: unknown }>;
}

const targetLabel = (value: unknown) => SLA_TARGET_LABELS[value as SlaTarget] ?? 'An SLA target';
const statusLabel = (value: unknown) => STATUS_LABELS[value as TicketStatus] ?? String(value);
const priorityLabel = (value: unknown) => PRIORITY_LABELS[value as TicketPriority] ?? String(value);
const fromTo = (label: (value: unknown) => string, { from, to }: { from: unknown; to: unknown }) =>
  (from === null || from === undefined ? `to ${label(to)}` : `from ${label(from)} to ${label(to)}`);

/** A status change that stopped or restarted the SLA clocks says so. */
function slaPause(change: HistoryEntry['changes']): string {
  const dues = ['firstResponseDue', 'nextResponseDue', 'resolutionDue'].map((field) => change[field]).filter(Boolean) as Array<{ from: unknown; to: unknown }>;
  if (dues.length === 0) return '';
  if (dues.every((d) => d.to === null && d.from !== null)) return '; the SLA clock paused';
  if (dues.every((d) => d.from === null && d.to !== null)) return '; the SLA clock runs again';
  return '';
}

/** A time as the audit records it (ISO), to the minute, in UTC: the UIs pass their own. */
const isoMinute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * `operatorName` names an assignee by ID (the audit records IDs); `time` writes a time for
 * the reader; `names` names a custom field by its key and a team by its ID.
 */
export function historySentence(entry: HistoryEntry, operatorName: (id: number) => string, time: (iso: string) => string = isoMinute,
  names: { field?: (key: string) => string; team?: (id: number) => string } = {}): string {
  const fieldLabel = names.field ?? ((key: string) => key);
  const teamName = (id: unknown) => (typeof id === 'number' ? names.team?.(id) ?? `team ${id}` : 'no team');
  const who = entry.actor.kind === 'operator' ? entry.actor.name ?? 'An operator' : entry.actor.kind === 'customer' ? 'The customer' : 'The helpdesk';
  const change = entry.changes;
  const name = (id: unknown) => (typeof id === 'number' ? operatorName(id) : 'nobody');
  switch (entry.type) {
    case 'create': {
      const parts = [
        change.status ? statusLabel(change.status.to) : null,
        change.priority ? `${priorityLabel(change.priority.to)} priority` : null,
        change.assigneeId ? `assigned to ${name(change.assigneeId.to)}` : null,
        change.teamId ? `for ${teamName(change.teamId.to)}` : null,
      ].filter(Boolean);
      const followUp = typeof change.followUpOf?.to === 'number' ? ` as a follow-up of #${change.followUpOf.to}` : '';
      if (Array.isArray(change.tags?.to) && change.tags.to.length) parts.push(`tagged ${(change.tags.to as string[]).map((tag) => `"${tag}"`).join(', ')}`);
      return `${who} opened the ticket${followUp}${parts.length ? ` (${parts.join(', ')})` : ''}`;
    }
    case 'assign': {
      const { from, to } = change.assigneeId ?? { from: null, to: null };
      if (to === null) return `${who} unassigned it (was ${name(from)})`;
      if (from === null) return entry.actor.kind === 'operator' && entry.actor.id === to ? `${who} took it` : `${who} assigned it to ${name(to)}`;
      return `${who} reassigned it from ${name(from)} to ${name(to)}`;
    }
    case 'set_status': {
      const until = change.waitingUntil?.to;
      const aside = typeof until === 'string' ? ` until ${time(until)}` : '';
      if (change.status) return `${who} set the status ${fromTo(statusLabel, change.status)}${aside}${slaPause(change)}`;
      if (change.waitingUntil) return typeof until === 'string' ? `${who} set it aside until ${time(until)}` : `${who} let it wait with no time set`;
      return `${who} set the status`;
    }
    case 'wake_up': return 'Its waiting time was over: back to In Progress';
    case 'follow_up_reminder': return 'The customer was reminded that the ticket waits for their answer';
    case 'auto_close': return 'Closed: no answer from the customer while it waited';
    case 'sla_policy': {
      const policy = change.slaPolicy?.to;
      const first = change.firstResponseDue?.to;
      const resolution = change.resolutionDue?.to;
      const dues = [typeof first === 'string' ? `first response due ${time(first)}` : null, typeof resolution === 'string' ? `resolution due ${time(resolution)}` : null]
        .filter(Boolean).join(', ');
      if (typeof policy !== 'string') return 'No SLA policy applies any more';
      return `SLA policy ${policy} applies${dues ? `: ${dues}` : ''}`;
    }
    case 'sla_warning': return `${targetLabel(change.slaTarget?.to)} is due soon${typeof change.due?.to === 'string' ? ` (${time(change.due.to)})` : ''}: warned`;
    case 'escalate': {
      const action = change.escalationAction?.to;
      const step = change.escalationStep?.to;
      const what = action === 'notify_agents' ? 'every agent was told'
        : action === 'raise_priority' && change.priority ? `the priority went ${fromTo(priorityLabel, change.priority)}`
          : action === 'assign' && change.assigneeId ? `assigned to ${name(change.assigneeId.to)}` : 'nothing changed';
      return `Escalated${typeof step === 'number' ? ` (step ${step})` : ''}: it still needs someone; ${what}`;
    }
    case 'sla_breach': return `${targetLabel(change.slaTarget?.to)} target missed${typeof change.due?.to === 'string' ? ` (due ${time(change.due.to)})` : ''}`;
    case 'set_priority': {
      if (!change.priority) return `${who} changed the priority`;
      const { from, to } = change.priority;
      const raised = TICKET_PRIORITIES.indexOf(to as TicketPriority) > TICKET_PRIORITIES.indexOf(from as TicketPriority);
      if (from === null || from === undefined) return `${who} set the priority to ${priorityLabel(to)}`;
      return `${who} ${raised ? 'raised' : 'lowered'} the priority ${fromTo(priorityLabel, change.priority)}`;
    }
    case 'link_customer':
      return change.customerId?.to === null ? `${who} unlinked the CRM customer` : `${who} linked the CRM customer`;
    case 'internal_note': return `${who} added an internal note`;
    case 'public_reply': return `${who} replied to the customer`;
    case 'customer_message': return `${who} wrote${change.status ? `; the status went ${fromTo(statusLabel, change.status)}` : ''}`;
    case 'close': return `${who} closed the ticket`;
    case 'reopen': return `${who} reopened the ticket`;
    case 'verify_contact': return 'The customer confirmed their email address';
    case 'tag': {
      const before = Array.isArray(change.tags?.from) ? change.tags.from as string[] : [];
      const after = Array.isArray(change.tags?.to) ? change.tags.to as string[] : [];
      const quoted = (tags: string[]) => tags.map((tag) => `"${tag}"`).join(', ');
      const [added, removed] = [after.filter((tag) => !before.includes(tag)), before.filter((tag) => !after.includes(tag))];
      const parts = [added.length ? `tagged it ${quoted(added)}` : null, removed.length ? `took off ${quoted(removed)}` : null].filter(Boolean);
      return `${who} ${parts.join(' and ') || 'reordered the tags'}`;
    }
    case 'set_team': return change.teamId?.to === null ? `${who} took it off ${teamName(change.teamId.from)}` : `${who} moved it to ${teamName(change.teamId?.to)}`;
    case 'set_fields': {
      const shown = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value));
      const parts = Object.entries(change).filter(([key]) => key.startsWith('field:')).map(([key, { to }]) => {
        const label = fieldLabel(key.slice('field:'.length));
        return to === null ? `cleared ${label}` : `set ${label} to ${shown(to)}`;
      });
      return `${who} ${parts.join(', ') || 'changed the fields'}`;
    }
    case 'rotate_public_link': return `${who} made a new public link; the old one no longer works`;
    default: return `${who}: ${entry.type.replace(/_/g, ' ')}`;
  }
}
