import { Context } from '@temporalio/activity';
import { Client as PgClient } from 'pg';
import type { Database } from '../../db';
import { createNotificationStore, MAIL_QUEUED_CHANNEL, type QueuedMail } from '../../db/notifications';
import { givenUpReason, nextMailAttempt } from '../../domain/mail-delivery';
import type { MailOutcome, MailSenderBatch, MailSenderInput, MailSenderProgress } from '../../workflows/mail-sender/definitions';
import type { TicketNotification } from '../../workflows/ticket/definitions';

export interface MailSenderDeps {
  db: Database;
  /** For the LISTEN connection that hears of queued mail. */
  databaseUrl: string;
  /** Sends one mail at most once (activities/ticket: sendNotification); throws when refused for now. */
  send: (notification: TicketNotification) => Promise<'sent' | 'already_sent' | 'skipped' | 'failed'>;
  /** MAIL_GIVE_UP_AFTER. */
  giveUpAfterMs: number;
  /** Aborted when the worker starts to stop: no new mail is taken, what is being sent finishes. */
  stopping?: AbortSignal;
  log?: (line: string) => void;
}

/** Mails sent at once: an SMTP relay answers each in tens of milliseconds to seconds. */
const PARALLEL_MAILS = 8;
/** How long a sender holds a mail it took: longer than one send may take (SEND_TIMEOUT_MS); the next sender lets go of a dead one's at its start. */
const HOLD_MS = 120_000;
/** A send that has not finished in this long counts as refused for now (the relay hangs). */
const SEND_TIMEOUT_MS = 60_000;
const HEARTBEAT_MS = 5_000;
const RECENT_IN_HEARTBEAT = 20;

export function createMailSenderActivities({ db, databaseUrl, send, giveUpAfterMs, stopping, log = console.warn }: MailSenderDeps) {
  const notifications = createNotificationStore(db);

  /** Sends one mail and records what became of it: sent, settled, due again later, or given up on. */
  async function settle(mail: QueuedMail): Promise<MailOutcome> {
    const notification: TicketNotification = { ticketNumber: mail.ticketNumber, seq: mail.seq, kind: mail.kind, recipient: mail.recipient };
    const about = { key: mail.key, ticketNumber: mail.ticketNumber, kind: mail.kind, recipient: mail.recipient };
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        send(notification),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer from the mail server in ${SEND_TIMEOUT_MS / 1000} s`)), SEND_TIMEOUT_MS); }),
      ]);
      return { ...about, outcome };
    } catch (error) {
      const refusal = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const attempts = mail.attempts + 1;
      const next = nextMailAttempt(attempts, mail.queuedAt.getTime(), giveUpAfterMs, Date.now());
      if (next === null) {
        await notifications.givenUp(mail.key, givenUpReason(attempts, giveUpAfterMs, refusal));
        return { ...about, outcome: 'given_up' };
      }
      await notifications.retryAt(mail.key, new Date(next));
      return { ...about, outcome: 'retrying', nextAttemptAt: new Date(next).toISOString() };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    /**
     * Sends the mail queued for this worker's task queue as it falls due, woken by the NOTIFY
     * of the write that queued it, until `runForMs` has passed or `maxMails` are settled;
     * answers what became of each. Every mail is taken by one sender at a time (a hold in its
     * row), and sending it is idempotent (activities/ticket: sendNotification), so a sender
     * killed mid-send leaves the mail to the next, which sends it once.
     */
    async sendQueuedMail({ runForMs, maxMails }: MailSenderInput): Promise<MailSenderBatch> {
      const context = Context.current();
      const { taskQueue } = context.info;
      const signal = stopping ? AbortSignal.any([context.cancellationSignal, stopping]) : context.cancellationSignal;
      const deadline = Date.now() + runForMs;
      const settled: MailOutcome[] = [];
      // Temporal Web shows a running activity's last heartbeat: what became of the latest mails.
      const progress = (): MailSenderProgress => ({ settled: settled.length, sending: inFlight.size, latest: settled.slice(-RECENT_IN_HEARTBEAT) });
      const inFlight = new Set<Promise<void>>();
      let wake: () => void = () => undefined;
      let woken = true;
      const poke = () => {
        woken = true;
        wake();
      };
      let listenerFailed: Error | null = null;
      const listener = new PgClient({ connectionString: databaseUrl });
      listener.on('notification', (message) => {
        if (message.channel === MAIL_QUEUED_CHANNEL && message.payload === taskQueue) poke();
      });
      listener.on('error', (error) => {
        listenerFailed = error;
        poke();
      });
      signal.addEventListener('abort', poke, { once: true });
      try {
        await listener.connect();
        await listener.query(`LISTEN ${MAIL_QUEUED_CHANNEL}`);
        // The mail a killed sender held is sent now, not when its hold runs out: Temporal
        // starts this activity again only once the last one stopped heartbeating. (Should
        // that one still be sending, cut off from Temporal, a mail may go twice, with the
        // same Message-ID, which mail clients fold.)
        const released = await notifications.releaseHolds(taskQueue);
        if (released) log(`mail sender: took over ${released} mail(s) a stopped sender held`);
        while (!signal.aborted && Date.now() < deadline && settled.length < maxMails) {
          // A sender that cannot hear of new mail fails (once what it sends is settled), and
          // Temporal starts it again.
          if (listenerFailed) break;
          const room = Math.min(PARALLEL_MAILS - inFlight.size, maxMails - settled.length - inFlight.size);
          if (woken && room > 0) {
            woken = false;
            const due = await notifications.claimDue(taskQueue, room, HOLD_MS);
            // As many as asked for: more may be due.
            if (due.length === room) woken = true;
            for (const mail of due) {
              const sending: Promise<void> = settle(mail).then((outcome) => {
                settled.push(outcome);
              }, (error: Error) => {
                // The database went away mid-settle: the hold runs out and the mail is taken again.
                log(`mail sender: could not settle ${mail.key} (${error.message})`);
              }).finally(() => {
                inFlight.delete(sending);
                poke();
              });
              inFlight.add(sending);
            }
            context.heartbeat(progress());
            continue;
          }
          // Nothing more to take now: wait for new mail, a send to finish, or the next retry's time.
          const nextDue = room > 0 ? await notifications.nextDueAt(taskQueue) : null;
          // Poked meanwhile; with no room, only a send finishing makes some.
          if (woken && room > 0) continue;
          // At least a moment: a database clock a little behind this one must not make it spin.
          const waitMs = Math.max(50, Math.min(HEARTBEAT_MS, deadline - Date.now(), nextDue ? nextDue.getTime() - Date.now() + 5 : Infinity));
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              if (nextDue && Date.now() >= nextDue.getTime()) woken = true;
              resolve();
            }, waitMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = () => undefined;
          context.heartbeat(progress());
        }
        // What is being sent finishes (a stopping worker lets it, WORKER_SHUTDOWN_GRACE).
        while (inFlight.size) {
          await Promise.race([...inFlight]);
          context.heartbeat(progress());
        }
        if (listenerFailed) throw listenerFailed;
        return { mails: settled };
      } finally {
        signal.removeEventListener('abort', poke);
        await listener.end().catch(() => undefined);
      }
    },
  };
}

export type MailSenderActivities = ReturnType<typeof createMailSenderActivities>;
