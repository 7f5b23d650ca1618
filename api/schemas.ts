/**
 * The HTTP contract: every request and response shape, one definition each. Routes
 * validate and serialise with these (responses are serialised through them too, so a
 * field that is not declared here never leaves the server), OpenAPI is generated from
 * them, and the UIs import the inferred types.
 */
import { Type, Static, TSchema } from 'typebox';
import {
  COMMENT_CHANNELS,
  COMMENT_VISIBILITIES,
  FIRST_MESSAGES,
  MAX_BODY_LENGTH,
  RECORDED_REQUEST_CHANNELS,
  MAX_SUBJECT_LENGTH,
  TICKET_PRIORITIES,
  TICKET_SOURCES,
  TICKET_STATUSES,
} from '../domain/ticket';
import { MAX_SIGNATURE_LENGTH, MIN_PASSWORD_LENGTH, OPERATOR_ROLES } from '../domain/operator';
import { INBOUND_OUTCOMES } from '../domain/inbound-email';
import { CLOCK_EVENTS } from '../domain/clocks';
import { ESCALATION_ACTIONS, SLA_TARGETS } from '../domain/sla';
import { WEEKDAYS } from '../domain/business-hours';
import { INBOX_KINDS } from '../domain/inbox';
import { MAX_TAG_LENGTH, MAX_TAGS_PER_TICKET, TAG_COLOURS } from '../domain/tags';
import { MAX_VIEW_NAME_LENGTH, TICKET_COLUMNS, TICKET_SORTS } from '../domain/views';
import { TEAM_ASSIGNMENTS } from '../domain/teams';
import { CUSTOM_FIELD_TYPES, MAX_FIELD_OPTIONS, MAX_FIELD_TEXT_LENGTH, MAX_OPTION_LENGTH } from '../domain/custom-fields';
import { CANNED_REPLY_VARIABLES, MAX_CANNED_BODY_LENGTH, MAX_CANNED_TITLE_LENGTH } from '../domain/canned-reply';
export { WEEKDAYS };
import { WIDGET_MAX_ATTACHMENT_BYTES, WIDGET_MAX_ATTACHMENTS, WIDGET_MAX_MESSAGE_LENGTH, WIDGET_MAX_NAME_LENGTH, WIDGET_MAX_PHONE_LENGTH } from '../domain/widget';

const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const Status = literals(TICKET_STATUSES);
export const Priority = literals(TICKET_PRIORITIES);
export const Source = literals(TICKET_SOURCES);
export const Visibility = literals(COMMENT_VISIBILITIES);
export const Channel = literals(COMMENT_CHANNELS);
export const Role = literals(OPERATOR_ROLES);

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Email = Type.String({ format: 'email', maxLength: 254 });
const ShortText = (max = 200) => Type.String({ maxLength: max });

export const TicketNumberParams = Type.Object({ number: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });

export const OperatorView = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Role,
  active: Type.Boolean(),
  signature: Nullable(Type.String({ description: 'Added under their public replies.' })),
  available: Type.Boolean({ description: "Takes new tickets from their teams' round-robin now." }),
});
export type OperatorView = Static<typeof OperatorView>;

export const OperatorRef = Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }));

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1000 }),
}, { additionalProperties: false });

export const MeView = Type.Object({ operator: OperatorView, csrfToken: Type.String() });

export const UpdateProfileBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Shown to customers with every reply.' })),
  signature: Type.Optional(Nullable(Type.String({ maxLength: MAX_SIGNATURE_LENGTH, description: 'Added under public replies; null or empty: none.' }))),
}, { additionalProperties: false, minProperties: 1 });

export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1000 }),
  newPassword: Type.String({ minLength: 1, maxLength: 1000 }),
}, { additionalProperties: false });

export const ContactInput = Type.Object({
  email: Type.Optional(Nullable(Email)),
  phone: Type.Optional(Nullable(ShortText(50))),
  firstName: Type.Optional(Nullable(ShortText())),
  lastName: Type.Optional(Nullable(ShortText())),
  externalId: Type.Optional(Nullable(ShortText())),
}, { additionalProperties: false });

export const ContactView = Type.Object({
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  emailVerified: Type.Boolean({ description: 'false: typed into the widget, not yet proven by its owner (answering from it, or following the link mailed to it); such an address links no CRM record' }),
});

export const CustomerInput = Type.Object({
  email: Type.Optional(Nullable(Email)),
  phone: Type.Optional(Nullable(ShortText(50))),
  firstName: Type.Optional(Nullable(ShortText())),
  lastName: Type.Optional(Nullable(ShortText())),
  externalId: Type.Optional(Nullable(ShortText())),
  company: Type.Optional(Nullable(ShortText())),
}, { additionalProperties: false });
export type CustomerInput = Static<typeof CustomerInput>;

