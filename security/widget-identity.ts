import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A website's own customer ID, vouched for by its back end: HMAC-SHA256 of the ID under
 * the shared WIDGET_SECRET, hex. Anyone can edit a page, so an ID without a valid
 * signature is never trusted.
 */
export function externalIdSignature(secret: string, externalId: string): string {
  return createHmac('sha256', secret).update(externalId, 'utf8').digest('hex');
}

export function isSignedExternalId(secret: string, externalId: string, signature: string): boolean {
  if (!secret || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = Buffer.from(externalIdSignature(secret, externalId), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
