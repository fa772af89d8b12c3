/**
 * SPEC W4/W5 against the real server: the public widget settings endpoint (defaults, after an admin's PUT,
 * unknown site, CORS and caching), the same settings in the visitor's welcome, and the admin route's checks.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET, type SiteWidget } from '../../shared/api';
import { uuidv7 } from '../ids';
import { adminApi, createAgent, makeQueue, type Api } from './agents';
import { openVisitor } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();
let siteId: string;
let admin: Api;

beforeAll(async () => {
  siteId = (await server.papo.store.sites.byKey(server.siteKey))!.id;
  admin = await adminApi(server);
});

const publicSettings = (key: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/v1/widget/settings?site=${encodeURIComponent(key)}`, { headers });

const custom = (queues: string[]): SiteWidget => ({
  color: '#1D4ED8',
  position: 'left',
  launcherText: 'Fale com a gente',
  greeting: 'Olá! Como podemos ajudar?',
  agentDisplay: 'name',
  locale: 'pt-BR',
  prechat: { enabled: true, name: 'required', email: 'optional', queues, consent: 'Aceito a política de privacidade.' },
  uploads: { enabled: false, maxBytes: 2 * 1024 * 1024 },
  strictIdentity: false,
});

describe('W4: GET /api/v1/widget/settings', () => {
  it('a site that never saved settings answers the defaults, to any origin, cacheable for a minute', async () => {
    const res = await publicSettings(server.siteKey, { origin: 'https://loja.example.com.br' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    // Issue 15: an origin the site does not allow is told so beside the settings (refused-origins.test.ts).
    // Issue 15 (widget weight): with the text colour on the accent, the loader's pick (white on the default green).
    const defaults = { settings: { ...DEFAULT_WIDGET, prechat: { ...DEFAULT_WIDGET.prechat, queues: [] } }, onAccent: '#fff' };
    expect(await res.json()).toEqual({ ...defaults, refused: expect.objectContaining({ code: 'origin_not_allowed' }) });
    expect(await (await publicSettings(server.siteKey, { origin: server.origin })).json()).toEqual(defaults);
  });

  it('an unknown site is 404 site_not_found; no site is 400 invalid_request', async () => {
    const unknown = await publicSettings(`nope-${randomUUID()}`);
    expect(unknown.status).toBe(404);
    // The loader on another origin can read the refusal too.
    expect(unknown.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('site_not_found');
    const none = await fetch(`${server.url}/api/v1/widget/settings`);
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  it("after an admin's PUT: the saved settings, queues named in the chosen order, in the endpoint and the welcome", async () => {
    const sales = await makeQueue(server, { name: `Vendas ${randomUUID().slice(0, 4)}` });
    const support = await makeQueue(server, { name: `Suporte ${randomUUID().slice(0, 4)}` });
    const put = await admin.put(`/sites/${siteId}/widget`, custom([support.id, sales.id]));
    expect(put.status).toBe(200);
    expect(put.body).toEqual(custom([support.id, sales.id]));
    expect((await admin.get(`/sites/${siteId}/widget`)).body).toEqual(custom([support.id, sales.id]));

    const expected = { ...custom([]), prechat: { ...custom([]).prechat, queues: [support, sales] } };
    const res = await publicSettings(server.siteKey);
    expect(await res.json()).toEqual({ settings: expected, onAccent: '#fff' });
    const { socket, session } = await openVisitor(server);
    expect(session.site.widget).toEqual(expected);
    await socket.close();

    // A queue deleted later drops out of what the widget reads.
    expect((await admin.delete(`/queues/${sales.id}`)).status).toBe(204);
    const after = (await (await publicSettings(server.siteKey)).json()) as { settings: { prechat: { queues: unknown[] } } };
    expect(after.settings.prechat.queues).toEqual([support]);
    // Back to the defaults for the other tests.
    expect((await admin.put(`/sites/${siteId}/widget`, DEFAULT_WIDGET)).status).toBe(200);
  });
});

describe('W4: PUT /api/v1/sites/:id/widget refuses bad input and changes nothing', () => {
  let otherSitesQueue: string;
  beforeAll(async () => {
    const otherSite = uuidv7();
    await server.papo.store.sites.create({ id: otherSite, key: `other-${randomUUID()}`, name: 'Outro', allowedOrigins: ['self'], createdAt: Date.now() });
    const made = await admin.post('/queues', { siteId: otherSite, name: 'Fila de outro site', strategy: 'broadcast', offerTimeoutMs: 30_000, agentIds: [] });
    expect(made.status).toBe(201);
    otherSitesQueue = made.body.queue.id;
  });

  const bad: Array<[string, (w: SiteWidget) => unknown]> = [
    ['a colour that is not #rrggbb', (w) => ({ ...w, color: 'red' })],
    ['a short colour', (w) => ({ ...w, color: '#fff' })],
    ['an unknown position', (w) => ({ ...w, position: 'top' })],
    ['a launcher text over 40 characters', (w) => ({ ...w, launcherText: 'x'.repeat(41) })],
    ['an unknown language', (w) => ({ ...w, locale: 'fr' })],
    ['an upload limit over 50 MB', (w) => ({ ...w, uploads: { enabled: true, maxBytes: 51 * 1024 * 1024 } })],
    ['a pre-chat field mode that does not exist', (w) => ({ ...w, prechat: { ...w.prechat, name: 'mandatory' } })],
    ['a missing field', ({ strictIdentity: _s, ...w }) => w],
  ];
  it.each(bad)('%s is 400 invalid_request', async (_name, make) => {
    const before = (await server.papo.store.sites.byId(siteId))!.widget;
    const res = await admin.put(`/sites/${siteId}/widget`, make(DEFAULT_WIDGET));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect((await server.papo.store.sites.byId(siteId))!.widget).toEqual(before);
  });

  it("another site's queue, or an unknown one, is 400 invalid_request", async () => {
    const before = (await server.papo.store.sites.byId(siteId))!.widget;
    for (const queue of [otherSitesQueue, uuidv7()]) {
      const res = await admin.put(`/sites/${siteId}/widget`, custom([queue]));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('prechat.queues') });
    }
    expect((await server.papo.store.sites.byId(siteId))!.widget).toEqual(before);
  });

  it('agents and supervisors are 403; an unknown site is 404', async () => {
    for (const role of ['agent', 'supervisor'] as const) {
      const someone = await createAgent(server, { role });
      expect((await someone.api.put(`/sites/${siteId}/widget`, custom([]))).status).toBe(403);
      expect((await someone.api.get(`/sites/${siteId}/widget`)).status).toBe(403);
    }
    expect((await admin.put(`/sites/${uuidv7()}/widget`, custom([]))).status).toBe(404);
    expect((await server.papo.store.sites.byId(siteId))!.widget?.color ?? DEFAULT_WIDGET.color).toBe(DEFAULT_WIDGET.color);
  });

  it('a PUT from another origin is refused like every console write', async () => {
    const res = await fetch(`${server.url}/api/v1/sites/${siteId}/widget`, {
      method: 'PUT',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', cookie: '' },
      body: JSON.stringify(custom([])),
    });
    expect(res.status).toBe(403);
  });
});

describe('D10: PUT /api/v1/sites/:id/origins (a host backend on its own domain)', () => {
  it("an origin added by an admin may open the widget's socket; removed, it may not", async () => {
    const before = (await admin.get(`/sites/${siteId}/origins`)).body.allowedOrigins as string[];
    expect(before).toEqual(['self']);
    const put = await admin.put(`/sites/${siteId}/origins`, { allowedOrigins: ['self', 'HTTP://Localhost:3000', 'https://*.loja.example.com.br', 'self'] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ allowedOrigins: ['self', 'http://localhost:3000', 'https://*.loja.example.com.br'] });
    const { socket } = await openVisitor(server, { origin: 'http://localhost:3000' });
    await socket.close();
    await openVisitor(server, { origin: 'https://app.loja.example.com.br' }).then(({ socket: s }) => s.close());

    expect((await admin.put(`/sites/${siteId}/origins`, { allowedOrigins: before })).status).toBe(200);
    await expect(openVisitor(server, { origin: 'http://localhost:3000' })).rejects.toMatchObject({ status: 403 });
  });

  it.each([
    ['a path', 'https://shop.example.com/loja'],
    ['not a URL', 'shop.example.com'],
    ['another scheme', 'ftp://shop.example.com'],
    ['a wildcard in the middle', 'https://shop.*.example.com'],
  ])('%s is 400 invalid_request and changes nothing', async (_name, entry) => {
    const res = await admin.put(`/sites/${siteId}/origins`, { allowedOrigins: ['self', entry] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect((await server.papo.store.sites.byId(siteId))!.allowedOrigins).toEqual(['self']);
  });

  it('agents may not read or change them', async () => {
    const someone = await createAgent(server, { role: 'supervisor' });
    expect((await someone.api.put(`/sites/${siteId}/origins`, { allowedOrigins: ['*'] })).status).toBe(403);
    expect((await server.papo.store.sites.byId(siteId))!.allowedOrigins).toEqual(['self']);
  });
});
