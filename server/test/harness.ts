/**
 * @module Starts the real Papo server for a test: port 0, a SQLite file in a fresh temp folder, the real
 * gateway and store. `restart()` stops it and starts it again on the same database file.
 */
import type Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { SiteTicketing } from '../../shared/api';
import { DEFAULT_TICKETING } from '../domain/tickets';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPapo, type Papo } from '../app';
import { loadConfig } from '../config';
import { createLogger, type Logger } from '../log';
import type { MassClose } from '../realtime/registry';
import type { Timers } from '../services/timers';
import { createSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/store';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple', name: 'Ana Admin' };
/** Tests sign their own tokens (expired, other site) with this secret. */
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestServer {
  papo: Papo;
  url: string;
  wsUrl: string;
  origin: string;
  siteKey: string;
  dir: string;
  /** Everything the server logged at warn or above: a test may assert it stayed quiet. */
  problems: string[];
  stop(): Promise<void>;
  restart(): Promise<TestServer>;
}

export interface TestServerOptions {
  dir?: string;
  env?: Record<string, string>;
  port?: number;
  /** Decorates the real SQLite store, e.g. to make reads slow and expose races. */
  wrapStore?: (store: Store) => Store;
  /**
   * Replaces the router's timers (SPEC R4, R6 timers), the presence grace's (SPEC R13) and the bot webhook's
   * retry pause (SPEC R12): a test can make them fire a little early, as Node's may by a millisecond against
   * the wall clock the decisions read, or fire them itself.
   */
  timers?: Timers;
  /**
   * The demo site's offline settings (SPEC T1, T2). Tests that are not about tickets keep waiting chats as
   * chats: by default `ticketWhenNoAgents` is off. 'product' keeps the product's defaults.
   */
  ticketing?: SiteTicketing | 'product';
  /** The server's own SQLite connection once open (SPEC D15: a test fills it with `max_page_count`). */
  onSqliteOpen?: (sqlite: Database.Database) => void;
  /** The server's clock (default Date.now). */
  now?: () => number;
  /** How a site-wide close of sockets is spread (issue 12): a test may run the later slices itself. */
  massClose?: MassClose;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'papo-test-'));
  const config = loadConfig({
    PORT: String(options.port ?? 0),
    DATABASE_PATH: join(dir, 'papo.db'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_NAME: ADMIN.name,
    PAPO_SECRET: TEST_SECRET,
    DIST_DIR: join(import.meta.dirname, '../../dist'),
    // Every test client comes from 127.0.0.1: the per-address limits (issue 6) are lifted here, and the
    // tests of the limits set their own.
    RATE_CONNECTIONS_PER_MIN: '1000000',
    RATE_CONVERSATIONS_PER_MIN: '1000000',
    MAX_SOCKETS_PER_IP: '1000000',
    RATE_MESSAGES_PER_SEC: '100000',
    RATE_LOGINS_PER_15_MIN: '1000000',
    // SPEC R13: a console that closes leaves at once unless a test is about the presence grace (it sets
    // its own, with `timers` to end it).
    PRESENCE_GRACE_MS: '0',
    RATE_TICKETS_PER_HOUR: '1000000',
    RATE_TRANSCRIPTS_PER_HOUR: '1000000',
    ...options.env,
  });
  const problems: string[] = [];
  const log: Logger = createLogger('warn', (line) => problems.push(line));
  const own = options.wrapStore ?? (options.onSqliteOpen ? (s: Store) => s : undefined);
  const store = own?.(createSqliteStore(config.databasePath, { log, ...(options.now ? { now: options.now } : {}), ...(options.onSqliteOpen ? { onOpen: options.onSqliteOpen } : {}) }));
  const papo = await startPapo(config, {
    log,
    ...(options.now ? { now: options.now } : {}),
    ...(store ? { store } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.massClose ? { massClose: options.massClose } : {}),
  });
  if (options.ticketing !== 'product') {
    const site = await papo.store.sites.byKey(papo.demoSiteKey!);
    if (site) await papo.store.sites.update(site.id, { ticketing: options.ticketing ?? { ...DEFAULT_TICKETING, ticketWhenNoAgents: false } });
  }
  const server: TestServer = {
    papo,
    url: papo.url,
    wsUrl: `${papo.url.replace(/^http/, 'ws')}/ws`,
    origin: papo.url,
    siteKey: papo.demoSiteKey!,
    dir,
    problems,
    stop: () => papo.stop(),
    async restart() {
      await papo.stop();
      return startTestServer({ ...options, dir, port: papo.port });
    },
  };
  return server;
}

/**
 * Inside a test file or a `describe`: starts servers with a test's own options, and stops every server a
 * test started once it ends (together).
 *
 * @example const serverWith = serversPerTest(); const server = await serverWith({ env: { TRUST_PROXY: '1' } });
 */
export function serversPerTest(): (options?: TestServerOptions) => Promise<TestServer> {
  const started: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });
  return async (options) => {
    const server = await startTestServer(options);
    started.push(server);
    return server;
  };
}

/** Options, or a function giving them when the server starts (for what a file sets up first, e.g. a port). */
export type LateOptions = TestServerOptions | (() => TestServerOptions);

/**
 * One server for all the tests of a file or a `describe`: started in `beforeAll`, stopped in `afterAll`, the
 * set-up most scenario files began with. The answer stands for that server from the start on: hooks
 * registered after this call and the tests use it as they used their own `let server` (vitest runs `before`
 * hooks in order and `after` hooks in reverse, so it starts before and stops after the rest of the file's).
 *
 * @example const server = serverForAll({ wrapStore: holding.wrap });
 */
export function serverForAll(options?: LateOptions): TestServer {
  const slot = serverSlot(options);
  beforeAll(slot.start);
  afterAll(slot.stop);
  return slot.server;
}

/**
 * A new server for each test of a file or a `describe` (`beforeEach`, `afterEach`); otherwise as
 * `serverForAll`. A test that needs other options starts its own with `startTestServer`.
 *
 * @example const server = serverForEach();
 */
export function serverForEach(options?: LateOptions): TestServer {
  const slot = serverSlot(options);
  beforeEach(slot.start);
  afterEach(slot.stop);
  return slot.server;
}

function serverSlot(options: LateOptions = {}) {
  let current: TestServer | undefined;
  const now = (): TestServer => {
    if (!current) throw new Error('The test server starts in a before hook: use it in a hook or a test.');
    return current;
  };
  // Every member is read from the running server, so a reference taken before the start stays good.
  const server: TestServer = {
    get papo() { return now().papo; },
    get url() { return now().url; },
    get wsUrl() { return now().wsUrl; },
    get origin() { return now().origin; },
    get siteKey() { return now().siteKey; },
    get dir() { return now().dir; },
    get problems() { return now().problems; },
    stop: () => now().stop(),
    // A restart hands back the new server: it is the one this stands for, and the one stopped at the end.
    restart: async () => (current = await now().restart()),
  };
  return {
    server,
    async start() {
      current = await startTestServer(typeof options === 'function' ? options() : options);
    },
    async stop() {
      const running = current;
      current = undefined;
      await running?.stop();
    },
  };
}
