import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminApi } from '../console/admin/admin-api';
import { api } from '../console/session/api';
import { routeOf } from './routes';

/** The calls whose first argument is not an id or a text: what each is given so it builds a real request. */
const ARGS: Record<string, unknown[]> = {
  conversations: [{ view: 'closed', queue: 'q1', limit: 50, cursor: 'c1' }],
  conversationPage: [{ view: 'open' }],
  tickets: ['?status=open'],
  cannedReplies: [{ q: 'frete', language: 'en' }],
};
const ANY_ARGS = ['id-1', 'id-2', 'id-3'];

/** Every request each function of `client` sends, as `METHOD /path` under /api/v1 (query string dropped). */
async function requestsOf(client: Record<string, unknown>): Promise<Array<{ name: string; request: string }>> {
  const sent: Array<{ name: string; request: string }> = [];
  let current = '';
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    sent.push({ name: current, request: `${init?.method ?? 'GET'} ${url.replace(/^\/api\/v1/, '')}` });
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  });
  for (const [name, fn] of Object.entries(client)) {
    if (typeof fn !== 'function') continue;
    current = name;
    const before = sent.length;
    await Promise.resolve((fn as (...args: unknown[]) => unknown)(...(ARGS[name] ?? ANY_ARGS))).catch(() => undefined);
    if (sent.length === before) sent.push({ name, request: 'none' });
  }
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the console's hand-typed paths, checked against shared/routes.ts", () => {
  for (const [label, client] of [
    ['console/api.ts', api],
    ['console/admin/admin-api.ts', adminApi],
  ] as const) {
    it(`every request of ${label} reaches a declared route with its method`, async () => {
      const requests = await requestsOf(client);
      expect(requests.length).toBeGreaterThan(10);
      const unknown = requests.filter(({ request }) => {
        const [method, path] = request.split(' ');
        return !path || routeOf(method!, path) === null;
      });
      expect(unknown).toEqual([]);
    });
  }
});
