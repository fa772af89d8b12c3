/**
 * @module Widget sizes from the build output: the loader (`dist/widget/papo.js`, all a host page loads
 * before the chat is opened) and everything an open chat loads, read from `dist/widget/.vite/manifest.json`:
 * the app entry, the chunks it imports (recursively) and their CSS, and the visitor's language chunk (the
 * app lazy-loads one of `widget/app/locales/*`; the largest is counted, since every open chat loads one).
 * Dynamic chunks only some chats load (files `widget/app/files/`, pre-chat `widget/app/prechat/`, the
 * conversation list `widget/app/conversations/`, and any other) are listed as "on demand" with what each
 * adds, and the worst case "open chat + every on-demand chunk" is reported too. Chunks are recognised by
 * their manifest `src` path, not their (hashed) file names. Raw and gzip (zlib level 9) bytes.
 *
 * Issue 15: what a visitor downloads on opening depends on the site's state, so every opening state is
 * measured (`OPENING_STATES`: someone online, nobody online with the leave-a-message form, the pre-chat form,
 * a returning visitor's ended conversation with its end panel), and the budget judges the heaviest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './procs';

export const WIDGET_DIR = join(ROOT, 'dist', 'widget');
export const LOADER_FILE = 'papo.js';
/** Dynamic imports under this folder are the app's languages: every open chat loads one of them. */
export const LOCALES_SRC = 'widget/app/locales/';

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

/**
 * Issue 15: the states a visitor may see on opening the chat, each with the on-demand chunks (manifest
 * `src`) the window loads at once in it (ChatWindow.tsx): the offline form when nobody can answer (SPEC T1,
 * what a fresh install shows), the pre-chat form (SPEC W5), the end panel of a returning visitor's ended
 * conversation. Files (SPEC W3) load only when one is attached or shown, the conversation list when asked
 * for: no opening state loads them.
 */
export const OPENING_STATES: ReadonlyArray<{ name: string; srcs: readonly string[] }> = [
  { name: 'someone online (composer)', srcs: [] },
  { name: 'nobody online (offline form)', srcs: ['widget/app/conversations/OfflineForm.tsx'] },
  // The form loads its language's strings, a chunk per language: Spanish's is the largest (i15-weight).
  { name: 'pre-chat form', srcs: ['widget/app/prechat/PrechatForm.tsx', 'widget/app/prechat/strings-es.ts'] },
  { name: 'ended conversation (end panel)', srcs: ['widget/app/conversations/EndPanel.tsx'] },
  // Issue 15 (visitor promises and tickets): a returning visitor's chat that became a ticket.
  { name: 'chat that became a ticket (ticket note)', srcs: ['widget/app/conversations/TicketNote.tsx'] },
];

/** One opening state: loader + open chat + the chunks it loads at once, gzip. */
export interface OpeningState {
  name: string;
  /** The on-demand files it adds to the open chat's. */
  adds: string[];
  gzip: number;
}

/** A dynamic chunk only some chats load, with the files it adds to the open chat's. */
export interface OnDemandPart {
  /** The manifest `src` of the dynamic import, e.g. `widget/app/files/FilesUi.tsx`. */
  src: string;
  files: FileSize[];
  gzip: number;
}

export interface SizesResult {
  loader: FileSize;
  /** Everything the open chat loads besides the loader: entry, static imports, CSS, the largest language chunk. */
  app: FileSize[];
  appGzip: number;
  /** Loader + app, gzip: what a visitor who opens the chat has downloaded. The budgeted figure. */
  totalGzip: number;
  totalRaw: number;
  /** The language chunk counted (the largest under LOCALES_SRC), or null when the app has none. */
  locale: string | null;
  /** Dynamic chunks loaded only for some chats: not in the total. */
  onDemand: OnDemandPart[];
  /** Open chat + every on-demand chunk, gzip: a visitor who used every feature. */
  worstGzip: number;
  /** The on-demand chunks' files, for a one-line listing. */
  dynamic: string[];
  /** Issue 15: every opening state (OPENING_STATES), and the heaviest of them: the budgeted figure. */
  states: OpeningState[];
  heaviest: OpeningState;
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

const sum = (files: FileSize[], key: 'raw' | 'gzip') => files.reduce((s, f) => s + f[key], 0);

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

  /** A chunk's file, its CSS and its static imports, recursively; dynamic imports met on the way go to `dynamic`. */
  const closure = (key: string, files = new Set<string>(), dynamic = new Set<string>()) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${manifestPath}: import ${key} is not in the manifest`);
    if (files.has(chunk.file)) return { files, dynamic };
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) closure(imported, files, dynamic);
    for (const d of chunk.dynamicImports ?? []) dynamic.add(d);
    return { files, dynamic };
  };
  const open = closure(entries[0]![0]);
  open.files.delete(LOADER_FILE);

  /** What a dynamic chunk adds to what is already loaded. */
  const adds = (key: string, loaded: Set<string>): FileSize[] => [...closure(key).files].filter((f) => !loaded.has(f)).map(measure);
  const srcOf = (key: string) => manifest[key]?.src ?? key;

  // Every open chat loads one language: count the largest, so the figure holds for every visitor.
  const locales = [...open.dynamic].filter((k) => srcOf(k).startsWith(LOCALES_SRC));
  const localeCosts = locales.map((k) => ({ key: k, files: adds(k, open.files) })).sort((a, b) => sum(b.files, 'gzip') - sum(a.files, 'gzip'));
  const locale = localeCosts[0] ?? null;
  const app = [...[...open.files].map(measure), ...(locale?.files ?? [])];
  const loaded = new Set(app.map((f) => f.file));

  // Dynamic imports of the on-demand chunks themselves (a chunk of a chunk) are on demand too.
  const pending = [...open.dynamic].filter((k) => !locales.includes(k));
  const onDemand: OnDemandPart[] = [];
  const seen = new Set<string>();
  while (pending.length) {
    const key = pending.shift()!;
    // A lazy chunk that imports from the entry reaches the entry's dynamic imports too: the languages are counted.
    if (seen.has(key) || locales.includes(key)) continue;
    seen.add(key);
    const files = adds(key, loaded);
    onDemand.push({ src: srcOf(key), files, gzip: sum(files, 'gzip') });
    pending.push(...closure(key).dynamic);
  }
  onDemand.sort((a, b) => a.src.localeCompare(b.src));

  const loader = measure(LOADER_FILE);
  const appGzip = sum(app, 'gzip');
  const states = OPENING_STATES.map(({ name, srcs }): OpeningState => {
    const files = new Map<string, FileSize>();
    for (const src of srcs) {
      const key = Object.keys(manifest).find((k) => srcOf(k) === src);
      if (!key) throw new Error(`${manifestPath} has no chunk for ${src} (opening state "${name}"): update OPENING_STATES`);
      for (const f of adds(key, loaded)) files.set(f.file, f);
    }
    return { name, adds: [...files.keys()], gzip: loader.gzip + appGzip + sum([...files.values()], 'gzip') };
  });
  const allOnDemand = new Map(onDemand.flatMap((p) => p.files).map((f) => [f.file, f]));
  return {
    loader,
    app,
    appGzip,
    totalGzip: loader.gzip + appGzip,
    totalRaw: loader.raw + sum(app, 'raw'),
    locale: locale ? srcOf(locale.key) : null,
    onDemand,
    worstGzip: loader.gzip + appGzip + sum([...allOnDemand.values()], 'gzip'),
    dynamic: [...allOnDemand.keys()],
    states,
    heaviest: states.reduce((a, b) => (b.gzip > a.gzip ? b : a)),
  };
}
