/**
 * @module Which network addresses Papo may call on a site admin's behalf (issue 11 F6, SPEC A1): the bot
 * webhook must not reach the server's own network (loopback, link-local with the cloud metadata service,
 * private ranges) unless the operator allows it with BOT_WEBHOOK_ALLOW. Pure: addresses and rules in,
 * verdicts out; resolving names and connecting are the caller's (services/outbound-http.ts).
 */

import { BlockList } from 'node:net';
import { mappedV4, netForm, parseIp, type IpBytes } from './ip-address';

/** The address parser this module reads hosts with (one for the whole server: ip-address.ts). */
export { parseIp } from './ip-address';

/** Why an address is not called. */
export type AddressRefusal = 'unspecified' | 'loopback' | 'link-local' | 'private' | 'shared (CGNAT)' | 'multicast' | 'reserved';

/** node:net's BlockList of these `address/prefix` ranges (IPv4 and IPv6 alike). */
function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string];
    list.addSubnet(address, Number(bits), address.includes(':') ? 'ipv6' : 'ipv4');
  }
  return list;
}

/**
 * Ranges Papo does not call (RFC 6890 and its successors), by the reason given, in the order they are
 * checked: 0.0.0.0 is `unspecified` before 0.0.0.0/8 makes it `reserved`. No IPv6 range here holds
 * ::ffff:0:0/96, so BlockList's reading of an IPv4 address as IPv4-mapped against IPv6 ranges changes nothing.
 */
const REFUSED: ReadonlyArray<readonly [AddressRefusal, BlockList]> = [
  ['unspecified', blockListOf(['0.0.0.0/32', '::/128'])],
  ['loopback', blockListOf(['127.0.0.0/8', '::1/128'])],
  // 169.254.169.254: cloud metadata
  ['link-local', blockListOf(['169.254.0.0/16', 'fe80::/10'])],
  // fc00::/7: unique local addresses; fec0::/10: site-local, deprecated but still routed by some
  ['private', blockListOf(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10'])],
  ['shared (CGNAT)', blockListOf(['100.64.0.0/10'])],
  ['multicast', blockListOf(['224.0.0.0/4', 'ff00::/8'])],
  // 0.0.0.0/8 "this network" (0.x.y.z reaches the local host on Linux), 192.0.0.0/24 IETF protocol
  // assignments, 198.18.0.0/15 benchmarking, 240.0.0.0/4 (and 255.255.255.255, broadcast)
  ['reserved', blockListOf(['0.0.0.0/8', '192.0.0.0/24', '198.18.0.0/15', '240.0.0.0/4'])],
];

/**
 * IPv6 forms that carry an IPv4 address a host or a gateway will reach: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d, deprecated), NAT64 (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::/48). BlockList
 * reads only the first of them as IPv4.
 */
function embeddedV4(ip: IpBytes): IpBytes | null {
  if (ip.length !== 16) return null;
  const zero = (from: number, to: number) => ip.slice(from, to).every((b) => b === 0);
  const mapped = mappedV4(ip);
  if (mapped) return mapped;
  // ::a.b.c.d, but not :: and ::1 (0.0.0.0/8 as a tail is no IPv4 host anyone routes to).
  if (zero(0, 12) && ip[12] !== 0) return ip.slice(12);
  if (ip[0] === 0 && ip[1] === 0x64 && ip[2] === 0xff && ip[3] === 0x9b && zero(4, 12)) return ip.slice(12);
  if (ip[0] === 0x20 && ip[1] === 0x02) return ip.slice(2, 6);
  return null;
}

/**
 * Why Papo must not call this address, or null when it is public. Anything that is not an IP address is
 * refused as `reserved`: the caller gives resolved addresses only.
 *
 * @example classifyAddress('169.254.169.254') // 'link-local'
 * @example classifyAddress('::ffff:7f00:1') // 'loopback'
 * @example classifyAddress('93.184.216.34') // null
 */
export function classifyAddress(address: string): AddressRefusal | null {
  const ip = parseIp(address);
  if (!ip) return 'reserved';
  const { text, family } = netForm(embeddedV4(ip) ?? ip);
  for (const [why, list] of REFUSED) if (list.check(text, family)) return why;
  return null;
}

/**
 * One BOT_WEBHOOK_ALLOW entry: a host name (the URL's, as written: the operator vouches for whatever it
 * resolves to), an address, or a CIDR range, each with an optional port.
 */
export type AllowRule = { kind: 'host'; host: string; port: number | null } | RangeRule;

/** An allowed address or CIDR range, as node:net's BlockList takes it (an address is its /32 or /128). */
export type RangeRule = { kind: 'range'; address: string; prefix: number; family: 'ipv4' | 'ipv6'; port: number | null };

/**
 * Parses BOT_WEBHOOK_ALLOW: comma-separated `host`, `host:port`, `address`, `address:port`, `[v6]:port` or
 * `cidr`. Answers the rules, or the first entry it cannot read.
 *
 * @example parseAllowList('127.0.0.1:3000, bot.internal, 10.0.0.0/8') // { ok: true, rules: [...] }
 */
export function parseAllowList(text: string | undefined): { ok: true; rules: AllowRule[] } | { ok: false; entry: string } {
  const rules: AllowRule[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const rule = parseRule(entry);
    if (!rule) return { ok: false, entry };
    rules.push(rule);
  }
  return { ok: true, rules };
}

function parseRule(entry: string): AllowRule | null {
  const cidr = /^\[?([0-9a-f:.]+)\]?\/(\d{1,3})$/.exec(entry);
  if (cidr) {
    const bytes = parseIp(cidr[1]!);
    const bits = Number(cidr[2]);
    if (!bytes || bits > bytes.length * 8) return null;
    const { text, family } = netForm(bytes);
    return { kind: 'range', address: text, prefix: bits, family, port: null };
  }
  let host = entry;
  let port: number | null = null;
  const bracketed = /^\[([0-9a-f:.%]+)\](?::(\d{1,5}))?$/.exec(entry);
  const withPort = /^([^:]+):(\d{1,5})$/.exec(entry);
  if (bracketed) [host, port] = [bracketed[1]!, bracketed[2] ? Number(bracketed[2]) : null];
  else if (withPort) [host, port] = [withPort[1]!, Number(withPort[2])];
  if (port !== null && (port < 1 || port > 65535)) return null;
  const bytes = parseIp(host);
  if (bytes) {
    const { text, family } = netForm(bytes);
    return { kind: 'range', address: text, prefix: bytes.length * 8, family, port };
  }
  if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) return { kind: 'host', host, port };
  return null;
}

/** A URL's host as this module compares it: no brackets, lower-case, no trailing dot. */
export function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** The URL's port, or its scheme's default. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Whether the operator allowed this host name (as written in the URL) on this port. */
export function hostAllowed(rules: readonly AllowRule[], host: string, port: number): boolean {
  return rules.some((r) => r.kind === 'host' && r.host === host && (r.port === null || r.port === port));
}

/**
 * Whether the operator allowed this address on this port. BlockList reads an IPv4-mapped IPv6 address as
 * its IPv4 address and an IPv4 address as its IPv4-mapped form, so both spellings of one host get one answer.
 */
export function addressAllowed(rules: readonly AllowRule[], address: string, port: number): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  const { text, family } = netForm(ip);
  return rules.some((r) => r.kind === 'range' && (r.port === null || r.port === port) && rangeList(r).check(text, family));
}

