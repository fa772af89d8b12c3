/**
 * @module What browsers load: the widget files (any site may load them), the console (same-origin only,
 * strict CSP) and the demo host pages from examples/ with the demo site's key filled in.
 */
import { Hono, type Context } from 'hono';
import { join } from 'node:path';
import { selfOrigin } from '../domain/origins';
import { assetDir, assetResponse } from './assets';

export interface PagesDeps {
  distDir: string;
  examplesDir: string;
  /** Serve the demo pages (DEMO=false turns them off). */
  demo: boolean;
  demoSiteKey: () => string | null;
  publicOrigin: string | null;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Vite's content-hashed file names (app-<hash>.js); a dev build's fixed names are not cached. */
const CONTENT_HASHED = /-[\w-]{8}\.js$/;

/** A path naming a file rather than a console screen: under assets/, or its last part has an extension. */
function isFileName(path: string): boolean {
  return path.startsWith('assets/') || /\.[^/]*$/.test(path);
}

export function createPages({ distDir, examplesDir, demo, demoSiteKey, publicOrigin }: PagesDeps): Hono {
  const pages = new Hono();
  const widget = assetDir(join(distDir, 'widget'));
  const consoleFiles = assetDir(join(distDir, 'console'));
  const selfOf = (c: Context) => selfOrigin(publicOrigin, c.req.header('host'));

  // The loader keeps a short cache so sites pick up a new release; the app chunk is content-hashed.
  pages.get('/widget/*', (c) => {
    const path = c.req.path.slice('/widget/'.length);
    const asset = widget.get(path);
    if (!asset) return c.notFound();
    return assetResponse(asset, c.req.raw, {
      'Cache-Control': CONTENT_HASHED.test(path) ? IMMUTABLE : path === 'papo.js' ? 'public, max-age=300' : 'no-cache',
      // The app chunk is a module loaded by import() from the host page's origin: CORS is required.
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  });

  pages.get('/favicon.ico', (c) => c.body(null, 204));
  pages.get('/console', (c) => c.redirect('/console/', 301));
  pages.get('/console/*', (c) => {
    const path = c.req.path.slice('/console/'.length);
    const file = path === '' ? null : consoleFiles.get(path);
    // Issue 15: every other path is one of the console's screens (/console/tickets/42): its index.html, whose
    // script reads the URL. A file name that is not there (a stale chunk, a typo) stays a 404.
    if (!file && isFileName(path)) return c.notFound();
    const asset = file ?? consoleFiles.get('index.html');
    if (!asset) return c.text('The console is not built yet: run `npm run build`.', 503);
    const self = new URL(selfOf(c));
    const ws = `${self.protocol === 'https:' ? 'wss:' : 'ws:'}//${self.host}`;
    return assetResponse(asset, c.req.raw, {
      'Cache-Control': file && path.startsWith('assets/') ? IMMUTABLE : 'no-cache',
      'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' ${ws}; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
      'X-Frame-Options': 'DENY',
    });
  });

  if (demo) {
    const examples = assetDir(examplesDir);
    const serveExample = (c: Context, file: string) => {
      const asset = examples.get(file);
      if (!asset) return c.notFound();
      if (!asset.type.startsWith('text/html')) return assetResponse(asset, c.req.raw, { 'Cache-Control': 'no-cache' });
      // Placeholders are filled per request: the origin depends on how the page was reached.
      const html = asset.body
        .toString('utf8')
        .replaceAll('{{PAPO_URL}}', selfOf(c))
        .replaceAll('{{SITE_KEY}}', demoSiteKey() ?? 'no-demo-site');
      const headers: Record<string, string> = { 'Cache-Control': 'no-cache' };
      if (file === 'strict-csp.html') {
        headers['Content-Security-Policy'] =
          "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
      }
      return c.html(html, 200, headers);
    };
    pages.get('/', (c) => serveExample(c, 'index.html'));
    pages.get('/demo/:file{[a-z0-9-]+\\.(html|css)}', (c) => serveExample(c, c.req.param('file')));
  }

  return pages;
}
