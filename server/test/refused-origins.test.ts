/**
 * Issue 15 (site owners), SPEC D10 against the real server: a page on an origin the site does not allow is
 * told so by the widget's settings answer (typed, with the console line for the site owner), the refusal is
 * counted for the admin (bounded), and one click allows it: the settings answer and the socket then accept it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RefusedOriginsAnswer, WidgetSettingsAnswer } from '../../shared/api';
import { REFUSED_ORIGINS_PER_DAY } from '../domain/refused-origins';
import { adminApi, createAgent, type Api } from './agents';
import { openVisitor, TestSocket, UpgradeRefused } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();
let siteId: string;
let admin: Api;

beforeAll(async () => {
  siteId = (await server.papo.store.sites.byKey(server.siteKey))!.id;
  admin = await adminApi(server);
});

const settingsFrom = async (origin: string | null, key = server.siteKey) => {
  const res = await fetch(`${server.url}/api/v1/widget/settings?site=${encodeURIComponent(key)}`, { headers: origin ? { origin } : {} });
  return { res, body: (await res.json()) as WidgetSettingsAnswer };
};

const refusedList = async (id = siteId) => (await admin.get<RefusedOriginsAnswer>(`/sites/${id}/refused-origins`)).body.refused;

describe('issue 15: a page on a refused origin', () => {
  it('D10: the settings answer says the origin is refused, with the one line the loader prints: the origin and Administration → Sites and widget → site → Allowed pages', async () => {
    const { res, body } = await settingsFrom('https://shop.example.com');
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(body.settings.color).toMatch(/^#/);
    expect(body.refused).toEqual({ code: 'origin_not_allowed', origin: 'https://shop.example.com', message: expect.any(String) });
    expect(body.refused!.message).toContain('https://shop.example.com');
    expect(body.refused!.message).toContain('Administration → Sites and widget → Demo site → Allowed pages');

    // The server's own pages (self) and requests without an Origin are not refused.
    expect((await settingsFrom(server.origin)).body.refused).toBeUndefined();
    expect((await settingsFrom(null)).body.refused).toBeUndefined();
  });

  it('each refusal is counted per origin and shown to the admin with today\'s count; malformed origins are not recorded', async () => {
    for (let i = 0; i < 4; i++) await settingsFrom('https://counted.example.com');
    for (const junk of ['null', 'https://x.example.com/path', 'HTTPS://UPPER.example.com', `https://${'a'.repeat(250)}.com`]) {
      expect((await settingsFrom(junk)).body.refused?.code).toBe('origin_not_allowed');
    }
    const list = await refusedList();
    expect(list.find((r) => r.origin === 'https://counted.example.com')).toMatchObject({ today: 4, total: 4 });
    expect(list.map((r) => r.origin).every((o) => /^https?:\/\/[a-z0-9.-]+(:\d+)?$/.test(o) && o.length < 200)).toBe(true);
  });

  it('only admins see and allow refused origins; a bad origin changes nothing', async () => {
    const agent = await createAgent(server, { role: 'supervisor' });
    expect((await agent.api.get(`/sites/${siteId}/refused-origins`)).status).toBe(403);
    expect((await agent.api.post(`/sites/${siteId}/refused-origins/allow`, { origin: 'https://shop.example.com' })).status).toBe(403);
    const before = (await admin.get(`/sites/${siteId}/origins`)).body;
    const bad = await admin.post(`/sites/${siteId}/refused-origins/allow`, { origin: 'javascript:alert(1)' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect((await admin.post(`/sites/${siteId}/refused-origins/allow`, {})).body.error.code).toBe('invalid_request');
    expect((await admin.post(`/sites/nope/refused-origins/allow`, { origin: 'https://shop.example.com' })).body.error.code).toBe('not_found');
    expect((await admin.get(`/sites/${siteId}/origins`)).body).toEqual(before);
  });

  it('one click allows it: added to the allowed pages, its record cleared, and the page then gets settings and a socket', async () => {
    const origin = 'https://allow-me.example.com';
    await settingsFrom(origin);
    // Until allowed, the socket's upgrade is refused with 403 (the loader no longer tries it).
    const refused = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(403);
    expect((await refusedList()).map((r) => r.origin)).toContain(origin);

    const allowed = await admin.post(`/sites/${siteId}/refused-origins/allow`, { origin });
    expect(allowed.status).toBe(200);
    expect(allowed.body.allowedOrigins).toEqual(['self', origin]);
    expect((await refusedList()).map((r) => r.origin)).not.toContain(origin);
    // A second click changes nothing.
    expect((await admin.post(`/sites/${siteId}/refused-origins/allow`, { origin })).body.allowedOrigins).toEqual(['self', origin]);

    expect((await settingsFrom(origin)).body.refused).toBeUndefined();
    const { socket } = await openVisitor(server, { origin });
    await socket.close();
    // An origin allowed through the list itself (or a wildcard) leaves the refused list too.
    await settingsFrom('https://listed.example.com');
    expect((await refusedList()).map((r) => r.origin)).toContain('https://listed.example.com');
    await admin.put(`/sites/${siteId}/origins`, { allowedOrigins: ['self', 'https://*.example.com'] });
    expect((await refusedList()).map((r) => r.origin)).not.toContain('https://listed.example.com');
    // Put the demo site back for the other tests.
    expect((await admin.put(`/sites/${siteId}/origins`, { allowedOrigins: ['self'] })).status).toBe(200);
  });

  it('a flood of made-up origins records at most the daily cap of distinct origins for the site', async () => {
    const { site } = (await admin.post<{ site: { id: string; key: string } }>('/sites', { name: 'Alvo' })).body;
    for (let i = 0; i < REFUSED_ORIGINS_PER_DAY + 15; i++) await settingsFrom(`https://flood${i}.example.net`, site.key);
    expect((await refusedList(site.id)).length).toBe(REFUSED_ORIGINS_PER_DAY);
    // Known origins still count.
    await settingsFrom('https://flood0.example.net', site.key);
    expect((await refusedList(site.id)).find((r) => r.origin === 'https://flood0.example.net')?.today).toBe(2);
  });
});