export const CustomerView = Type.Object({
  id: Type.Integer(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  company: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type CustomerView = Static<typeof CustomerView>;

const FieldValue = Type.Union([Type.String(), Type.Number(), Type.Array(Type.String())]);
/** Values as sent: the API holds each to its field's definition (a number may come as text). */
const FieldValuesInput = Type.Record(Type.String({ maxLength: 40 }), Nullable(Type.Union([Type.String({ maxLength: MAX_FIELD_TEXT_LENGTH }), Type.Number(),
  Type.Array(Type.String({ maxLength: MAX_OPTION_LENGTH }), { maxItems: MAX_FIELD_OPTIONS })])), { maxProperties: 50 });

export const TicketSummary = Type.Object({
  number: Type.Integer(),
  subject: Type.String(),
  status: Status,
  priority: Priority,
  source: Source,
  assignee: OperatorRef,
  customerId: Nullable(Type.Integer()),
  contact: ContactView,
  waitingUntil: Nullable(Type.String({ format: 'date-time', description: 'While Waiting with a time set: when it comes back to In Progress by itself.' })),
  followUpOf: Nullable(Type.Integer({ description: 'The closed ticket this one follows up: its customer wrote to it after it could reopen' })),
  sla: Nullable(Type.Object({
    policy: Type.String(),
    nextDue: Nullable(Type.String({ format: 'date-time', description: 'The earliest due time of a running target.' })),
    breached: Type.Boolean({ description: 'A target of this ticket was missed.' }),
  })),
  tags: Type.Array(Type.String()),
  mergedInto: Nullable(Type.Integer({ description: 'Merged into that ticket: closed, its thread reads there, its customer\'s words go there.' })),
  splitFrom: Nullable(Type.Integer({ description: 'Its first message was split off that ticket.' })),
  team: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }, { description: 'The team it is with.' })),
  fields: Type.Record(Type.String(), FieldValue, { description: 'Custom field values by key.' }),
  needsReply: Type.Boolean({ description: "The last public message is the customer's: an answer is due." }),
  unread: Type.Boolean({ description: 'The customer wrote since you last opened it (or you never did).' }),
  commentCount: Type.Integer({ description: 'Every comment: messages both ways and internal notes.' }),
  noteCount: Type.Integer({ description: 'Of those, internal notes.' }),
  createdAt: DateTime,
  updatedAt: DateTime,
  closedAt: Nullable(DateTime),
});
export type TicketSummary = Static<typeof TicketSummary>;

export const AttachmentView = Type.Object({
  id: Type.String(),
  filename: Nullable(Type.String()),
  contentType: Type.String(),
  size: Type.Integer(),
  /** False when it was over MAIL_MAX_ATTACHMENT_SIZE: recorded, not kept. */
  stored: Type.Boolean(),
});
export type AttachmentView = Static<typeof AttachmentView>;

/** A download's answer: the file as it is, in the types it is sent with (db/ticket-queries.ts `sendAttachment`). */
export const FileDownload = (description: string, types: readonly string[]) => ({
  description,
  content: Object.fromEntries(types.map((type) => [type, { schema: Type.Unsafe<unknown>({ type: 'string', format: 'binary' }) }])),
});
export const ATTACHMENT_DOWNLOAD_TYPES = ['application/octet-stream', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;

export const CommentView = Type.Object({
  id: Type.String(),
  visibility: Visibility,
  author: Type.Object({ kind: literals(['operator', 'customer', 'system'] as const), id: Nullable(Type.Integer()), name: Nullable(Type.String()) }),
  body: Type.String(),
  bodyHtml: Nullable(Type.String({ description: "An operator's message as formatted (sanitised HTML from its Markdown); null: show `body` as text." })),
  channel: Channel,
  attachments: Type.Array(AttachmentView),
  mergedFrom: Nullable(Type.Integer({ description: 'Written on that ticket, which was merged into this one.' })),
  movedTo: Nullable(Type.Integer({ description: 'Split off into that ticket.' })),
  createdAt: DateTime,
});
export type CommentView = Static<typeof CommentView>;

export const AuditView = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  actor: Type.Object({ kind: Type.String(), id: Nullable(Type.Integer()), name: Nullable(Type.String()) }),
  changes: Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() })),
  at: DateTime,
});

export const TicketDetail = Type.Interface([TicketSummary], {
    publicUrl: Type.String({ description: 'The customer’s link ({{ticket_url}}), to copy and send.' }),
    lastCustomerMessageAt: Nullable(Type.String({ format: 'date-time', description: 'When the customer last wrote: send it to `PUT …/read` as what you have seen.' })),
    workflow: Type.Object({ id: Type.String(), temporalWebUrl: Type.String() }),
    nextClock: Nullable(Type.Object({
      event: { ...literals(CLOCK_EVENTS), description: '`wake_up`: back to In Progress; `follow_up_reminder`: the customer is reminded; `auto_close`: closed for want of an answer; `sla_warning`, `sla_breach`: of `target`.' },
      at: DateTime,
      target: Type.Optional(literals(SLA_TARGETS)),
    }, { description: "What the ticket's own clock does next, and when (null: nothing due)." })),
    slaTargets: Type.Array(Type.Object({
      target: literals(SLA_TARGETS),
      startedAt: DateTime,
      dueAt: Nullable(DateTime),
      paused: Type.Boolean({ description: 'Stopped while the ticket waits for the customer.' }),
      pausedMinutes: Type.Integer({ description: 'Time it has been paused, in all.' }),
      warnedAt: Nullable(DateTime),
      breachedAt: Nullable(DateTime),
    }), { description: 'The targets still running under the ticket\'s SLA policy.' }),
    customerPanel: Type.Object({
      contact: ContactView,
      externalId: Nullable(Type.String()),
      /** Our mail to the contact's address bounced: they may not be hearing from us. */
      emailBounce: Nullable(Type.Object({ at: DateTime, status: Nullable(Type.String()), ticketNumber: Nullable(Type.Integer()) })),
      crm: Nullable(CustomerView),
      previousTickets: Type.Array(TicketSummary),
    }),
    comments: Type.Array(CommentView),
    events: Type.Array(AuditView),
    undeliveredMail: Type.Array(Type.Object({
      kind: Type.String({ description: 'What the mail told: `ticket_created`, `public_reply`, `status_changed`, …' }),
      recipient: Type.String({ description: 'The address it was for.' }),
      /** `retrying`: the server refused it for now and it is tried again; `failed`: given up, or refused for good. */
      status: Type.Union([Type.Literal('retrying'), Type.Literal('failed')]),
      failure: Type.String({ description: "The mail server's answer, or why it was given up on." }),
      seq: Nullable(Type.Integer({ description: 'The event that asked for it; a reply’s comment has the same.' })),
      at: DateTime,
    }), { description: 'Mail of this ticket that has not reached the mail server, newest first.' }),
});
export type TicketDetail = Static<typeof TicketDetail>;

