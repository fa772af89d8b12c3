/**
 * @module The sites as the admin routes, the widget's settings read and the file routes see them: a site by
 * id or key, "the first site when none is given", and the writes of its widget settings (SPEC W4-W6), its
 * identity secret, its embedding origins (SPEC D10) and its offline settings (SPEC T3). Bot webhooks are
 * services/bot.ts's, masking services/masking-policy.ts's. Each write is announced on the control channel
 * (issue 14): the other nodes' caches of sites (availability's business hours) read it again.
 */
import type { RefusedOriginsAnswer, SiteInfo, SitesAnswer, SiteTicketing, SiteWidget, WidgetSettingsAnswer } from '../../shared/api';
import { normalizeOrigin, originAllowed } from '../domain/origins';
import { recordableOrigin, REFUSED_ORIGINS_DAYS, REFUSED_ORIGINS_PER_DAY, refusedMessage, summarizeRefused } from '../domain/refused-origins';
import { DEFAULT_TICKETING } from '../domain/tickets';
import { widgetSettings } from '../domain/widget-settings';
import { AppError } from '../errors';
import { randomToken, uuidv7 } from '../ids';
import type { ControlMessage } from '../bus/control';
import type { Site, Store } from '../store/store';
import type { ConversationService } from './conversations';
import type { Directory } from './directory';

/** Issue 15: refusals are summed in memory this long before they are written (one write per origin, not per page). */
export const REFUSED_FLUSH_MS = 2_000;
/** At most this many (site, origin) pairs wait in memory; more are dropped until the next flush. */
const REFUSED_PENDING_MAX = 1_000;

/** The site as the admin API answers it. */
const info = (s: Site): SiteInfo => ({ id: s.id, name: s.name, key: s.key, defaultQueueId: s.defaultQueueId, botWebhookUrl: s.botWebhookUrl });

export type Sites = ReturnType<typeof createSites>;

