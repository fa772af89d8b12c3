/**
 * @module IP addresses as bytes: the one parser behind per-address limit keys (client-ip.ts, SPEC L1) and
 * the webhook's address checks (private-address.ts, SPEC A1). Range matching is node:net's BlockList; this
 * module reads what BlockList does not: brackets, IPv4 inside IPv6, the bytes themselves.
 */

/** An IP address as 4 (IPv4) or 16 (IPv6) bytes. */
export type IpBytes = number[];

/**
 * The bytes of an IPv4 dotted quad (exactly four decimal parts, as URL parsing and DNS give them) or of an
 * IPv6 address (with `::`, a dotted IPv4 tail, a `%zone`, or in brackets); null for anything else.
 *
 * @example parseIp('::ffff:127.0.0.1') // [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1]
 * @example parseIp('127.1') // null: not four parts
 */
export function parseIp(text: string): IpBytes | null {
  const s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return s.includes(':') ? parseV6(s) : parseV4(s);
}

const V6_GROUP = /^[0-9a-f]{1,4}$/i;

/** Four decimal parts of 0-255 without leading zeros; read by hand, as it runs for every IPv4 limit key. */
function parseV4(s: string): IpBytes | null {
  const bytes: IpBytes = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i === s.length ? 46 : s.charCodeAt(i); // the end closes the last part like a '.'
    if (c === 46) {
      if (digits === 0 || bytes.length === 4) return null;
      bytes.push(value);
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return null; // a leading zero
      value = value * 10 + (c - 48);
      if (value > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  return bytes.length === 4 ? bytes : null;
}

function parseV6(input: string): IpBytes | null {
  const s = input.replace(/%[\w.-]+$/, '');
  const gap = s.indexOf('::');
  if (gap !== -1 && s.includes('::', gap + 1)) return null;
  const head = groupsOf(gap === -1 ? s : s.slice(0, gap), gap === -1);
  const tail = gap === -1 ? [] : groupsOf(s.slice(gap + 2), true);
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (gap === -1 ? missing !== 0 : missing < 1) return null;
  const bytes: IpBytes = [];
  for (const group of [...head, ...Array<number>(gap === -1 ? 0 : missing).fill(0), ...tail]) bytes.push(group >> 8, group & 0xff);
  return bytes;
}

/** The 16-bit groups of one side of `::`; a dotted IPv4 tail is allowed at the address's end only. */
function groupsOf(text: string, atEnd: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (atEnd && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseV4(part);
      if (!v4) return null;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (V6_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d: the same host), else null. */
export function mappedV4(ip: IpBytes): IpBytes | null {
  if (ip.length !== 16 || ip[10] !== 0xff || ip[11] !== 0xff) return null;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return null;
  return ip.slice(12);
}

/** The address as node:net reads it (dotted quad, or eight hex groups), with its family. */
export function netForm(ip: IpBytes): { text: string; family: 'ipv4' | 'ipv6' } {
  if (ip.length === 4) return { text: ip.join('.'), family: 'ipv4' };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
  return { text: groups.join(':'), family: 'ipv6' };
}