/** The list's filters: what `GET /api/tickets` takes and a saved view keeps (domain/views.ts). */
const TicketFilterFields = {
  status: Type.Optional(Type.Array(Status, { maxItems: 4, description: 'One or more statuses (`status=new&status=waiting`); the list shows tickets in any of them.' })),
  priority: Type.Optional(Priority),
  source: Type.Optional(Source),
  assignee: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('me'), Type.Literal('none')])),
  tag: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH }), {
    maxItems: 10, description: 'Tickets with every one of these tags (`tag=billing&tag=vip`).',
  })),
  needsReply: Type.Optional(Type.Boolean({ description: "`true`: the last public message is the customer's (an answer is due); `false`: it is not." })),
  field: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 200, pattern: '^[a-z][a-z0-9_]*:.+$' }), {
    maxItems: 10, description: 'Tickets whose custom field has this value, as `key:value` (`field=plan:pro`); a several-choices field: one of its choices.',
  })),
  unread: Type.Optional(Type.Boolean({ description: '`true`: the customer wrote since you last opened the ticket (or you never did).' })),
  team: Type.Optional(Type.Integer({ minimum: 1, description: 'Tickets of this team.' })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  due: Type.Optional(Type.Union([Type.Literal('soon'), Type.Literal('overdue')], {
    description: '`soon`: an SLA target is due within the hour; `overdue`: one is past its due time. `sort=due_asc` puts the next due first.',
  })),
};

export const TicketListQuery = Type.Object({
  ...TicketFilterFields,
  customer: Type.Optional(Type.Integer({ minimum: 1, description: 'CRM customer ID' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  sort: Type.Optional(literals(TICKET_SORTS)),
}, { additionalProperties: false });
export type TicketListQuery = Static<typeof TicketListQuery>;

export const TicketPage = Type.Object({
  items: Type.Array(TicketSummary),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  countsByStatus: Type.Record(Type.String(), Type.Integer()),
});

/** Files sent with a message, base64 in the JSON body (the route's body limit bounds them together). */
function Uploads(maxItems: number, maxBytes: number, description?: string) {
  return Type.Array(Type.Object({
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    contentType: Type.String({ maxLength: 100 }),
    content: Type.String({ maxLength: Math.ceil(maxBytes / 3) * 4, description: 'base64' }),
  }, { additionalProperties: false }), { maxItems, ...(description ? { description } : {}) });
}

export const CreateTicketBody = Type.Object({
  subject: Type.String({ minLength: 1, maxLength: MAX_SUBJECT_LENGTH }),
  body: Type.String({ minLength: 1, maxLength: MAX_BODY_LENGTH }),
  priority: Type.Optional(Priority),
  assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  customer: ContactInput,
  firstMessage: Type.Optional(Type.Unsafe<(typeof FIRST_MESSAGES)[number]>({
    type: 'string',
    enum: [...FIRST_MESSAGES],
    description: 'What `body` is. `customer_request` (default): the customer\'s request as they told it, shown as their message '
      + '(with `channel`); `message_to_customer`: mailed to the customer as the first mail of the thread; `internal_note`: seen by operators only.',
  })),
  channel: Type.Optional(Type.Unsafe<(typeof RECORDED_REQUEST_CHANNELS)[number]>({
    type: 'string', enum: [...RECORDED_REQUEST_CHANNELS], description: 'How the customer told a `customer_request` (default `phone`).',
  })),
  acknowledge: Type.Optional(Type.Boolean({ description: 'Mail the customer the acknowledgement of a `customer_request` (default false).' })),
  // The most the settings may allow; the route holds it to REPLY_MAX_ATTACHMENTS and REPLY_MAX_ATTACHMENT_SIZE.
  attachments: Type.Optional(Uploads(50, 100_000_000, 'Files of the first message (a message to the customer mails them with it).')),
  tags: Type.Optional(TagList('Tags it opens with.')),
  fields: Type.Optional(Type.Unsafe<Record<string, string | number | string[] | null>>({ ...FieldValuesInput, description: 'Custom field values by key.' })),
  teamId: Type.Optional(Type.Integer({ minimum: 1, description: "The team it goes to (default: the first whose channels take operators' tickets); with nobody assigned, its dispatcher finds someone." })),
}, { additionalProperties: false });
export type CreateTicketBody = Static<typeof CreateTicketBody>;

/** Tags as typed; the ticket's rules spell them one way (domain/tags.ts) and refuse what is not a tag. */
function TagList(description: string) {
  return Type.Array(Type.String({ maxLength: MAX_TAG_LENGTH * 2 }), { maxItems: MAX_TAGS_PER_TICKET, description });
}

export const PatchTicketBody = Type.Object({
  status: Type.Optional(Status),
  priority: Type.Optional(Priority),
  assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  customerId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  waitingUntil: Type.Optional(Nullable(Type.String({
    format: 'date-time',
    description: 'Waiting until this time (snooze): then it comes back to In Progress and its assignee hears of it; a customer message wakes it earlier. Alone it sets the ticket Waiting; null: waiting with no time set.',
  }))),
  teamId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'Move it to this team (null: no team); if nobody has it, the team\'s dispatcher finds someone.' }))),
  tags: Type.Optional(TagList('Exactly these tags (an empty list takes all off).')),
  addTags: Type.Optional(TagList('Put these on, keeping the others.')),
  removeTags: Type.Optional(TagList('Take these off, keeping the others.')),
  fields: Type.Optional(Type.Unsafe<Record<string, string | number | string[] | null>>({ ...FieldValuesInput, description: 'Custom field values by key; null clears one.' })),
}, { additionalProperties: false, minProperties: 1 });
export type PatchTicketBody = Static<typeof PatchTicketBody>;

