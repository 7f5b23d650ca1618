import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { App } from '../types';
import type { Database } from '../../db';
import type { Actor, Contact, NewTicket, TicketState } from '../../domain/ticket';
import { emailIsVerified, validateBody, validateContact, validateSubject } from '../../domain/ticket';
import { ErrorBody, conflict, fromWorkflowRejection, notFound, unprocessable } from '../errors';
import { attachmentProblem, bodyLimitFor, type AttachmentLimits } from '../../domain/attachments';
import { storeUploads } from '../../db/attachments';
import {
  ATTACHMENT_DOWNLOAD_TYPES,
  FileDownload,
  AddCommentBody,
  BulkChangeBody,
  BulkChangeResult,
  MarkTicketReadBody,
  MergeTicketBody,
  SplitTicketBody,
  CommentRefusedBody,
  CommentView,
  CreateTicketBody,
  IdParams,
  IdempotencyHeaders,
  PatchTicketBody,
  TicketDetail,
  TicketListQuery,
  TicketNumberParams,
  TicketPage,
  TicketSummary,
} from '../schemas';
import { createTicketStore } from '../../db/tickets';
import { createTicketReadStore } from '../../db/ticket-reads';
import { createOperatorStore } from '../../db/operators';
import { createCustomerStore } from '../../db/customers';
import type { TicketCommands } from '../../workflows/ticket/client';
import { attachmentContent, sendAttachment, TicketQueries } from '../../db/ticket-queries';
import { creationKey } from '../../db/ticket-numbers';
import type { TicketIntake } from '../../intake/open-ticket';
import type { TeamDispatchPort } from '../../domain/ticket-commands';
import { addOperatorCommentUpdate, changeTicketUpdate, type CommentResult, ticketWorkflowId } from '../../workflows/ticket/definitions';
import { publicToken, ticketUrl } from '../../security/public-token';
import { FollowUpPolicy, nextClock } from '../../domain/clocks';
import { SLA_TARGETS } from '../../domain/sla';
import { normalizeTags } from '../../domain/tags';
import { CustomFieldValues, fieldFilter, fieldValues } from '../../domain/custom-fields';
import { createCustomFieldStore } from '../../db/custom-fields';
import { createTeamStore } from '../../db/teams';

export interface TicketRouteDeps {
  db: Database;
  commands: TicketCommands;
  intake: TicketIntake;
  queries: TicketQueries;
  secretKey: string;
  publicUrl: string;
  temporalUiUrl: string;
  namespace: string;
  /** The follow-up of Waiting tickets, to show what their clocks do next. */
  followUp: FollowUpPolicy;
  /** What an operator may attach to a reply or note (REPLY_MAX_ATTACHMENTS, REPLY_MAX_ATTACHMENT_SIZE). */
  replyAttachments: AttachmentLimits;
  /** Tells a team's dispatcher of a ticket moved to it with nobody assigned. */
  dispatch?: TeamDispatchPort;
}

/**
 * Whether two tickets are one customer's: the same CRM record, or the same address proven
 * on both. Merging shows each link the other's thread, so an address typed into the widget
 * by someone who never showed it is theirs counts for nothing.
 */
function sameCustomer(a: TicketState, b: TicketState): boolean {
  if (a.customerId !== null && a.customerId === b.customerId) return true;
  const proven = (t: TicketState) => (t.contact.email !== null && emailIsVerified(t.contact) ? t.contact.email.toLowerCase() : null);
  return proven(a) !== null && proven(a) === proven(b);
}

/** Tickets a bulk request changes at a time: enough to keep the worker busy, few enough to leave room for everyone else's changes. */
const BULK_PARALLEL_CHANGES = 8;

