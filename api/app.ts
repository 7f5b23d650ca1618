import Fastify, { FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Database } from '../db';
import { registerErrorHandler, ErrorBody } from './errors';
import auth, { SESSION_COOKIE, CSRF_HEADER } from './plugins/auth';
import authRoutes from './routes/auth';
import { createTicketIntake } from '../intake/open-ticket';
import operatorRoutes from './routes/operators';
import profileRoutes from './routes/profile';
import ticketRoutes from './routes/tickets';
import publicTicketRoutes from './routes/public-tickets';
import customerRoutes from './routes/customers';
import healthRoutes from './routes/health';
import inboundEmailRoutes from './routes/inbound-emails';
import mailboxRoutes from './routes/mailboxes';
import slaPolicyRoutes from './routes/sla-policies';
import cannedReplyRoutes from './routes/canned-replies';
import teamRoutes from './routes/teams';
import { teamDispatchFor } from '../workflows/team-dispatcher/client';
import tagRoutes from './routes/tags';
import viewRoutes from './routes/views';
import customFieldRoutes from './routes/custom-fields';
import presenceRoutes from './routes/presence';
import inboxRoutes from './routes/inbox';
import formattingRoutes from './routes/formatting';
import eventRoutes from './routes/events';
import widgetRoutes from './routes/widget';
import customerPageRoutes from './routes/customer-pages';
import adminUiRoutes from './routes/admin-ui';
import temporalCodecRoutes from './routes/temporal-codec';
import { helpdeskPayloadCodec } from '../security/payload-codec';
import { proofOfWork } from '../security/proof-of-work';
import { followUpPolicy, ticketCommandsFor } from '../workflows/ticket/client';
import { createTicketStore } from '../db/tickets';
import { createTicketQueries } from '../db/ticket-queries';
import type { App } from './types';
import { eventStreams } from './event-streams';
import { ticketChangeHub } from '../live/ticket-changes';
import { postgresRateLimitStore, rateLimitCounters } from '../db/rate-limits';
import { perAddress } from './client-address';
import { requestLogSerializer } from './log-redaction';
import { validSessionBuckets } from './plugins/auth';

export interface AppDeps {
  config: Config & { SECRET_KEY: string; DATABASE_URL: string };
  db: Database;
  temporal: Client;
  /** How long a request waits for a ticket workflow's answer. */
  workflowTimeoutMs?: number;
  logger?: FastifyServerOptions['logger'];
}