/** Most tickets one bulk request changes; the admin UI sends a large selection in parts of this size or less. */
export const MAX_BULK_TICKETS = 500;

export const BulkChangeBody = Type.Object({
  numbers: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: MAX_BULK_TICKETS, uniqueItems: true }),
  changes: Type.Omit(PatchTicketBody, ['customerId', 'tags', 'fields', 'teamId'], { additionalProperties: false, minProperties: 1 }),
}, { additionalProperties: false });

export const BulkChangeResult = Type.Object({
  applied: Type.Integer(),
  refused: Type.Integer(),
  results: Type.Array(Type.Object({
    number: Type.Integer(),
    ok: Type.Boolean(),
    changed: Type.Boolean({ description: 'false: it was so already.' }),
    error: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
  }), { description: 'One per ticket, in the order asked.' }),
});
export type BulkChangeResult = Static<typeof BulkChangeResult>;

export const MergeTicketBody = Type.Object({
  into: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'The ticket this one goes into (the same customer\'s).' }),
}, { additionalProperties: false });

export const SplitTicketBody = Type.Object({
  commentId: Type.String({ pattern: '^[0-9]{1,18}$', description: "The customer's message that becomes a ticket of its own." }),
  subject: Type.String({ minLength: 1, maxLength: MAX_SUBJECT_LENGTH }),
}, { additionalProperties: false });

export const MarkTicketReadBody = Type.Object({
  upTo: Type.Optional(Type.String({ format: 'date-time', description: "The customer's last message you were shown (`lastCustomerMessageAt`); default: now." })),
}, { additionalProperties: false });


export const AddCommentBody = Type.Object({
  body: Type.String({ minLength: 1, maxLength: MAX_BODY_LENGTH }),
  visibility: Visibility,
  status: Type.Optional(Type.Unsafe<Exclude<(typeof TICKET_STATUSES)[number], 'new'>>({
    type: 'string',
    enum: TICKET_STATUSES.filter((s) => s !== 'new'),
    description: 'Set the ticket to this status in the same change ("Send and close"; on a closed ticket, "Reopen and reply" with '
      + '`in_progress`). The customer gets the reply\'s mail only, not a second one for the status.',
  })),
  seenComments: Type.Optional(Type.Integer({
    minimum: 0, maximum: 2147483647,
    description: "The ticket's `commentCount` in the thread you wrote this on. If someone has written since, nothing is sent: "
      + '409 `thread_moved` with `newComments`; read them and send again with the new count. Leave it out to send regardless.',
  })),
  // The most the settings may allow; the route holds it to REPLY_MAX_ATTACHMENTS and REPLY_MAX_ATTACHMENT_SIZE.
  attachments: Type.Optional(Uploads(50, 100_000_000, 'Files that go with it (and with its mail), at most REPLY_MAX_ATTACHMENTS of REPLY_MAX_ATTACHMENT_SIZE each.')),
  mentions: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), {
    maxItems: 20, uniqueItems: true,
    description: 'Operators an internal note mentions (@name in its text): each is told, in the app and by mail as they chose.',
  })),
}, { additionalProperties: false });
export type AddCommentBody = Static<typeof AddCommentBody>;
/** A refused comment: why, and for `thread_moved` what was written since the thread was seen. */
export const CommentRefusedBody = Type.Object({
  error: Type.String(), message: Type.String(),
  newComments: Type.Optional(Type.Array(CommentView, { description: 'With `thread_moved`: the comments added since `seenComments`, oldest first.' })),
});
export type CommentRefusedBody = Static<typeof CommentRefusedBody>;

export const VerifyContactBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 100, description: 'The `verify` parameter of the link mailed to the ticket\'s address' }),
}, { additionalProperties: false });

export const PublicCommentBody = Type.Object({
  body: Type.String({ minLength: 1, maxLength: MAX_BODY_LENGTH }),
  attachments: Type.Optional(Uploads(WIDGET_MAX_ATTACHMENTS, WIDGET_MAX_ATTACHMENT_BYTES)),
}, { additionalProperties: false });

