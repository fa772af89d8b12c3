/**
 * @module The composition root: builds store, bus, services and adapters from a Config, listens, and
 * knows how to stop in order (SPEC D12). Tests and main.ts both start Papo through here.
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import pg from 'pg';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CLOSE } from '../shared/errors';
import { createMemoryBus, type MemoryBus } from './bus/memory';
import { createRedisBus, type RedisBus } from './bus/redis';
import { clusterParts } from './cluster/compose';
import { hostOf, safeUrl, type Config } from './config';
import { createHttpApp } from './http/app';
import { randomToken } from './ids';
import { createLogger, type Logger } from './log';
import { attachGateway } from './realtime/gateway';
import { createAuthService } from './services/auth';
import { createBotService } from './services/bot';
import { createConversationService } from './services/conversations';
import { createSignals } from './services/presence-signals';
import { createInternalChat } from './services/internal-chat';
import { createDirectory } from './services/directory';
import { createLiveVisitors } from './services/live-visitors';
import { createRouter } from './services/router';
import { systemTimers, type Timers } from './services/timers';
import { createWorkflowService } from './services/workflow';
import { createAvailability } from './services/availability';
import { createWaits } from './services/waits';
import { createBlockAndEnd } from './services/block-and-end';
import { createCannedReplies } from './services/canned-replies';
import { createInbox } from './services/inbox';
import { createSites } from './services/sites';
import { createTeam } from './services/team';
import { createMailer } from './services/mailer';
import { createTicketService } from './services/tickets';
import { createSearchService } from './services/search';
import { createSafety } from './services/safety';
import { createProxyWarning } from './services/proxy-warning';
import { createDataRights } from './services/data-rights';
import { createAttachmentService } from './services/attachments';
import { createMaskingPolicy } from './services/masking-policy';
import { createMetrics } from './services/metrics';
import { createReadiness, redisPing } from './services/readiness';
import { SocketRegistry, type MassClose } from './realtime/registry';
import { seed } from './services/seed';
import { connectionConfig } from './store/pg/driver';
import { createPgStore } from './store/pg/store';
import { createSqliteStore } from './store/sqlite/store';
import { isStorageUnavailable, withoutStorageRefusals } from './store/storage-health';
import type { Store } from './store/store';

export interface Papo {
  /** Where the server listens, e.g. http://127.0.0.1:8787. */
  url: string;
  port: number;
  demoSiteKey: string | null;
  store: Store;
  /** The routing service: tests wait for its passes to settle. */
  router: { kick(): void; idle(): Promise<void> };
  /** The bot webhook's deliveries: tests wait for those under way to end. */
  bot: { idle(): Promise<void> };
  /** Stops accepting, closes sockets with 1001, commits queued writes, closes the store. Idempotent. */
  stop(): Promise<void>;
  sizes(): PapoSizes;
}

/**
 * The in-memory state Papo keeps per socket, visitor or address, by size: what closed sockets must give
 * back (SPEC D8). Read-only; tests compare it before and after reconnects.
 */
export interface PapoSizes {
  /** Open sockets (the gateway's registry). */
  sockets: number;
  busSubscriptions: number;
  availabilityListeners: number;
  presenceListeners: number;
  /** Agent consoles counted as connected (R1 presence). */
  agentConsoles: number;
  /** Addresses counted by the per-address socket limit. */
  addressesWithSockets: number;
  /** Visitors with a widget socket open (SPEC R11). */
  visitorsOnline: number;
  /** Visits remembered: online, or left less than VISIT_GAP_MS ago (SPEC R11). */
  visitsRemembered: number;
}

export interface StartOptions {
  log?: Logger;
  now?: () => number;
  /** A store to use instead of opening SQLite at config.databasePath (another implementation, or a decorated one). */
  store?: Store;
  /** Timers for offers, transfer requests and the presence grace (tests drive them). */
  timers?: Timers;
  /** How a site-wide close of sockets is spread (tests run its later slices themselves). */
  massClose?: MassClose;
}

const EXAMPLES_DIR = fileURLToPath(new URL('../examples', import.meta.url));
const SESSION_SWEEP_MS = 3_600_000;
/** Issue 14: how long a start waits for PostgreSQL or Redis before giving up with one clear line. */
export const START_TIMEOUT_MS = 5_000;

/** A dependency Papo cannot start without did not answer (main.ts prints the message alone and exits 1). */
export class StartError extends Error {
  override name = 'StartError';
}

