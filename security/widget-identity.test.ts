import { checkExternalIdSignature, externalIdSignature, unexpiringExternalIdSignature } from './widget-identity';

const secret = 'shop-widget-secret-for-unit-tests';
const inAnHour = new Date(Date.now() + 3_600_000);
const strict = { acceptUnexpiring: false };

describe('signed external IDs', () => {
  it('a signature with an expiry is valid until then', () => {
    const signature = externalIdSignature(secret, 'customer-7', inAnHour);
    expect(checkExternalIdSignature(secret, 'customer-7', signature, strict)).toBe('valid');
    expect(checkExternalIdSignature(secret, 'customer-7', signature, { ...strict, now: new Date(inAnHour.getTime() + 1000) })).toBe('expired');
  });

  it('is not valid for another ID, another secret, or a moved expiry', () => {
    const signature = externalIdSignature(secret, 'customer-7', inAnHour);
    expect(checkExternalIdSignature(secret, 'customer-8', signature, strict)).toBe('invalid');
    expect(checkExternalIdSignature('another-secret-of-the-same-length!', 'customer-7', signature, strict)).toBe('invalid');
    const [, mac] = signature.split('.');
    expect(checkExternalIdSignature(secret, 'customer-7', `${Math.floor(inAnHour.getTime() / 1000) + 86_400}.${mac}`, strict)).toBe('invalid');
  });

  it('the old signature without an expiry counts only where the setting allows it', () => {
    const plain = unexpiringExternalIdSignature(secret, 'customer-7');
    expect(checkExternalIdSignature(secret, 'customer-7', plain, strict)).toBe('invalid');
    expect(checkExternalIdSignature(secret, 'customer-7', plain, { acceptUnexpiring: true })).toBe('valid');
  });

  it('nothing is valid without a secret', () => {
    expect(checkExternalIdSignature('', 'customer-7', externalIdSignature('', 'customer-7', inAnHour), { acceptUnexpiring: true })).toBe('invalid');
  });
});
