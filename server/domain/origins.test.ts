import { describe, expect, it } from 'vitest';
import { isForeignOrigin, normalizeOrigin, originAllowed, selfOrigin } from './origins';

const SELF = 'http://localhost:8787';

describe('D10: normalizeOrigin', () => {
  it.each<[string, string | null]>([
    ['https://shop.example.com', 'https://shop.example.com'],
    ['https://shop.example.com/', 'https://shop.example.com'],
    ['https://shop.example.com/path?q=1#x', 'https://shop.example.com'],
    ['HTTPS://Shop.EXAMPLE.com', 'https://shop.example.com'],
    ['https://shop.example.com:443', 'https://shop.example.com'],
    ['http://shop.example.com:80', 'http://shop.example.com'],
    ['https://shop.example.com:80', 'https://shop.example.com:80'],
    ['http://shop.example.com:443', 'http://shop.example.com:443'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['https://user:pw@shop.example.com', 'https://shop.example.com'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ['null', null],
    ['', null],
    ['shop.example.com', null],
    ['//shop.example.com', null],
    ['file:///etc/passwd', null],
    ['ftp://shop.example.com', null],
    ['ws://shop.example.com', null],
    ['wss://shop.example.com', null],
    ['chrome-extension://abcdefghijklmnop', null],
    ['data:text/html,hi', null],
    ['javascript:alert(1)', null],
    ['https://', null],
  ])('D10: normalizeOrigin(%j) is %j', (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });
});

describe('D10: originAllowed', () => {
  it.each<[string, string[], string | undefined, boolean]>([
    // Exact entries.
    ['exact match', ['https://shop.example.com'], 'https://shop.example.com', true],
    ['exact match, one of several', ['https://a.example.org', 'https://shop.example.com'], 'https://shop.example.com', true],
    ['another host', ['https://shop.example.com'], 'https://evil.example.com', false],
    ['the parent domain of an exact entry', ['https://shop.example.com'], 'https://example.com', false],
    ['a subdomain of an exact entry', ['https://example.com'], 'https://shop.example.com', false],
    ['another scheme', ['https://shop.example.com'], 'http://shop.example.com', false],
    ['another port', ['https://shop.example.com'], 'https://shop.example.com:8443', false],
    ['a suffix trick on an exact entry', ['https://shop.example.com'], 'https://shop.example.com.evil.io', false],
    ['an empty list', [], 'https://shop.example.com', false],
    // Default ports and case.
    ['origin with the default https port', ['https://shop.example.com'], 'https://shop.example.com:443', true],
    ['entry with the default https port', ['https://shop.example.com:443'], 'https://shop.example.com', true],
    ['origin with the default http port', ['http://shop.example.com'], 'http://shop.example.com:80', true],
    ['explicit non-default port on both', ['https://shop.example.com:8443'], 'https://shop.example.com:8443', true],
    ['upper-case origin', ['https://shop.example.com'], 'HTTPS://SHOP.Example.COM', true],
    ['upper-case entry', ['https://SHOP.example.com'], 'https://shop.example.com', true],
    ['entry with a trailing slash', ['https://shop.example.com/'], 'https://shop.example.com', true],
    // self: the Papo server's own origin.
    ['self matches the server origin', ['self'], SELF, true],
    ['self matches the server origin with another case', ['self'], 'http://LOCALHOST:8787', true],
    ['self does not match another port', ['self'], 'http://localhost:5173', false],
    ['self does not match another host', ['self'], 'https://shop.example.com', false],
    // *: any page.
    ['* allows any https page', ['*'], 'https://anything.example', true],
    ['* allows any http page', ['*'], 'http://localhost:3000', true],
    ['* after other entries', ['https://shop.example.com', '*'], 'https://other.example', true],
    // Wildcard subdomains.
    ['wildcard matches a subdomain', ['https://*.example.com'], 'https://a.example.com', true],
    ['wildcard matches a deeper subdomain', ['https://*.example.com'], 'https://a.b.example.com', true],
    ['wildcard matches with the default port', ['https://*.example.com'], 'https://a.example.com:443', true],
    ['wildcard with an upper-case origin', ['https://*.example.com'], 'https://A.EXAMPLE.COM', true],
    ['wildcard with an upper-case entry host', ['https://*.EXAMPLE.com'], 'https://a.example.com', true],
    ['wildcard does not match the bare domain', ['https://*.example.com'], 'https://example.com', false],
    ['wildcard does not match another scheme', ['https://*.example.com'], 'http://a.example.com', false],
    ['wildcard does not match a suffix trick', ['https://*.example.com'], 'https://a.example.com.evil.io', false],
    ['wildcard does not match a lookalike domain', ['https://*.example.com'], 'https://aexample.com', false],
    ['wildcard does not match another domain', ['https://*.example.com'], 'https://a.example.org', false],
    ['wildcard does not match a non-default port', ['https://*.example.com'], 'https://a.example.com:8443', false],
    ['wildcard with a port matches that port', ['https://*.example.com:8443'], 'https://a.example.com:8443', true],
    ['wildcard with a port refuses the default port', ['https://*.example.com:8443'], 'https://a.example.com', false],
    ['http wildcard matches http', ['http://*.example.com'], 'http://a.example.com', true],
    ['http wildcard does not match https', ['http://*.example.com'], 'https://a.example.com', false],
    // Origins that are not origins.
    ['a missing Origin', ['https://shop.example.com'], undefined, false],
    ['a missing Origin with self', ['self'], undefined, false],
    ['a missing Origin even with *', ['*'], undefined, false],
    ['the "null" origin (sandboxed iframe, file://)', ['https://shop.example.com'], 'null', false],
    ['the "null" origin with *', ['*'], 'null', false],
    ['the "null" origin with a null entry', ['null'], 'null', false],
    ['a file origin', ['*'], 'file://', false],
    ['a browser-extension origin', ['*'], 'chrome-extension://abcdefghijklmnop', false],
    ['a browser-extension origin against its own entry', ['chrome-extension://abcdefghijklmnop'], 'chrome-extension://abcdefghijklmnop', false],
    ['an empty Origin', ['*'], '', false],
    ['garbage in the list is skipped', ['not an origin', 'https://shop.example.com'], 'https://shop.example.com', true],
  ])('D10: %s', (_name, allowed, origin, expected) => {
    expect(originAllowed(allowed, origin, SELF)).toBe(expected);
  });

  it('D10: the example in the doc comment holds', () => {
    expect(originAllowed(['https://*.example.com'], 'https://shop.example.com', 'http://localhost:8787')).toBe(true);
  });

  it('D10: self follows the server origin it is given', () => {
    expect(originAllowed(['self'], 'https://chat.example.com', 'https://chat.example.com')).toBe(true);
    expect(originAllowed(['self'], 'https://chat.example.com', 'https://chat.example.com:443/')).toBe(true);
    expect(originAllowed(['self'], 'https://chat.example.com', SELF)).toBe(false);
  });
});

describe('selfOrigin and isForeignOrigin', () => {
  it.each<[string | null, string | undefined, string]>([
    [null, '127.0.0.1:8787', 'http://127.0.0.1:8787'],
    [null, undefined, 'http://localhost'],
    ['https://chat.example.com', '10.0.0.5:8787', 'https://chat.example.com'], // behind a proxy: PUBLIC_URL wins
  ])('selfOrigin(%s, %s) is %s', (publicOrigin, host, expected) => {
    expect(selfOrigin(publicOrigin, host)).toBe(expected);
  });

  it.each<[string | undefined, string, boolean]>([
    [undefined, 'http://localhost:8787', false], // no Origin: not a browser
    ['http://localhost:8787', 'http://localhost:8787', false],
    ['HTTP://LOCALHOST:8787', 'http://localhost:8787', false],
    ['https://chat.example.com:443', 'https://chat.example.com', false],
    ['https://evil.example', 'http://localhost:8787', true],
    ['http://localhost:8788', 'http://localhost:8787', true],
    ['null', 'http://localhost:8787', true],
  ])('D10: isForeignOrigin(%s, %s) is %s', (origin, self, expected) => {
    expect(isForeignOrigin(origin, self)).toBe(expected);
  });
});