export const PublicTicket = Type.Object({
  number: Type.Integer(),
  subject: Type.String(),
  status: Status,
  statusLabel: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
  comments: Type.Array(Type.Object({
    id: Type.String(),
    author: Type.Object({ kind: literals(['operator', 'customer'] as const), name: Nullable(Type.String()) }),
    body: Type.String(),
    bodyHtml: Nullable(Type.String({ description: "The helpdesk's reply as formatted (sanitised HTML); null: show `body` as text." })),
    attachments: Type.Array(AttachmentView),
    createdAt: DateTime,
  })),
  answerOpensFollowUp: Type.Boolean({ description: 'Closed too long ago to reopen: an answer opens a follow-up ticket instead' }),
  followUp: Type.Optional(Type.Object({
    number: Type.Integer(),
    url: Type.String({ description: 'The follow-up ticket\'s own public link' }),
  }, { description: 'Set on the answer that opened a follow-up ticket: this view is of that ticket' })),
});
export type PublicTicket = Static<typeof PublicTicket>;

/** What the website widget sends; the same rules as its form (`domain/widget.ts`). */
export const WidgetTicketBody = Type.Object({
  firstName: Type.String({ maxLength: WIDGET_MAX_NAME_LENGTH }),
  lastName: Type.String({ maxLength: WIDGET_MAX_NAME_LENGTH }),
  email: Type.String({ maxLength: 254 }),
  phone: Type.Optional(Type.String({ maxLength: WIDGET_MAX_PHONE_LENGTH })),
  subject: Type.String({ maxLength: MAX_SUBJECT_LENGTH }),
  message: Type.String({ maxLength: WIDGET_MAX_MESSAGE_LENGTH }),
  /** Hidden from people; a bot that fills every field fills this one too. */
  website: Type.Optional(Type.String({ maxLength: 500 })),
  externalId: Type.Optional(Type.String({ maxLength: 200 })),
  externalIdSignature: Type.Optional(Type.String({ maxLength: 200, description: '`<expiry>.<hex HMAC-SHA256 of "externalId\\n<expiry>">` under WIDGET_SECRET, computed by the website\'s back end' })),
  proofOfWork: Type.Optional(Type.Object({
    challenge: Type.Record(Type.String({ maxLength: 50 }), Type.Unknown(), { description: 'as GET /api/widget/challenge gave it' }),
    solution: Type.Object({ counter: Type.Integer({ minimum: 0 }), derivedKey: Type.String({ maxLength: 200 }), time: Type.Optional(Type.Number()) }),
  }, { additionalProperties: false, description: 'The solved challenge, when WIDGET_PROOF_OF_WORK is on' })),
  attachments: Type.Optional(Uploads(WIDGET_MAX_ATTACHMENTS, WIDGET_MAX_ATTACHMENT_BYTES)),
  fields: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: MAX_FIELD_TEXT_LENGTH }), {
    maxProperties: 50,
    description: "Custom field values the website fills in (the widget's `data-field-<key>` attributes): only fields an admin let the widget set are kept, and only values they take.",
  })),
}, { additionalProperties: false });
export type WidgetTicketBody = Static<typeof WidgetTicketBody>;

export const WidgetTicketView = Type.Object({
  number: Type.Integer(),
  subject: Type.String(),
  status: Status,
  statusLabel: Type.String(),
  updatedAt: DateTime,
  publicUrl: Type.String(),
  token: Type.String({ description: 'The public link\'s token, for the /api/public/tickets routes' }),
});
export type WidgetTicketView = Static<typeof WidgetTicketView>;

export const WidgetIdentityHeaders = Type.Object({
  'x-helpdesk-external-id': Type.String({ minLength: 1, maxLength: 200 }),
  'x-helpdesk-signature': Type.String({ minLength: 1, maxLength: 200 }),
});

export const CustomerListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
}, { additionalProperties: false });

export const CustomerPage = Type.Object({ items: Type.Array(CustomerView), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

export const CustomerDetail = Type.Interface([CustomerView], { tickets: Type.Array(TicketSummary) });

export const CreateOperatorBody = Type.Object({
  email: Email,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1000 }),
  role: Role,
}, { additionalProperties: false });

export const UpdateOperatorBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  role: Type.Optional(Role),
  active: Type.Optional(Type.Boolean({ description: 'false: logged out at once and can no longer log in; their tickets stay assigned.' })),
  password: Type.Optional(Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1000, description: 'A new password; every session of the operator ends.' })),
}, { additionalProperties: false, minProperties: 1 });
export type UpdateOperatorBody = Static<typeof UpdateOperatorBody>;

