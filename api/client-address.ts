import { isIPv6 } from 'node:net';

/**
 * The bucket of a client address for rate limits: an IPv4 address as it is, an IPv6
 * address by its /64 (a single customer line gets a whole /64, and would otherwise get a
 * fresh bucket with every address in it).
 */
export function addressBucket(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** For routes limited per client address whatever the request carries (login, public and widget routes). */
export const perAddress = (request: { ip: string }) => `ip:${addressBucket(request.ip)}`;
