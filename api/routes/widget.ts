import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { App } from '../types';
import { addressBucket, perAddress } from '../client-address';
import type { Database } from '../../db';
import { ErrorBody, HttpError, unprocessable } from '../errors';
import { createCustomFieldStore } from '../../db/custom-fields';
import { CustomFieldValues, fieldValue } from '../../domain/custom-fields';
import { IdempotencyHeaders, WidgetIdentityHeaders, WidgetTicketBody, WidgetTicketView } from '../schemas';
import { creationKey, isRepeatedCreation } from '../../db/ticket-numbers';
import type { TicketIntake } from '../../intake/open-ticket';
import { STATUS_LABELS } from '../../domain/ticket';
import { createWidgetQueries, WidgetTicketRow } from '../../db/ticket-queries';
import { WIDGET_MAX_ATTACHMENT_BYTES, WIDGET_MAX_ATTACHMENTS, widgetAttachmentProblem, widgetFormProblems } from '../../domain/widget';
import { checkExternalIdSignature } from '../../security/widget-identity';
import type { RateLimitCounters } from '../../db/rate-limits';
import { customerUploadQuota } from '../upload-quota';
import { CHALLENGE_LIFETIME_MS, type ProofOfWork } from '../../security/proof-of-work';
import { publicToken, ticketUrl } from '../../security/public-token';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody, 429: ErrorBody, 503: ErrorBody };

export interface WidgetRouteDeps {
  db: Database;
  intake: TicketIntake;
  secretKey: string;
  publicUrl: string;
  widgetSecret: string;
  /** Signed IDs without an expiry, as websites signed them before expiries: only when a setting allows. */
  acceptUnexpiringSignatures: boolean;
  ticketsPerHourPerAddress: number;
  ticketsPerHourPerEmail: number;
  ticketsPerHour: number;
  uploadBytesPerHourPerAddress: number;
  uploadBytesPerHour: number;
  counters: RateLimitCounters;
  /** The challenge the form must solve first; null when WIDGET_PROOF_OF_WORK is off. */
  proofOfWork: ProofOfWork | null;
}

const HOUR_MS = 3_600_000;


/** The form and its files in base64, with room to spare; beyond it, a 413. */
const WIDGET_BODY_LIMIT = WIDGET_MAX_ATTACHMENTS * Math.ceil(WIDGET_MAX_ATTACHMENT_BYTES / 3) * 4 + 256 * 1024;

const signatureRefusal = (check: 'expired' | 'invalid') => check === 'expired'
  ? new HttpError(403, 'signature_expired', 'This page has been open too long to vouch for you; reload it and try again.')
  : new HttpError(403, 'bad_signature', "The external ID's signature is not valid. The website's back end must sign the ID with the helpdesk's widget secret.");

/**
 * What the website widget calls, from any allowed origin, without an account: open a
 * ticket, and, for a visitor the website vouches for, list their tickets.
 */
