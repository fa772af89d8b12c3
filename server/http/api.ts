/**
 * @module The JSON API under /api/v1: agent sign-in and the conversation reads the console needs. Every
 * body and query is validated against its route in shared/routes.ts; every refusal is an AppError mapped in
 * app.ts.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ROUTES } from '../../shared/routes';
import { HISTORY_PAGE_EVENTS } from '../../shared/limits';
import { DEVICE_COOKIE, SESSION_COOKIE } from '../cookies';
import { isForeignOrigin, selfOrigin } from '../domain/origins';
import { AppError } from '../errors';
import type { AuthService } from '../services/auth';
import type { BotService } from '../services/bot';
import type { Safety } from '../services/safety';
import type { LiveSockets } from '../services/live-sockets';
import { hashToken } from '../ids';
import type { ConversationService } from '../services/conversations';
import { createAdminApi, type AdminApiDeps } from './admin-api';
import type { ApiEnv } from './context';
import { route } from './routes';
import { createBotApi } from './bot-api';
import { createSearchApi, type SearchApiDeps } from './search-api';
import { createTicketsApi, type TicketsApiDeps } from './tickets-api';
import { createWorkflowApi, type WorkflowApiDeps } from './workflow-api';


export interface ApiDeps extends WorkflowApiDeps, AdminApiDeps, TicketsApiDeps, SearchApiDeps {
  safety: Safety;
  registry: LiveSockets;
  trustProxy: number;
  auth: AuthService;
  conversations: ConversationService;
  bot: BotService;
  publicOrigin: string | null;
}

export function createApi(deps: ApiDeps): Hono<ApiEnv> {
  const { auth, conversations, publicOrigin, directory } = deps;
  const api = new Hono<ApiEnv>();
  const selfOf = (c: Context) => selfOrigin(publicOrigin, c.req.header('host'));

  // State-changing requests must come from the console's own origin (with SameSite=Strict, two locks).
  api.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (isForeignOrigin(c.req.header('origin'), selfOf(c))) throw new AppError('origin_not_allowed');
    }
    await next();
  });
  api.use('*', bodyLimit({ maxSize: 16 * 1024, onError: () => { throw new AppError('invalid_request', 'The body is too large.'); } }));

  const requireAgent: MiddlewareHandler<ApiEnv> = async (c, next) => {
    const agent = await auth.agentForSession(getCookie(c, SESSION_COOKIE));
    if (!agent) throw new AppError('not_authenticated');
    await deps.directory.ensure(agent.id);
    c.set('agent', agent);
    await next();
  };

  route(api, ROUTES.login, async (c, { body, answer }) => {
    const { email, password } = await body();
    // SPEC L6: failed sign-ins are limited per address and per e-mail, except from this agent's known browsers.
    const session = await auth.login(email, password, { ip: c.get('ip' as never) as string, device: getCookie(c, DEVICE_COOKIE), previousToken: getCookie(c, SESSION_COOKIE) });
    setSessionCookie(c, session);
    setCookie(c, DEVICE_COOKIE, session.device.token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/v1/auth',
      secure: selfOf(c).startsWith('https:'),
      maxAge: Math.floor(session.device.maxAgeMs / 1000),
    });
    return answer({ agent: session.agent });
  });

  const setSessionCookie = (c: Context, session: { token: string; expiresAt: number }) =>
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: selfOf(c).startsWith('https:'),
      expires: new Date(session.expiresAt),
    });

  route(api, ROUTES.logout, async (c, { answer }) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token && token.length <= 200) {
      await auth.logout(token);
      // Issue 6: the consoles of this session go now, not at their next check.
      deps.registry.closeAgent({ tokenHash: hashToken(token) });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return answer(null);
  });

  route(
    api,
    ROUTES.changePassword,
    async (c, { body, answer }) => {
      const { currentPassword, newPassword } = await body();
      const agent = c.get('agent');
      const session = await auth.changePassword(agent.id, currentPassword, newPassword, { ip: c.get('ip' as never) as string, device: getCookie(c, DEVICE_COOKIE) });
      // Every other console of this agent loses its session; this browser gets the new one.
      deps.registry.closeAgent({ agentId: agent.id });
      setSessionCookie(c, session);
      return answer(null);
    },
    { before: requireAgent },
  );

  route(api, ROUTES.session, (c, { answer }) => answer({ agent: c.get('agent') }), { before: requireAgent });

  api.route('/bot', createBotApi(deps.bot));

  // Everything else is the console's: a signed-in agent, whose role each route or service checks.
  api.use('*', async (c, next) => {
    const path = c.req.path.slice(c.req.path.indexOf('/api/v1') + '/api/v1'.length);
    if (path.startsWith('/auth/') || path.startsWith('/bot/')) return next();
    return requireAgent(c, next);
  });
  api.route('/', createWorkflowApi(deps));
  api.route('/', createAdminApi(deps));
  api.route('/', createTicketsApi(deps));
  api.route('/', createSearchApi(deps));

  route(api, ROUTES.events, async (c, { query, answer }) => {
    const { before, limit } = query();
    const actor = directory.actor(c.get('agent'));
    return answer(await conversations.page(actor, c.req.param('id'), before ?? null, limit ?? HISTORY_PAGE_EVENTS));
  });

  return api;
}
