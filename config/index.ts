/**
 * Every setting of the helpdesk, read from environment variables once at start and
 * validated together so a misconfiguration is reported in one message. Leaf modules
 * receive the parsed `Config`; none of them reads `process.env`.
 */

import { isIP } from 'node:net';
import { totalmem } from 'node:os';
import { parsePayloadKeys, PayloadKey } from '../security/payload-keys';
import { TICKET_OPENING_ROBOT_KINDS } from '../domain/inbound-email';

type Parser<T> = (raw: string, name: string) => T;

interface Setting<T> {
  default: string;
  doc: string;
  parse: Parser<T>;
}

class ConfigProblem extends Error {}

const text: Parser<string> = (raw) => raw;

const optionalText: Parser<string | null> = (raw) => (raw === '' ? null : raw);

const integer = (min: number, max: number): Parser<number> => (raw, name) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigProblem(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
};

/** Memory one cached ticket workflow takes, about (the open benchmark: 150 KiB each, with room). */
const CACHED_WORKFLOW_BYTES = 200 * 1024;
const cacheSize: Parser<number> = (raw, name) => {
  if (raw !== 'auto') return integer(1, 100_000)(raw, name);
  // In a container the limit is its cgroup's, not the host's memory.
  const limit = process.constrainedMemory?.() || Infinity;
  return Math.max(500, Math.min(20_000, Math.round((Math.min(totalmem(), limit) / 4) / CACHED_WORKFLOW_BYTES)));
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "30s", "5m", "12h", "14d" to milliseconds. */
export function parseDuration(raw: string, name = 'duration'): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(raw.trim());
  if (!match) throw new ConfigProblem(`${name} must be a duration like 500ms, 30s, 5m, 12h or 14d, got "${raw}"`);
  return Number(match[1]) * UNITS[match[2] as string]!;
}

const duration: Parser<number> = (raw, name) => parseDuration(raw, name);
/** Empty or `off`: the behaviour is switched off. */
const durationOrOff: Parser<number | null> = (raw, name) => (raw === '' || raw.toLowerCase() === 'off' ? null : parseDuration(raw, name));

