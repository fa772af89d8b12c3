/**
 * @module Which network addresses Papo may call on a site admin's behalf (issue 11 F6, SPEC A1): the bot
 * webhook must not reach the server's own network (loopback, link-local with the cloud metadata service,
 * private ranges) unless the operator allows it with BOT_WEBHOOK_ALLOW. Pure: addresses and rules in,
 * verdicts out; resolving names and connecting are the caller's (services/outbound-http.ts).
 */

/** Why an address is not called. */
export type AddressRefusal = 'unspecified' | 'loopback' | 'link-local' | 'private' | 'shared (CGNAT)' | 'multicast' | 'reserved';

/** An IP address as 4 (IPv4) or 16 (IPv6) bytes. */
type Bytes = number[];

/**
 * The bytes of an IPv4 dotted quad (exactly four decimal parts, as URL parsing and DNS give them) or of an
 * IPv6 address (with `::`, a dotted IPv4 tail, a `%zone`, or in brackets); null for anything else.
 */
export function parseIp(text: string): Bytes | null {
  const s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return parseV4(s) ?? parseV6(s);
}

function parseV4(s: string): Bytes | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : 256));
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function parseV6(input: string): Bytes | null {
  const s = input.replace(/%[\w.-]+$/, '').toLowerCase();
  if (!s.includes(':') || !/^[0-9a-f:.]+$/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseV4(part);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** A range: its first address's bytes and the prefix length. */
type Range = { bytes: Bytes; bits: number };

function inRange(ip: Bytes, range: Range): boolean {
  if (ip.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.bits; bit += 8) {
    const take = Math.min(8, range.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((ip[bit / 8]! & mask) !== (range.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

const range = (cidr: string): Range => {
  const [addr, bits] = cidr.split('/') as [string, string];
  return { bytes: parseIp(addr)!, bits: Number(bits) };
};

/** IPv4 ranges Papo does not call, most specific first (RFC 6890 and its successors). */
const V4: Array<[Range, AddressRefusal]> = [
  [range('0.0.0.0/32'), 'unspecified'],
  [range('0.0.0.0/8'), 'reserved'], // "this network": 0.x.y.z reaches the local host on Linux
  [range('127.0.0.0/8'), 'loopback'],
  [range('169.254.0.0/16'), 'link-local'], // 169.254.169.254: cloud metadata
  [range('10.0.0.0/8'), 'private'],
  [range('172.16.0.0/12'), 'private'],
  [range('192.168.0.0/16'), 'private'],
  [range('100.64.0.0/10'), 'shared (CGNAT)'],
  [range('192.0.0.0/24'), 'reserved'], // IETF protocol assignments
  [range('198.18.0.0/15'), 'reserved'], // benchmarking
  [range('224.0.0.0/4'), 'multicast'],
  [range('240.0.0.0/4'), 'reserved'], // and 255.255.255.255, broadcast
];

const V6: Array<[Range, AddressRefusal]> = [
  [range('::/128'), 'unspecified'],
  [range('::1/128'), 'loopback'],
  [range('fe80::/10'), 'link-local'],
  [range('fc00::/7'), 'private'], // unique local addresses
  [range('fec0::/10'), 'private'], // site-local, deprecated but still routed by some
  [range('ff00::/8'), 'multicast'],
];

/**
 * IPv6 forms that carry an IPv4 address a host or a gateway will reach: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d, deprecated), NAT64 (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::/48).
 */
function embeddedV4(ip: Bytes): Bytes | null {
  if (ip.length !== 16) return null;
  const zero = (from: number, to: number) => ip.slice(from, to).every((b) => b === 0);
  if (zero(0, 10) && ip[10] === 0xff && ip[11] === 0xff) return ip.slice(12);
  // ::a.b.c.d, but not :: and ::1 (0.0.0.0/8 as a tail is no IPv4 host anyone routes to).
  if (zero(0, 12) && ip[12] !== 0) return ip.slice(12);
  if (inRange(ip, range('64:ff9b::/96'))) return ip.slice(12);
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
  const v4 = ip.length === 4 ? ip : embeddedV4(ip);
  const table = v4 ? V4 : V6;
  const bytes = v4 ?? ip;
  for (const [r, why] of table) if (inRange(bytes, r)) return why;
  return null;
}

/**
 * One BOT_WEBHOOK_ALLOW entry: a host name (the URL's, as written: the operator vouches for whatever it
 * resolves to), an address, or a CIDR range, each with an optional port.
 */
export type AllowRule = { kind: 'host'; host: string; port: number | null } | { kind: 'range'; range: Range; port: number | null };

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
    return bytes && bits <= bytes.length * 8 ? { kind: 'range', range: { bytes, bits }, port: null } : null;
  }
  let host = entry;
  let port: number | null = null;
  const bracketed = /^\[([0-9a-f:.%]+)\](?::(\d{1,5}))?$/.exec(entry);
  const withPort = /^([^:]+):(\d{1,5})$/.exec(entry);
  if (bracketed) [host, port] = [bracketed[1]!, bracketed[2] ? Number(bracketed[2]) : null];
  else if (withPort) [host, port] = [withPort[1]!, Number(withPort[2])];
  if (port !== null && (port < 1 || port > 65535)) return null;
  const bytes = parseIp(host);
  if (bytes) return { kind: 'range', range: { bytes, bits: bytes.length * 8 }, port };
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

/** Whether the operator allowed this address on this port (an IPv4-mapped IPv6 address as its IPv4). */
export function addressAllowed(rules: readonly AllowRule[], address: string, port: number): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  const mapped = ip.length === 16 && ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff ? ip.slice(12) : null;
  return rules.some((r) => r.kind === 'range' && (r.port === null || r.port === port) && (inRange(ip, r.range) || (mapped !== null && inRange(mapped, r.range))));
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
