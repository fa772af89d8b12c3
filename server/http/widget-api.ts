/**
 * @module The widget's settings over HTTP. Public (SPEC W4): `GET /api/v1/widget/settings?site=KEY`, the
 * site's appearance, pre-chat form, uploads and strict identity as the loader reads them at load; nothing in
 * it is secret, so any origin may read it and caches may keep it a minute. Admins (mounted by admin-api.ts):
 * a site's widget settings, its identity secret (SPEC W6) and the origins that may use its key (SPEC D10).
 */
import { Hono } from 'hono';
import { DEFAULT_WIDGET } from '../../shared/api';
import { textOn } from '../../shared/contrast';
import { ROUTES } from '../../shared/routes';
import { selfOrigin } from '../domain/origins';
import type { LiveSockets } from '../services/live-sockets';
import type { Sites } from '../services/sites';
import type { ApiEnv } from './context';
import { requires } from './json';
import { route } from './routes';

export interface WidgetApiDeps {
  sites: Sites;
  /** This server's origin as browsers see it (PUBLIC_URL), or null: the request's Host. */
  publicOrigin?: string | null;
}

/** How long browsers and proxies may keep the settings: an admin's change shows within a minute. */
export const WIDGET_SETTINGS_MAX_AGE_S = 60;

export function createWidgetApi({ sites, publicOrigin = null }: WidgetApiDeps): Hono {
  const api = new Hono();
  // Any page may embed the widget, and the answer is the same for everyone: `*`, no credentials.
  api.use('*', async (c, next) => {
    c.header('Access-Control-Allow-Origin', '*');
    await next();
  });
  route(
    api,
    ROUTES.widgetSettings,
    async (c, { query, answer }) => {
      // Issue 15: the answer tells a page on an origin the site does not allow (SPEC D10), so it differs by Origin.
      const origin = c.req.header('origin');
      const read = await sites.widgetSettingsByKey(query().site, { origin, self: selfOrigin(publicOrigin, c.req.header('host')) });
      c.header('Cache-Control', `public, max-age=${WIDGET_SETTINGS_MAX_AGE_S}`);
      c.header('Vary', 'Origin');
      return answer({ ...read, onAccent: textOn(read.settings.color) });
    },
    { mount: '/widget' },
  );
  return api;
}

/**
 * Admin routes, under the signed-in API (`/api/v1/sites/{id}/...`, like ticketing and masking): a site's widget
 * settings (SPEC W4-W6) and its identity secret. Admins only (`manageSites`); bad input changes nothing.
 */
export function createSiteWidgetApi({ sites, registry }: WidgetApiDeps & { registry: Pick<LiveSockets, 'closeAnonymousVisitors' | 'watchSite'> }): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  // Besides each route's own check: these paths refuse a non-admin with 403 for any method, declared or not.
  const admins = requires('manageSites');
  api.use('/sites/:id/widget', admins);
  api.use('/sites/:id/identity-secret', admins);
  api.use('/sites/:id/origins', admins);
  api.use('/sites/:id/refused-origins/*', admins);
  const site = (id: string) => sites.get(id);

  route(api, ROUTES.siteWidget, async (c, { answer }) => answer((await site(c.req.param('id'))).widget ?? DEFAULT_WIDGET));
  route(api, ROUTES.setSiteWidget, async (c, { body, answer }) => {
    const before = await site(c.req.param('id'));
    const { saved, nowStrict } = await sites.setWidget(before, await body());
    // SPEC W6 (issue 11 F11): strict from now on, for the sockets already open too.
    if (nowStrict) registry.closeAnonymousVisitors(before.id);
    return answer(saved);
  });

  // The secret is shown to admins whenever they ask, as Intercom and Crisp do: the server must keep it in
  // clear to verify HMACs (hashing it, like the bot token, protects nothing), and the admins who can read it
  // can rotate it anyway; they need it again for each backend that signs.
  route(api, ROUTES.identitySecret, async (c, { answer }) => answer({ identitySecret: (await site(c.req.param('id'))).identitySecret }));
  route(api, ROUTES.newIdentitySecret, async (c, { answer }) => {
    const id = (await site(c.req.param('id'))).id;
    return answer({ identitySecret: await sites.setIdentitySecret(id, true) });
  });
  route(api, ROUTES.removeIdentitySecret, async (c, { answer }) => {
    const id = (await site(c.req.param('id'))).id;
    await sites.setIdentitySecret(id, false);
    return answer({ identitySecret: null });
  });

  // The pages that may embed the widget (SPEC D10): a host backend on its own domain needs its origin here.
  route(api, ROUTES.siteOrigins, async (c, { answer }) => answer({ allowedOrigins: (await site(c.req.param('id'))).allowedOrigins }));
  route(api, ROUTES.setSiteOrigins, async (c, { body, answer }) => {
    const id = (await site(c.req.param('id'))).id;
    const { allowedOrigins } = await body();
    return answer({ allowedOrigins: await sites.setOrigins(id, allowedOrigins) });
  });

  // Issue 15: pages refused for their origin, and the one click that allows one.
  route(api, ROUTES.refusedOrigins, async (c, { answer }) => answer(await sites.refusedOrigins(c.req.param('id'))));
  route(api, ROUTES.allowRefusedOrigin, async (c, { body, answer }) => answer({ allowedOrigins: await sites.allowRefused(c.req.param('id'), (await body()).origin) }));

  // Issue 15: sites created, renamed and deleted (the last one stays: `last_site`).
  route(api, ROUTES.createSite, async (_c, { body, answer }) => {
    const site = await sites.create((await body()).name);
    // The consoles open now see its conversations without reconnecting (other nodes: the 'site' message).
    registry.watchSite(site.id);
    return answer({ site });
  });
  route(api, ROUTES.renameSite, async (c, { body, answer }) => answer({ site: await sites.rename(c.req.param('id'), (await body()).name) }));
  route(api, ROUTES.deleteSite, async (c, { answer }) => answer({ deleted: await sites.remove(c.req.param('id')) }));
  return api;
}
