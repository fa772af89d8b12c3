/**
 * @module The client's IP address (issue 6). Behind reverse proxies the address the socket sees is the
 * last proxy's; X-Forwarded-For is believed only for as many hops as TRUST_PROXY says, counted from the
 * right (each proxy appends the address it saw), so a client cannot choose its own address.
 */
import { isIP } from 'node:net';
import { mappedV4, parseIp } from './ip-address';

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

/**
 * What per-address limits count by, as `limitKey` made it: derive it once where the address is learnt (the
 * upgrade keeps it on the socket's Peer) and pass it on, never the raw address (an IPv6 derivation costs microseconds).
 */
export type LimitKey = string & { readonly __brand: 'LimitKey' };

/**
 * SPEC L1 (issue 11 F10): what per-address limits count by. An IPv4 address is one client; an IPv6 address
 * counts by its /64, the block one subscriber's network gets (RFC 6177), else one host has 2^64 fresh
 * budgets; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, also in hex) is the IPv4 address. Anything else
 * (an empty peer) is its own key. Blocks never use this: a block names what the admin typed.
 *
 * @example limitKey('2001:db8:1:2::9') // '2001:db8:1:2::/64'
 * @example limitKey('::ffff:203.0.113.7') // '203.0.113.7'
 */
export function limitKey(ip: string): LimitKey {
  const address = ip.trim();
  const bytes = parseIp(address);
  if (!bytes) return normalizeIp(address) as LimitKey;
  const v4 = bytes.length === 4 ? bytes : mappedV4(bytes);
  if (v4) return v4.join('.') as LimitKey;
  const net: string[] = [];
  for (let i = 0; i < 8; i += 2) net.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${net.join(':')}::/64` as LimitKey;
}
