/**
 * When mail the server refused for now is tried again, like an MTA's queue, and when it is
 * given up on (MAIL_GIVE_UP_AFTER). Shared by the mail sender and by ticket runs recorded
 * before it, which wait between attempts with their own timers.
 */
export const MAIL_RETRY_WAITS_MS = [5_000, 30_000, 120_000, 300_000, 900_000, 1_800_000, 3_600_000] as const;

/** The wait after the `attempts`-th refusal. */
export function mailRetryWait(attempts: number): number {
  return MAIL_RETRY_WAITS_MS[Math.min(Math.max(attempts, 1) - 1, MAIL_RETRY_WAITS_MS.length - 1)] as number;
}

/**
 * After a refusal for now: when to try again, or null when the mail has been tried for as
 * long as the settings allow (the next attempt would come after the give-up time).
 */
export function nextMailAttempt(attempts: number, firstAttemptAt: number, giveUpAfterMs: number, now: number): number | null {
  const giveUpAt = firstAttemptAt + giveUpAfterMs;
  if (now >= giveUpAt) return null;
  return Math.min(now + mailRetryWait(attempts), giveUpAt);
}

/** How a given-up mail's reason reads: how often and for how long it was tried, and the last refusal. */
export function givenUpReason(attempts: number, giveUpAfterMs: number, lastRefusal: string): string {
  const hours = Math.round(giveUpAfterMs / 360_000) / 10;
  return `given up after ${attempts} attempts in ${hours < 1 ? `${Math.round(giveUpAfterMs / 60_000)} min` : `${hours} h`} (${lastRefusal.slice(0, 200)})`;
}
