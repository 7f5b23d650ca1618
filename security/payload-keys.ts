import { createHash, createHmac } from 'node:crypto';

/** A key that encrypts Temporal payloads (see payload-codec.ts), with the id payloads name it by. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** A key derived from SECRET_KEY, named after its own digest so a changed secret is told apart. */
export function derivedPayloadKey(secretKey: string): PayloadKey {
  const key = createHmac('sha256', secretKey).update('temporal-payload-encryption').digest();
  return { id: `secret-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`, key };
}

/** `id:base64key,id2:base64key2` (32-byte keys): the first encrypts, all decrypt. */
export function parsePayloadKeys(raw: string): PayloadKey[] {
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const [id, encoded] = entry.split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (!id || !/^[A-Za-z0-9._-]{1,64}$/.test(id) || key.length !== 32) {
      throw new Error('each key is id:base64 of 32 random bytes, e.g. k2:$(openssl rand -base64 32)');
    }
    return { id, key };
  });
}

