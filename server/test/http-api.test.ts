import { describe, expect, it } from 'vitest';
import { login, openVisitor } from './clients';
import { ADMIN, serverForAll } from './harness';

const server = serverForAll();

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.origin, ...headers }, body });

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('agent sign-in', () => {
  it('a correct login sets an HttpOnly, SameSite=Strict session cookie that opens /me', async () => {
    const res = await post('/api/v1/auth/login', JSON.stringify({ email: ' Admin@Example.com ', password: ADMIN.password }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ agent: expect.objectContaining({ email: ADMIN.email, role: 'admin', name: ADMIN.name }) });
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^papo_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.status).toBe(200);
  });

  it.each([
    ['a wrong password', { email: ADMIN.email, password: 'wrong password' }],
    ['an unknown e-mail', { email: 'nobody@example.com', password: ADMIN.password }],
  ])('%s answers 401 invalid_credentials and sets no cookie', async (_name, body) => {
    const res = await post('/api/v1/auth/login', JSON.stringify(body));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('invalid_credentials');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"email":', 400, 'invalid_json'],
    ['an invalid e-mail', JSON.stringify({ email: 'not-an-email', password: 'x' }), 400, 'invalid_request'],
    ['a missing password', JSON.stringify({ email: ADMIN.email }), 400, 'invalid_request'],
    ['an oversized body', JSON.stringify({ email: ADMIN.email, password: 'x'.repeat(20_000) }), 400, 'invalid_request'],
  ])('%s answers %i %s', async (_name, body, status, code) => {
    const res = await post('/api/v1/auth/login', body);
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
  });

  it('a login posted from another origin is refused with 403 origin_not_allowed', async () => {
    const res = await post('/api/v1/auth/login', JSON.stringify({ email: ADMIN.email, password: ADMIN.password }), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('origin_not_allowed');
  });

  it('logout ends the session', async () => {
    const cookie = await login(server);
    const out = await post('/api/v1/auth/logout', '', { cookie });
    expect(out.status).toBe(204);
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(401);
    expect((await errorOf(me)).code).toBe('not_authenticated');
  });
});

describe('conversation reads', () => {
  it('listing conversations needs a session', async () => {
    const res = await fetch(`${server.url}/api/v1/conversations`);
    expect(res.status).toBe(401);
  });

  it('an agent pages through a conversation\'s events, oldest first', async () => {
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('1');
    for (const text of ['2', '3', '4']) await visitor.socket.say(text, conversationId);
    const cookie = await login(server);

    const list = (await (await fetch(`${server.url}/api/v1/conversations`, { headers: { cookie } })).json()) as {
      conversations: { id: string; lastMessage: { text: string } | null }[];
    };
    expect(list.conversations.find((c) => c.id === conversationId)?.lastMessage?.text).toBe('4');

    const page = await fetch(`${server.url}/api/v1/conversations/${conversationId}/events?before=6&limit=2`, { headers: { cookie } });
    expect(await page.json()).toEqual({ events: [expect.objectContaining({ seq: 4, text: '2' }), expect.objectContaining({ seq: 5, text: '3' })], hasMore: true });

    const bad = await fetch(`${server.url}/api/v1/conversations/${conversationId}/events?limit=abc`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    const missing = await fetch(`${server.url}/api/v1/conversations/nope/events`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('conversation_not_found');
  });

  it('an unknown route answers a JSON 404', async () => {
    const res = await fetch(`${server.url}/api/v1/nothing-here`, { headers: { cookie: await login(server) } });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
  });
});
