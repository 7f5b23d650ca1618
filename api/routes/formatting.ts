import { Type } from 'typebox';
import type { App } from '../types';
import { ErrorBody } from '../errors';
import { MAX_BODY_LENGTH } from '../../domain/ticket';
import { markdownToHtml } from '../../mail/outbound/markdown';

/** The reply box's preview: an operator's Markdown as the customer will see it, rendered by the same code as the sent reply. */
export default async function formattingRoutes(app: App) {
  app.post('/api/formatting/preview', {
    schema: {
      tags: ['tickets'],
      summary: 'Your Markdown (bold, italics, links, lists, quotes, code) as the customer will see it',
      body: Type.Object({ body: Type.String({ maxLength: MAX_BODY_LENGTH }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ html: Type.String() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
    },
    preHandler: app.requireOperator,
  }, async (request) => ({ html: markdownToHtml(request.body.body) }));
}
