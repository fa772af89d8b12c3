import { describe, expect, it } from 'vitest';
import { addressVerdict, classifyAddress, parseAllowList, parseIp, urlVerdict, type AllowRule } from './private-address';

describe('classifyAddress (SPEC A1)', () => {
  it.each([
    // IPv4
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['FF05::2', 'multicast'],
    // IPv4 inside IPv6
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::', 'private'],
    // Not an address: refused (the caller passes resolved addresses only)
    ['localhost', 'reserved'],
    ['2130706433', 'reserved'],
    ['0x7f.0.0.1', 'reserved'],
    ['0177.0.0.1', 'reserved'],
    ['127.1', 'reserved'],
    ['1::2::3', 'reserved'],
    ['', 'reserved'],
  ])('%s is %s', (address, why) => {
    expect(classifyAddress(address)).toBe(why);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '223.255.255.255',
    '2606:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:93.184.216.34',
    '64:ff9b::808:808',
    '2002:808:808::1',
    'fbff::1',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('A1: a dotted IPv4 part that does not end an IPv6 address makes no address (refused, not public)', () => {
    expect(classifyAddress('1.2.3.4::')).toBe('reserved');
    expect(classifyAddress('10.0.0.1::')).toBe('reserved');
  });

  it('reads IPv6 with and without ::, a dotted tail and brackets to the same bytes', () => {
    expect(parseIp('::ffff:127.0.0.1')).toEqual(parseIp('0:0:0:0:0:ffff:7f00:0001'));
    expect(parseIp('[2001:db8::1]')).toEqual(parseIp('2001:db8:0:0:0:0:0:1'));
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIp('1:2:3:4:5:6:7::8')).toBeNull();
    expect(parseIp('12345::')).toBeNull();
  });
});

describe('the webhook URL at saving (SPEC A1)', () => {
  // WHATWG URL parsing turns decimal, octal, hex and short IPv4 forms into the dotted quad, and IPv6 into
  // its canonical form, before the check reads the host.
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://127.0.0.1:5432', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://[::ffff:169.254.169.254]/', 'link-local'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
    ['http://localhost/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://api.localhost:3000/', 'loopback'],
    ['http://10.0.0.1./', 'private'],
    ['https://192.168.0.10:8443/hook', 'private'],
    ['http://100.100.100.200/', 'shared (CGNAT)'],
    ['http://[fd00::1]/', 'private'],
  ])('%s is refused: %s', (url, why) => {
    expect(urlVerdict([], new URL(url))).toBe(why);
  });

  it.each(['https://bot.example.com/hook', 'http://93.184.216.34/', 'https://[2606:4700::1111]/', 'http://internal.corp/'])(
    '%s passes (a name is checked on every call instead)',
    (url) => {
      expect(urlVerdict([], new URL(url))).toBeNull();
    },
  );
});

describe('BOT_WEBHOOK_ALLOW (SPEC A1)', () => {
  const rules = (text: string): AllowRule[] => {
    const parsed = parseAllowList(text);
    if (!parsed.ok) throw new Error(`unreadable entry ${parsed.entry}`);
    return parsed.rules;
  };

  it.each([
    ['127.0.0.1:3000', 'http://127.0.0.1:3000/hook', null],
    ['127.0.0.1:3000', 'http://127.0.0.1:3001/hook', 'loopback'],
    ['127.0.0.1', 'http://127.0.0.1:3001/hook', null],
    ['bot.internal', 'http://bot.internal:9000/', null],
    ['bot.internal:9000', 'http://bot.internal:9001/', null], // a name passes at saving; its port is checked on each call
    ['localhost:3000', 'http://localhost:3000/', null],
    ['localhost:3000', 'http://localhost:3001/', 'loopback'],
    ['10.0.0.0/8', 'http://10.20.30.40/', null],
    ['10.0.0.0/8', 'http://11.0.0.1/', null],
    ['10.0.0.0/8', 'http://192.168.0.1/', 'private'],
    ['[::1]:8080', 'http://[::1]:8080/', null],
    ['[::1]:8080', 'http://[::1]:8081/', 'loopback'],
    ['fd00::/8', 'http://[fd00::5]/', null],
    ['127.0.0.1:80', 'http://[::ffff:127.0.0.1]/', null],
    ['', 'http://127.0.0.1/', 'loopback'],
  ])('with %s, %s is %s', (allow, url, why) => {
    expect(urlVerdict(rules(allow), new URL(url))).toBe(why);
  });

  it.each([
    ['bot.internal', { host: 'bot.internal', port: 80 }, '10.1.2.3', null], // the operator vouches for the name
    ['bot.internal:8080', { host: 'bot.internal', port: 80 }, '10.1.2.3', 'private'],
    ['10.1.0.0/16', { host: 'anything.example', port: 80 }, '10.1.2.3', null],
    ['10.1.0.0/16', { host: 'anything.example', port: 80 }, '::ffff:10.1.2.3', null],
    ['10.1.0.0/16', { host: 'anything.example', port: 80 }, '10.2.0.1', 'private'],
    ['', { host: 'rebind.example', port: 80 }, '127.0.0.1', 'loopback'],
    ['', { host: 'public.example', port: 443 }, '93.184.216.34', null],
  ])('with %s, %j resolving to %s is %s', (allow, target, address, why) => {
    expect(addressVerdict(rules(allow), target, address)).toBe(why);
  });

  it('A1: an allowed range answers the same for an IPv4 host and its IPv4-mapped IPv6 spelling', () => {
    for (const allow of ['10.1.0.0/16', '::ffff:10.1.0.0/112', '[::ffff:10.1.2.3]', '10.1.2.3']) {
      for (const address of ['10.1.2.3', '::ffff:10.1.2.3', '::ffff:a01:203']) {
        expect([allow, address, addressVerdict(rules(allow), { host: 'bot.example', port: 80 }, address)]).toEqual([allow, address, null]);
      }
      expect(addressVerdict(rules(allow), { host: 'bot.example', port: 80 }, '10.2.0.1')).toBe('private');
    }
  });

  it.each(['10.0.0.0/99', '::1/129', 'bot internal', 'host:0', 'host:70000', 'http://bot.internal', '[::1', '*.internal'])('%s is refused', (entry) => {
    expect(parseAllowList(`127.0.0.1:3000, ${entry}`)).toEqual({ ok: false, entry: entry.toLowerCase() });
  });

  it('empty entries and spaces are ignored; nothing set allows nothing', () => {
    expect(parseAllowList(undefined)).toEqual({ ok: true, rules: [] });
    expect(parseAllowList(' , ,')).toEqual({ ok: true, rules: [] });
  });
});