/** Runs `work` on every item, at most `limit` at a time; the answers in the items' order. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody, 503: ErrorBody };

export function contactFrom(input: { email?: string | null; phone?: string | null; firstName?: string | null; lastName?: string | null; externalId?: string | null }): Contact {
  const clean = (value: string | null | undefined) => (value && value.trim() !== '' ? value.trim() : null);
  return {
    email: clean(input.email),
    phone: clean(input.phone),
    firstName: clean(input.firstName),
    lastName: clean(input.lastName),
    externalId: clean(input.externalId),
  };
}

export default async function ticketRoutes(app: App, deps: TicketRouteDeps) {
  const { db, commands, queries, intake } = deps;

  const actorOf = (request: { operator: { id: number } | null }): Actor => ({ kind: 'operator', id: request.operator!.id });
  /** What the customer reads: the operator's words and, under them, their signature. */
  const signed = (body: string, operator: { signature: string | null }) => (operator.signature ? `${body.trimEnd()}\n\n${operator.signature}` : body);

  async function detailOrThrow(number: number, readerId: number) {
    const detail = await queries.detail(number, readerId);
    if (!detail) throw notFound(`Ticket #${number} does not exist.`);
    const { tokenVersion, waiting, slaState, ...rest } = detail;
    const workflowId = ticketWorkflowId(number);
    return {
      ...rest,
      publicUrl: ticketUrl(deps.publicUrl, publicToken(deps.secretKey, number, tokenVersion)),
      nextClock: nextClock({ status: rest.status, contact: rest.contact, ...(waiting ? { waiting } : {}), ...(slaState ? { sla: slaState } : {}) }, deps.followUp),
      slaTargets: SLA_TARGETS.flatMap((target) => {
        const clock = slaState?.clocks[target];
        return clock ? [{
          target, startedAt: clock.startedAt, dueAt: clock.dueAt, paused: clock.runningSince === null,
          pausedMinutes: Math.round((clock.pausedMs + (clock.pausedSince ? Date.now() - Date.parse(clock.pausedSince) : 0)) / 60_000),
          warnedAt: clock.warnedAt, breachedAt: clock.breachedAt,
        }] : [];
      }),
      workflow: {
        id: workflowId,
        temporalWebUrl: `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${workflowId}`,
      },
    };
  }

  /** An operator's files, decoded and held to the settings. */
  function filesOf(uploads: Array<{ filename: string; contentType: string; content: string }> | undefined) {
    const files = (uploads ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') }));
    const problem = attachmentProblem(files.map((f) => ({ filename: f.filename, size: f.content.length })), deps.replyAttachments);
    if (problem) throw unprocessable(problem);
    return files;
  }

  /** Custom field values held to their definitions (retired fields take none), or a 422 saying what is wrong. */
  async function fieldValuesOrThrow(given: Record<string, unknown> | undefined) {
    if (!given || Object.keys(given).length === 0) return undefined;
    const typed = fieldValues(await customFields.list(true), given);
    if ('problem' in typed) throw unprocessable(typed.problem);
    return typed.values;
  }

  async function fieldFilterOrThrow(given: string[]) {
    const typed = fieldFilter(await customFields.list(), given);
    if ('problem' in typed) throw unprocessable(typed.problem);
    return typed.fields;
  }

  async function teamOrThrow(id: number): Promise<number> {
    if (!(await teams.byId(id))) throw unprocessable(`There is no team with ID ${id}.`);
    return id;
  }

  /** Tags as the rules will spell them, or a 422 saying which one is not a tag. */
  function tagsOrThrow(typed: string[] | undefined): string[] {
    const tags = normalizeTags(typed ?? []);
    if ('problem' in tags) throw unprocessable(tags.problem);
    return tags.tags;
  }

  const tickets = createTicketStore(db);
  const customFields = createCustomFieldStore(db);
  const teams = createTeamStore(db);
  const reads = createTicketReadStore(db);
  const operators = createOperatorStore(db);
  const customers = createCustomerStore(db);

  async function ensureExists(number: number) {
    if (!(await tickets.exists(number))) throw notFound(`Ticket #${number} does not exist.`);
  }

  async function ensureActiveOperator(id: number | null | undefined) {
    if (id === null || id === undefined) return;
    const operator = await operators.byId(id);
    if (!operator || !operator.active) throw unprocessable(`There is no active operator with ID ${id}.`);
  }

  async function ensureCustomer(id: number | null | undefined) {
    if (id === null || id === undefined) return;
    if (!(await customers.byId(id))) throw unprocessable(`There is no CRM customer with ID ${id}.`);
  }

  app.addHook('preHandler', app.requireOperator);

  app.get('/api/tickets', {
    schema: {
      tags: ['tickets'],
      summary: 'List, filter, search and page tickets',
      description: '`assignee` is an operator ID, `me` or `none`; `q` matches the start of words in the subject, the customer and every comment, or a ticket number: `#1042` finds only that ticket, a bare `1042` also matches text.',
      querystring: TicketListQuery,
      response: { 200: TicketPage, ...errors },
    },
  }, async (request) => {
    const { assignee, field, ...rest } = request.query;
    const fields = field?.length ? await fieldFilterOrThrow(field) : undefined;
    return queries.list({ ...rest, ...(fields ? { fields } : {}), assignee: assignee === 'me' ? request.operator!.id : assignee, readerId: request.operator!.id });
  });

  app.post('/api/tickets', {
    schema: {
      tags: ['tickets'],
      summary: 'Open a ticket for a customer (source "admin")',
      headers: IdempotencyHeaders,
      body: CreateTicketBody,
      response: { 201: TicketDetail, ...errors },
    },
    bodyLimit: bodyLimitFor(deps.replyAttachments),
  }, async (request, reply) => {
    const contact = contactFrom(request.body.customer);
    const problem = validateSubject(request.body.subject) ?? validateBody(request.body.body) ?? validateContact(contact);
    if (problem) throw unprocessable(problem);
    await ensureActiveOperator(request.body.assigneeId);
    const key = request.headers['idempotency-key'];
    const firstMessage = request.body.firstMessage ?? 'customer_request';
    if (firstMessage !== 'customer_request' && (request.body.channel !== undefined || request.body.acknowledge !== undefined)) {
      throw unprocessable('"channel" and "acknowledge" are for a customer\'s request (firstMessage "customer_request").');
    }
    if (firstMessage === 'message_to_customer' && !contact.email) {
      throw unprocessable('A message to the customer needs their email address.');
    }
    const files = filesOf(request.body.attachments);
    const tags = tagsOrThrow(request.body.tags);
    const fields = Object.fromEntries(Object.entries(await fieldValuesOrThrow(request.body.fields) ?? {}).filter(([, v]) => v !== null)) as CustomFieldValues;
    const ticket: Omit<NewTicket, 'number'> = {
      subject: request.body.subject,
      body: firstMessage === 'message_to_customer' ? signed(request.body.body, request.operator!) : request.body.body,
      priority: request.body.priority ?? 'normal',
      source: 'admin',
      contact,
      mailbox: null,
      createdBy: request.operator!.id,
      assigneeId: request.body.assigneeId ?? null,
      // Files of the first message are kept under its key.
      messageKey: files.length ? `upload:${request.operator!.id}:${key ?? randomUUID()}` : null,
      suppressAcknowledgement: firstMessage === 'customer_request' && request.body.acknowledge !== true,
      firstMessage,
      ...(firstMessage === 'customer_request' ? { channel: request.body.channel ?? 'phone' } : {}),
      ...(tags.length ? { tags } : {}),
      ...(Object.keys(fields).length ? { fields } : {}),
      ...(request.body.teamId !== undefined ? { teamId: await teamOrThrow(request.body.teamId) } : {}),
    };
    const number = await intake.open({ ticket, files, numberFrom: { creationKey: creationKey(key ? `${request.operator!.id}:${key}` : null, request.body) } });
    // Whoever wrote the customer's request down has read it.
    await reads.markRead(request.operator!.id, number, new Date().toISOString());
    return reply.code(201).send(await detailOrThrow(number, request.operator!.id));
  });

  app.get('/api/tickets/:number', {
    schema: {
      tags: ['tickets'],
      summary: 'A ticket with its customer panel, full thread (internal notes marked) and audit trail',
      params: TicketNumberParams,
      response: { 200: TicketDetail, ...errors },
    },
  }, async (request) => detailOrThrow(request.params.number, request.operator!.id));

  app.patch('/api/tickets/:number', {
    schema: {
      tags: ['tickets'],
      summary: 'Assign, set status or priority, link or unlink the CRM customer',
      description: 'All given fields change together or none does. Invalid transitions answer 409 with the reason.',
      params: TicketNumberParams,
      headers: IdempotencyHeaders,
      body: PatchTicketBody,
      response: { 200: TicketDetail, ...errors },
    },
  }, async (request) => {
    const { number } = request.params;
    // A ticket that never was is refused by the ticket commands (404), without a query here.
    await ensureActiveOperator(request.body.assigneeId);
    await ensureCustomer(request.body.customerId);
    for (const tags of [request.body.tags, request.body.addTags, request.body.removeTags]) tagsOrThrow(tags);
    const fields = await fieldValuesOrThrow(request.body.fields);
    if (request.body.teamId) await teamOrThrow(request.body.teamId);
    const key = request.headers['idempotency-key'];
    const changed = await commands.update(number, changeTicketUpdate, [{ ...request.body, ...(fields ? { fields } : {}) }, actorOf(request)],
      key ? `change-${request.operator!.id}-${key}` : undefined);
    if (request.body.teamId && changed.assigneeId === null && changed.status !== 'closed') await deps.dispatch?.ticketWaiting(request.body.teamId, number);
    return detailOrThrow(number, request.operator!.id);
  });

  app.post('/api/tickets/bulk', {
    schema: {
      tags: ['tickets'],
      summary: 'Change many tickets at once: assign, status, priority, tags (each its own change, audited as yours)',
      description: 'Each ticket is changed on its own, as a PATCH would: a refusal (a closed ticket set New, a ticket gone) is listed '
        + 'with its reason and the others are applied. With an Idempotency-Key a repeated request changes nothing twice.',
      headers: IdempotencyHeaders,
      body: BulkChangeBody,
      response: { 200: BulkChangeResult, ...errors },
    },
  }, async (request) => {
    const { numbers, changes } = request.body;
    await ensureActiveOperator(changes.assigneeId);
    for (const tags of [changes.addTags, changes.removeTags]) tagsOrThrow(tags);
    const actor = actorOf(request);
    const key = request.headers['idempotency-key'];
    const existing = await tickets.existing(numbers);
    const results = await inParallel(numbers, BULK_PARALLEL_CHANGES, async (number): Promise<BulkChangeResult['results'][number]> => {
      if (!existing.has(number)) return { number, ok: false, changed: false, error: 'not_found', message: `Ticket #${number} does not exist.` };
      try {
        const after = await commands.update(number, changeTicketUpdate, [changes, actor], key ? `bulk-${request.operator!.id}-${key}-${number}` : undefined);
        return { number, ok: true, changed: after.eventSeq !== existing.get(number) };
      } catch (error) {
        const refusal = fromWorkflowRejection(error);
        if (!refusal) throw error;
        return { number, ok: false, changed: false, error: refusal.code, message: refusal.message };
      }
    });
    const refused = results.filter((r) => !r.ok).length;
    return { applied: results.length - refused, refused, results };
  });

  app.post('/api/tickets/:number/merge', {
    schema: {
      tags: ['tickets'],
      summary: 'Merge this ticket into another of the same customer',
      description: 'This ticket is closed as merged (no mail); its thread reads on the other one, marked; its public link shows the other one; '
        + "the customer's later mail and answers to it land there. Answers the ticket it went into.",
      params: TicketNumberParams,
      body: MergeTicketBody,
      response: { 200: TicketDetail, ...errors },
    },
  }, async (request) => {
    const { number } = request.params;
    const into = request.body.into;
    if (into === number) throw unprocessable(`Ticket #${number} cannot be merged into itself.`);
    const [source, target] = await Promise.all([tickets.state(number), tickets.state(into)]);
    if (!source) throw notFound(`Ticket #${number} does not exist.`);
    if (!target) throw unprocessable(`There is no ticket #${into} to merge into.`);
    if (source.mergedInto !== undefined) throw conflict('merged', `Ticket #${number} was merged into #${source.mergedInto} already.`);
    if (target.mergedInto !== undefined) throw unprocessable(`Ticket #${into} was merged into #${target.mergedInto} itself: merge into that one.`);
    if (!sameCustomer(source, target)) {
      throw unprocessable(`Tickets #${number} and #${into} are not the same customer's: merging would show one customer the other's messages.`);
    }
    const actor = actorOf(request);
    // The source first: from then on its customer's words go to the target; the target's own
    // record of it follows (both idempotent, so a retry finishes a merge cut short).
    await commands.update(number, changeTicketUpdate, [{ mergeInto: into }, actor], `merge-${number}-into-${into}`);
    await commands.update(into, changeTicketUpdate, [{ mergedFrom: number }, actor], `merged-${number}-into-${into}`);
    return detailOrThrow(into, request.operator!.id);
  });

  app.post('/api/tickets/:number/split', {
    schema: {
      tags: ['tickets'],
      summary: "Split a customer's message off into a ticket of its own (same customer, linked both ways)",
      description: 'The new ticket starts with that message as the customer\'s (no acknowledgement); here the message is shown as moved. '
        + 'Splitting the same message again answers the same new ticket.',
      params: TicketNumberParams,
      body: SplitTicketBody,
      response: { 201: TicketDetail, ...errors },
    },
  }, async (request, reply) => {
    const { number } = request.params;
    const state = await tickets.state(number);
    if (!state) throw notFound(`Ticket #${number} does not exist.`);
    if (state.mergedInto !== undefined) throw conflict('merged', `Ticket #${number} was merged into #${state.mergedInto}: split there.`);
    const comment = (await queries.comments(number, 'all')).find((c) => c.id === request.body.commentId && c.mergedFrom === null);
    if (!comment) throw unprocessable(`Ticket #${number} has no message ${request.body.commentId}.`);
    if (comment.author.kind !== 'customer') throw unprocessable("Only a customer's message can be split off into a ticket of its own.");
    if (comment.movedTo !== null) return reply.code(201).send(await detailOrThrow(comment.movedTo, request.operator!.id));
    const subject = request.body.subject.trim();
    const problem = validateSubject(subject);
    if (problem) throw unprocessable(problem);
    const { emailVerified: _unproven, ...contact } = state.contact;
    const split = await intake.open({
      ticket: {
        subject, body: comment.body, priority: state.priority, source: state.source,
        // Whoever could be told before can be now: the same customer, as the ticket knew them.
        contact: state.contact.emailVerified === false ? { ...contact, emailVerified: false } : contact,
        mailbox: state.mailbox, createdBy: request.operator!.id, assigneeId: request.operator!.id, messageKey: null,
        suppressAcknowledgement: true, firstMessage: 'customer_request', channel: comment.channel, splitFrom: number,
      },
      files: [],
      numberFrom: { creationKey: creationKey(`split:${number}:${comment.id}`, request.body) },
    });
    await commands.update(number, changeTicketUpdate, [{ splitOff: { commentId: comment.id, into: split } }, actorOf(request)], `split-${number}-${comment.id}`);
    await reads.markRead(request.operator!.id, split, new Date().toISOString());
    return reply.code(201).send(await detailOrThrow(split, request.operator!.id));
  });

  app.put('/api/tickets/:number/read', {
    schema: {
      tags: ['tickets'],
      summary: 'Mark the ticket read for you, up to the customer message you were shown',
      params: TicketNumberParams,
      body: MarkTicketReadBody,
      response: { 204: Type.Null(), ...errors },
    },
  }, async (request, reply) => {
    await ensureExists(request.params.number);
    await reads.markRead(request.operator!.id, request.params.number, request.body.upTo ?? new Date().toISOString());
    return reply.code(204).send(null);
  });

  app.delete('/api/tickets/:number/read', {
    schema: { tags: ['tickets'], summary: 'Mark the ticket unread for you', params: TicketNumberParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await ensureExists(request.params.number);
    await reads.markUnread(request.operator!.id, request.params.number);
    return reply.code(204).send(null);
  });

  app.post('/api/tickets/:number/public-link', {
    schema: {
      tags: ['tickets'],
      summary: 'Rotate the customer\'s public link: the old link stops working at once, the next mail carries the new one',
      params: TicketNumberParams,
      headers: IdempotencyHeaders,
      response: { 200: TicketDetail, ...errors },
    },
  }, async (request) => {
    const { number } = request.params;
    const key = request.headers['idempotency-key'];
    await commands.update(number, changeTicketUpdate, [{ rotatePublicLink: true }, actorOf(request)],
      key ? `rotate-${request.operator!.id}-${key}` : undefined);
    return detailOrThrow(number, request.operator!.id);
  });

  app.get('/api/attachments/:id', {
    schema: {
      tags: ['tickets'],
      summary: 'Download a file of a ticket (from a mail, the widget, a reply or a note)',
      params: IdParams,
      response: { 200: FileDownload('The file, as a download', ATTACHMENT_DOWNLOAD_TYPES), ...errors },
    },
  }, async (request, reply) => {
    const file = await attachmentContent(db, null, request.params.id);
    if (!file) throw notFound(`Attachment ${request.params.id} does not exist or was over the size limit.`);
    return sendAttachment(reply, file);
  });

  app.post('/api/tickets/:number/comments', {
    schema: {
      tags: ['tickets'],
      summary: 'Write an internal note or a public reply (the customer gets an email)',
      params: TicketNumberParams,
      headers: IdempotencyHeaders,
      body: AddCommentBody,
      response: { 201: Type.Object({ comment: Type.Union([CommentView, Type.Null()]), ticket: TicketSummary }), ...errors, 409: CommentRefusedBody },
    },
    bodyLimit: bodyLimitFor(deps.replyAttachments),
  }, async (request, reply) => {
    const { number } = request.params;
    const problem = validateBody(request.body.body);
    if (problem) throw unprocessable(problem);
    // Files are stored under the ticket before the change that shows them.
    if (request.body.attachments?.length) await ensureExists(number);
    if (request.body.mentions?.length) {
      if (request.body.visibility !== 'internal') throw unprocessable('Mention colleagues in an internal note: a public reply goes to the customer.');
      for (const id of request.body.mentions) await ensureActiveOperator(id);
    }
    const key = request.headers['idempotency-key'];
    const { attachments: uploads, ...asked } = request.body;
    const files = filesOf(uploads);
    // Stored before the change that shows them, under a key the comment carries; a retry
    // with the same Idempotency-Key stores nothing twice.
    const attachmentKey = files.length ? `upload:${request.operator!.id}:${key ?? randomUUID()}` : undefined;
    if (attachmentKey) await storeUploads(db, number, attachmentKey, files);
    const withFiles = attachmentKey ? { ...asked, attachmentKey } : asked;
    const written = asked.visibility === 'public' ? { ...withFiles, body: signed(asked.body, request.operator!) } : withFiles;
    const signedProblem = validateBody(written.body);
    if (signedProblem) throw unprocessable(`${signedProblem} (with your signature)`);
    let result: CommentResult;
    try {
      result = await commands.update(number, addOperatorCommentUpdate, [written, actorOf(request)], key ? `comment-${request.operator!.id}-${key}` : undefined);
    } catch (error) {
      const refusal = fromWorkflowRejection(error);
      if (refusal?.code !== 'thread_moved') throw error;
      // What the operator did not see, so the box can show it beside their draft.
      const newComments = (await queries.comments(number, 'all')).filter((c) => c.mergedFrom === null).slice(request.body.seenComments ?? 0);
      return reply.code(409).send({ error: refusal.code, message: refusal.message, newComments });
    }
    const [comment] = result.seq === null ? [] : await queries.comments(number, 'all', result.seq);
    const { tokenVersion: _, ...summary } = (await queries.summary(number, request.operator!.id))!;
    return reply.code(201).send({ comment: comment ?? null, ticket: summary });
  });
}
