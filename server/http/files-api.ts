/**
 * @module /api/v1/files (SPEC W3): upload a file into a conversation (POST, the raw bytes as the body) and
 * fetch one (GET). Visitors send their token as `Authorization: Bearer`, from the site's pages (CORS for the
 * site's allowed origins); agents their console cookie, from the console's own origin.
 *
 * Mounted ahead of the console API: its 16 KB body limit and its signed-in-agent gate are not for files.
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { ROUTES } from '../../shared/routes';
import { SESSION_COOKIE } from '../cookies';
import { fileHeaders } from '../domain/attachments';
import { isForeignOrigin, originAllowed, selfOrigin } from '../domain/origins';
import { AppError, isAppError } from '../errors';
import type { AttachmentService, FileActor } from '../services/attachments';
import type { AuthService } from '../services/auth';
import type { Directory } from '../services/directory';
import type { Sites } from '../services/sites';
import { route } from './routes';

export interface FilesApiDeps {
  attachments: AttachmentService;
  auth: AuthService;
  directory: Directory;
  sites: Sites;
  publicOrigin: string | null;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-File-Name',
  'Access-Control-Expose-Headers': 'Content-Disposition, Content-Length, Content-Type',
  'Access-Control-Max-Age': '600',
};

export function createFilesApi({ attachments, auth, directory, sites, publicOrigin }: FilesApiDeps): Hono {
  const files = new Hono();
  const selfOf = (c: Context) => selfOrigin(publicOrigin, c.req.header('host'));

  /**
   * The caller: a visitor by its Bearer token, whose request must come from one of its site's origins (or
   * carry no Origin: not a browser); else an agent by its cookie, from the console's own origin.
   */
  async function caller(c: Context): Promise<FileActor> {
    const origin = c.req.header('origin');
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const token = /^Bearer ([\w.-]{1,2000})$/.exec(authorization)?.[1];
      if (!token) throw new AppError('token_invalid');
      const visitor = await attachments.visitorFromToken(token);
      if (origin !== undefined) {
        const site = await sites.find(visitor.siteId);
        if (!site || !originAllowed(site.allowedOrigins, origin, selfOf(c))) throw new AppError('origin_not_allowed');
        // The answer may be read by this page's script (a refusal too: the widget shows why).
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Access-Control-Expose-Headers', CORS_HEADERS['Access-Control-Expose-Headers']);
      }
      return visitor;
    }
    if (isForeignOrigin(origin, selfOf(c))) throw new AppError('origin_not_allowed');
    const agent = await auth.agentForSession(getCookie(c, SESSION_COOKIE));
    if (!agent) throw new AppError('not_authenticated');
    await directory.ensure(agent.id);
    return directory.actor(agent);
  }

  files.use('*', async (c, next) => {
    await next();
    c.header('Vary', 'Origin');
  });

  // CORS preflight: the site is only known from the token the real request carries, which checks the Origin.
  files.options('*', (c) => {
    const origin = c.req.header('origin');
    if (origin === undefined) return c.body(null, 204);
    return c.body(null, 204, { ...CORS_HEADERS, 'Access-Control-Allow-Origin': origin });
  });

  route(files, ROUTES.uploadFile, async (c, { query, answer }) => {
    const actor = await caller(c);
    const { conversation: conversationId } = query();
    const length = c.req.header('content-length');
    const declaredBytes = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : null;
    const rawName = c.req.header('x-file-name');
    const attachment = await attachments.upload(actor, {
      conversationId,
      declaredBytes,
      body: c.req.raw.body,
      name: rawName === undefined ? null : rawName.slice(0, 2000),
      ip: c.get('ip' as never) as string,
    });
    return answer({ attachment });
  }, { mount: '/files' });

  route(files, ROUTES.file, async (c, { query }) => {
    let actor: FileActor;
    try {
      actor = await caller(c);
    } catch (err) {
      // Anyone who may not read a file learns nothing about it, not even why (no token, a bad one).
      if (isAppError(err) && err.code !== 'origin_not_allowed' && err.code !== 'blocked') throw new AppError('not_found');
      throw err;
    }
    const file = await attachments.open(actor, c.req.param('id'));
    if (!file) throw new AppError('not_found');
    const download = query().download === '1';
    // The file's bytes, not JSON: a Response of its own.
    return new Response(file.body, { status: 200, headers: { ...fileHeaders(file.record, download), ...corsOf(c) } });
  }, { mount: '/files' });

  return files;
}

/** The CORS headers `caller` set on the context, for a Response built by hand. */
function corsOf(c: Context): Record<string, string> {
  const allow = c.res.headers.get('Access-Control-Allow-Origin');
  return allow ? { 'Access-Control-Allow-Origin': allow, 'Access-Control-Expose-Headers': CORS_HEADERS['Access-Control-Expose-Headers'] } : {};
}
