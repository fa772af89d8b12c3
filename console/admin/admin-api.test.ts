import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminApiError, adminApi, query } from './admin-api';

interface Seen {
  url: string;
  init: RequestInit;
}

function stubFetch(answer: () => Response | Promise<Response>): Seen[] {
  const seen: Seen[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return Promise.resolve().then(answer);
  });
  return seen;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('query', () => {
  it.each([
    [{}, ''],
    [{ q: '' }, ''],
    [{ q: ' frete ', category: undefined, language: 'pt-BR' }, '?q=frete&language=pt-BR'],
    [{ q: 'a&b=c' }, '?q=a%26b%3Dc'],
  ])('%j -> %s', (params, expected) => {
    expect(query(params)).toBe(expected);
  });
});

describe('adminApi', () => {
  it('sends JSON to /api/v1 with the session cookie and reads the answer', async () => {
    const seen = stubFetch(() => json(200, { conversation: { id: 'c1' } }));
    const conversation = await adminApi.startChat('v/1', '3b241101-e2bb-4255-8caf-4136c566a962', 'Olá!');
    expect(conversation).toEqual({ id: 'c1' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/api/v1/visitors/v%2F1/conversations');
    expect(seen[0]!.init.method).toBe('POST');
    expect(seen[0]!.init.credentials).toBe('same-origin');
    expect(new Headers(seen[0]!.init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(seen[0]!.init.body))).toEqual({ clientId: '3b241101-e2bb-4255-8caf-4136c566a962', text: 'Olá!' });
  });

  it('puts the filters of a search in the query string', async () => {
    const seen = stubFetch(() => json(200, { cannedReplies: [] }));
    await adminApi.cannedReplies({ q: 'frete', category: '', language: 'en' });
    expect(seen[0]!.url).toBe('/api/v1/canned-replies?q=frete&language=en');
    expect(seen[0]!.init.method).toBe('GET');
    expect(seen[0]!.init.body).toBeUndefined();
  });

  it('answers nothing for 204', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    await expect(adminApi.deleteQueue('q1')).resolves.toBeUndefined();
  });

  it.each<[string, () => Promise<unknown>, string, string, unknown]>([
    ['disable an agent', () => adminApi.setAgentDisabled('a/1', true), 'PUT', '/api/v1/agents/a%2F1/disabled', { disabled: true }],
    ['enable an agent', () => adminApi.setAgentDisabled('a1', false), 'PUT', '/api/v1/agents/a1/disabled', { disabled: false }],
    ['list blocks', () => adminApi.blocks(), 'GET', '/api/v1/blocks', undefined],
    ['add a block', () => adminApi.addBlock({ kind: 'cidr', value: '203.0.113.0/24', expiresAt: null }), 'POST', '/api/v1/blocks', { kind: 'cidr', value: '203.0.113.0/24', expiresAt: null }],
    ['lift a block', () => adminApi.liftBlock('b1'), 'DELETE', '/api/v1/blocks/b1', undefined],
    ['read a site\'s masking', () => adminApi.siteMasking('s1'), 'GET', '/api/v1/sites/s1/masking', undefined],
    ['set a site\'s masking', () => adminApi.setSiteMasking('s1', 'redact'), 'PUT', '/api/v1/sites/s1/masking', { mode: 'redact' }],
  ])('issue 6: %s', async (_name, call, method, url, body) => {
    const seen = stubFetch(() => json(200, { blocks: [], block: { id: 'b1' }, mode: 'redact' }));
    await call();
    expect(seen[0]!.init.method).toBe(method);
    expect(seen[0]!.url).toBe(url);
    expect(seen[0]!.init.body === undefined ? undefined : JSON.parse(String(seen[0]!.init.body))).toEqual(body);
  });

  it.each([
    ['the error body', () => json(409, { error: { code: 'conflict', message: 'This already exists.' } }), 409, 'conflict', 'This already exists.'],
    ['a body that is not JSON', () => new Response('<html>', { status: 502, statusText: 'Bad Gateway' }), 502, 'internal', 'Bad Gateway'],
    ['a JSON body of another shape', () => json(500, { oops: true }), 500, 'internal', 'HTTP 500'],
    ['an unreachable server', () => Promise.reject(new TypeError('Failed to fetch')), 0, 'network_error', 'Failed to fetch'],
  ])('a refusal throws status, code and message from %s', async (_name, answer, status, code, message) => {
    stubFetch(answer);
    const err: unknown = await adminApi.queues().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    expect(err).toMatchObject({ status, code, message });
  });
});
