import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A ticket's public token is derived, not stored: an HMAC of the ticket number and a
 * per-ticket version under the server secret. The operator can be shown the link again
 * at any time, bumping the version rotates it, and the database keeps only a SHA-256 of
 * it for look-ups, so a leaked database leaks no working link.
 * 32 bytes of HMAC, base64url: 256 bits, 43 URL-safe characters.
 */
export function publicToken(secretKey: string, ticketNumber: number, version: number): string {
  return createHmac('sha256', secretKey).update(`ticket-public-link:${ticketNumber}:${version}`).digest('base64url');
}

export function hashPublicToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Cheap shape check before any database look-up. */
export function looksLikePublicToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function ticketUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/t/${token}`;
}

/**
 * What the link in mail to an unproven address carries besides the token: proof that
 * whoever follows it read mail sent to that address. The widget shows its visitor the
 * ticket's link, but never this. 128 bits, base64url.
 */
export function emailVerificationCode(secretKey: string, ticketNumber: number, email: string): string {
  return createHmac('sha256', secretKey).update(`contact-email-verification:${ticketNumber}:${email.trim().toLowerCase()}`).digest('base64url').slice(0, 22);
}

export function isEmailVerificationCode(secretKey: string, ticketNumber: number, email: string, code: string): boolean {
  const expected = Buffer.from(emailVerificationCode(secretKey, ticketNumber, email));
  const given = Buffer.from(code);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The ticket's link as mailed to its contact: with the verification code while the address is unproven. */
export function mailedTicketUrl(publicUrl: string, token: string, verificationCode: string | null): string {
  return verificationCode ? `${ticketUrl(publicUrl, token)}?verify=${verificationCode}` : ticketUrl(publicUrl, token);
}
