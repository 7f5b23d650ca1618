import type { App } from '../types';
import { perAddress } from '../client-address';
import type { Database } from '../../db';
import { ErrorBody, notFound, unprocessable } from '../errors';
import { ATTACHMENT_DOWNLOAD_TYPES, FileDownload, IdempotencyHeaders, PublicCommentBody, PublicTicket, TokenParams, VerifyContactBody } from '../schemas';
import { isEmailVerificationCode, publicToken, ticketUrl } from '../../security/public-token';
import { randomUUID } from 'node:crypto';
import { TicketRefusal } from '../../domain/ticket-commands';
import type { TicketIntake } from '../../intake/open-ticket';
import { creationKey } from '../../db/ticket-numbers';
import { createTicketStore } from '../../db/tickets';
import type { TicketCommands } from '../../workflows/ticket/client';
import { attachmentContent, sendAttachment, TicketQueries } from '../../db/ticket-queries';
import { Type } from 'typebox';
import { ticketNumberForToken } from '../../db/public-links';
import { PUBLIC_CHANGE_TYPES, validateBody } from '../../domain/ticket';
import { LIVE_EVENTS } from '../../live/events';
import type { TicketChangeHub } from '../../live/ticket-changes';
import type { EventStreams } from '../event-streams';
import { verifyContactUpdate } from '../../workflows/ticket/definitions';

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody, 503: ErrorBody };

/**
 * What a customer reaches through the ticket's link, without an account. The token is
 * the only credential; any lookup that fails answers the same 404, whether the ticket
 * never existed or the link was rotated.
 */
import { attachmentProblem, bodyLimitFor } from '../../domain/attachments';
import { CUSTOMER_ATTACHMENT_LIMITS } from '../../domain/widget';
import { moveUploads, storeUploads } from '../../db/attachments';
import { customerUploadQuota } from '../upload-quota';
import type { RateLimitCounters } from '../../db/rate-limits';

