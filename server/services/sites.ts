/**
 * @module The sites as the admin routes, the widget's settings read and the file routes see them: a site by
 * id or key, "the first site when none is given", and the writes of its widget settings (SPEC W4-W6), its
 * identity secret, its embedding origins (SPEC D10) and its offline settings (SPEC T3). Bot webhooks are
 * services/bot.ts's, masking services/masking-policy.ts's. Each write is announced on the control channel
 * (issue 14): the other nodes' caches of sites (availability's business hours) read it again.
 */
import type { SitesAnswer, SiteTicketing, SiteWidget } from '../../shared/api';
import { normalizeOrigin } from '../domain/origins';
import { DEFAULT_TICKETING } from '../domain/tickets';
import { widgetSettings } from '../domain/widget-settings';
import { AppError } from '../errors';
import { randomToken } from '../ids';
import type { ControlMessage } from '../bus/control';
import type { Site, Store } from '../store/store';
import type { Directory } from './directory';

export type Sites = ReturnType<typeof createSites>;

export function createSites({
  store,
  directory,
  announce = () => {},
}: {
  store: Store;
  directory: Pick<Directory, 'queues'>;
  /** Issue 14: tells the other nodes a site changed; nothing on one node. */
  announce?: (message: ControlMessage) => void;
}) {
  const changed = (siteId: string) => announce({ type: 'site', siteId });
  /** The site, or `not_found` "No such site.". */
  async function get(id: string): Promise<Site> {
    const site = await store.sites.byId(id);
    if (!site) throw new AppError('not_found', 'No such site.');
    return site;
  }

  return {
    get,

    /** The site, or null (for callers whose refusal says nothing about sites). */
    find: (id: string): Promise<Site | null> => store.sites.byId(id),

    /** The given site, or the first one when none is given; `not_found` "No such site." when there is none. */
    async resolve(siteId: string | undefined): Promise<string> {
      const id = siteId ?? (await store.sites.list())[0]?.id;
      if (!id || !(await store.sites.byId(id))) throw new AppError('not_found', 'No such site.');
      return id;
    },

    async list(): Promise<SitesAnswer['sites']> {
      return (await store.sites.list()).map((s) => ({ id: s.id, name: s.name, key: s.key, defaultQueueId: s.defaultQueueId, botWebhookUrl: s.botWebhookUrl }));
    },

    /** Every site (for the sight rules that need them all). */
    all: (): Promise<Site[]> => store.sites.list(),

    /** SPEC W4: what the loader reads for the site with this key; `site_not_found` when none has it. */
    async widgetSettingsByKey(key: string) {
      const site = await store.sites.byKey(key);
      if (!site) throw new AppError('site_not_found');
      return widgetSettings(site.widget, directory.queues(site.id));
    },

    /**
     * Saves a site's widget settings; the pre-chat form offers only this site's queues (SPEC W5), once each.
     * `nowStrict`: strict identity was just turned on (SPEC W6: the anonymous sockets must close).
     */
    async setWidget(before: Site, widget: SiteWidget): Promise<{ saved: SiteWidget; nowStrict: boolean }> {
      const own = new Set(directory.queues(before.id).map((q) => q.id));
      const foreign = widget.prechat.queues.find((q) => !own.has(q));
      if (foreign !== undefined) throw new AppError('invalid_request', `prechat.queues: ${foreign.slice(0, 64)} is not a queue of this site.`);
      const saved = { ...widget, prechat: { ...widget.prechat, queues: [...new Set(widget.prechat.queues)] } };
      await store.sites.update(before.id, { widget: saved });
      changed(before.id);
      return { saved, nowStrict: saved.strictIdentity && !before.widget?.strictIdentity };
    },

    /** A new identity secret (SPEC W6), or none. */
    async setIdentitySecret(id: string, rotate: boolean): Promise<string | null> {
      const identitySecret = rotate ? randomToken(32) : null;
      await store.sites.update(id, { identitySecret });
      changed(id);
      return identitySecret;
    },

    /** SPEC D10: stored as browsers send them (lower-case, no default port), once each. */
    async setOrigins(id: string, allowedOrigins: readonly string[]): Promise<string[]> {
      const clean = [...new Set(allowedOrigins.map((o) => (o === 'self' || o === '*' || o.includes('://*.') ? o.toLowerCase() : (normalizeOrigin(o) ?? o))))];
      await store.sites.update(id, { allowedOrigins: clean });
      changed(id);
      return clean;
    },

    async ticketing(id: string): Promise<SiteTicketing> {
      return (await get(id)).ticketing ?? DEFAULT_TICKETING;
    },

    /** `not_found` "No such site." when there is none (nothing written). */
    async setTicketing(id: string, ticketing: SiteTicketing): Promise<void> {
      if (!(await store.sites.update(id, { ticketing }))) throw new AppError('not_found', 'No such site.');
      changed(id);
    },
  };
}