export const InboundEmailQuery = Type.Object({
  outcome: Type.Optional(Type.Array(literals(INBOUND_OUTCOMES), { maxItems: INBOUND_OUTCOMES.length, description: 'One or more outcomes (`outcome=unparseable&outcome=rejected`); the list shows mail with any of them.' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
}, { additionalProperties: false });

export const InboundEmailView = Type.Object({
  id: Type.String(),
  mailbox: Type.String(),
  messageKey: Type.String(),
  sender: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  size: Type.Integer(),
  outcome: literals(INBOUND_OUTCOMES),
  reason: Nullable(Type.String()),
  ticketNumber: Nullable(Type.Integer()),
  receivedAt: DateTime,
  processedAt: Nullable(DateTime),
});

export const InboundEmailPage = Type.Object({ items: Type.Array(InboundEmailView), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
export type InboundEmailPage = Static<typeof InboundEmailPage>;

export const MailboxView = Type.Object({
  id: Nullable(Type.Integer()),
  name: Type.String(),
  address: Type.String(),
  active: Type.Boolean(),
  source: literals(['environment', 'database'] as const),
  imap: Type.Object({ host: Type.String(), port: Type.Integer(), secure: Type.Boolean(), user: Type.String(), folder: Type.String() }),
  /** Its own outgoing server; null: notifications go through SMTP_URL (or the outbox). */
  smtp: Nullable(Type.Object({ host: Type.String(), port: Type.Integer(), secure: Type.Boolean(), user: Type.String() })),
});
export type MailboxView = Static<typeof MailboxView>;

export const CreateMailboxBody = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Lower-case letters, digits and dashes; names its workflow `mailbox-<name>`' }),
  address: Type.String({ minLength: 3, maxLength: 254 }),
  imapUrl: Type.String({ minLength: 8, maxLength: 2000, description: 'imap:// or imaps://user:password@host:port/FOLDER (URL-encoded); stored encrypted, never returned' }),
  smtpUrl: Type.Optional(Nullable(Type.String({ minLength: 8, maxLength: 2000, description: 'smtp:// or smtps://user:password@host:port for this mailbox\'s mail; stored encrypted, never returned' }))),
}, { additionalProperties: false });

export const PatchMailboxBody = Type.Object({
  address: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
  imapUrl: Type.Optional(Type.String({ minLength: 8, maxLength: 2000 })),
  smtpUrl: Type.Optional(Nullable(Type.String({ minLength: 8, maxLength: 2000 }))),
  active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });

export const Health = Type.Object({
  status: literals(['ok', 'degraded'] as const),
  postgres: Type.Boolean(),
  temporal: Type.Boolean(),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Repeat a request with the same key and it takes effect once.' })),
});

const DurationText = (what: string) => Type.String({ pattern: '^[0-9]{1,7}(ms|s|m|h|d)$', description: `${what}: a duration like 30m, 4h, 2d` });
const Target = (what: string) => Nullable(DurationText(`${what}, in business hours when the policy has them (null: no target)`));
const SlaTargetsSchema = Type.Object({
  firstResponse: Target('First public answer after the ticket opens'),
  nextResponse: Target('Answer to each later customer message'),
  resolution: Target('Closed after it opens (or reopens)'),
}, { additionalProperties: false });
const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$', description: 'HH:MM, local time; 24:00 is the end of the day' });
const OpeningHours = Type.Array(Type.Object({ from: TimeOfDay, to: TimeOfDay }, { additionalProperties: false }), { maxItems: 6 });
export const BusinessHoursSchema = Type.Object({
  timeZone: Type.String({ maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
  week: Type.Object(Object.fromEntries(WEEKDAYS.map((day) => [day, OpeningHours])) as Record<(typeof WEEKDAYS)[number], typeof OpeningHours>, { additionalProperties: false }),
  holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 400, description: 'Local dates the helpdesk is closed' }),
}, { additionalProperties: false });
export type BusinessHoursSchema = Static<typeof BusinessHoursSchema>;

const SlaPolicyFieldsSchema = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  position: Type.Integer({ minimum: 0, maximum: 10_000, description: 'Policies are tried in this order (then by ID); the first that applies to a ticket wins' }),
  sources: Nullable(Type.Array(Source, { minItems: 1, maxItems: 3, description: 'Tickets from these sources only; null: any' })),
  mailboxes: Nullable(Type.Array(Type.String({ maxLength: 63 }), { minItems: 1, maxItems: 100, description: 'Tickets of these mailboxes only; null: any' })),
  targets: Type.Object(Object.fromEntries(TICKET_PRIORITIES.map((p) => [p, SlaTargetsSchema])) as Record<(typeof TICKET_PRIORITIES)[number], typeof SlaTargetsSchema>, { additionalProperties: false }),
  businessHours: Nullable(BusinessHoursSchema),
  pauseWhileWaiting: Type.Boolean({ description: 'The clocks stop while the ticket waits for the customer' }),
  warnBefore: Type.Union([
    Type.Object({ percent: Type.Integer({ minimum: 1, maximum: 99 }) }, { additionalProperties: false }),
    Type.Object({ before: DurationText('How long before the target') }, { additionalProperties: false }),
  ], { description: 'Warn the assignee (or every agent) at this share of the target used, or this long before it' }),
  followUp: Nullable(Type.Object({
    remindAfter: Nullable(DurationText('Reminder to the customer after this long in Waiting (null: none)')),
    closeAfter: Nullable(DurationText('Closed this much longer without an answer (null: never)')),
  }, { additionalProperties: false, description: 'Follow-up of its Waiting tickets; null: as WAITING_REMINDER_AFTER and WAITING_CLOSE_AFTER say' })),
  reopenWithin: Nullable(DurationText('A closed ticket reopens on the customer\'s word only this long after closing; later, a follow-up ticket linked to it opens. Null: it always reopens')),
  escalation: Type.Array(Type.Object({
    after: DurationText('How long after the ticket started to need attention'),
    action: { ...literals(ESCALATION_ACTIONS), description: '`notify_agents`: mail every active agent; `raise_priority`: one step up; `assign`: to `operatorId`' },
    operatorId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  }, { additionalProperties: false }), {
    maxItems: 10,
    description: 'Steps taken, once each, while a ticket needs attention (New and unassigned, or a target warned of still open), counted from when it started to',
  }),
};
export const CreateSlaPolicyBody = Type.Object({
  ...SlaPolicyFieldsSchema,
  position: Type.Optional(SlaPolicyFieldsSchema.position),
  sources: Type.Optional(SlaPolicyFieldsSchema.sources),
  mailboxes: Type.Optional(SlaPolicyFieldsSchema.mailboxes),
  businessHours: Type.Optional(SlaPolicyFieldsSchema.businessHours),
  pauseWhileWaiting: Type.Optional(SlaPolicyFieldsSchema.pauseWhileWaiting),
  warnBefore: Type.Optional(SlaPolicyFieldsSchema.warnBefore),
  escalation: Type.Optional(SlaPolicyFieldsSchema.escalation),
  followUp: Type.Optional(SlaPolicyFieldsSchema.followUp),
  reopenWithin: Type.Optional(SlaPolicyFieldsSchema.reopenWithin),
}, { additionalProperties: false });
export type CreateSlaPolicyBody = Static<typeof CreateSlaPolicyBody>;
export const PatchSlaPolicyBody = Type.Partial(Type.Object(SlaPolicyFieldsSchema, { additionalProperties: false }), { minProperties: 1 });
export type PatchSlaPolicyBody = Static<typeof PatchSlaPolicyBody>;
export const SlaPolicyView = Type.Object({ id: Type.Integer(), version: Type.Integer(), ...SlaPolicyFieldsSchema });
export type SlaPolicyView = Static<typeof SlaPolicyView>;

const variableList = Object.keys(CANNED_REPLY_VARIABLES).map((v) => `{{${v}}}`).join(', ');
const CannedReplyFields = {
  title: Type.String({ minLength: 1, maxLength: MAX_CANNED_TITLE_LENGTH, description: 'What the picker shows and searches.' }),
  body: Type.String({ minLength: 1, maxLength: MAX_CANNED_BODY_LENGTH, description: `The text, with variables filled in when it is inserted: ${variableList}; {{#if variable}}…{{else}}…{{/if}} for what may be missing.` }),
  shortcut: Nullable(Type.String({ maxLength: 32, description: 'Typed after :: in the reply box to insert the reply (lowercase letters, digits, - and _).' })),
  shared: Type.Boolean({ description: 'Shared with the team (kept by admins), or your own.' }),
};
export const CreateCannedReplyBody = Type.Object({
  ...CannedReplyFields, shortcut: Type.Optional(CannedReplyFields.shortcut), shared: Type.Optional(CannedReplyFields.shared),
}, { additionalProperties: false });
export type CreateCannedReplyBody = Static<typeof CreateCannedReplyBody>;
export const PatchCannedReplyBody = Type.Partial(Type.Object(CannedReplyFields, { additionalProperties: false }), { minProperties: 1 });
export type PatchCannedReplyBody = Static<typeof PatchCannedReplyBody>;
export const CannedReplyView = Type.Object({
  id: Type.Integer(), ...CannedReplyFields,
  /** Whether the operator asking may change or remove it. */
  editable: Type.Boolean(),
  createdBy: Nullable(Type.String({ description: "Who wrote it (null: an operator who has been removed)." })),
  usageCount: Type.Integer({ description: 'How often it was inserted into a reply.' }),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type CannedReplyView = Static<typeof CannedReplyView>;
export const CannedReplyTicketParams = Type.Object({ ...TicketNumberParams.properties, id: IdParams.properties.id });
export const FilledCannedReply = Type.Object({ body: Type.String({ description: "The reply's text with this ticket's details filled in, to edit before sending." }) });

export const PresenceBody = Type.Object({
  typing: Type.Boolean({ description: 'Writing a reply or note right now.' }),
}, { additionalProperties: false });
export const PresenceView = Type.Object({
  others: Type.Array(Type.Object({ operatorId: Type.Integer(), name: Type.String(), typing: Type.Boolean() }), {
    description: 'Everyone else with the ticket open, and whether they are writing.',
  }),
});
export type PresenceView = Static<typeof PresenceView>;

const InboxKindSchema = literals(INBOX_KINDS);
export const InboxEntryView = Type.Object({
  id: Type.String(),
  kind: InboxKindSchema,
  ticket: Type.Object({ number: Type.Integer(), subject: Nullable(Type.String()) }),
  actor: Type.Object({ kind: Type.String(), name: Nullable(Type.String()) }),
  at: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});
export type InboxEntryView = Static<typeof InboxEntryView>;
export const InboxPage = Type.Object({ items: Type.Array(InboxEntryView), unread: Type.Integer({ description: 'Unread entries in all.' }) });
export type InboxPage = Static<typeof InboxPage>;
export const InboxQuery = Type.Object({
  unread: Type.Optional(Type.Boolean({ description: 'Only the unread.' })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Entries older than this id (the next page).' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
}, { additionalProperties: false });
export const MarkReadBody = Type.Object({
  ids: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{1,18}$' }), { maxItems: 500 })),
  ticketNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Everything about this ticket (you opened it).' })),
  all: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export const InboxPreferencesView = Type.Object(Object.fromEntries(INBOX_KINDS.map((kind) => [kind, Type.Object({
  inApp: Type.Boolean({ description: 'In the bell of the admin UI.' }), mail: Type.Boolean({ description: 'By mail.' }),
}, { additionalProperties: false })])) as unknown as Record<(typeof INBOX_KINDS)[number], TSchema>, { additionalProperties: false });
export type InboxPreferencesView = Record<(typeof INBOX_KINDS)[number], { inApp: boolean; mail: boolean }>;

export const TagColour = literals(TAG_COLOURS);

export const TagView = Type.Object({
  name: Type.String(),
  colour: TagColour,
  openTickets: Type.Integer({ description: 'Tickets not closed that carry it.' }),
});
export type TagView = Static<typeof TagView>;

export const TagListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: MAX_TAG_LENGTH, description: 'Tags starting with this (autocomplete).' })),
}, { additionalProperties: false });

export const TagNameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH * 2 }) });

