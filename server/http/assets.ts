/**
 * @module Files the server ships: the built widget and console (vite build output) and the demo pages in
 * examples/. Read from disk, kept in memory with their gzip form, re-read when the file changes (so
 * `npm run dev` rebuilds show up). Only names found inside the given folder are served: no path traversal.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  /** The widget's public types, /widget/papo.d.ts (issue 5). */
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export interface AssetDir {
  /** The file at `relativePath` below the folder, or null when there is none (or it escapes the folder). */
  get(relativePath: string): Asset | null;
}

export function assetDir(root: string): AssetDir {
  const cache = new Map<string, { mtimeMs: number; asset: Asset }>();
  return {
    get(relativePath) {
      const clean = normalize(relativePath).replace(/^([/\\])+/, '');
      if (clean.startsWith('..') || clean.includes(`${sep}..${sep}`) || clean.includes('\0')) return null;
      const type = TYPES[extname(clean)];
      if (!type) return null;
      const full = join(root, clean);
      let mtimeMs: number;
      try {
        const stat = statSync(full);
        if (!stat.isFile()) return null;
        mtimeMs = stat.mtimeMs;
      } catch {
        return null;
      }
      const hit = cache.get(full);
      if (hit && hit.mtimeMs === mtimeMs) return hit.asset;
      const body = readFileSync(full);
      const asset: Asset = {
        body,
        gzip: gzipSync(body, { level: 9 }),
        type,
        etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      };
      cache.set(full, { mtimeMs, asset });
      return asset;
    },
  };
}

/** A Response for an asset: gzip when the client takes it, 304 when its ETag matches. */
export function assetResponse(asset: Asset, request: Request, headers: Record<string, string>): Response {
  const common = { ETag: asset.etag, Vary: 'Accept-Encoding', ...headers };
  if (request.headers.get('if-none-match') === asset.etag) return new Response(null, { status: 304, headers: common });
  const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
  const body = gzip ? asset.gzip : asset.body;
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      ...common,
      'Content-Type': asset.type,
      'Content-Length': String(body.length),
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    },
  });
}
