import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from './payload-codec';
import { derivedPayloadKey, parsePayloadKeys } from './payload-keys';

const note = { body: 'Internal: the customer is on a final warning', visibility: 'internal' };
const payload = () => defaultPayloadConverter.toPayload(note)!;

describe('encrypted workflow payloads', () => {
  it('leave as ciphertext that names its key, and come back as they were', async () => {
    const codec = new EncryptionCodec([derivedPayloadKey('secret-key-0123456789abcdef0123456789')]);
    const [sealed] = await codec.encode([payload()]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('final warning');
    expect(Buffer.from(sealed!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString()).toMatch(/^secret-[0-9a-f]{8}$/);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(note);
  });

  it('decrypt with an older key after a rotation; histories from before encryption pass as they are', async () => {
    const [older, newer] = parsePayloadKeys(`k1:${Buffer.alloc(32, 1).toString('base64')},k2:${Buffer.alloc(32, 2).toString('base64')}`);
    const [sealedWithOld] = await new EncryptionCodec([older!]).encode([payload()]);
    const rotated = new EncryptionCodec([newer!, older!]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([sealedWithOld!]))[0]!)).toEqual(note);
    expect(Buffer.from((await rotated.encode([payload()]))[0]!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    expect(await rotated.decode([payload()])).toEqual([payload()]);
  });

  it('refuses a payload that was changed, or whose key is not there', async () => {
    const codec = new EncryptionCodec([derivedPayloadKey('secret-key-0123456789abcdef0123456789')]);
    const [sealed] = await codec.encode([payload()]);
    const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
    await expect(new EncryptionCodec([derivedPayloadKey('another-secret-0123456789abcdef0123456789')]).decode([sealed!])).rejects.toThrow(/not among PAYLOAD_ENCRYPTION_KEYS/);
  });

  it('keys are 32 bytes with an id', () => {
    expect(() => parsePayloadKeys('k1:c2hvcnQ=')).toThrow(/32 random bytes/);
  });
});
