import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { derivedPayloadKey, PayloadKey } from './payload-keys';

/**
 * Workflow payloads (tickets, comments, internal notes, customer mail) are stored and
 * shown by Temporal: encrypted here with AES-256-GCM before they leave the process, so
 * the Temporal database and whoever opens Temporal Web see ciphertext. The key's id is in
 * each payload's metadata, so keys can be rotated: the first key encrypts, every listed
 * key decrypts. Search attributes are not payloads and stay readable.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;


const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : null);

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: PayloadKey[]) {
    if (keys.length === 0) throw new Error('at least one payload key is needed');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID]: Buffer.from(id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Histories written before encryption, and payloads of others, pass as they are.
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[KEY_ID]);
      const key = id === null ? undefined : this.byId.get(id);
      if (!key) throw new Error(`payload encrypted with key "${id}", which is not among PAYLOAD_ENCRYPTION_KEYS`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

type KeySettings = { SECRET_KEY: string; PAYLOAD_ENCRYPTION_KEYS: PayloadKey[] | null };

export function helpdeskPayloadCodec(settings: KeySettings): EncryptionCodec {
  return new EncryptionCodec(settings.PAYLOAD_ENCRYPTION_KEYS ?? [derivedPayloadKey(settings.SECRET_KEY)]);
}

/** The data converter every Temporal client and worker of the helpdesk uses. */
export function helpdeskDataConverter(settings: KeySettings): DataConverter {
  return { payloadCodecs: [helpdeskPayloadCodec(settings)] };
}
