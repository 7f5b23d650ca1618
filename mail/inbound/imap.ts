import { ImapFlow } from 'imapflow';
import type { Database } from '../../db';
import { createMailboxCheckpoints, MailboxCheckpoints } from '../../db/mailboxes';
import type { MailIngestion, ReceivedMessage } from './ingest';

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folder: string;
}

/** `imaps://user:password@host:993/INBOX` (the password URL-encoded) to settings. */
export function parseImapUrl(url: string): ImapSettings {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'imaps:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    folder: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/** Set on every message the helpdesk is done with, beside \Seen (which a person may unset). */
export const PROCESSED_FLAG = '$HelpdeskProcessed';

/**
 * Messages being ingested at once. Ingestion is idempotent per message (its record, its
 * ticket number and its Update ID), so messages of one batch need no order among themselves.
 */
export const INGEST_CONCURRENCY = 8;
/** Messages fetched in one round: one FETCH of their sizes, then of their contents. */
const FETCH_BATCH = 64;
/** The contents held in memory at once, at most (one larger message alone goes too). */
const FETCH_BATCH_BYTES = 16 * 1024 * 1024;

/** Runs `work` on every item, `limit` at a time, each starting as soon as one finishes. */
async function slidingWindow<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

/** Parts of `sized` whose sizes add up to at most `maxBytes` each (a larger one alone). */
function byteCappedParts<T extends { size: number }>(sized: T[], maxBytes: number): T[][] {
  const parts: T[][] = [];
  let part: T[] = [];
  let bytes = 0;
  for (const item of sized) {
    if (part.length && bytes + item.size > maxBytes) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(item);
    bytes += item.size;
  }
  if (part.length) parts.push(part);
  return parts;
}

export interface WatchOptions {
  name: string;
  imap: ImapSettings;
  db: Database;
  ingest: MailIngestion;
  maxMessageBytes: number;
  /** Longest wait for new mail before looking again, when IDLE says nothing. */
  pollIntervalMs: number;
  /** Return after this long, so the activity and its workflow stay short-lived. */
  runForMs: number;
  heartbeat: (details: { lastUid: number }) => void;
  /** Aborted when the activity is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /** How soon imapflow enters IDLE after the last command (low in tests). */
  autoIdleDelayMs?: number;
}

async function checkpoint(checkpoints: MailboxCheckpoints, name: string, uidValidity: number): Promise<number> {
  const saved = await checkpoints.read(name);
  if (saved && saved.uidValidity === uidValidity) return saved.lastUid;
  // A new mailbox, or the server renumbered it (UIDVALIDITY changed): start over; the
  // processed flag and the Message-ID record keep anything from being taken twice.
  await checkpoints.save(name, uidValidity, 0);
  return 0;
}

/**
 * Takes every new message of one mailbox folder, oldest first, in chunks: fetches each
 * one's size, then (under the limit) its bytes, hands them to the ingestion, and only
 * after that marks them processed and moves the checkpoint. Waits for more with IDLE, polling as a fallback.
 */
export async function watchMailbox(options: WatchOptions): Promise<{ processed: number }> {
  const { imap, db, name } = options;
  const checkpoints = createMailboxCheckpoints(db);
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    autoIdleDelay: options.autoIdleDelayMs,
    maxIdleTime: options.pollIntervalMs,
  });
  client.on('error', () => undefined); // surfaced by the failing command instead
  await client.connect();
  const deadline = Date.now() + options.runForMs;
  let processed = 0;
  let newMail = false;
  client.on('exists', () => { newMail = true; });
  const lock = await client.getMailboxLock(imap.folder);
  try {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error(`Could not open the folder ${imap.folder}`);
    const uidValidity = Number(mailbox.uidValidity);
    let lastUid = await checkpoint(checkpoints, name, uidValidity);

    while (!options.signal.aborted && Date.now() < deadline) {
      newMail = false;
      const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
      const uids = (found || []).filter((uid) => uid > lastUid).sort((a, b) => a - b);
      for (let i = 0; i < uids.length && !options.signal.aborted; i += FETCH_BATCH) {
        const batch = uids.slice(i, i + FETCH_BATCH);
        // One FETCH for the sizes of the whole batch, then one per part of its contents:
        // IMAP commands go one at a time over the connection, so each is a round trip.
        const meta = await client.fetchAll(batch.join(','), { uid: true, size: true, flags: true }, { uid: true });
        const waiting = meta
          .filter((m) => !m.flags?.has(PROCESSED_FLAG))
          .map((m) => ({ uid: m.uid, size: m.size ?? 0 }))
          .sort((a, b) => a.uid - b.uid);
        const fitting = waiting.filter((m) => m.size <= options.maxMessageBytes);
        const tooLarge = waiting.filter((m) => m.size > options.maxMessageBytes);
        const received: ReceivedMessage[] = [];
        for (const part of byteCappedParts(fitting, FETCH_BATCH_BYTES)) {
          const contents = new Map((await client.fetchAll(part.map((m) => m.uid).join(','), { uid: true, source: true }, { uid: true })).map((m) => [m.uid, m]));
          for (const m of part) received.push({ uidValidity, uid: m.uid, size: m.size, raw: contents.get(m.uid)?.source ?? null, headers: null });
        }
        if (tooLarge.length) {
          const heads = new Map((await client.fetchAll(tooLarge.map((m) => m.uid).join(','), { uid: true, headers: true }, { uid: true })).map((m) => [m.uid, m]));
          for (const m of tooLarge) received.push({ uidValidity, uid: m.uid, size: m.size, raw: null, headers: heads.get(m.uid)?.headers ?? null });
        }
        // The ingestion waits on PostgreSQL and on ticket workflows: INGEST_CONCURRENCY at a
        // time, the next starting as one finishes.
        await slidingWindow(received, INGEST_CONCURRENCY, async (message) => {
          await options.ingest(message);
          options.heartbeat({ lastUid });
        });
        if (received.length > 0) {
          await client.messageFlagsAdd(received.map((m) => m.uid).join(','), ['\\Seen', PROCESSED_FLAG], { uid: true });
          processed += received.length;
        }
        lastUid = batch[batch.length - 1]!;
        await checkpoints.save(name, uidValidity, lastUid);
        options.heartbeat({ lastUid });
      }
      // Wait for the server to announce new mail (IDLE), heartbeating meanwhile. imapflow
      // never starts IDLE by itself while a mailbox lock is held, so it is asked to; the next
      // command ends it.
      if (!newMail) void client.idle().catch(() => undefined);
      const waitUntil = Math.min(deadline, Date.now() + options.pollIntervalMs);
      while (!newMail && !options.signal.aborted && Date.now() < waitUntil) {
        options.heartbeat({ lastUid });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    lock.release();
    await client.logout().catch(() => client.close());
  }
  return { processed };
}
