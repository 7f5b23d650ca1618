import { generateKeyPairSync } from 'node:crypto';
const { dkimSign } = require('mailauth/lib/dkim/sign') as {
  dkimSign(raw: Buffer, options: { signatureData: Array<{ signingDomain: string; selector: string; privateKey: string }> }): Promise<{ signatures: string }>;
};

/**
 * A mail domain of the tests' own that signs its mail with DKIM and publishes a DMARC
 * policy, as a customer's provider does: its records go into the harness's DNS zone.
 */
export function signingDomain(domain: string, selector = 'test') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    records: {
      [`${selector}._domainkey.${domain}`]: [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`],
      [`_dmarc.${domain}`]: ['v=DMARC1; p=reject'],
    } as Record<string, string[]>,
    /** The mail with this domain's DKIM-Signature on top. */
    async sign(raw: string): Promise<string> {
      const { signatures } = await dkimSign(Buffer.from(raw), { signatureData: [{ signingDomain: domain, selector, privateKey: pem }] });
      return signatures + raw;
    },
  };
}