/**
 * Runs `work` (a connection, a ping) and turns its failure or silence past `timeoutMs` into a StartError
 * naming the host and the variable, never the URL's password (the error's own text is scrubbed of it too).
 */
export async function reachable<T>(what: string, variable: string, url: string, work: () => Promise<T>, timeoutMs = START_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work(), late]);
  } catch (err) {
    const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
    let reason = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
    if (password) reason = reason.split(password).join('***');
    throw new StartError(`cannot reach ${what} at ${hostOf(url)} (${variable}=${safeUrl(url)}): ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * DATABASE_URL: PostgreSQL, shared by every node (connected and migrated before the answer: migrations run
 * once, under the store's advisory lock, however many nodes start together); else SQLite at DATABASE_PATH.
 */
async function openStore(config: Config, log: Logger, now: () => number): Promise<Store> {
  if (!config.databaseUrl) return createSqliteStore(config.databasePath, { log, now });
  const url = config.databaseUrl;
  // Unreachable: one line naming the host within START_TIMEOUT_MS. Only the connection is timed: the
  // migrations after it may wait their turn behind another node's.
  await reachable('PostgreSQL', 'DATABASE_URL', url, async () => {
    const client = new pg.Client({ ...connectionConfig(url, { schema: config.databaseSchema, nodeId: config.nodeId }), connectionTimeoutMillis: START_TIMEOUT_MS });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  const store = createPgStore(url, { schema: config.databaseSchema, nodeId: config.nodeId, log, now });
  await store.ready().catch(closing(store));
  return store;
}

function openRedisBus(config: Config, nodeId: string, log: Logger): Promise<RedisBus> {
  const url = config.redisUrl!;
  return reachable('Redis', 'REDIS_URL', url, () => createRedisBus({ url, prefix: config.redisPrefix, nodeId, log }));
}

/** For a start that fails after the store opened: close it, then fail as before. */
function closing(store: Store) {
  return async (err: unknown): Promise<never> => {
    await store.close().catch(() => undefined);
    throw err;
  };
}

export async function startPapo(config: Config, options: StartOptions = {}): Promise<Papo> {
  // SPEC D15: a refused write is logged once per storage episode, by the store, not by every catch it meets.
  const log = withoutStorageRefusals(options.log ?? createLogger(config.logLevel));
  const now = options.now ?? Date.now;
  const nodeId = config.nodeId;
  const metrics = createMetrics({ nodeId, now });
  // Commits are timed and messages counted where every write passes; leaderships reported as campaigned.
  const store = metrics.observeStore(options.store ?? (await openStore(config, log, now)));
  // /readyz asks Redis on a connection of its own (the bus's never wait for an answer: pub/sub). At start
  // it is asked first, so an unreachable Redis ends the start with one line naming its host and the
  // connection's own reason (main.ts exits 1) before the bus opens its two connections.
  const redisProbe = config.redisUrl ? redisPing(config.redisUrl) : null;
  if (config.redisUrl && redisProbe) {
    await reachable('Redis', 'REDIS_URL', config.redisUrl, () => redisProbe.ping()).catch(async (err: unknown) => {
      await redisProbe.close();
      return closing(store)(err);
    });
  }
  const bus = metrics.observeBus<MemoryBus | RedisBus>(
    config.redisUrl
      ? await openRedisBus(config, nodeId, log).catch(async (err: unknown) => {
          await redisProbe?.close();
          return closing(store)(err);
        })
      : createMemoryBus(log, nodeId),
  );
  if (config.redisUrl && !config.databaseUrl) {
    log.warn('REDIS_URL is set but DATABASE_URL is not: this node keeps its own SQLite database, which no other node sees; give every node the same DATABASE_URL');
  }
  const secret = config.secret ?? (await store.settings.getOrSet('visitor_token_secret', randomToken(32)));
  // Issue 14: nodes starting together seed once (the demo site, the first admin); the others find it done.
  const seeded = await store.cluster.exclusive('seed', () => seed(store, config, now));
  const publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : null;

  const readiness = createReadiness({ nodeId, store, redis: redisProbe });
  // Issue 14 (cluster state): with REDIS_URL, presence, blocks, settings, closes and limits are the
  // cluster's (server/cluster/compose.ts); null on one node, which leaves every service as it was.
  const cluster = clusterParts(config, bus, log, now);
  const safety = await createSafety(store, config.limits, now, cluster?.safety ?? null);
  const auth = createAuthService({
    store,
    secret,
    now,
    sessionTtlMs: config.sessionTtlMs,
    visitorTokenTtlMs: config.visitorTokenTtlMs,
    limits: safety,
  });
  const masking = await createMaskingPolicy(store, undefined, cluster?.announce);
  const directory = await createDirectory(store, now, { graceMs: config.presenceGraceMs, timers: options.timers ?? systemTimers, ...cluster?.directory });
  const conversations = createConversationService({ store, bus, now, masking, agents: directory });
  const workflow = createWorkflowService({ store, directory, conversations, requestTimeoutMs: config.requestTimeoutMs, masking });
  const liveVisitors = createLiveVisitors(now, undefined, cluster?.view);
  const bot = createBotService({ store, directory, conversations, log, allow: config.botWebhookAllow, ...(options.timers ? { timers: options.timers } : {}) });
  const mailer = createMailer(config.smtpUrl, config.mailFrom, log);
  const tickets = createTicketService({ store, directory, conversations, mailer, limits: safety, log, now, masking });
  const search = createSearchService({ store, masking, viewTicket: (t) => tickets.view(t) });
  const availability = createAvailability({ store, directory, conversations, log, now });
  const waits = createWaits({ store, conversations, log, now });
  const attachments = createAttachmentService({ store, conversations, safety, filesDir: config.filesDir, secret, now, log, masking });
  const registry = new SocketRegistry(log, options.massClose);
  const dataRights = createDataRights({ store, conversations, now });
  const signals = createSignals({ store, bus, masking });
  const internalChat = createInternalChat({ store, bus, now }); // issue 15 (internal chat)
  const router = createRouter({
    store,
    directory,
    conversations,
    log,
    now,
    toTicket: (c) => tickets.fromWaiting(c),
    bus,
    ...(options.timers ? { timers: options.timers } : {}),
  });
  // Issue 11: TRUST_PROXY off while requests carry a proxy's headers: every visitor shares one address.
  const proxyHeaders = createProxyWarning({ trustProxy: config.trustProxy, limits: config.limits, log, now });
  const sites = createSites({ store, directory, conversations, now, warn: (what, err) => log.warn(`could not record ${what}`, { err }), ...(cluster ? { announce: cluster.announce } : {}) });
  const clusterState = cluster?.start({ registry, directory, safety, masking, availability, waits, liveVisitors }) ?? null;
  const inbox = createInbox({ store, masking, directory, liveVisitors });
  const app = createHttpApp({
    auth,
    conversations,
    sites,
    team: createTeam({ store, directory, sites, workflow, auth, sockets: registry, now }),
    cannedReplies: createCannedReplies({ store, now }),
    inbox,
    blockAndEnd: createBlockAndEnd({ inbox, safety, liveVisitors, workflow, agentAddresses: () => clusterState?.agentAddresses() ?? registry.agentAddresses() }),
    directory,
    workflow,
    bot,
    tickets,
    search,
    availability,
    safety,
    registry,
    dataRights,
    masking,
    attachments,
    trustProxy: config.trustProxy,
    proxyHeaders,
    now,
    log,
    publicOrigin,
    distDir: config.distDir,
    examplesDir: EXAMPLES_DIR,
    demo: config.demo,
    demoSiteKey: () => seeded.demoSiteKey,
    readiness,
    metrics,
    metricsToken: config.metricsToken,
  });
  metrics.countSockets(() => {
    const counts = { visitor: 0, agent: 0 };
    for (const c of registry.connections) counts[c.peer.role === 'agent' ? 'agent' : 'visitor']++;
    return counts;
  });

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // Slow clients may not hold connections open forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  const gateway = attachGateway(server, {
    auth,
    conversations,
    workflow,
    directory,
    tickets,
    availability,
    waits,
    safety,
    registry,
    masking,
    trustProxy: config.trustProxy,
    proxyHeaders,
    liveVisitors,
    visitors: store.visitors,
    signals,
    internalChat,
    now,
    bus,
    log,
    heartbeatMs: config.heartbeatMs,
    ...(options.timers ? { timers: options.timers } : {}),
    helloTimeoutMs: config.helloTimeoutMs,
    publicOrigin,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const url = `http://${wildcard ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const loopback = wildcard || config.host === '127.0.0.1' || config.host === 'localhost';
  const shown = config.publicUrl ?? (loopback ? `http://localhost:${port}` : url);

  log.info('Papo is listening', {
    url: shown,
    node: nodeId,
    database: config.databaseUrl ? `${safeUrl(config.databaseUrl)} (schema ${config.databaseSchema})` : config.databasePath,
    bus: config.redisUrl ? `${safeUrl(config.redisUrl)} (prefix ${config.redisPrefix})` : 'in-process',
  });
  if (seeded.generatedLogin) {
    // The one time this password is ever shown (issue 2: "it never prints a secret again").
    log.info(
      `First start: sign in to ${shown}/console as ${seeded.generatedLogin.email} with password ${seeded.generatedLogin.password} (shown once; keep it)`,
    );
  } else if (seeded.adminFromEnv) {
    log.info('First start: created the admin agent from ADMIN_EMAIL and ADMIN_PASSWORD', { email: seeded.adminFromEnv });
  }
  if (seeded.demoSiteKey) {
    log.info(`Demo site key: ${seeded.demoSiteKey} (public; goes in the widget's script tag)`);
    if (config.demo) log.info(`Demo page: ${shown}/  Console: ${shown}/console`);
  }

  // Expired agent sessions are only refused, never deleted, unless something sweeps them.
  const sweepSessions = () =>
    Promise.all([
      store.sessions.deleteExpired(now()).catch((err: unknown) => log.warn('could not delete expired sessions', { err })),
      // SPEC W3: uploads never sent within a day.
      attachments.sweep().catch((err: unknown) => log.warn('could not sweep unsent files', { err })),
    ]);
  // Issue 14: the routing timers and the sweeps run on the one routing leader (SQLite: this node, at once;
  // PostgreSQL: an advisory lock, taken over within seconds of a leader's death). Gaining it is a restart.
  let leader = false;
  let sweeper: ReturnType<typeof setInterval> | undefined;
  let gaining: Promise<void> = Promise.resolve();
  const leadership = await store.cluster.lead('router', {
    gained() {
      leader = true;
      sweeper ??= setInterval(sweepSessions, SESSION_SWEEP_MS);
      sweeper.unref();
      gaining = (async () => {
        await sweepSessions();
        if (leader) await router.start();
      })().catch((err: unknown) => log.error('could not start routing on gaining its leadership', { err }));
    },
    lost() {
      leader = false;
      clearInterval(sweeper);
      sweeper = undefined;
      router.resign();
    },
  });
  // On one node the leadership is gained at once: routing is armed before the server says it started.
  await gaining;

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    // A load balancer polling /readyz drains this node first (issue 14).
    readiness.stopping();
    clearInterval(sweeper);
    await leadership.stop();
    await router.stop();
    directory.stop();
    // Issue 14: the other nodes drop this one's consoles and visitors now (goodbye), not after the TTL.
    await cluster?.close();
    bot.stop();
    // SPEC D12: deliveries that stop() cut short end before anything they use (the store) is closed.
    await bot.idle();
    availability.stop();
    waits.stop();
    gateway.stopAccepting();
    server.close();
    server.closeIdleConnections();
    // Writes already queued commit, and their acks go out before the sockets do (SPEC D12). The acks are
    // sent a few promise hops after the commit; the next macrotask comes after all of them.
    // On a full disk they are refused instead, each to its own sender (SPEC D15). Either way every sender
    // has its answer and stopping goes on to close the sockets and the store; only a failure other than a
    // full disk (which storage-health logs once per episode) is worth a line here.
    await store.flush().catch((err: unknown) => {
      if (!isStorageUnavailable(err)) log.error('could not commit the writes queued at shutdown', { err });
    });
    await new Promise((resolve) => setImmediate(resolve));
    await gateway.closeAll(CLOSE.going_away, 'server restarting');
    const deadline = Date.now() + config.shutdownTimeoutMs;
    while (gateway.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    server.closeAllConnections();
    await bus.close();
    await redisProbe?.close();
    await store.close();
    mailer.close();
    log.info('Papo stopped');
  }

  return {
    url,
    port,
    demoSiteKey: seeded.demoSiteKey,
    store,
    router,
    bot: { idle: () => bot.idle() },
    stop: () => (stopping ??= stop()),
    sizes: () => {
      const { presenceListeners, consoles } = directory.counts();
      return {
        sockets: registry.connections.size,
        busSubscriptions: bus.subscriptions(),
        availabilityListeners: availability.listeners(),
        presenceListeners,
        agentConsoles: consoles,
        addressesWithSockets: safety.addressesWithSockets(),
        visitorsOnline: liveVisitors.online().length,
        visitsRemembered: liveVisitors.remembered(),
      };
    },
  };
}