export default async function publicTicketRoutes(app: App, { db, commands, intake, queries, changes, streams, rateLimit, secretKey, publicUrl, counters, uploadQuota }: {
  db: Database; commands: TicketCommands; intake: TicketIntake; queries: TicketQueries; changes: TicketChangeHub; streams: EventStreams;
  rateLimit: number; secretKey: string; publicUrl: string; counters: RateLimitCounters;
  /** Bytes customers may upload per hour (shared with the widget's form). */
  uploadQuota: { perAddress: number; overall: number };
}) {
  const withinUploadQuota = customerUploadQuota(counters, uploadQuota);
  const tickets = createTicketStore(db);
  const limited = { rateLimit: { max: rateLimit, timeWindow: '1 minute', keyGenerator: perAddress } };

  /** The ticket a link shows: its own, or the one it was merged into (where its thread and answers now are). */
  async function ticketNumberFor(token: string): Promise<number> {
    const own = await linkedTicketFor(token);
    return (await tickets.mergedTarget(own)) ?? own;
  }

  /** The ticket the link was made for. */
  async function linkedTicketFor(token: string): Promise<number> {
    const number = await ticketNumberForToken(db, token);
    if (number === null) throw notFound('This ticket link is not valid.');
    return number;
  }

  app.get('/api/public/tickets/:token', {
    schema: {
      tags: ['public'],
      summary: 'A ticket as its customer sees it: status and public history',
      params: TokenParams,
      response: { 200: PublicTicket, ...errors },
    },
    config: limited,
  }, async (request) => {
    const view = await queries.publicView(await ticketNumberFor(request.params.token));
    if (!view) throw notFound('This ticket link is not valid.');
    return view;
  });

  app.get('/api/public/tickets/:token/events', {
    schema: {
      tags: ['public'],
      summary: 'Server-sent events: `changed` when the customer\'s view of this ticket changed (reply, status), `resync` after an outage',
      params: TokenParams,
      produces: ['text/event-stream'],
      response: { 200: Type.String(), ...errors },
    },
    config: limited,
  }, async (request, reply) => {
    const number = await ticketNumberFor(request.params.token);
    let unsubscribe = () => {};
    const { send } = streams.open(request, reply, [perAddress(request), `ticket:${number}`], () => unsubscribe());
    unsubscribe = changes.subscribe((change) => {
      if (change === null) send(LIVE_EVENTS.resync, {});
      else if (change.number === number && PUBLIC_CHANGE_TYPES.includes(change.type)) send(LIVE_EVENTS.changed, {});
    });
  });

  app.get('/api/public/tickets/:token/attachments/:id', {
    schema: {
      tags: ['public'],
      summary: 'Download an attachment of this ticket\'s public history',
      params: Type.Object({ token: TokenParams.properties.token, id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }),
      response: { 200: FileDownload('The file, as a download', ATTACHMENT_DOWNLOAD_TYPES), ...errors },
    },
    config: limited,
  }, async (request, reply) => {
    const number = await ticketNumberFor(request.params.token);
    // Only a file of a public message of this ticket: an internal note's never, whatever the id.
    const file = await attachmentContent(db, number, request.params.id);
    if (!file) throw notFound('This attachment is not available.');
    return sendAttachment(reply, file);
  });

  app.post('/api/public/tickets/:token/verify', {
    schema: {
      tags: ['public'],
      summary: 'The customer followed the link mailed to the ticket\'s address: the address is theirs',
      description: 'A ticket opened through the widget identifies nobody by its address until this: then it is linked to the CRM record of that address and listed in that customer\'s tickets.',
      params: TokenParams,
      body: VerifyContactBody,
      response: { 200: PublicTicket, ...errors },
    },
    config: limited,
  }, async (request) => {
    const linked = await linkedTicketFor(request.params.token);
    const ticket = await tickets.parties(linked);
    if (!ticket?.contactEmail || !isEmailVerificationCode(secretKey, linked, ticket.contactEmail, request.body.code)) {
      throw unprocessable('This confirmation link is not valid; open the link from our most recent email.');
    }
    // A merged ticket's address is the one it went into's (merging keeps to one customer).
    const number = (await tickets.mergedTarget(linked)) ?? linked;
    const shown = await tickets.parties(number);
    if (shown && !shown.contactEmailVerified) await commands.update(number, verifyContactUpdate, [], `verify-contact-${number}`);
    return (await queries.publicView(number))!;
  });

  app.post('/api/public/tickets/:token/comments', {
    schema: {
      tags: ['public'],
      summary: 'The customer answers; a closed ticket reopens',
      params: TokenParams,
      headers: IdempotencyHeaders,
      body: PublicCommentBody,
      response: { 201: PublicTicket, ...errors },
    },
    config: limited,
    bodyLimit: bodyLimitFor(CUSTOMER_ATTACHMENT_LIMITS),
  }, async (request, reply) => {
    const number = await ticketNumberFor(request.params.token);
    const problem = validateBody(request.body.body);
    if (problem) throw unprocessable(problem);
    const key = request.headers['idempotency-key'];
    const files = (request.body.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') }));
    const fileProblem = attachmentProblem(files.map((f) => ({ filename: f.filename, size: f.content.length })), CUSTOMER_ATTACHMENT_LIMITS);
    if (fileProblem) throw unprocessable(fileProblem);
    // Files need a key to go with the message even without an Idempotency-Key.
    const messageKey = key ? `web:${key}` : files.length ? `web:${randomUUID()}` : null;
    if (files.length) {
      await withinUploadQuota(request.ip, files.reduce((sum, f) => sum + f.content.length, 0));
      await storeUploads(db, number, messageKey!, files);
    }
    try {
      await commands.addCustomerMessage(number, {
        body: request.body.body,
        channel: 'web',
        messageKey,
        automatic: false,
      }, key ? `public-${key}` : `public-${randomUUID()}`);
    } catch (error) {
      // Closed too long ago to reopen (its policy says): the answer opens a follow-up ticket.
      if (!(error instanceof TicketRefusal && error.reason === 'follow_up_needed')) throw error;
      const old = (await tickets.state(number))!;
      const followUp = await intake.open({
        numberFrom: { creationKey: creationKey(key ? `follow-up:${number}:${key}` : null, request.body) },
        ticket: {
          subject: old.subject, body: request.body.body, priority: old.priority, source: old.source, contact: old.contact, mailbox: old.mailbox,
          createdBy: null, assigneeId: null, messageKey, suppressAcknowledgement: false, followUpOf: number,
        },
      });
      if (files.length) await moveUploads(db, messageKey!, followUp);
      const view = (await queries.publicView(followUp))!;
      return reply.code(201).send({ ...view, followUp: { number: followUp, url: ticketUrl(publicUrl, publicToken(secretKey, followUp, 1)) } });
    }
    return reply.code(201).send((await queries.publicView(number))!);
  });
}