export default async function widgetRoutes(app: App, deps: WidgetRouteDeps) {
  const { db, intake } = deps;
  const widgetQueries = createWidgetQueries(db);
  const customFields = createCustomFieldStore(db);

  /**
   * The values the website filled in, of the fields admins let the widget set: any other
   * key, and a value its field does not take, is left out (a website's slip must not cost
   * its visitor the ticket), and the log says so.
   */
  async function widgetFields(given: Record<string, string> | undefined): Promise<CustomFieldValues> {
    if (!given || Object.keys(given).length === 0) return {};
    const definitions = (await customFields.list(true)).filter((d) => d.widget);
    const values: CustomFieldValues = {};
    for (const [key, raw] of Object.entries(given)) {
      const definition = definitions.find((d) => d.key === key);
      const typed = definition ? fieldValue(definition, raw) : { problem: `no field "${key}" the widget may set` };
      if ('problem' in typed) app.log.warn({ field: key }, `widget ticket: field left out (${typed.problem})`);
      else if (typed.value !== null) values[key] = typed.value;
    }
    return values;
  }

  /** The ticket's view in the widget, with the link token to follow and answer it. */
  const viewOf = (row: WidgetTicketRow) => {
    const token = publicToken(deps.secretKey, row.number, row.token_version);
    return {
      number: row.number, subject: row.subject, status: row.status, statusLabel: STATUS_LABELS[row.status],
      updatedAt: row.updated_at.toISOString(), publicUrl: ticketUrl(deps.publicUrl, token), token,
    };
  };

  /**
   * What the form takes from everyone together, and the files from one address: the
   * widget needs no account, so these bound what strangers can make it send and store.
   */
  const withinUploadQuota = customerUploadQuota(deps.counters, { perAddress: deps.uploadBytesPerHourPerAddress, overall: deps.uploadBytesPerHour });
  async function withinWidgetQuotas(ip: string, uploadBytes: number) {
    const total = await deps.counters.hit('widget:tickets', HOUR_MS);
    if (total.hits > deps.ticketsPerHour) {
      throw new HttpError(429, 'rate_limited', 'We are receiving too many requests through this form right now. Please write to us by email, or try again later.');
    }
    await withinUploadQuota(ip, uploadBytes);
  }

  /** A solution of one of our challenges, in time, spent once. */
  async function provedWork(solved: { challenge: unknown; solution: unknown } | undefined) {
    const signature = solved ? await deps.proofOfWork!.verify(solved) : null;
    const spent = signature ? await deps.counters.hit(`widget:proof-of-work:${signature}`, CHALLENGE_LIFETIME_MS) : null;
    if (!spent || spent.hits > 1) {
      throw new HttpError(422, 'proof_of_work', 'The form could not check that it was sent by a person. Reload the page and send it again.');
    }
  }

  app.get('/api/widget/challenge', {
    schema: {
      tags: ['widget'],
      summary: 'A proof-of-work challenge the widget solves before it sends a ticket; null when none is asked for',
      response: { 200: Type.Object({ challenge: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]) }), ...errors },
    },
    config: { rateLimit: { max: deps.ticketsPerHourPerAddress * 10, timeWindow: '1 hour', keyGenerator: perAddress } },
  }, async () => ({ challenge: deps.proofOfWork ? (await deps.proofOfWork.challenge()) as unknown as Record<string, unknown> : null }));

  app.post('/api/widget/tickets', {
    schema: {
      tags: ['widget'],
      summary: 'A website visitor opens a ticket (source "widget")',
      description: 'An `externalId` links the ticket to the CRM only with a valid `externalIdSignature`; without one it is ignored, with a wrong one the request is refused.',
      headers: IdempotencyHeaders,
      body: WidgetTicketBody,
      response: { 201: WidgetTicketView, ...errors },
    },
    config: { rateLimit: { max: deps.ticketsPerHourPerAddress, timeWindow: '1 hour', keyGenerator: perAddress } },
    bodyLimit: WIDGET_BODY_LIMIT,
  }, async (request, reply) => {
    const body = request.body;
    if (body.website) throw unprocessable('This form looks filled in by a program. If you are a person, reload the page and try again.');
    const problems = widgetFormProblems({ ...body, phone: body.phone ?? '' });
    const first = Object.values(problems)[0];
    if (first) throw unprocessable(first);
    const files = (body.attachments ?? []).map((a) => ({ ...a, bytes: Buffer.from(a.content, 'base64') }));
    const fileProblem = widgetAttachmentProblem(files.map((f) => ({ filename: f.filename, size: f.bytes.length })));
    if (fileProblem) throw unprocessable(fileProblem);

    let externalId: string | null = null;
    if (body.externalId && body.externalIdSignature !== undefined) {
      const check = checkExternalIdSignature(deps.widgetSecret, body.externalId, body.externalIdSignature, { acceptUnexpiring: deps.acceptUnexpiringSignatures });
      if (check !== 'valid') throw signatureRefusal(check);
      externalId = body.externalId;
    }

    const email = body.email.trim();
    const recent = await widgetQueries.openedLastHourBy(email);
    const key = request.headers['idempotency-key'];
    const scopedKey = key ? `widget:${key}` : null;
    // A retry solves a new challenge: the request is the same without it.
    const { proofOfWork: solved, ...withoutProof } = body;
    const creation = creationKey(scopedKey, withoutProof);
    // A retry of a ticket already opened is answered as before, and counts nowhere again.
    const repeated = await isRepeatedCreation(db, creation);
    if (recent >= deps.ticketsPerHourPerEmail && !repeated) {
      throw new HttpError(429, 'rate_limited', `You have opened ${recent} tickets in the last hour; please wait before opening another, or answer one of them.`);
    }
    if (!repeated && deps.proofOfWork) await provedWork(solved);
    if (!repeated) await withinWidgetQuotas(request.ip, files.reduce((sum, f) => sum + f.bytes.length, 0));
    // The comment's key ties the files to it; a retry stores them once.
    const messageKey = scopedKey ?? `widget:${randomUUID()}`;
    const ticket = {
      subject: body.subject.trim(),
      body: body.message,
      priority: 'normal',
      source: 'widget',
      contact: {
        email,
        phone: body.phone?.trim() || null,
        firstName: body.firstName.trim() || null,
        lastName: body.lastName.trim() || null,
        externalId,
        // Anyone can type anyone's address: it identifies nobody until its owner proves it
        // (answers from it, or follows the link mailed to it). A website's signed visitor is vouched for.
        ...(externalId === null ? { emailVerified: false } : {}),
      },
      mailbox: null,
      createdBy: null,
      assigneeId: null,
      messageKey,
      suppressAcknowledgement: false,
    } as const;
    const fields = await widgetFields(body.fields);
    const number = await intake.open({
      ticket: Object.keys(fields).length ? { ...ticket, fields } : ticket, numberFrom: { creationKey: creation }, files: files.map((f) => ({ filename: f.filename, contentType: f.contentType, content: f.bytes })),
    });
    return reply.code(201).send(viewOf((await widgetQueries.ticket(number))!));
  });

  app.get('/api/widget/tickets', {
    schema: {
      tags: ['widget'],
      summary: 'The tickets of a visitor the website vouches for (signed external ID), newest first',
      headers: WidgetIdentityHeaders,
      response: { 200: Type.Object({ items: Type.Array(WidgetTicketView) }), ...errors },
    },
  }, async (request) => {
    const externalId = request.headers['x-helpdesk-external-id'];
    const check = checkExternalIdSignature(deps.widgetSecret, externalId, request.headers['x-helpdesk-signature'], { acceptUnexpiring: deps.acceptUnexpiringSignatures });
    if (check !== 'valid') throw signatureRefusal(check);
    return { items: (await widgetQueries.ticketsOf(externalId)).map(viewOf) };
  });
}
