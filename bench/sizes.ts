/**
 * @module Widget sizes from the build output: the loader (`dist/widget/papo.js`, all a host page loads
 * before the chat is opened) and everything the open chat loads: the app entry chunk named in
 * `dist/widget/.vite/manifest.json`, the chunks it imports (recursively) and their CSS. Raw and gzip
 * (zlib level 9) bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './procs';

export const WIDGET_DIR = join(ROOT, 'dist', 'widget');
export const LOADER_FILE = 'papo.js';

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface SizesResult {
  loader: FileSize;
  /** The app entry chunk, its static imports and their CSS (the loader not included). */
  app: FileSize[];
  appGzip: number;
  /** Loader + app, gzip: what a visitor who opens the chat has downloaded. */
  totalGzip: number;
  totalRaw: number;
  /** Chunks loaded only on demand (dynamic imports): listed, not counted. */
  dynamic: string[];
}

interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

function measure(file: string): FileSize {
  const path = join(WIDGET_DIR, file);
  if (!existsSync(path)) throw new Error(`${path} does not exist (named in the manifest?)`);
  const bytes = readFileSync(path);
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

export function measureSizes(): SizesResult {
  if (!existsSync(WIDGET_DIR)) throw new Error(`${WIDGET_DIR} is missing: run \`npm run build\` first (npm run bench does)`);
  if (!existsSync(join(WIDGET_DIR, LOADER_FILE))) throw new Error(`the widget loader ${join(WIDGET_DIR, LOADER_FILE)} is missing`);
  const manifestPath = join(WIDGET_DIR, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: the widget app build must write a Vite manifest`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;

  // The app's entry; the loader is built separately and, should it share the manifest, is not the app.
  const entries = Object.entries(manifest).filter(([, c]) => c.isEntry && c.file !== LOADER_FILE);
  if (entries.length === 0) throw new Error(`${manifestPath} names no entry chunk (isEntry: true) besides the loader`);
  if (entries.length > 1) {
    throw new Error(`${manifestPath} names ${entries.length} entry chunks (${entries.map(([k]) => k).join(', ')}); expected one app entry`);
  }

  const files = new Set<string>();
  const dynamic = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${manifestPath}: import ${key} is not in the manifest`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
    for (const d of chunk.dynamicImports ?? []) dynamic.add(manifest[d]?.file ?? d);
  };
  visit(entries[0]![0]);
  files.delete(LOADER_FILE);
  for (const f of files) dynamic.delete(f);

  const loader = measure(LOADER_FILE);
  const app = [...files].map(measure);
  const appGzip = app.reduce((s, f) => s + f.gzip, 0);
  return {
    loader,
    app,
    appGzip,
    totalGzip: loader.gzip + appGzip,
    totalRaw: loader.raw + app.reduce((s, f) => s + f.raw, 0),
    dynamic: [...dynamic],
  };
}
