/**
 * Issue 6: the client's address behind reverse proxies. X-Forwarded-For is believed only for as many hops
 * as TRUST_PROXY says, counted from the right, so a client cannot pick its own address (nor someone else's).
 */
import { describe, expect, it } from 'vitest';
import { clientIp, normalizeIp } from './client-ip';

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
