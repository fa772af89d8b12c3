/**
 * @module The Hono application: API, pages, and the single error mapping (AppError -> its status and
 * `{ error: { code, message } }`; anything else -> logged, 500 `internal`).
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ERRORS } from '../../shared/errors';
import { isAppError } from '../errors';
import type { Logger } from '../log';
import { createApi, type ApiDeps } from './api';
import { createPages, type PagesDeps } from './pages';

export interface HttpDeps extends ApiDeps, PagesDeps {
  log: Logger;
}

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/api/v1', createApi(deps));
  app.route('/', createPages(deps));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: ERRORS.not_found.message } }, 404));

  app.onError((err, c) => {
    if (isAppError(err)) {
      return c.json({ error: { code: err.code, message: err.message } }, err.status as 400);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: { code: 'invalid_request', message: err.message || ERRORS.invalid_request.message } }, err.status);
    }
    deps.log.error('request failed', { method: c.req.method, path: c.req.path, err });
    return c.json({ error: { code: 'internal', message: ERRORS.internal.message } }, 500);
  });

  return app;
}