export const PutTagBody = Type.Object({ colour: TagColour }, { additionalProperties: false });

export const TicketFilters = Type.Object(TicketFilterFields, { additionalProperties: false });

export const SavedViewBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: MAX_VIEW_NAME_LENGTH }),
  shared: Type.Optional(Type.Boolean({ description: 'Every operator sees it (admins only); default: yours alone.' })),
  filters: TicketFilters,
  sort: Type.Optional(literals(TICKET_SORTS)),
  columns: Type.Optional(Type.Array(literals(TICKET_COLUMNS), { minItems: 1, maxItems: TICKET_COLUMNS.length, uniqueItems: true })),
}, { additionalProperties: false });
export type SavedViewBody = Static<typeof SavedViewBody>;

export const PatchSavedViewBody = Type.Partial(SavedViewBody, { additionalProperties: false, minProperties: 1 });

export const SavedView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  shared: Type.Boolean(),
  ownerId: Nullable(Type.Integer()),
  filters: TicketFilters,
  sort: Nullable(literals(TICKET_SORTS)),
  columns: Type.Array(literals(TICKET_COLUMNS)),
  position: Type.Integer(),
});
export type SavedView = Static<typeof SavedView>;

export const ViewList = Type.Object({
  builtIn: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), filters: TicketFilters, sort: Nullable(literals(TICKET_SORTS)) })),
  saved: Type.Array(SavedView),
});

