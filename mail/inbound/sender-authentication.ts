import { promises as dns } from 'node:dns';
import { authenticate } from 'mailauth';

/** Looks up DNS records as `dns.promises.resolve` does; tests give their own zone. */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[] | string[][]>;

/** A lookup that hangs must not hold up the mailbox: past this the sender is not authenticated. */
const LOOKUP_TIMEOUT_MS = 5_000;
const CHECK_TIMEOUT_MS = 15_000;

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms).unref())]);

/**
 * Whether the mail's From domain vouches for it: DMARC passes (a DKIM signature of that
 * domain, aligned, under a published DMARC policy), as mailauth, a maintained verifier,
 * checks it. Without the connecting IP (the mail was fetched over IMAP) SPF can't count;
 * DKIM alone carries it. Anything that fails or takes too long is "no".
 */
export function dmarcVerifier(resolver: DnsResolver = dns.resolve as DnsResolver) {
  const lookup: DnsResolver = (name, rrtype) => within(resolver(name, rrtype), LOOKUP_TIMEOUT_MS, `DNS ${rrtype} ${name}`);
  return async function passesDmarc(raw: Buffer): Promise<boolean> {
    try {
      const result = await within(
        authenticate(raw, { resolver: lookup, disableArc: true, disableBimi: true, trustReceived: false, mta: 'helpdesk' }),
        CHECK_TIMEOUT_MS, 'DMARC check',
      );
      return result.dmarc ? result.dmarc.status?.result === 'pass' : false;
    } catch {
      return false;
    }
  };
}
