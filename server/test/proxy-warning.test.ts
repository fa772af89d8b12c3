/**
 * TRUST_PROXY left off behind a reverse proxy (issue 11 fault 7): every visitor then shares the proxy's
 * address and the per-address limits (sockets, upgrades per minute) apply to the whole site. The server
 * cannot know there is a proxy, except that requests carry the headers proxies add: then it warns, naming
 * TRUST_PROXY, once and again at most every PROXY_WARNING_EVERY_MS, never once per request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROXY_WARNING_EVERY_MS } from '../services/proxy-warning';
import { openVisitor, TestSocket } from './clients';
import { startTestServer, type TestServer } from './harness';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const warnings = (s: TestServer) => s.problems.filter((line) => line.includes('TRUST_PROXY'));
const get = (s: TestServer, headers: Record<string, string> = {}) => fetch(`${s.url}/healthz`, { headers }).then((res) => res.status);

describe('TRUST_PROXY off behind a proxy', () => {
  it('a request with X-Forwarded-For to a server with TRUST_PROXY off logs one warning naming TRUST_PROXY, however many follow', async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '0' } });
    expect(await get(server, { 'x-forwarded-for': '203.0.113.7' })).toBe(200);
    for (let i = 0; i < 20; i++) await get(server, { 'x-forwarded-for': `203.0.113.${i}` });
    const upgraded = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin, 'x-forwarded-for': '203.0.113.8' });
    await upgraded.close();

    expect(warnings(server)).toHaveLength(1);
    expect(warnings(server)[0]).toMatch(/^\S+ warn .*X-Forwarded-For.*TRUST_PROXY=1/);
    expect(server.problems).toHaveLength(1);
  });

  it('an upgrade carrying Forwarded (or X-Real-IP) warns too', async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '0' } });
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin, forwarded: 'for=203.0.113.7;proto=https' });
    await socket.close();
    await get(server, { 'x-real-ip': '203.0.113.9' });
    expect(warnings(server)).toHaveLength(1);
    expect(warnings(server)[0]).toMatch(/carry Forwarded but TRUST_PROXY is off/);
  });

  it('the warning comes back after PROXY_WARNING_EVERY_MS while the headers keep coming, with how many requests carried them', async () => {
    let skew = 0;
    server = await startTestServer({ env: { TRUST_PROXY: '0' }, now: () => Date.now() + skew });
    await get(server, { 'x-forwarded-for': '203.0.113.7' });
    for (let i = 0; i < 4; i++) await get(server, { 'x-forwarded-for': '203.0.113.7' });
    skew += PROXY_WARNING_EVERY_MS;
    await get(server, { 'x-forwarded-for': '203.0.113.7' });
    await get(server, { 'x-forwarded-for': '203.0.113.7' });
    expect(warnings(server)).toHaveLength(2);
    expect(warnings(server)[1]).toMatch(/requests=5\b/);
  });

  it('no warning without the headers, nor with TRUST_PROXY=1', async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '0' } });
    await get(server);
    await openVisitor(server).then(({ socket }) => socket.close());
    expect(server.problems).toEqual([]);
    await server.stop();

    server = await startTestServer({ env: { TRUST_PROXY: '1' } });
    await get(server, { 'x-forwarded-for': '203.0.113.7' });
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin, 'x-forwarded-for': '203.0.113.7' });
    await socket.close();
    expect(server.problems).toEqual([]);
  });
});