const url = (protocols: string[]): Parser<string> => (raw, name) => {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigProblem(`${name} must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigProblem(`${name} must start with ${protocols.join(' or ')}, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

const boolean: Parser<boolean> = (raw, name) => {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigProblem(`${name} must be true or false, got "${raw}"`);
};

const optional = <T>(parse: Parser<T>): Parser<T | null> => (raw, name) => (raw === '' ? null : parse(raw, name));

const oneOf = <T extends string>(values: readonly T[]): Parser<T> => (raw, name) => {
  if (!values.includes(raw as T)) throw new ConfigProblem(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
};

/** A comma-separated list of some of `values` ("" for none). */
const someOf = <T extends string>(values: readonly T[]): Parser<T[]> => (raw, name) => {
  const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
  const wrong = items.filter((item) => !values.includes(item as T));
  if (wrong.length) throw new ConfigProblem(`${name} takes a comma-separated list of ${values.join(', ')}; "${wrong.join(', ')}" is none of them`);
  return items as T[];
};

const payloadKeys: Parser<PayloadKey[]> = (raw, name) => {
  try {
    return parsePayloadKeys(raw);
  } catch (error) {
    throw new ConfigProblem(`${name}: ${(error as Error).message}`);
  }
};

/** Which proxies' X-Forwarded-For to believe: none, a number of hops, or their addresses. */
const trustedProxies: Parser<false | number | string[]> = (raw, name) => {
  if (raw === '') return false;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  const bad = entries.filter((e) => !named.includes(e) && isIP(e.split('/')[0]!) === 0);
  if (bad.length > 0 || entries.length === 0) {
    throw new ConfigProblem(`${name} must be empty, a number of proxy hops, or proxy addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8 or loopback), got "${raw}"`);
  }
  return entries;
};

const secret: Parser<string | null> = (raw, name) => {
  if (raw === '') return null;
  if (raw.length < 32) throw new ConfigProblem(`${name} must be at least 32 characters long`);
  return raw;
};

/** The settings, their defaults and what they do. `.env.example` lists exactly these. */
export const SETTINGS = {
  HOST: { default: '127.0.0.1', doc: 'Interface the API listens on (0.0.0.0 in containers).', parse: text },
  PORT: { default: '3000', doc: 'Port of the API, the admin UI and the public pages.', parse: integer(1, 65535) },
  PUBLIC_URL: {
    default: 'http://localhost:3000',
    doc: 'Address customers reach the helpdesk at; {{ticket_url}} is PUBLIC_URL/t/<token>.',
    parse: url(['http:', 'https:']),
  },
  LOG_LEVEL: { default: 'info', doc: 'fatal, error, warn, info, debug or trace.', parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const) },
  DATA_DIR: { default: '.data', doc: 'Where `npm start` keeps Temporal, embedded PostgreSQL, the outbox and the generated secret.', parse: text },
  DATABASE_URL: {
    default: '',
    doc: 'PostgreSQL connection URL. Empty: `npm start` runs an embedded PostgreSQL under DATA_DIR; `npm run api`/`worker` require it.',
    parse: optional(url(['postgres:', 'postgresql:'])),
  },
  EMBEDDED_POSTGRES_PORT: { default: '54329', doc: 'Port of the embedded PostgreSQL that `npm start` runs when DATABASE_URL is empty.', parse: integer(1, 65535) },
  TEMPORAL_ADDRESS: {
    default: '',
    doc: 'host:port of the Temporal frontend. Empty: `npm start` runs `temporal server start-dev` on TEMPORAL_DEV_PORT; `npm run api`/`worker` use localhost:7233.',
    parse: optionalText,
  },
  TEMPORAL_NAMESPACE: { default: 'default', doc: 'Temporal namespace of the ticket workflows.', parse: text },
  TEMPORAL_TASK_QUEUE: { default: 'helpdesk-tickets', doc: 'Task queue the worker polls and the API starts workflows on.', parse: text },
  TEMPORAL_UI_URL: { default: 'http://localhost:8233', doc: 'Temporal Web, for "open in Temporal Web" links.', parse: url(['http:', 'https:']) },
  TEMPORAL_SEARCH_CUSTOMER_EMAIL: {
    default: 'false',
    doc: "true: each ticket workflow carries its customer's email as the CustomerEmail search attribute (readable by whoever reaches Temporal's visibility, unencrypted); false: it does not.",
    parse: boolean,
  },
  TEMPORAL_DEV_PORT: { default: '7233', doc: 'Port of the Temporal dev server that `npm start` runs.', parse: integer(1, 65535) },
  TEMPORAL_DEV_UI_PORT: { default: '8233', doc: 'Port of Temporal Web of the dev server that `npm start` runs.', parse: integer(1, 65535) },
  SECRET_KEY: {
    default: '',
    doc: 'At least 32 characters; signs public ticket links. Empty: `npm start` generates one into DATA_DIR; `npm run api`/`worker` require it.',
    parse: secret,
  },
  PAYLOAD_ENCRYPTION_KEYS: {
    default: '',
    doc: 'Keys that encrypt workflow payloads in Temporal (AES-256-GCM): id:base64-of-32-bytes, comma-separated; the first encrypts, all decrypt (list the old one second to rotate). Empty: one key derived from SECRET_KEY.',
    parse: optional(payloadKeys),
  },
  SESSION_TTL: { default: '12h', doc: 'How long an operator stays logged in without activity.', parse: duration },
  SESSION_MAX_AGE: { default: '7d', doc: 'Longest an operator stays logged in however active: then they log in again.', parse: duration },
  EVENT_STREAM_SESSION_CHECK: {
    default: '1m',
    doc: 'How often an open live-update stream of the admin UI checks that its session is still valid (expired, logged out through another API process, operator disabled).',
    parse: duration,
  },
  SMTP_URL: {
    default: '',
    doc: 'smtp:// or smtps:// URL of the mail relay. Empty: every mail is written as an .eml file into OUTBOX_DIR.',
    parse: optional(url(['smtp:', 'smtps:'])),
  },
  MAIL_FROM: { default: 'Helpdesk <support@localhost>', doc: 'Sender of the notification mail.', parse: text },
  MAIL_RATE_LIMIT_PER_RECIPIENT: {
    default: '30',
    doc: 'Most notifications one address gets per hour; more are recorded as skipped (a stop for mail loops).',
    parse: integer(1, 100_000),
  },
  OUTBOX_DIR: { default: '', doc: 'Folder for .eml files when SMTP_URL is empty (default DATA_DIR/outbox).', parse: optionalText },
  IMAP_URL: {
    default: '',
    doc: 'The helpdesk mailbox to take tickets from, e.g. imaps://user:password@imap.example.com:993/INBOX (password URL-encoded). Empty: no inbound email.',
    parse: optional(url(['imap:', 'imaps:'])),
  },
  MAILBOX_ADDRESS: { default: '', doc: "The mailbox's address, where customers write and answers are matched (default: MAIL_FROM's address).", parse: optionalText },
  MAIL_MAX_MESSAGE_SIZE: { default: '26214400', doc: 'Largest inbound message in bytes that is downloaded; a larger one is recorded with its headers only.', parse: integer(1024, 1_000_000_000) },
  REPLY_MAX_ATTACHMENTS: { default: '5', doc: 'Files an operator may attach to one reply or note.', parse: integer(0, 50) },
  REPLY_MAX_ATTACHMENT_SIZE: {
    default: '10485760',
    doc: "Largest file in bytes an operator may attach to a reply or note (the customer's mail server must take the mail with all of them).",
    parse: integer(1024, 100_000_000),
  },
  MAIL_MAX_ATTACHMENT_SIZE: { default: '10485760', doc: 'Largest attachment in bytes that is stored; a larger one is recorded by name, type and size only.', parse: integer(0, 1_000_000_000) },
  MAIL_PARSE_TIMEOUT: {
    default: '30s',
    doc: 'Longest time one inbound mail may take to read (in a worker thread, off the event loop); a mail that takes longer is kept raw and reported as unparseable.',
    parse: duration,
  },
  MAIL_ROBOTS_OPENING_TICKETS: {
    default: 'auto_reply,mailing_list,no_reply',
    doc: 'Robot mail that opens a ticket when it answers none, comma-separated: out_of_office, auto_reply, mailing_list, no_reply (empty: none). It never gets an acknowledgement; bounces and reports never open one.',
    parse: someOf(TICKET_OPENING_ROBOT_KINDS),
  },
  MAIL_POLL_INTERVAL: { default: '60s', doc: 'Longest wait before the mailbox is looked at again when IDLE announces nothing.', parse: duration },
  ADMIN_EMAIL: { default: '', doc: 'First operator (admin), created at start when no operator exists.', parse: optionalText },
  ADMIN_PASSWORD: { default: '', doc: 'Password of the first operator; empty: one is generated and printed once.', parse: optionalText },
  ADMIN_NAME: { default: 'Administrator', doc: 'Name of the first operator.', parse: text },
  REOPEN_WINDOW: {
    default: '14d',
    doc: "How long a closed ticket's workflow stays running; a later customer message starts a new run from the database.",
    parse: duration,
  },
  WAITING_REMINDER_AFTER: {
    default: 'off',
    doc: 'After this long in Waiting without a word from the customer, they get one reminder mail with the ticket link (e.g. 3d; off: never). Counted from the last public reply or status change to Waiting.',
    parse: durationOrOff,
  },
  WAITING_CLOSE_AFTER: {
    default: 'off',
    doc: 'After this much longer without an answer (after the reminder, or after entering Waiting when there is none), a Waiting ticket is closed with the closing mail (e.g. 4d; off: never).',
    parse: durationOrOff,
  },
  MAIL_GIVE_UP_AFTER: {
    default: '12h',
    doc: 'How long a notification the mail server refuses for now (SMTP 4xx, no answer) is tried again before it is recorded as failed, like an MTA queue.',
    parse: duration,
  },
  MAX_HISTORY_EVENTS: {
    default: '2000',
    doc: "A ticket's workflow continues as new when its history grows past this many events.",
    parse: integer(100, 50_000),
  },
  WORKER_SHUTDOWN_GRACE: {
    default: '30s',
    doc: 'How long a worker told to stop (SIGTERM, Ctrl-C) lets the activities in flight finish, so a mail being sent is not cut off and sent again.',
    parse: duration,
  },
  WORKER_STICKY_TIMEOUT: {
    default: '5s',
    doc: "How long a ticket's next step waits for the worker that has it in memory before any worker takes it (replaying it): after a worker crash, its tickets' clocks resume this much later.",
    parse: duration,
  },
  WORKER_MAX_CACHED_WORKFLOWS: {
    default: 'auto',
    doc: 'Ticket workflows the worker keeps in memory; others are replayed from their history on their next change (some 30 ms). auto: as many as a quarter of the machine\'s memory holds at about 200 KiB each, from 500 to 20,000.',
    parse: cacheSize,
  },
  RATE_LIMIT_LOGIN: { default: '10', doc: 'Login attempts per minute per IP address.', parse: integer(1, 100_000) },
  RATE_LIMIT_LOGIN_ACCOUNT: {
    default: '10',
    doc: 'Failed logins per account per 15 minutes, from all addresses together; past it that account must wait for the window to end (429), even with the right password.',
    parse: integer(1, 100_000),
  },
  TRUST_PROXY: {
    default: '',
    doc: "Reverse proxies whose X-Forwarded-For names the client (for rate limits): empty for none, a number of hops, or addresses/CIDRs such as 127.0.0.1,10.0.0.0/8 (or loopback). Behind a proxy and empty, every visitor shares the proxy's limits.",
    parse: trustedProxies,
  },
  RATE_LIMIT_PUBLIC: { default: '60', doc: 'Requests per minute per IP address to the public ticket pages.', parse: integer(1, 100_000) },
  WIDGET_SECRET: {
    default: '',
    doc: "Shared with your website's back end, which signs a visitor's external ID with it (HMAC-SHA256, hex) for the widget. Empty: the widget's external IDs are ignored.",
    parse: optionalText,
  },
  WIDGET_ACCEPT_UNEXPIRING_SIGNATURES: {
    default: 'false',
    doc: 'true: also accept external-ID signatures without an expiry (the plain hex HMAC of the ID), as websites signed them before; a signature copied from a page then works forever.',
    parse: boolean,
  },
  WIDGET_DEMO: { default: 'false', doc: 'true: serve the demo website at /widget/demo (with WIDGET_SECRET it signs a demo visitor for anyone who opens it).', parse: boolean },
  WIDGET_ALLOWED_ORIGINS: {
    default: '*',
    doc: 'Websites (origins, comma-separated, e.g. https://www.example.com) whose pages may use the widget and the public ticket API; * for any.',
    parse: text,
  },
  WIDGET_TICKETS_PER_HOUR_PER_ADDRESS: { default: '20', doc: 'Tickets one IP address may open through the widget per hour.', parse: integer(1, 100_000) },
  WIDGET_TICKETS_PER_HOUR_PER_EMAIL: { default: '5', doc: 'Tickets one email address may open through the widget per hour.', parse: integer(1, 100_000) },
  WIDGET_TICKETS_PER_HOUR: {
    default: '200',
    doc: 'Tickets the widget takes per hour from everyone together; past it the form asks visitors to write by email (a stop for floods from many addresses).',
    parse: integer(1, 1_000_000),
  },
  WIDGET_PROOF_OF_WORK: {
    default: '0',
    doc: "0: off. Otherwise the widget's browser solves a proof-of-work challenge (ALTCHA, self-hosted) before a ticket is taken: up to this many SHA-256 hashes, e.g. 50000 (about a second).",
    parse: integer(0, 10_000_000),
  },
  WIDGET_UPLOAD_BYTES_PER_HOUR_PER_ADDRESS: { default: '31457280', doc: 'Bytes of attachments one IP address may upload through the widget per hour.', parse: integer(0, 100_000_000_000) },
  WIDGET_UPLOAD_BYTES_PER_HOUR: { default: '524288000', doc: 'Bytes of attachments the widget takes per hour from everyone together.', parse: integer(0, 1_000_000_000_000) },
  LIVE_STREAMS_PER_CLIENT: {
    default: '10',
    doc: 'Live-update streams (server-sent events) one API process keeps open per client address, per ticket link and per operator session; more are refused with 429.',
    parse: integer(1, 100_000),
  },
  LIVE_STREAMS_TOTAL: { default: '2000', doc: 'Live-update streams one API process keeps open in all.', parse: integer(1, 1_000_000) },
  RATE_LIMIT_API: { default: '1200', doc: 'Requests per minute per operator session or IP address to the operator API.', parse: integer(1, 1_000_000) },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: ReturnType<Settings[K]['parse']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}\nSee .env.example for every setting and its default.`);
    this.name = 'ConfigError';
  }
}

/** Parses every setting; reports all problems at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[string, Setting<unknown>]>) {
    const raw = (env[name] ?? setting.default).trim();
    try {
      config[name] = setting.parse(raw, name);
    } catch (error) {
      if (!(error instanceof ConfigProblem)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Config;
}

/** What a long-running API or worker process cannot start without. */
export function requireForServer(config: Config): asserts config is Config & { DATABASE_URL: string; SECRET_KEY: string } {
  const problems: string[] = [];
  if (!config.DATABASE_URL) problems.push('DATABASE_URL is required (or use `npm start`, which runs an embedded PostgreSQL)');
  if (!config.SECRET_KEY) problems.push('SECRET_KEY is required: at least 32 random characters, e.g. `openssl rand -base64 48`');
  if (problems.length > 0) throw new ConfigError(problems);
}

export function temporalAddress(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? 'localhost:7233';
}
