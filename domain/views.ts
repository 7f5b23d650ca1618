/**
 * Views of the ticket list: a set of filters, a sort and the columns shown. The built-in
 * ones every operator has, and what a saved view (personal or shared) may hold. One
 * definition for the API, which counts them, and the admin UI, which lists them. Pure.
 */
import { OPEN_STATUSES, TicketPriority, TicketSource, TicketStatus } from './ticket';

/** The ticket list's filters, as `GET /api/tickets` takes them (`assignee`: an operator ID, `me` or `none`). */
export interface TicketFilters {
  status?: TicketStatus[];
  priority?: TicketPriority;
  source?: TicketSource;
  assignee?: number | 'me' | 'none';
  tag?: string[];
  /** Custom field values as `key:value` (domain/custom-fields.ts `fieldFilter`). */
  field?: string[];
  needsReply?: boolean;
  unread?: boolean;
  team?: number;
  due?: 'soon' | 'overdue';
  q?: string;
}

export const TICKET_SORTS = ['updated_desc', 'updated_asc', 'created_desc', 'created_asc', 'priority_desc', 'number_desc', 'number_asc', 'due_asc'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];
export const SORT_LABELS: Record<TicketSort, string> = {
  updated_desc: 'Recently updated',
  updated_asc: 'Least recently updated',
  created_desc: 'Newest first',
  created_asc: 'Oldest first',
  priority_desc: 'Highest priority',
  number_desc: 'Number, high to low',
  number_asc: 'Number, low to high',
  due_asc: 'Next SLA due first',
};

export const TICKET_COLUMNS = ['number', 'subject', 'customer', 'status', 'priority', 'tags', 'assignee', 'updated', 'created'] as const;
export type TicketColumn = (typeof TICKET_COLUMNS)[number];
export const COLUMN_LABELS: Record<TicketColumn, string> = {
  number: '#', subject: 'Subject', customer: 'Customer', status: 'Status', priority: 'Priority', tags: 'Tags', assignee: 'Assignee', updated: 'Updated', created: 'Created',
};
export const DEFAULT_COLUMNS: readonly TicketColumn[] = ['number', 'subject', 'customer', 'status', 'priority', 'tags', 'assignee', 'updated'];

export interface ViewDefinition {
  label: string;
  filters: TicketFilters;
  sort?: TicketSort;
}

const open = [...OPEN_STATUSES];

/** Every operator's views, in the sidebar's order; keys are stable (URLs, counts). */
export const BUILT_IN_VIEWS = {
  mine: { label: 'My tickets', filters: { assignee: 'me', status: open } },
  unassigned: { label: 'Unassigned', filters: { assignee: 'none', status: open } },
  needsReply: { label: 'Needs reply', filters: { needsReply: true, status: open } },
  open: { label: 'All open', filters: { status: open } },
  waiting: { label: 'Waiting', filters: { status: ['waiting'] } },
  dueSoon: { label: 'Due soon', filters: { status: open, due: 'soon' }, sort: 'due_asc' },
  overdue: { label: 'Overdue', filters: { status: open, due: 'overdue' }, sort: 'due_asc' },
  closed: { label: 'Closed', filters: { status: ['closed'] } },
  all: { label: 'All tickets', filters: {} },
} as const satisfies Record<string, ViewDefinition>;
export type BuiltInView = keyof typeof BUILT_IN_VIEWS;

export const MAX_VIEW_NAME_LENGTH = 60;
/** Saved views an operator sees at most (theirs and the shared ones), so the sidebar's counts stay one cheap statement. */
export const MAX_SAVED_VIEWS = 50;

/** The key a view's count goes by: a built-in view's name, or `saved:<id>`. */
export const savedViewKey = (id: number) => `saved:${id}`;
