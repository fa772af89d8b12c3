/**
 * @module The client's IP address (issue 6). Behind reverse proxies the address the socket sees is the
 * last proxy's; X-Forwarded-For is believed only for as many hops as TRUST_PROXY says, counted from the
 * right (each proxy appends the address it saw), so a client cannot choose its own address.
 */
import { isIP } from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix, so 127.0.0.1 is the same block and bucket either way. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * The address requests are limited and blocked by.
 *
 * @example clientIp('10.0.0.2', '198.51.100.9, 203.0.113.7', 1) // '203.0.113.7': the one proxy saw it
 * @example clientIp('10.0.0.2', '203.0.113.7', 0) // '10.0.0.2': X-Forwarded-For is not believed
 */
export function clientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const peer = normalizeIp(remoteAddress ?? '');
  if (trustedHops <= 0 || forwardedFor === undefined) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((s) => normalizeIp(s))
    .filter((s) => s !== '');
  // With N trusted proxies, the client is the N-th address from the right; a shorter chain is malformed.
  const candidate = chain[chain.length - trustedHops];
  return candidate !== undefined && isIP(candidate) !== 0 ? candidate : peer;
}
