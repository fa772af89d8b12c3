/**
 * Issue 6: which addresses and visitors a list of blocks refuses at one moment: single addresses, CIDR
 * ranges (IPv4 and IPv6, IPv4-mapped forms), visitor ids, and expiries (an expired block refuses nothing).
 */
import { describe, expect, it } from 'vitest';
import { compileBlocks, parseCidr, type Block } from './blocklist';

describe('issue 6: parseCidr', () => {
  it.each<[string, ReturnType<typeof parseCidr>]>([
    ['203.0.113.0/24', { address: '203.0.113.0', prefix: 24, family: 'ipv4' }],
    [' 10.0.0.0/8 ', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['0.0.0.0/0', { address: '0.0.0.0', prefix: 0, family: 'ipv4' }],
    ['198.51.100.7/32', { address: '198.51.100.7', prefix: 32, family: 'ipv4' }],
    ['::ffff:203.0.113.0/24', { address: '203.0.113.0', prefix: 24, family: 'ipv4' }],
    ['2001:db8::/32', { address: '2001:db8::', prefix: 32, family: 'ipv6' }],
    ['::/0', { address: '::', prefix: 0, family: 'ipv6' }],
    ['2001:db8::1/128', { address: '2001:db8::1', prefix: 128, family: 'ipv6' }],
    ['203.0.113.0/33', null],
    ['2001:db8::/129', null],
    ['203.0.113.0', null],
    ['203.0.113.0/', null],
    ['/24', null],
    ['203.0.113.0/-1', null],
    ['203.0.113.0/24/8', null],
    ['203.0.113.0 /24', null],
    ['256.0.0.0/8', null],
    ['example.com/24', null],
    ['203.0.113.0/1000', null],
    ['', null],
  ])('parseCidr(%j) is %j', (input, expected) => {
    expect(parseCidr(input)).toEqual(expected);
  });
});

const NOW = 1_750_000_000_000;
let n = 0;
const block = (kind: Block['kind'], value: string, expiresAt: number | null = null): Block => ({ id: `b${++n}`, kind, value, expiresAt });

describe('issue 6: compileBlocks(...).match', () => {
  const blocks = [
    block('ip', '198.51.100.7'),
    block('ip', '::ffff:192.0.2.33'),
    block('ip', '2001:db8::dead'),
    block('cidr', '203.0.113.0/24'),
    block('cidr', '2001:db8:beef::/48'),
    block('visitor', 'v-blocked'),
    // Expired at NOW exactly (in force while expiresAt > now), and long ago: neither counts.
    block('ip', '192.0.2.50', NOW),
    block('cidr', '100.64.0.0/10', NOW - 60_000),
    block('visitor', 'v-expired', NOW - 1),
    // Expires in a minute: still in force.
    block('ip', '192.0.2.60', NOW + 60_000),
    block('visitor', 'v-later', NOW + 60_000),
    // Values that are not what their kind says are ignored, not thrown on.
    block('ip', 'not-an-ip'),
    block('cidr', '10.0.0.0/99'),
  ];
  const list = compileBlocks(blocks, NOW);
  const id = (who: Parameters<typeof list.match>[0]) => list.match(who)?.value ?? null;

  it.each<[string, Parameters<typeof list.match>[0], string | null]>([
    ['a blocked address', { ip: '198.51.100.7' }, '198.51.100.7'],
    ['its IPv4-mapped form', { ip: '::ffff:198.51.100.7' }, '198.51.100.7'],
    ['a neighbour of a blocked address', { ip: '198.51.100.8' }, null],
    ['a block written in IPv4-mapped form refuses the plain address', { ip: '192.0.2.33' }, '::ffff:192.0.2.33'],
    ['an IPv6 address', { ip: '2001:db8::dead' }, '2001:db8::dead'],
    ['an IPv6 address written longhand', { ip: '2001:0db8:0000:0000:0000:0000:0000:dead' }, '2001:db8::dead'],
    ['the first address of a range', { ip: '203.0.113.0' }, '203.0.113.0/24'],
    ['an address inside a range', { ip: '203.0.113.9' }, '203.0.113.0/24'],
    ['the last address of a range', { ip: '203.0.113.255' }, '203.0.113.0/24'],
    ['the range through IPv4-mapped IPv6', { ip: '::ffff:203.0.113.9' }, '203.0.113.0/24'],
    ['just below the range', { ip: '203.0.112.255' }, null],
    ['just above the range', { ip: '203.0.114.0' }, null],
    ['inside an IPv6 range', { ip: '2001:db8:beef:1::5' }, '2001:db8:beef::/48'],
    ['outside an IPv6 range', { ip: '2001:db8:bee0::5' }, null],
    ['a blocked visitor from an honest address', { ip: '192.0.2.1', visitorId: 'v-blocked' }, 'v-blocked'],
    ['a blocked visitor with no address', { visitorId: 'v-blocked' }, 'v-blocked'],
    ['an honest visitor from a blocked address', { ip: '203.0.113.9', visitorId: 'v-honest' }, '203.0.113.0/24'],
    ['an honest visitor from an honest address', { ip: '192.0.2.1', visitorId: 'v-honest' }, null],
    ['a block expiring exactly now no longer counts', { ip: '192.0.2.50' }, null],
    ['an expired range', { ip: '100.64.1.1' }, null],
    ['an expired visitor block', { visitorId: 'v-expired' }, null],
    ['a block expiring later still counts', { ip: '192.0.2.60' }, '192.0.2.60'],
    ['a visitor block expiring later still counts', { visitorId: 'v-later' }, 'v-later'],
    ['a visitor id is not an address', { ip: 'v-blocked' }, null],
    ['an address is not a visitor id', { visitorId: '198.51.100.7' }, null],
    ['the invalid CIDR block refuses nothing', { ip: '10.1.2.3' }, null],
    ['garbage address', { ip: 'not-an-ip' }, null],
    ['empty address', { ip: '' }, null],
    ['nobody', {}, null],
    ['null fields', { ip: null, visitorId: null }, null],
  ])('%s', (_name, who, expected) => {
    expect(id(who)).toBe(expected);
  });

  it('answers the block itself (its id), so a caller can name it', () => {
    expect(list.match({ ip: '203.0.113.77' })).toBe(blocks[3]);
  });

  it('the same blocks compiled later: what expired stops counting, nothing else changes', () => {
    const later = compileBlocks(blocks, NOW + 60_000);
    expect(later.match({ ip: '192.0.2.60' })).toBeNull();
    expect(later.match({ visitorId: 'v-later' })).toBeNull();
    expect(later.match({ ip: '198.51.100.7' })?.value).toBe('198.51.100.7');
    expect(later.match({ ip: '203.0.113.1' })?.value).toBe('203.0.113.0/24');
    // ... and earlier, the blocks that had expired were still in force.
    const earlier = compileBlocks(blocks, NOW - 120_000);
    expect(earlier.match({ ip: '100.64.1.1' })?.value).toBe('100.64.0.0/10');
    expect(earlier.match({ ip: '192.0.2.50' })?.value).toBe('192.0.2.50');
  });

  it('an empty list refuses nobody; 0.0.0.0/0 refuses every IPv4 address', () => {
    expect(compileBlocks([], NOW).match({ ip: '203.0.113.9', visitorId: 'v' })).toBeNull();
    const all = compileBlocks([block('cidr', '0.0.0.0/0')], NOW);
    expect(all.match({ ip: '1.2.3.4' })).not.toBeNull();
    expect(all.match({ ip: '::ffff:1.2.3.4' })).not.toBeNull();
  });
});
