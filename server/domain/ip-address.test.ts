import { describe, expect, it } from 'vitest';
import { mappedV4, netForm, parseIp } from './ip-address';

describe('parseIp: the one address parser (SPEC L1, A1)', () => {
  it.each<[string, number[] | null]>([
    ['203.0.113.7', [203, 0, 113, 7]],
    ['[203.0.113.7]', [203, 0, 113, 7]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['2001:DB8::a:1', [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 1]],
    ['::ffff:127.0.0.1', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]],
    ['fe80::1%eth0', [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
    // Not addresses
    ['', null],
    ['127.1', null],
    ['256.0.0.1', null],
    ['01.2.3.4', null],
    ['1:2:3:4:5:6:7', null],
    [':::', null],
    ['1::2:', null],
    ['fe80::1%', null],
    // A dotted IPv4 part ends an IPv6 address; anywhere else it is not one.
    ['1.2.3.4::', null],
    ['::1.2.3.4:5', null],
  ])('%j is %j', (text, bytes) => {
    expect(parseIp(text)).toEqual(bytes);
  });

  it.each<[string, string | null]>([
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['0:0:0:0:0:ffff:a01:203', '10.1.2.3'],
    ['::10.1.2.3', null],
    ['64:ff9b::a01:203', null],
    ['10.1.2.3', null],
  ])('the IPv4 address mapped in %s is %s', (text, v4) => {
    const mapped = mappedV4(parseIp(text)!);
    expect(mapped && netForm(mapped).text).toBe(v4);
  });

  it('hands node:net a form it reads: a dotted quad, or eight hex groups', () => {
    expect(netForm(parseIp('203.0.113.7')!)).toEqual({ text: '203.0.113.7', family: 'ipv4' });
    expect(netForm(parseIp('2001:db8::1')!)).toEqual({ text: '2001:db8:0:0:0:0:0:1', family: 'ipv6' });
  });
});
