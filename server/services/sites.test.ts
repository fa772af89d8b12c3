/**
 * The sites' rules that used to live in the admin routes: the first site when none is given, a pre-chat form
 * offering only the site's own queues (SPEC W5), strict identity just turned on (W6), origins stored as
 * browsers send them (D10), the offline settings (T3) and the identity secret. On a real SQLite store.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET, type SiteTicketing, type SiteWidget } from '../../shared/api';
import { DEFAULT_TICKETING } from '../domain/tickets';
import { databasePerTest, siteRecord, sqliteStoreFixture } from '../store/store-fixture';
import type { Site, Store } from '../store/store';
import { createDirectory } from './directory';
import { createSites, type Sites } from './sites';

const T0 = 1_750_000_000_000;
const db = databasePerTest(() => sqliteStoreFixture('papo-sites-'));

const widget = (over: Partial<SiteWidget> = {}, queues: string[] = []): SiteWidget => ({ ...DEFAULT_WIDGET, ...over, prechat: { ...DEFAULT_WIDGET.prechat, enabled: true, queues } });

describe('sites', () => {
  let store: Store;
  let sites: Sites;
  let s1: Site;
  let s2: Site;
  const make = async () => {
    let clock = T0;
    sites = createSites({ store, directory: await createDirectory(store, () => clock++) });
  };

  beforeEach(async () => {
    store = db.reopen();
    // Listed oldest first: s1 is "the first site" though created second.
    s2 = siteRecord({ id: 's2', key: 'key-s2', createdAt: T0 + 10 });
    s1 = siteRecord({ id: 's1', key: 'key-s1', createdAt: T0 });
    await store.sites.create(s2);
    await store.sites.create(s1);
    await store.queues.create({ id: 'q1', siteId: 's1', name: 'Vendas', strategy: 'broadcast', offerTimeoutMs: 30_000, createdAt: T0 });
    await store.queues.create({ id: 'q1b', siteId: 's1', name: 'Suporte', strategy: 'broadcast', offerTimeoutMs: 30_000, createdAt: T0 + 1 });
    await store.queues.create({ id: 'q2', siteId: 's2', name: 'Vendas', strategy: 'broadcast', offerTimeoutMs: 30_000, createdAt: T0 });
    await make();
  });

  it.each([
    ['none given: the first site', undefined, 's1'],
    ['a site given: that site', 's2', 's2'],
  ])('resolve, %s', async (_, given, id) => {
    expect(await sites.resolve(given)).toBe(id);
  });

  it('resolve: an unknown site is not_found; with no site at all, so is none given', async () => {
    await expect(sites.resolve('nope')).rejects.toMatchObject({ code: 'not_found', message: 'No such site.' });
    const fixture = sqliteStoreFixture('papo-sites-empty-');
    const empty = fixture.open();
    try {
      const none = createSites({ store: empty, directory: await createDirectory(empty, () => T0) });
      await expect(none.resolve(undefined)).rejects.toMatchObject({ code: 'not_found', message: 'No such site.' });
    } finally {
      await empty.close();
      fixture.destroy();
    }
  });

  it('get is not_found for an unknown site; find answers null', async () => {
    await expect(sites.get('nope')).rejects.toMatchObject({ code: 'not_found', message: 'No such site.' });
    expect(await sites.find('nope')).toBeNull();
    expect(await sites.find('s2')).toMatchObject({ id: 's2' });
  });

  it("setWidget: the pre-chat form offers only the site's own queues, once each", async () => {
    const { saved } = await sites.setWidget(s1, widget({}, ['q1b', 'q1', 'q1b']));
    expect(saved.prechat.queues).toEqual(['q1b', 'q1']);
    expect((await store.sites.byId('s1'))!.widget).toEqual(saved);
    // What the loader reads: the queues by name, in the admin's order.
    expect((await sites.widgetSettingsByKey('key-s1')).settings.prechat.queues).toEqual([
      { id: 'q1b', name: 'Suporte' },
      { id: 'q1', name: 'Vendas' },
    ]);
  });

  it.each([
    ["another site's queue", ['q1', 'q2'], 'prechat.queues: q2 is not a queue of this site.'],
    ['an unknown queue', ['nope'], 'prechat.queues: nope is not a queue of this site.'],
    ['an unknown queue, its id cut to 64 characters in the message', ['x'.repeat(100)], `prechat.queues: ${'x'.repeat(64)} is not a queue of this site.`],
  ])('setWidget refuses %s (invalid_request) and saves nothing', async (_, queues, message) => {
    await expect(sites.setWidget(s1, widget({}, queues))).rejects.toMatchObject({ code: 'invalid_request', message });
    expect((await store.sites.byId('s1'))!.widget).toBeNull();
  });

  it.each([
    ['off, then on: just turned on', false, true, true],
    ['on, then on again: not news', true, true, false],
    ['on, then off', true, false, false],
    ['off, then off', false, false, false],
  ])('setWidget reports strict identity %s', async (_, before, after, nowStrict) => {
    const stored = await sites.setWidget(s1, widget({ strictIdentity: before }));
    const site = { ...s1, widget: stored.saved };
    expect((await sites.setWidget(site, widget({ strictIdentity: after }))).nowStrict).toBe(nowStrict);
  });

  it('setWidget: a site with no widget saved yet counts as not strict', async () => {
    expect(s1.widget).toBeNull();
    expect((await sites.setWidget(s1, widget({ strictIdentity: true }))).nowStrict).toBe(true);
  });

  it.each([
    ['an exact origin, lower-cased', ['HTTPS://Shop.Example.COM'], ['https://shop.example.com']],
    ['its default port dropped', ['https://shop.example.com:443', 'http://shop.example.com:80'], ['https://shop.example.com', 'http://shop.example.com']],
    ['another port kept', ['http://localhost:8080'], ['http://localhost:8080']],
    ['a wildcard, lower-cased as written', ['HTTPS://*.Example.COM'], ['https://*.example.com']],
    ['self and *, kept', ['self', '*'], ['self', '*']],
    ['the same origin twice (once normalised), once', ['https://shop.example.com', 'HTTPS://SHOP.example.com:443', 'self', 'self'], ['https://shop.example.com', 'self']],
    ['none', [], []],
  ])('setOrigins stores %s', async (_, given, stored) => {
    expect(await sites.setOrigins('s1', given)).toEqual(stored);
    expect((await store.sites.byId('s1'))!.allowedOrigins).toEqual(stored);
  });

  it('ticketing: the product default until set; an unknown site is not_found, reading or writing (nothing written)', async () => {
    expect(await sites.ticketing('s1')).toEqual(DEFAULT_TICKETING);
    const mine: SiteTicketing = { businessHours: null, ticketWhenNoAgents: false, maxWaitMs: 60_000, offlineFields: [] };
    await sites.setTicketing('s1', mine);
    expect(await sites.ticketing('s1')).toEqual(mine);
    expect(await sites.ticketing('s2')).toEqual(DEFAULT_TICKETING);
    await expect(sites.ticketing('nope')).rejects.toMatchObject({ code: 'not_found', message: 'No such site.' });
    await expect(sites.setTicketing('nope', mine)).rejects.toMatchObject({ code: 'not_found', message: 'No such site.' });
    expect(await store.sites.byId('nope')).toBeNull();
  });

  it('the identity secret: a new one each rotation (the old replaced), none when cleared', async () => {
    const first = await sites.setIdentitySecret('s1', true);
    expect(first).toMatch(/^\S{32,}$/);
    expect((await store.sites.byId('s1'))!.identitySecret).toBe(first);
    const second = await sites.setIdentitySecret('s1', true);
    expect(second).not.toBe(first);
    expect((await store.sites.byId('s1'))!.identitySecret).toBe(second);
    expect(await sites.setIdentitySecret('s1', false)).toBeNull();
    expect((await store.sites.byId('s1'))!.identitySecret).toBeNull();
    expect((await store.sites.byId('s2'))!.identitySecret).toBeNull();
  });

  it('widgetSettingsByKey: an unknown key is site_not_found; a site with nothing saved reads the defaults', async () => {
    await expect(sites.widgetSettingsByKey('nope')).rejects.toMatchObject({ code: 'site_not_found' });
    expect(await sites.widgetSettingsByKey('key-s2')).toEqual({ settings: { ...DEFAULT_WIDGET, prechat: { ...DEFAULT_WIDGET.prechat, queues: [] } } });
  });

  it('widgetSettingsByKey (issue 15): a page whose origin the site does not allow is told so; its own origin and no origin are not', async () => {
    const self = 'http://papo.example';
    const refused = await sites.widgetSettingsByKey('key-s2', { origin: 'https://shop.example.com', self });
    expect(refused.refused).toMatchObject({ code: 'origin_not_allowed', origin: 'https://shop.example.com' });
    expect(refused.settings.color).toBe(DEFAULT_WIDGET.color);
    expect((await sites.widgetSettingsByKey('key-s2', { origin: undefined, self })).refused).toBeUndefined();
  });
});
