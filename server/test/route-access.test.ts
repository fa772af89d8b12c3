/**
 * shared/routes.ts says who may call each route; the running server agrees: a route for agents refuses a
 * request with no session (401), and one that names a privilege refuses a plain agent (403), before
 * anything else is looked at (SPEC R10); a bot route refuses a call without its site's bot token (SPEC R12),
 * a visitor-or-agent route one with neither a visitor token nor a session (SPEC W3). Every route of the
 * table is tried, with a made-up id.
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

  // The bot routes read their body before the token (bot-api.ts hands the header to the service after
  // `body()`): an empty body answers 400 whoever calls. So each is sent a body its schema accepts, and the
  // refusal tried is the token's alone.
  const botBodies: Record<string, unknown> = { botMessage: { clientId: '01900000-0000-7000-8000-000000000000', text: 'Olá' }, botHandoff: {} };
  const botCall = async (r: RouteSpec, name: string, headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/api/v1${pathOf(r)}`, {
      method: r.method,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(botBodies[name] ?? {}),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code?: string } } };
  };

  it.each([
    ['no Authorization header', {}],
    ['a token no site was given', { authorization: 'Bearer bot_no-such-token' }],
    ['a header that is not a bearer token', { authorization: 'Basic Ym90OmJvdA==' }],
  ])('every bot route answers 401 bot_token_invalid with %s', async (_, headers: Record<string, string>) => {
    const bots = routes.filter(([, r]) => r.access === 'bot');
    expect(bots.map(([name]) => name).sort()).toEqual(Object.keys(botBodies).sort());
    const refused = [];
    for (const [name, r] of bots) {
      const res = await botCall(r, name, headers);
      if (res.status !== 401 || res.body.error?.code !== 'bot_token_invalid') refused.push(`${name}: ${res.status} ${res.body.error?.code}`);
    }
    expect(refused).toEqual([]);
  });

  it("every bot route refuses a signed-in agent's session: a bot is let in by its token alone", async () => {
    const admin = await createAgent(server, { role: 'admin' });
    const refused = [];
    for (const [name, r] of routes.filter(([, r]) => r.access === 'bot')) {
      const res = await botCall(r, name, { cookie: admin.cookie, origin: server.origin });
      if (res.status !== 401 || res.body.error?.code !== 'bot_token_invalid') refused.push(`${name}: ${res.status} ${res.body.error?.code}`);
    }
    expect(refused).toEqual([]);
  });

  it('every visitor-or-agent route refuses a caller with neither a visitor token nor a session: 401, but a file is 404', async () => {
    // A file's refusal says nothing about the file, not even why (files-api.ts): not_found, like a missing one.
    const answers: Record<string, [number, string]> = { file: [404, 'not_found'] };
    const anonymous = api(server, '');
    const wrong = [];
    for (const [name, r] of routes.filter(([, r]) => r.access === 'visitor-or-agent')) {
      const [status, code] = answers[name] ?? [401, 'not_authenticated'];
      const res = await anonymous.call(r.method, pathOf(r), r.body ? {} : undefined);
      if (res.status !== status || res.body?.error?.code !== code) wrong.push(`${name}: ${res.status} ${res.body?.error?.code}`);
    }
    expect(wrong).toEqual([]);
  });
});
