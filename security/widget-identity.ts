import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A website's own customer ID, vouched for by its back end until a time it chooses:
 * `<expiry in Unix seconds>.<hex HMAC-SHA256 of "<externalId>\n<expiry>" under WIDGET_SECRET>`.
 * Anyone can edit a page, so an ID without a valid signature is never trusted, and a
 * signature copied from a page stops working when it expires.
 */
export function externalIdSignature(secret: string, externalId: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${expires}.${hmacHex(secret, `${externalId}\n${expires}`)}`;
}

/** The signature without an expiry that websites wrote before: accepted only when a setting allows it. */
export function unexpiringExternalIdSignature(secret: string, externalId: string): string {
  return hmacHex(secret, externalId);
}

const hmacHex = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex');

const sameHex = (expected: string, given: string) =>
  /^[0-9a-f]{64}$/i.test(given) && timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

export function checkExternalIdSignature(
  secret: string, externalId: string, signature: string, options: { acceptUnexpiring: boolean; now?: Date },
): SignatureCheck {
  if (!secret) return 'invalid';
  const dated = /^(\d{1,12})\.([0-9a-f]{64})$/i.exec(signature);
  if (dated) {
    if (!sameHex(hmacHex(secret, `${externalId}\n${dated[1]}`), dated[2]!)) return 'invalid';
    return Number(dated[1]) * 1000 > (options.now ?? new Date()).getTime() ? 'valid' : 'expired';
  }
  return options.acceptUnexpiring && sameHex(unexpiringExternalIdSignature(secret, externalId), signature) ? 'valid' : 'invalid';
}
