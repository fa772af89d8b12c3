/**
 * @module The Hono application: API, pages, and the single error mapping (AppError -> its status and
 * `{ error: { code, message } }`; anything else -> logged, 500 `internal`).
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ERRORS } from '../../shared/errors';
import { AppError, isAppError } from '../errors';
import { clientIp } from '../domain/client-ip';
import type { Logger } from '../log';
import type { ProxyHeaderCheck } from '../services/proxy-warning';
import { createApi, type ApiDeps } from './api';
import { createFilesApi, type FilesApiDeps } from './files-api';
import { createOps, type OpsDeps } from './ops';
import { createPages, type PagesDeps } from './pages';
import { createWidgetApi } from './widget-api';

export interface HttpDeps extends ApiDeps, PagesDeps, FilesApiDeps, OpsDeps {
  log: Logger;
  /** Warns when proxy headers arrive while TRUST_PROXY is off (issue 11). */
  proxyHeaders?: ProxyHeaderCheck;
}

type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } };

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();

  // Issue 6: the client's address (X-Forwarded-For only as far as TRUST_PROXY says); a blocked one is
  // refused on every route.
  app.use('*', async (c, next) => {
    const remote = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
    deps.proxyHeaders?.((name) => c.req.header(name), remote ?? '');
    const ip = clientIp(remote, c.req.header('x-forwarded-for'), deps.trustProxy);
    c.set('ip' as never, ip as never);
    if (deps.safety.blocked({ ip })) throw new AppError('blocked');
    await next();
  });

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  // Liveness: the process answers. Readiness (may it get traffic?) and metrics are ./ops.ts's.
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/', createOps(deps));
  app.route('/api/v1/files', createFilesApi(deps));
  app.route('/api/v1/widget', createWidgetApi(deps));
  app.route('/api/v1', createApi(deps));
  app.route('/', createPages(deps));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: ERRORS.not_found.message } }, 404));

  app.onError((err, c) => {
    if (isAppError(err)) {
      if (err.retryAfterMs !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
      return c.json({ error: { code: err.code, message: err.message, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) } }, err.status as 400);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: { code: 'invalid_request', message: err.message || ERRORS.invalid_request.message } }, err.status);
    }
    deps.log.error('request failed', { method: c.req.method, path: c.req.path, err });
    return c.json({ error: { code: 'internal', message: ERRORS.internal.message } }, 500);
  });

  return app;
}
