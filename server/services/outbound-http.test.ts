/**
 * SPEC A1: the outbound client checks the addresses its own connection resolved, once per connection, and
 * never follows a redirect. A local HTTP server stands in for what is being reached; the resolver is the
 * test's, so a name can answer whatever a DNS rebinding attacker would make it answer.
 */
import { createServer } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressVerdict, parseAllowList } from '../domain/private-address';
import { AddressRefused, createOutboundHttp, guardedLookup, type Resolve } from './outbound-http';

let hits = 0;
let port = 0;
const http = createServer((req, res) => {
  hits++;
  req.resume();
  req.on('end', () => res.writeHead(req.url === '/redirect' ? 302 : 200, req.url === '/redirect' ? { location: 'http://169.254.169.254/' } : {}).end());
});
beforeAll(async () => {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

/** A resolver that answers `answers` in turn (the last one again when they run out) and counts its calls. */
function rebinding(...answers: string[][]): Resolve & { calls: number } {
  const resolve = Object.assign(
    async (_host: string): Promise<LookupAddress[]> => {
      const answer = answers[Math.min(resolve.calls, answers.length - 1)]!;
      resolve.calls++;
      return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    { calls: 0 },
  );
  return resolve;
}

const rules = (text: string) => {
  const parsed = parseAllowList(text);
  if (!parsed.ok) throw new Error(parsed.entry);
  return parsed.rules;
};

describe('guardedLookup (SPEC A1)', () => {
  const lookup = (resolve: Resolve, all: boolean) =>
    new Promise<{ err: Error | null; address: unknown; family?: number }>((done) =>
      guardedLookup((a) => addressVerdict([], { host: 'x.example', port: 80 }, a), resolve)('x.example', { all }, (err, address, family) => done({ err, address, family })),
    );

  it('answers a public address in the form asked for', async () => {
    expect(await lookup(rebinding(['93.184.216.34']), false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect((await lookup(rebinding(['93.184.216.34', '2606:2800::1']), true)).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800::1', family: 6 },
    ]);
  });

  it.each([[['127.0.0.1']], [['93.184.216.34', '10.0.0.1']], [['::ffff:169.254.169.254']], [['fd00::1']]])(
    'refuses a name that resolves to %j (one private answer refuses it all)',
    async (answer) => {
      const { err } = await lookup(rebinding(answer), true);
      expect(err).toBeInstanceOf(AddressRefused);
    },
  );
});

describe('createOutboundHttp (SPEC A1)', () => {
  it('connects to the address its check saw: one resolution per call, so a rebinding name cannot pass a check and then connect elsewhere', async () => {
    // However often the name's answer changes, the socket connects to the one answer the check was given.
    const resolve = rebinding(['127.0.0.1'], ['10.0.0.1']);
    const seen: string[] = [];
    const client = createOutboundHttp((_t, address) => {
      seen.push(address);
      return null;
    }, resolve);
    try {
      const before = hits;
      expect(await client.post(new URL(`http://rebind.example:${port}/`), '{}', {}, 5_000)).toBe(200);
      expect({ calls: resolve.calls, seen, hits: hits - before }).toEqual({ calls: 1, seen: ['127.0.0.1'], hits: 1 });
    } finally {
      client.close();
    }
  });

  it('a name resolving to a private address is refused before any byte is sent', async () => {
    const client = createOutboundHttp((t, address) => addressVerdict([], t, address), rebinding(['127.0.0.1']));
    try {
      const before = hits;
      await expect(client.post(new URL(`http://rebind.example:${port}/`), '{}', {}, 5_000)).rejects.toBeInstanceOf(AddressRefused);
      expect(hits).toBe(before);
    } finally {
      client.close();
    }
  });

  it('an IP literal is checked without a lookup; the allow-list lets exactly that port through', async () => {
    const resolve = rebinding(['93.184.216.34']);
    const allowed = createOutboundHttp((t, address) => addressVerdict(rules(`127.0.0.1:${port}`), t, address), resolve);
    const denied = createOutboundHttp((t, address) => addressVerdict(rules(`127.0.0.1:${port + 1}`), t, address), resolve);
    try {
      expect(await allowed.post(new URL(`http://127.0.0.1:${port}/`), '{}', {}, 5_000)).toBe(200);
      await expect(denied.post(new URL(`http://127.0.0.1:${port}/`), '{}', {}, 5_000)).rejects.toMatchObject({ why: 'loopback' });
      expect(resolve.calls).toBe(0);
    } finally {
      allowed.close();
      denied.close();
    }
  });

  it('a redirect is answered as it is, never followed', async () => {
    const client = createOutboundHttp((t, address) => addressVerdict(rules(`127.0.0.1:${port}`), t, address));
    try {
      const before = hits;
      expect(await client.post(new URL(`http://127.0.0.1:${port}/redirect`), '{}', {}, 5_000)).toBe(302);
      expect(hits - before).toBe(1);
    } finally {
      client.close();
    }
  });
});
