/**
 * Issue 6: the client's address behind reverse proxies. X-Forwarded-For is believed only for as many hops
 * as TRUST_PROXY says, counted from the right, so a client cannot pick its own address (nor someone else's).
 */
import { describe, expect, it } from 'vitest';
import { clientIp, limitKey, normalizeIp } from './client-ip';

describe('issue 6: normalizeIp', () => {
  it.each<[string, string]>([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['  198.51.100.7 ', '198.51.100.7'],
    ['::1', '::1'],
    ['2001:db8::1', '2001:db8::1'],
    // Not an IPv4-mapped address: the prefix stays.
    ['::ffff:not-an-ip', '::ffff:not-an-ip'],
    ['::ffff:2001:db8::1', '::ffff:2001:db8::1'],
    ['', ''],
  ])('normalizeIp(%j) is %j', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });
});

describe('issue 6: clientIp', () => {
  const PEER = '10.0.0.2';
  it.each<[string, string | undefined, string | string[] | undefined, number, string]>([
    // TRUST_PROXY=0: the header is never believed, whatever it says.
    ['no proxy, no header', PEER, undefined, 0, PEER],
    ['no proxy: a spoofed header is ignored', PEER, '203.0.113.7', 0, PEER],
    ['no proxy: a spoofed chain is ignored', PEER, '203.0.113.7, 198.51.100.1', 0, PEER],
    ['no proxy: a negative hop count is "none"', PEER, '203.0.113.7', -1, PEER],
    ['no proxy: the peer is normalised', '::ffff:127.0.0.1', '203.0.113.7', 0, '127.0.0.1'],
    // One trusted proxy: the right-most address is what that proxy saw.
    ['one proxy, one address', PEER, '203.0.113.7', 1, '203.0.113.7'],
    ['one proxy: a client-made prefix is ignored', PEER, '198.51.100.9, 203.0.113.7', 1, '203.0.113.7'],
    ['one proxy: spaces and empty items', PEER, ' 198.51.100.9 ,, 203.0.113.7 ', 1, '203.0.113.7'],
    ['one proxy: IPv6 client', PEER, '2001:db8::42', 1, '2001:db8::42'],
    ['one proxy: IPv4-mapped client is normalised', PEER, '::ffff:203.0.113.7', 1, '203.0.113.7'],
    ['one proxy: repeated headers are one chain', PEER, ['198.51.100.9', '203.0.113.7'], 1, '203.0.113.7'],
    ['one proxy, no header: the peer', PEER, undefined, 1, PEER],
    ['one proxy, empty header: the peer', PEER, '', 1, PEER],
    ['one proxy: garbage is not an address', PEER, 'unknown', 1, PEER],
    ['one proxy: an address with a port is not an address', PEER, '203.0.113.7:5555', 1, PEER],
    ['one proxy: a script is not an address', PEER, '<script>alert(1)</script>', 1, PEER],
    // Two trusted proxies: the second address from the right.
    ['two proxies', PEER, '203.0.113.7, 10.0.0.1', 2, '203.0.113.7'],
    ['two proxies: a client-made prefix is ignored', PEER, '1.1.1.1, 203.0.113.7, 10.0.0.1', 2, '203.0.113.7'],
    ['two proxies: a chain shorter than the hops is malformed', PEER, '203.0.113.7', 2, PEER],
    ['three proxies', PEER, '203.0.113.7, 10.0.0.3, 10.0.0.1', 3, '203.0.113.7'],
  ])('%s', (_name, remote, forwarded, hops, expected) => {
    expect(clientIp(remote, forwarded, hops)).toBe(expected);
  });

  it('no remote address (a destroyed socket) answers an empty string, not a header value', () => {
    expect(clientIp(undefined, '203.0.113.7', 0)).toBe('');
  });
});

describe('L1 (issue 11 F10): limitKey, what per-address limits count by', () => {
  it.each<[string, string]>([
    // IPv4: each address is its own client.
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.8', '203.0.113.8'],
    ['127.0.0.1', '127.0.0.1'],
    // IPv4-mapped IPv6 is IPv4, dotted or in hex.
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['0:0:0:0:0:ffff:cb00:7107', '203.0.113.7'],
    // IPv6: the /64 (one subscriber's LAN), written one way whatever the spelling.
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::abcd', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    // An embedded IPv4 tail that is not IPv4-mapped stays IPv6.
    ['64:ff9b:1:2::192.0.2.1', '64:ff9b:1:2::/64'],
    // Not an address (a destroyed socket's ''): kept as it is.
    ['', ''],
    ['unknown', 'unknown'],
  ])('limitKey(%j) is %j', (ip, key) => {
    expect(limitKey(ip)).toBe(key);
  });

  it('2^64 addresses of one /64 are one client; the next /64 is another', () => {
    const keys = new Set(['2001:db8:a:b::1', '2001:db8:a:b:ffff:ffff:ffff:fffe', '2001:db8:a:b:1234:5678:9abc:def0'].map(limitKey));
    expect(keys).toEqual(new Set(['2001:db8:a:b::/64']));
    expect(limitKey('2001:db8:a:c::1')).not.toBe('2001:db8:a:b::/64');
  });
});