export const ViewCounts = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'Tickets in each view: by a built-in view\'s key, or `saved:<id>`.' }),
});

export const CustomFieldView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: literals(CUSTOM_FIELD_TYPES),
  options: Type.Array(Type.String()),
  widget: Type.Boolean({ description: 'The website may set it through the widget (so may a visitor: never trust it for anything that matters).' }),
  position: Type.Integer(),
  active: Type.Boolean({ description: 'false: retired; its values stay on the tickets, it is no longer offered.' }),
});
export type CustomFieldView = Static<typeof CustomFieldView>;

export const CreateCustomFieldBody = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 40, description: 'How the API, the widget and the list filter name it: a lower-case letter, then letters, digits or _.' }),
  label: Type.String({ minLength: 1, maxLength: 80 }),
  type: literals(CUSTOM_FIELD_TYPES),
  options: Type.Optional(Type.Array(Type.String({ maxLength: MAX_OPTION_LENGTH }), { maxItems: MAX_FIELD_OPTIONS })),
  widget: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const PatchCustomFieldBody = Type.Object({
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  options: Type.Optional(Type.Array(Type.String({ maxLength: MAX_OPTION_LENGTH }), { maxItems: MAX_FIELD_OPTIONS })),
  widget: Type.Optional(Type.Boolean()),
  active: Type.Optional(Type.Boolean()),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
}, { additionalProperties: false, minProperties: 1 });

export const FieldKeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 40 }) });

const TeamFields = {
  name: Type.String({ minLength: 1, maxLength: 80 }),
  sources: Type.Optional(Nullable(Type.Array(Source, { uniqueItems: true, description: 'The channels whose new tickets it takes (null: any).' }))),
  mailboxes: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { uniqueItems: true, description: 'The mailboxes whose mail it takes (null: any).' }))),
  assignment: Type.Optional(literals(TEAM_ASSIGNMENTS)),
  acceptWithin: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{1,7}(s|m|h)$', description: 'An offered ticket not opened within this goes to the next available member (null: it stays).' }))),
  members: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { uniqueItems: true, maxItems: 500 })),
};
export const CreateTeamBody = Type.Object(TeamFields, { additionalProperties: false });
export type CreateTeamBody = Static<typeof CreateTeamBody>;
export const PatchTeamBody = Type.Partial(Type.Object(TeamFields), { additionalProperties: false, minProperties: 1 });

export const TeamView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  sources: Nullable(Type.Array(Source)),
  mailboxes: Nullable(Type.Array(Type.String())),
  assignment: literals(TEAM_ASSIGNMENTS),
  acceptWithin: Nullable(Type.String()),
  members: Type.Array(Type.Integer()),
  position: Type.Integer(),
});
export type TeamView = Static<typeof TeamView>;

export const AvailabilityBody = Type.Object({ available: Type.Boolean() }, { additionalProperties: false });
