/**
 * Four builds, one per mode (`npm run build` runs them in this order):
 * - `widget-app`: the Preact chat app, an ES module chunk with a content hash (immutable cache), plus a
 *   manifest so the loader knows its name. Loaded only when the visitor opens the chat.
 * - `widget-loader`: `papo.js`, the classic script a site owner's `<script>` tag loads. An IIFE without
 *   Preact; it draws the launcher and imports the app chunk on demand.
 * - `widget-npm`: the npm entry (`import { Papo } from 'papo/widget'`, package.json `exports`), an ES module
 *   `dist/widget/index.js` that adds papo.js to the page, with its types `index.d.ts` (also served as
 *   /widget/papo.d.ts), generated from widget/contract.ts by widget/papo-dts.ts.
 * - `console`: the agent console, served by the server under /console/.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import { shapeOf, WIDGET_UNREAD_FIELDS, withoutKeys } from './shared/frame-shape';
import { VisitorServerFrame } from './shared/protocol';
import { papoDts } from './widget/papo-dts';

const root = fileURLToPath(new URL('.', import.meta.url));
const jsx = { runtime: 'automatic', importSource: 'preact' } as const;
/**
 * Browsers the widget supports on host pages. Constructable stylesheets already need Safari 16.4 (2023)
 * and Firefox 101 (2022), which run ES2022. Chrome's floor is 98 (2022): below it the build rewrites every
 * `#private` class field into WeakMap helpers, which cost 0.7 KB gzip of the 25 KB budget (measured with
 * `npm run bench`: 25,169 B at chrome91, 24,433 B at chrome98).
 */
const WIDGET_TARGET = ['es2022', 'chrome98', 'firefox101', 'safari16.4'];

/**
 * The widget's stylesheets are template literals written one rule a line for reading (loader.ts, late-style.ts,
 * app/styles.ts, and the lazy chunks' `const CSS`); their line breaks and indents are bytes every visitor
 * downloads. This drops them at build time: a break after `;{},>` or before `{}` goes, any other becomes a
 * space (where it may separate two tokens). Only literals without `${` are touched.
 */
export function tightCss(css: string): string {
  return css.replace(/\n[ \t]*/g, (m: string, at: number, all: string) => {
    const prev = all[at - 1];
    const next = all[at + m.length];
    return prev === undefined || next === undefined || ';{},>'.includes(prev) || '{}'.includes(next) ? '' : ' ';
  });
}

const cssTight = {
  name: 'papo-tight-css',
  enforce: 'pre' as const,
  transform(code: string, id: string) {
    if (!/\/widget\/.*\.tsx?$/.test(id) || !/\bCSS = /.test(code)) return null;
    return code.replace(/(\b[A-Z_]*CSS = (?:LATE_CSS \+ )?)`([^`$]*)`/g, (_m, head: string, css: string) => `${head}${JSON.stringify(tightCss(css))}`);
  },
};

/**
 * Vite wraps every `import()` of the app in its preload helper (`__vitePreload`, 1.9 KB, 0.7 KB gzip of the
 * app chunk). With `modulePreload: false` every dependency list it is given is empty, so all it does is delay
 * the import by a microtask and, when a chunk fails to load, dispatch `vite:preloadError` on the host page's
 * window, where a site built with Vite may be listening (often to reload the page): not the widget's to do.
 * This gives the app a helper that only runs the import; a failed chunk rejects as before.
 */
const PRELOAD_HELPER = '\0vite/preload-helper.js';
const noPreloadHelper = {
  name: 'papo-no-preload-helper',
  enforce: 'pre' as const,
  resolveId: (id: string) => (id === PRELOAD_HELPER || id === 'vite/preload-helper.js' ? PRELOAD_HELPER : null),
  load: (id: string) => (id === PRELOAD_HELPER ? 'export const __vitePreload = (load) => load();' : null),
};

function appChunkName(): string {
  const manifest = JSON.parse(readFileSync(`${root}dist/widget/.vite/manifest.json`, 'utf8')) as Record<
    string,
    { file: string; isEntry?: boolean }
  >;
  const entry = Object.values(manifest).find((m) => m.isEntry);
  if (!entry) throw new Error('dist/widget/.vite/manifest.json has no entry: run `vite build --mode widget-app` first');
  return entry.file;
}

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'widget-app') {
    return {
      oxc: { jsx },
      // The visitor's frames as plain data, so the widget checks them without valibot (shared/frame-shape.ts),
      // less the fields the widget never reads.
      define: { __PAPO_VISITOR_FRAME_SHAPE__: JSON.stringify(withoutKeys(shapeOf(VisitorServerFrame), WIDGET_UNREAD_FIELDS)) },
      plugins: [cssTight, noPreloadHelper],
      publicDir: false,
      build: {
        outDir: 'dist/widget',
        emptyOutDir: true,
        manifest: true,
        target: WIDGET_TARGET,
        modulePreload: false,
        rolldownOptions: {
          input: { app: 'widget/app/main.tsx' },
          // The entry may export more than `mount`: then the modules every chat needs and the lazy chunks share
          // (Preact, the limits) stay in the entry instead of a common chunk of their own, one request and
          // about 0.4 KB gzip less for an open chat. The lazy chunks import them from the entry, the same
          // module the loader imported.
          preserveEntrySignatures: 'allow-extension',
          // npm run dev rebuilds the chunk on every change under one name, so the loader need not follow.
          output: process.env.PAPO_DEV
            ? { entryFileNames: 'app-dev.js', chunkFileNames: 'chunk-dev-[name].js' }
            : // Hex hashes: the loader carries the entry's name, and 8 hex digits cost it fewer gzip bytes, and
              // vary less from build to build, than 8 base64 characters (3,048 B vs 3,049 B median, at most 3,050
              // vs 3,052 B, over 2,000 random names). Still 8 characters, as server/http/pages.ts expects.
              { entryFileNames: 'app-[hash].js', chunkFileNames: 'chunk-[hash].js', hashCharacters: 'hex' },
        },
      },
    };
  }
  if (mode === 'widget-loader') {
    return {
      publicDir: false,
      define: { __PAPO_APP_CHUNK__: JSON.stringify(appChunkName()) },
      plugins: [cssTight],
      build: {
        outDir: 'dist/widget',
        emptyOutDir: false,
        target: WIDGET_TARGET,
        lib: { entry: 'widget/loader.ts', formats: ['iife'], name: 'PapoLoader', fileName: () => 'papo.js' },
      },
    };
  }
  if (mode === 'widget-npm') {
    // Generated from contract.ts and index.ts with the TypeScript compiler API (widget/papo-dts.ts says why).
    const types = papoDts(new URL('widget/', import.meta.url));
    return {
      publicDir: false,
      build: {
        outDir: 'dist/widget',
        emptyOutDir: false,
        target: WIDGET_TARGET,
        lib: { entry: 'widget/index.ts', formats: ['es'], fileName: () => 'index.js' },
      },
      plugins: [
        {
          name: 'papo-widget-types',
          generateBundle() {
            for (const fileName of ['index.d.ts', 'papo.d.ts']) this.emitFile({ type: 'asset', fileName, source: types });
          },
        },
      ],
    };
  }
  if (mode === 'console') {
    return {
      oxc: { jsx },
      root: 'console',
      base: '/console/',
      publicDir: false,
      build: { outDir: '../dist/console', emptyOutDir: true, target: 'es2022' },
    };
  }
  throw new Error(`vite.config.ts: unknown mode "${mode}" (widget-app, widget-loader, widget-npm or console)`);
});
