/**
 * shared/routes.ts says who may call each route; the running server agrees: a route for agents refuses a
 * request with no session (401), and one that names a privilege refuses a plain agent (403), before
 * anything else is looked at (SPEC R10). Every route of the table is tried, with a made-up id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../shared/routes';
import { api, createAgent } from './agents';
import { startTestServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const routes = Object.entries(ROUTES) as Array<[string, RouteSpec]>;
const pathOf = (r: RouteSpec) => r.path.replace(/:[A-Za-z]+/g, 'no-such-id');

describe('route access as shared/routes.ts declares it', () => {
  it('every agent route answers 401 not_authenticated without a session', async () => {
    const anonymous = api(server, '');
    const refused = [];
    for (const [name, r] of routes.filter(([, r]) => r.access === 'agent')) {
      const res = await anonymous.call(r.method, pathOf(r), r.body ? {} : undefined);
      if (res.status !== 401 || res.body?.error?.code !== 'not_authenticated') refused.push(`${name}: ${res.status}`);
    }
    expect(refused).toEqual([]);
  });

  it('every public route answers without a session (whatever it says about the empty input, never 401)', async () => {
    const anonymous = api(server, '');
    const refused = [];
    for (const [name, r] of routes.filter(([, r]) => r.access === 'public')) {
      const res = await anonymous.call(r.method, pathOf(r), r.body ? {} : undefined);
      if (res.status === 401) refused.push(name);
    }
    expect(refused).toEqual([]);
  });

  it('every route that names a privilege answers 403 forbidden to a plain agent, before its input or id is looked at', async () => {
    const agent = await createAgent(server, { role: 'agent' });
    const wrong = [];
    for (const [name, r] of routes.filter(([, r]) => r.privilege !== undefined)) {
      const res = await agent.api.call(r.method, pathOf(r), r.body ? {} : undefined);
      if (res.status !== 403 || res.body?.error?.code !== 'forbidden') wrong.push(`${name}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
