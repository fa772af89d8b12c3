/**
 * @module The layering ARCHITECTURE.md describes, kept by a test: server adapters (`http/`, `realtime/`)
 * -> services -> `domain/` (pure) and the `store/` / `bus/` ports; only the composition root picks an
 * implementation; nothing imports an adapter; the browser bundles never import the server; no runtime
 * import cycle anywhere.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ImportEdge, type ImportRule, readImportGraph, ruleViolations, runtimeCycles } from './import-graph';

const root = fileURLToPath(new URL('../..', import.meta.url));

const under =
  (...dirs: string[]) =>
  (path: string): boolean =>
    dirs.some((dir) => path === dir || path.startsWith(`${dir}/`));

/** Test code outside the test folders: the store contract's databases, two nodes' control channels in one process. */
const TEST_SUPPORT = ['server/store/store-fixture.ts', 'server/cluster/linked-buses.ts'];

/** Tests, test harnesses and benchmarks drive the product from outside and may reach any part of it. */
const harness = (file: string): boolean =>
  /\.test\.tsx?$/.test(file) || under('server/test', 'test', 'bench')(file) || TEST_SUPPORT.includes(file);

/**
 * The composition root: the only production files that wire adapters and implementations together (app.ts,
 * and the cluster state's part of it, which hands the socket registry its closes on every node).
 */
const COMPOSITION_ROOT = ['server/app.ts', 'server/cluster/compose.ts'];

const ADAPTERS = ['server/http', 'server/realtime'];
/** The pure rules and the server's string tables (data the rules read, such as an e-mail's text). */
const PURE = ['server/domain', 'server/i18n'];
const STORE_IMPLEMENTATIONS = ['server/store/sqlite', 'server/store/pg'];
const BUS_IMPLEMENTATIONS = ['server/bus/memory.ts', 'server/bus/redis.ts', 'server/bus/redis'];
/** Packages that do I/O or belong to one adapter or implementation. */
const IO_PACKAGES = [
  'hono',
  '@hono/node-server',
  'ws',
  'drizzle-orm',
  'better-sqlite3',
  'pg',
  'ioredis',
  'nodemailer',
  'node:fs',
  'node:fs/promises',
  'node:http',
  'node:https',
  'node:child_process',
  'node:dns',
  'node:tls',
];
const DRIVERS = ['drizzle-orm', 'better-sqlite3', 'pg', 'ioredis'];

const adapterOf = (file: string): string | undefined => ADAPTERS.find((dir) => under(dir)(file));

export const RULES: ImportRule[] = [
  {
    name: 'domain/ is pure (no services, store, bus, adapters, hono, ws or I/O)',
    files: under(...PURE),
    forbid: (to) => (under('server')(to) && !under(...PURE)(to)) || IO_PACKAGES.includes(to),
  },
  {
    name: 'an adapter never imports a store or bus implementation or a database driver',
    files: (file) => adapterOf(file) !== undefined && !harness(file),
    forbid: (to) => under(...STORE_IMPLEMENTATIONS, ...BUS_IMPLEMENTATIONS)(to) || DRIVERS.includes(to),
  },
  {
    name: 'nothing imports an adapter (only the composition root wires them)',
    files: (file) => !harness(file) && !COMPOSITION_ROOT.includes(file),
    forbid: (to, edge) => {
      const target = adapterOf(to);
      return target !== undefined && target !== adapterOf(edge.from);
    },
  },
  {
    name: 'only the composition root picks a store or bus implementation',
    files: (file) => !harness(file) && !COMPOSITION_ROOT.includes(file),
    forbid: (to, edge) =>
      under(...STORE_IMPLEMENTATIONS, ...BUS_IMPLEMENTATIONS)(to) &&
      !under(...STORE_IMPLEMENTATIONS, ...BUS_IMPLEMENTATIONS)(edge.from),
  },
  {
    name: 'services never import hono or ws (they serve every adapter)',
    files: under('server/services'),
    forbid: (to) => to === 'hono' || to === '@hono/node-server' || to === 'ws',
  },
  {
    name: 'the browser bundles never import the server',
    files: (file) => under('widget', 'console', 'shared')(file) && !harness(file),
    forbid: (to) => under('server')(to) || IO_PACKAGES.filter((name) => name !== 'node:fs').includes(to),
  },
  {
    name: 'shared/ imports only shared/ (widget, console and server all import it)',
    files: (file) => under('shared')(file) && !harness(file),
    forbid: (to) => under('server', 'widget', 'console')(to),
  },
  {
    name: 'the widget and the console do not import each other',
    files: (file) => !harness(file),
    forbid: (to, edge) =>
      (under('widget')(edge.from) && under('console')(to)) || (under('console')(edge.from) && under('widget')(to)),
  },
];

