/**
 * @module Whether an IP address or a visitor is blocked (issue 6), from the list of blocks at one moment:
 * expired blocks do not count. IPv4 and IPv6 addresses and CIDR ranges through node:net's BlockList.
 */
import { BlockList, isIP } from 'node:net';
import type { BlockRecord } from '../../shared/api';
import { normalizeIp } from './client-ip';

/** What matching needs of a block record. */
export type Block = Pick<BlockRecord, 'id' | 'kind' | 'value' | 'expiresAt'>;

/** A CIDR range in canonical form, or null when `value` is not one (e.g. "203.0.113.0/24", "2001:db8::/32"). */
export function parseCidr(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(value.trim());
  if (!match) return null;
  const address = normalizeIp(match[1]!);
  const version = isIP(address);
  const prefix = Number(match[2]);
  if (version === 0 || prefix > (version === 4 ? 32 : 128)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export interface Blocklist {
  /** The block that refuses this address or visitor, if any. */
  match(who: { ip?: string | null; visitorId?: string | null }): Block | null;
}

/** Builds the matcher for the blocks in force at `now`. */
export function compileBlocks(blocks: readonly Block[], now: number): Blocklist {
  const active = blocks.filter((b) => b.expiresAt === null || b.expiresAt > now);
  const ranges = active.flatMap((b) => {
    const list = new BlockList();
    if (b.kind === 'ip') {
      const ip = normalizeIp(b.value);
      const version = isIP(ip);
      if (version === 0) return [];
      list.addAddress(ip, version === 4 ? 'ipv4' : 'ipv6');
    } else if (b.kind === 'cidr') {
      const cidr = parseCidr(b.value);
      if (!cidr) return [];
      list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    } else {
      return [];
    }
    return [{ block: b, list }];
  });
  const visitors = new Map(active.filter((b) => b.kind === 'visitor').map((b) => [b.value, b]));
  return {
    match({ ip, visitorId }) {
      if (visitorId && visitors.has(visitorId)) return visitors.get(visitorId)!;
      if (!ip) return null;
      const address = normalizeIp(ip);
      const version = isIP(address);
      if (version === 0) return null;
      return ranges.find((r) => r.list.check(address, version === 4 ? 'ipv4' : 'ipv6'))?.block ?? null;
    },
  };
}
