import type { App } from '../types';
import type { Database } from '../../db';
import { ErrorBody, notFound } from '../errors';
import { InboxPage, InboxPreferencesView, InboxQuery, MarkReadBody } from '../schemas';
import { createInboxStore, type InboxRow } from '../../db/inbox';
import type { InboxPreferences } from '../../domain/inbox';
import { Type } from 'typebox';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody };

const view = (row: InboxRow) => ({
  id: row.id, kind: row.kind, ticket: { number: row.ticket_number, subject: row.subject },
  actor: { kind: row.actor_kind, name: row.actor_name }, at: row.created_at.toISOString(), read: row.read_at !== null,
});

/**
 * Each operator's bell: new unassigned tickets, assignments, customers' answers, mentions and
 * SLA warnings, as the operator chose to hear of them (in the app, by mail). Live through
 * the event stream's `inbox` event.
 */
export default async function inboxRoutes(app: App, { db }: { db: Database }) {
  const inbox = createInboxStore(db);
  app.addHook('preHandler', app.requireOperator);

  app.get('/api/inbox', {
    schema: { tags: ['inbox'], summary: 'What you were told of, newest first, and how much is unread', querystring: InboxQuery, response: { 200: InboxPage, ...errors } },
  }, async (request) => {
    const operatorId = request.operator!.id;
    const { unread = false, before = null, limit = 30 } = request.query;
    const [rows, count] = await Promise.all([inbox.list(operatorId, { unreadOnly: unread, before, limit }), inbox.unreadCount(operatorId)]);
    return { items: rows.map(view), unread: count };
  });

  app.post('/api/inbox/read', {
    schema: {
      tags: ['inbox'], summary: 'Mark entries read: some, everything about a ticket, or all; answers what stays unread',
      body: MarkReadBody, response: { 200: Type.Object({ unread: Type.Integer() }), ...errors },
    },
  }, async (request) => {
    const operatorId = request.operator!.id;
    const { ids, ticketNumber, all } = request.body;
    await inbox.markRead(operatorId, { ids: ids?.map(Number), ticketNumber, all });
    return { unread: await inbox.unreadCount(operatorId) };
  });

  app.get('/api/me/notifications', {
    schema: { tags: ['inbox'], summary: 'What you want to be told of, in the app and by mail', response: { 200: InboxPreferencesView, ...errors } },
  }, async (request) => {
    const preferences = await inbox.preferences(request.operator!.id);
    if (!preferences) throw notFound('Your operator account no longer exists.');
    return preferences;
  });

  app.put('/api/me/notifications', {
    schema: { tags: ['inbox'], summary: 'Choose what you are told of, in the app and by mail', body: InboxPreferencesView, response: { 200: InboxPreferencesView, ...errors } },
  }, async (request) => {
    await inbox.setPreferences(request.operator!.id, request.body as InboxPreferences);
    return (await inbox.preferences(request.operator!.id))!;
  });
}
