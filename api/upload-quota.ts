import { HttpError } from './errors';
import { addressBucket } from './client-address';
import type { RateLimitCounters } from '../db/rate-limits';

const HOUR_MS = 3_600_000;

/**
 * Bytes customers may upload in an hour, from one address and from everyone together: the
 * widget and the public link need no account, so this bounds what strangers can store.
 * One count for both ways in.
 */
export function customerUploadQuota(counters: RateLimitCounters, limits: { perAddress: number; overall: number }) {
  return async function withinQuota(ip: string, bytes: number): Promise<void> {
    if (bytes === 0) return;
    const fromAddress = await counters.hit(`widget:upload-bytes:${addressBucket(ip)}`, HOUR_MS, bytes);
    const overall = await counters.hit('widget:upload-bytes', HOUR_MS, bytes);
    if (fromAddress.hits > limits.perAddress || overall.hits > limits.overall) {
      throw new HttpError(429, 'rate_limited', 'Too many attachments were uploaded this hour. Send your message without them, or try again later.');
    }
  };
}
