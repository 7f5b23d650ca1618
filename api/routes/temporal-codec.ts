import { Type } from 'typebox';
import type { PayloadCodec } from '@temporalio/common';
import type { App } from '../types';
import { ErrorBody } from '../errors';

/** A payload as Temporal Web sends it: metadata values and data in base64. */
const WirePayload = Type.Object({
  metadata: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String())),
  data: Type.Optional(Type.String()),
});
const WirePayloads = Type.Object({ payloads: Type.Array(WirePayload, { maxItems: 10_000 }) });
type Wire = { metadata?: Record<string, string>; data?: string };

const fromWire = (p: Wire) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): Wire => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/**
 * The codec server Temporal Web asks to show (decode) and to send (encode) workflow
 * payloads: only for a logged-in admin, whose session cookie Temporal Web sends along
 * ("include cross-origin credentials"). It reads and writes no state, so it takes no CSRF
 * token, which Temporal Web could not send; CORS lets only TEMPORAL_UI_URL read its answers.
 */
export default async function temporalCodecRoutes(app: App, { codec }: { codec: PayloadCodec }) {
  for (const direction of ['decode', 'encode'] as const) {
    app.post(`/api/temporal-codec/${direction}`, {
      schema: {
        tags: ['operators'],
        summary: `Temporal Web's codec server: ${direction} workflow payloads (admins only)`,
        body: WirePayloads,
        response: { 200: WirePayloads, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { csrfExempt: 'changes nothing: it turns payloads into other payloads' },
      bodyLimit: 20 * 1024 * 1024,
      preHandler: [app.requireOperator, app.requireAdmin],
    }, async (request) => {
      const payloads = request.body.payloads.map(fromWire);
      const done = direction === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      return { payloads: done.map(toWire) };
    });
  }
}