/** Each rule's BlockList, made on its first use (rules are fixed at start, in the config). */
const ruleLists = new WeakMap<RangeRule, BlockList>();

function rangeList(rule: RangeRule): BlockList {
  let list = ruleLists.get(rule);
  if (!list) {
    list = new BlockList();
    list.addSubnet(rule.address, rule.prefix, rule.family);
    ruleLists.set(rule, list);
  }
  return list;
}

/**
 * The verdict on one address a webhook URL's host resolved to: null to connect, else why not. A host name
 * the operator allowed is trusted whatever it resolves to; otherwise the address must be public or allowed.
 */
export function addressVerdict(rules: readonly AllowRule[], target: { host: string; port: number }, address: string): AddressRefusal | null {
  if (hostAllowed(rules, target.host, target.port) || addressAllowed(rules, address, target.port)) return null;
  return classifyAddress(address);
}

/**
 * The check a webhook URL gets when an admin saves it, before any name is resolved: an IP literal must be
 * public or allowed, and `localhost` and `*.localhost` (RFC 6761: always the loopback) count as 127.0.0.1.
 * Other names are checked on every call, on the address connected to. Answers null or why not.
 *
 * @example urlVerdict([], new URL('http://2130706433/')) // 'loopback' (the URL parser made it 127.0.0.1)
 */
export function urlVerdict(rules: readonly AllowRule[], url: URL): AddressRefusal | null {
  const host = hostOf(url);
  const port = portOf(url);
  if (hostAllowed(rules, host, port)) return null;
  if (host === 'localhost' || host.endsWith('.localhost')) return addressAllowed(rules, '127.0.0.1', port) ? null : 'loopback';
  if (!parseIp(host)) return null;
  return addressVerdict(rules, { host, port }, host);
}