export function createSites({
  store,
  directory,
  announce = () => {},
  conversations,
  now = Date.now,
  warn = () => {},
}: {
  store: Store;
  directory: Pick<Directory, 'queues'> & Partial<Pick<Directory, 'reload'>>;
  /** Issue 14: tells the other nodes a site changed; nothing on one node. */
  announce?: (message: ControlMessage) => void;
  /** Issue 15: deleting a site removes its conversations through this (consoles drop them, files go). */
  conversations?: Pick<ConversationService, 'remove'>;
  now?: () => number;
  /** A refusal that could not be recorded (the store failed). */
  warn?: (what: string, err: unknown) => void;
}) {
  const changed = (siteId: string) => announce({ type: 'site', siteId });

  // Issue 15: refused origins, summed per (site, origin) and written every REFUSED_FLUSH_MS at most.
  const pending = new Map<string, { siteId: string; origin: string; count: number; at: number }>();
  let flushing: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  async function flushRefused(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = [...pending.values()];
    pending.clear();
    for (const r of batch) {
      await store.refusedOrigins.record(r.siteId, r.origin, r.at, { count: r.count, cap: REFUSED_ORIGINS_PER_DAY }).catch((err: unknown) => warn('a refused origin', err));
    }
  }
  const flush = (): Promise<void> => (flushing = (flushing ?? Promise.resolve()).then(flushRefused));
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
      return (await store.sites.list()).map(info);
    },

    /** Every site (for the sight rules that need them all). */
    all: (): Promise<Site[]> => store.sites.list(),

    /**
     * SPEC W4: what the loader reads for the site with this key; `site_not_found` when none has it. Issue 15:
     * a page whose origin (`origin`, the request's Origin header; `self` this server's) the site does not allow
     * is told so, with the one console line for its owner, and the refusal is counted for the admin.
     */
    async widgetSettingsByKey(key: string, page?: { origin: string | undefined; self: string }): Promise<WidgetSettingsAnswer> {
      const site = await store.sites.byKey(key);
      // Issue 15: the loader prints this message to the browser console as it is.
      if (!site) throw new AppError('site_not_found', `Papo: no site has the key "${key}" (data-site in the script tag): copy the line from Administration → Sites and widget.`);
      const settings = widgetSettings(site.widget, directory.queues(site.id));
      // No Origin (a same-origin GET, a script): nothing to judge; the socket's upgrade still checks.
      if (!page?.origin || originAllowed(site.allowedOrigins, page.origin, page.self)) return { settings };
      const origin = recordableOrigin(page.origin);
      if (origin !== null) {
        const k = `${site.id} ${origin}`;
        const seen = pending.get(k);
        if (seen) {
          seen.count++;
          seen.at = now();
        } else if (pending.size < REFUSED_PENDING_MAX) pending.set(k, { siteId: site.id, origin, count: 1, at: now() });
        timer ??= setTimeout(() => void flush(), REFUSED_FLUSH_MS);
        timer.unref?.();
      }
      const shown = origin ?? page.origin.slice(0, 200);
      return { settings, refused: { code: 'origin_not_allowed', origin: shown, message: refusedMessage(shown, site.name) } };
    },

    /** Issue 15: the pages refused in the last days, each with today's and the days' counts. */
    async refusedOrigins(id: string): Promise<RefusedOriginsAnswer> {
      const site = await get(id);
      await flush();
      const at = now();
      const rows = await store.refusedOrigins.list(id, at - (REFUSED_ORIGINS_DAYS - 1) * 86_400_000);
      // An origin allowed since (by the list's own editor, or a wildcard) is no longer a refusal to show.
      return { refused: summarizeRefused(rows, at).filter((r) => !originAllowed(site.allowedOrigins, r.origin, '')) };
    },

    /** Issue 15: one click: the refused origin joins the allowed ones and its record goes. */
    async allowRefused(id: string, origin: string): Promise<string[]> {
      const site = await get(id);
      const normal = recordableOrigin(origin);
      if (normal === null) throw new AppError('invalid_request', 'origin: scheme://host[:port], as the refused list shows it.');
      if (!site.allowedOrigins.includes(normal)) {
        await store.sites.update(id, { allowedOrigins: [...site.allowedOrigins, normal] });
        changed(id);
      }
      await store.refusedOrigins.clear(id, normal);
      return (await get(id)).allowedOrigins;
    },

    /** Issue 15: a new site, with its own key; its pages start as `self` (the preview on this server). */
    async create(name: string): Promise<SiteInfo> {
      const id = uuidv7(now());
      await store.sites.create({ id, key: `pk_${randomToken(12)}`, name, allowedOrigins: ['self'], createdAt: now() });
      changed(id);
      return info((await get(id)));
    },

    /** Issue 15: `not_found` when there is no such site. */
    async rename(id: string, name: string): Promise<SiteInfo> {
      const site = await store.sites.update(id, { name });
      if (!site) throw new AppError('not_found', 'No such site.');
      changed(id);
      return info(site);
    },

    /**
     * Issue 15: deletes the site and everything that belongs to it; the last site cannot go (`last_site`).
     * Conversations go one by one through the conversation service (consoles drop them, files are removed),
     * the rest in one store transaction; every node reloads the site and the directory (its queues).
     */
    async remove(id: string): Promise<{ conversations: number; tickets: number }> {
      await get(id);
      if ((await store.sites.count()) <= 1) throw new AppError('last_site');
      const tickets = (await store.tickets.list({ siteIds: [id], status: ['open', 'pending', 'solved', 'closed'], limit: 100_000 })).length;
      let removed = 0;
      for (;;) {
        const page = await store.conversations.list({ siteId: id, limit: 200 });
        if (page.length === 0 || !conversations) break;
        for (const c of page) await conversations.remove(c);
        removed += page.length;
      }
      await store.sites.delete(id);
      for (const k of pending.keys()) if (k.startsWith(`${id} `)) pending.delete(k);
      changed(id);
      await directory.reload?.();
      return { conversations: removed, tickets };
    },

    /** Writes the refusals summed in memory (tests, shutdown). */
    flushRefused: flush,

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