/** The nearest `hops` proxies are believed, as Fastify does for a number (its types take only a function). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Builds the whole HTTP app without listening: `server.ts` listens, tests inject. */
export async function buildApp({ config, db, temporal, workflowTimeoutMs = 20_000, logger = false }: AppDeps): Promise<App> {
  const app = Fastify({
    logger: logger && typeof logger === 'object' ? { ...logger, serializers: { req: requestLogSerializer, ...logger.serializers } } : logger,
    // Only a proxy named in TRUST_PROXY may say who the client is (X-Forwarded-For).
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const secureCookies = config.PUBLIC_URL.startsWith('https:');
  const ticketStore = createTicketStore(db);
  const commands = ticketCommandsFor(temporal, config, { timeoutMs: workflowTimeoutMs, ticketExists: (n) => ticketStore.exists(n) });
  const dispatch = teamDispatchFor(temporal, config.TEMPORAL_TASK_QUEUE);
  const intake = createTicketIntake({ db, commands, dispatch });
  const queries = createTicketQueries(db);

  const changes = ticketChangeHub(config.DATABASE_URL, (line) => app.log.warn(line));
  app.addHook('onClose', async () => changes.close());
  const streams = eventStreams(app, { total: config.LIVE_STREAMS_TOTAL, perGroup: config.LIVE_STREAMS_PER_CLIENT });

  registerErrorHandler(app);
  app.addSchema(ErrorBody);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    // Public ticket links carry their token in the path: never hand it on as a referrer.
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });

  await app.register(cookie);
  // Customer-facing routes answer other websites (the widget runs in their pages), without
  // cookies; the operator API answers only its own origin.
  const widgetOrigins = config.WIDGET_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  await app.register(cors, {
    delegator: (request, callback) => {
      const path = (request.url ?? '').split('?')[0]!;
      const customerFacing = path.startsWith('/api/public/') || path.startsWith('/api/widget/');
      if (path.startsWith('/api/temporal-codec/')) {
        // Temporal Web asks with the admin's cookie; only its own origin may read the answers.
        callback(null, { origin: new URL(config.TEMPORAL_UI_URL).origin, methods: ['POST'], allowedHeaders: ['content-type', 'x-namespace', 'authorization'], credentials: true, maxAge: 600 });
        return;
      }
      callback(null, customerFacing
        ? {
          origin: widgetOrigins.includes('*') ? '*' : widgetOrigins,
          methods: ['GET', 'POST'],
          allowedHeaders: ['content-type', 'idempotency-key', 'x-helpdesk-external-id', 'x-helpdesk-signature'],
          credentials: false,
          maxAge: 600,
        }
        : { origin: false });
    },
  });
  const counters = rateLimitCounters(db.sequelize);
  const sessionBuckets = validSessionBuckets(db, config.SESSION_MAX_AGE);
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_API,
    timeWindow: '1 minute',
    // Counted in PostgreSQL, so that a limit holds for all API processes together; when
    // the database is down the request fails on its own, not on the count.
    store: postgresRateLimitStore(counters),
    skipOnError: true,
    // Per operator session where there is a valid one, else per address: a made-up
    // cookie must not open a fresh bucket.
    keyGenerator: async (request) => {
      const session = request.cookies?.[SESSION_COOKIE];
      const bucket = session ? await sessionBuckets.of(session) : null;
      return bucket ?? perAddress(request);
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Helpdesk API', version: '0.1.0', description: 'Operators log in with POST /api/auth/login (session cookie) and send the CSRF token from the login answer or GET /api/me in the `x-csrf-token` header on every write. Public routes take the ticket link token instead.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(auth, { db, sessionTtlMs: config.SESSION_TTL, sessionMaxAgeMs: config.SESSION_MAX_AGE, secureCookies });

  await app.register(healthRoutes, { db, temporal });
  await app.register(authRoutes, {
    db, counters, secureCookies, loginRateLimit: config.RATE_LIMIT_LOGIN, loginFailuresPerAccount: config.RATE_LIMIT_LOGIN_ACCOUNT,
  });
  await app.register(operatorRoutes, { db });
  await app.register(profileRoutes, { db, passwordRateLimit: config.RATE_LIMIT_LOGIN });
  await app.register(ticketRoutes, {
    db, commands, intake, queries,
    secretKey: config.SECRET_KEY,
    publicUrl: config.PUBLIC_URL,
    temporalUiUrl: config.TEMPORAL_UI_URL,
    namespace: config.TEMPORAL_NAMESPACE,
    followUp: followUpPolicy(config),
    replyAttachments: { maxCount: config.REPLY_MAX_ATTACHMENTS, maxBytes: config.REPLY_MAX_ATTACHMENT_SIZE },
    dispatch,
  });
  await app.register(presenceRoutes, { db });
  await app.register(inboxRoutes, { db });
  await app.register(formattingRoutes);
  await app.register(cannedReplyRoutes, { db, secretKey: config.SECRET_KEY, publicUrl: config.PUBLIC_URL });
  await app.register(tagRoutes, { db });
  await app.register(viewRoutes, { db, queries });
  await app.register(customFieldRoutes, { db });
  await app.register(teamRoutes, { db, dispatch });
  await app.register(customerRoutes, { db, queries });
  await app.register(inboundEmailRoutes, { db });
  await app.register(mailboxRoutes, { db, config, temporal });
  await app.register(slaPolicyRoutes, { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE });
  await app.register(publicTicketRoutes, {
    db, commands, intake, queries, changes, streams, rateLimit: config.RATE_LIMIT_PUBLIC, secretKey: config.SECRET_KEY, publicUrl: config.PUBLIC_URL,
    counters, uploadQuota: { perAddress: config.WIDGET_UPLOAD_BYTES_PER_HOUR_PER_ADDRESS, overall: config.WIDGET_UPLOAD_BYTES_PER_HOUR },
  });
  await app.register(eventRoutes, { changes, streams, sessionCheckMs: config.EVENT_STREAM_SESSION_CHECK });
  await app.register(widgetRoutes, {
    db, intake,
    secretKey: config.SECRET_KEY,
    publicUrl: config.PUBLIC_URL,
    widgetSecret: config.WIDGET_SECRET ?? '',
    acceptUnexpiringSignatures: config.WIDGET_ACCEPT_UNEXPIRING_SIGNATURES,
    ticketsPerHourPerAddress: config.WIDGET_TICKETS_PER_HOUR_PER_ADDRESS,
    ticketsPerHourPerEmail: config.WIDGET_TICKETS_PER_HOUR_PER_EMAIL,
    ticketsPerHour: config.WIDGET_TICKETS_PER_HOUR,
    uploadBytesPerHourPerAddress: config.WIDGET_UPLOAD_BYTES_PER_HOUR_PER_ADDRESS,
    uploadBytesPerHour: config.WIDGET_UPLOAD_BYTES_PER_HOUR,
    counters,
    proofOfWork: config.WIDGET_PROOF_OF_WORK > 0 ? proofOfWork(config.SECRET_KEY, config.WIDGET_PROOF_OF_WORK) : null,
  });
  await app.register(temporalCodecRoutes, { codec: helpdeskPayloadCodec(config) });
  await app.register(adminUiRoutes);
  await app.register(customerPageRoutes, { db, rateLimit: config.RATE_LIMIT_PUBLIC, widgetSecret: config.WIDGET_SECRET ?? '', demo: config.WIDGET_DEMO });
  return app;
}
