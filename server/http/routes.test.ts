import { describe, expect, it } from 'vitest';
import { ROUTES, routeOf, type RouteSpec } from '../../shared/routes';
import { createHttpApp, type HttpDeps } from './app';

/** Deps that are never called: building the app only registers its routes. */
const idle = new Proxy({ distDir: '/nonexistent', examplesDir: '/nonexistent', demo: false, publicOrigin: null, trustProxy: 0 } as Record<string, unknown>, {
  get: (known, key) => (key in known ? known[key as string] : () => undefined),
}) as unknown as HttpDeps;

const registered = () =>
  createHttpApp(idle)
    // Middleware is ALL; the files' CORS preflight (OPTIONS) is no operation of the API.
    .routes.filter((r) => r.method !== 'ALL' && r.method !== 'OPTIONS' && r.path.startsWith('/api/v1/'))
    .map((r) => `${r.method} ${r.path}`);

describe('shared/routes.ts, the one declaration of the HTTP API', () => {
  it('the server registers every route of the table, with its method and path, and none besides', () => {
    const declared = (Object.values(ROUTES) as RouteSpec[]).map((r) => `${r.method} /api/v1${r.path}`);
    expect([...new Set(registered())].sort()).toEqual([...new Set(declared)].sort());
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('routeOf finds the route a request reaches, and none for a path or method the table lacks', () => {
    expect(routeOf('POST', '/conversations/abc/accept')).toBe('accept');
    expect(routeOf('GET', '/conversations/abc')).toBe('conversation');
    expect(routeOf('get', '/conversations?view=closed&limit=5')).toBe('conversations');
    expect(routeOf('DELETE', '/conversations/abc')).toBe('deleteConversation');
    expect(routeOf('PUT', '/conversations/abc/accept')).toBeNull();
    expect(routeOf('GET', '/conversations/abc/nothing')).toBeNull();
    expect(routeOf('GET', '/sites/a/b/widget')).toBeNull();
  });
});