describe('import rules', () => {
  const edges = readImportGraph(root);

  it('reads the whole tree (every part of the product is in the graph)', () => {
    for (const part of ['server/domain/', 'server/services/', 'server/http/', 'server/realtime/', 'console/', 'widget/', 'shared/']) {
      expect(edges.some((edge) => edge.from.startsWith(part)), part).toBe(true);
    }
  });

  it('every layer rule holds', () => {
    expect(ruleViolations(edges, RULES)).toEqual([]);
  });

  it('no runtime import cycle', () => {
    expect(runtimeCycles(edges)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const edge = (from: string, to: string, kind: ImportEdge['kind'] = 'static'): ImportEdge => ({ from, to, kind });

  it.each<{ name: string; edges: ImportEdge[]; broken: string[] }>([
    { name: 'domain importing the store', edges: [edge('server/domain/a.ts', 'server/store/store.ts')], broken: ['domain/ is pure'] },
    { name: 'domain importing hono', edges: [edge('server/domain/a.ts', 'hono')], broken: ['domain/ is pure'] },
    { name: 'domain importing ws types', edges: [edge('server/domain/a.ts', 'ws', 'type')], broken: ['domain/ is pure'] },
    { name: 'domain importing shared', edges: [edge('server/domain/a.ts', 'shared/protocol.ts')], broken: [] },
    { name: 'domain importing a string table', edges: [edge('server/domain/a.ts', 'server/i18n/mail-text.ts')], broken: [] },
    { name: 'a string table importing a service', edges: [edge('server/i18n/a.ts', 'server/services/tickets.ts')], broken: ['domain/ is pure'] },
    { name: 'an adapter importing SQLite', edges: [edge('server/http/a.ts', 'server/store/sqlite/store.ts')], broken: ['an adapter never', 'only the composition root'] },
    { name: 'a service importing an adapter', edges: [edge('server/services/a.ts', 'server/http/json.ts', 'type')], broken: ['nothing imports an adapter'] },
    { name: 'one adapter importing another', edges: [edge('server/http/a.ts', 'server/realtime/registry.ts', 'type')], broken: ['nothing imports an adapter'] },
    { name: 'an adapter importing its own files', edges: [edge('server/http/a.ts', 'server/http/json.ts')], broken: [] },
    { name: 'the composition root importing an adapter', edges: [edge('server/app.ts', 'server/http/app.ts')], broken: [] },
    { name: 'a scenario test importing an adapter', edges: [edge('server/test/a.test.ts', 'server/http/json.ts')], broken: [] },
    { name: 'a service importing ws', edges: [edge('server/services/a.ts', 'ws')], broken: ['services never import'] },
    { name: 'the console importing the server', edges: [edge('console/a.ts', 'server/domain/roles.ts')], broken: ['the browser bundles'] },
    { name: 'shared importing the widget', edges: [edge('shared/a.ts', 'widget/contract.ts', 'type')], broken: ['shared/ imports only shared/'] },
    { name: 'the widget importing the console', edges: [edge('widget/a.ts', 'console/api.ts')], broken: ['the widget and the console'] },
  ])('$name', ({ edges, broken }) => {
    const found = ruleViolations(edges, RULES);
    expect(found).toHaveLength(broken.length);
    broken.forEach((rule, i) => expect(found[i]).toContain(rule));
  });

  it.each<{ name: string; edges: ImportEdge[]; cycles: string[][] }>([
    { name: 'no cycle', edges: [edge('a', 'b'), edge('b', 'c')], cycles: [] },
    { name: 'two files', edges: [edge('a', 'b'), edge('b', 'a')], cycles: [['a', 'b']] },
    { name: 'three files and a tail', edges: [edge('x', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'a')], cycles: [['a', 'b', 'c']] },
    { name: 'a file importing itself', edges: [edge('a', 'a')], cycles: [['a']] },
    { name: 'a type-only import closes no cycle', edges: [edge('a', 'b'), edge('b', 'a', 'type')], cycles: [] },
    { name: 'an import() closes no cycle', edges: [edge('a', 'b'), edge('b', 'a', 'lazy')], cycles: [] },
    { name: 'two separate cycles', edges: [edge('d', 'e'), edge('e', 'd'), edge('a', 'b'), edge('b', 'a')], cycles: [['a', 'b'], ['d', 'e']] },
  ])('cycles: $name', ({ edges, cycles }) => {
    expect(runtimeCycles(edges)).toEqual(cycles);
  });
});
