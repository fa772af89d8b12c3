/**
 * @module Several real Papo server processes on one PostgreSQL database and one Redis (issue 14): each node
 * is `node --import tsx server/main.ts` with its own PORT and NODE_ID, the same DATABASE_URL, schema,
 * REDIS_URL, PAPO_SECRET and PUBLIC_URL. A test file gets its own PostgreSQL schema (`t_<file>_<hex>`, dropped
 * afterwards) and its own Redis key prefix on the shared Redis, or a private `redis-server` it may kill.
 * Nodes are killed with SIGKILL and started again on the same port, as a machine that dies and comes back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, NO_ABUSE_LIMITS } from '../child-server';
import { login } from '../clients';
import { ADMIN, TEST_SECRET, type TestServer } from '../harness';
import { isLeader } from './metrics-text';

const ROOT = join(import.meta.dirname, '../../..');

/** The machine's PostgreSQL (CI starts it too): user postgres, no password. */
export const PG_ROOT_URL = process.env.PAPO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const PG_DATABASE = 'papo_test';
export const SHARED_REDIS_URL = process.env.PAPO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Node liveness as short as the settings allow, so a killed node is noticed in about two seconds (the
 * product's defaults are for real networks). Names from the issue 14 brief's configuration.
 */
export const FAST_CLUSTER: Record<string, string> = {
  PAPO_NODE_TTL_MS: '2000',
  PAPO_NODE_HEARTBEAT_MS: '500',
};

/**
 * Everything per-address and per-visitor raised out of the way: every test client comes from 127.0.0.1, and
 * these tests are about what the nodes do together, not the limits (issue 6 tests those).
 */
export const CLUSTER_LIMITS: Record<string, string> = {
  ...NO_ABUSE_LIMITS,
  RATE_LOGINS_PER_15_MIN: '1000000',
  RATE_TICKETS_PER_HOUR: '1000000',
  RATE_TRANSCRIPTS_PER_HOUR: '1000000',
  RATE_UPLOAD_MB_PER_10_MIN: '1000000',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the test database once (two processes may race: 42P04 / 23505 mean someone else did). */
export async function ensureTestDatabase(): Promise<void> {
  const root = new pg.Client({ connectionString: `${PG_ROOT_URL}/postgres` });
  await root.connect();
  try {
    await root.query(`CREATE DATABASE ${PG_DATABASE}`).catch((err: { code?: string }) => {
      if (err.code !== '42P04' && err.code !== '23505') throw err;
    });
  } finally {
    await root.end();
  }
  const db = new pg.Client({ connectionString: `${PG_ROOT_URL}/${PG_DATABASE}` });
  await db.connect();
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS unaccent').catch((err: { code?: string }) => {
      if (err.code !== '23505' && err.code !== '42710') throw err;
    });
  } finally {
    await db.end();
  }
}

/** A private `redis-server` a test may kill and start again on the same port (no persistence). */
export interface PrivateRedis {
  port: number;
  url: string;
  alive: boolean;
  /** SIGKILL: every connection drops at once, everything it held is gone. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    alive: false,
    async start() {
      for (let attempt = 1; ; attempt++) {
        const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
        exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => {});
        const deadline = Date.now() + 5000;
        let up = false;
        while (Date.now() < deadline && proc.exitCode === null) {
          up = await probe.connect().then(
            () => probe.ping().then((r) => r === 'PONG'),
            () => false,
          );
          if (up) break;
          await sleep(50);
        }
        probe.disconnect();
        if (up) {
          child = proc;
          redis.alive = true;
          return;
        }
        proc.kill('SIGKILL');
        await exited;
        // The port of the one just killed may be held for a moment.
        if (attempt >= 5) throw new Error(`redis-server did not start on port ${port}`);
        await sleep(200 * attempt);
      }
    },
    async kill() {
      redis.alive = false;
      child?.kill('SIGKILL');
      await exited;
      child = null;
    },
    async stop() {
      await redis.kill();
    },
  };
  await redis.start();
  return redis;
}

export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One Papo process of the cluster. `alive` is false from the moment a test kills it until it is ready again. */
export class ClusterNode {
  alive = false;
  child: ChildProcess | null = null;
  exited: Promise<NodeExit> = Promise.resolve({ code: null, signal: null });
  /** stdout and stderr of every run of this node (LOG_LEVEL=warn: only problems), runs separated. */
  readonly runs: string[] = [];

  constructor(
    readonly cluster: Cluster,
    /** 0-based. */
    readonly index: number,
    readonly id: string,
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** The shape the single-node helpers (`openVisitor`, `openAgent`, `login`) read; Origin is PUBLIC_URL. */
  asTestServer(): TestServer {
    return { url: this.url, wsUrl: this.wsUrl, origin: this.cluster.publicUrl, siteKey: this.cluster.siteKey } as TestServer;
  }

  output(): string {
    return this.runs.join('\n--- restart ---\n');
  }

  /**
   * Lines logged at error level, and anything that is not a log line (a crash's stack): a peer's death may
   * be worth a warning, never an error on a node that stayed up.
   */
  errors(): string[] {
    return this.output()
      .split('\n')
      .filter((line) => line.trim() !== '' && line !== '--- restart ---' && !/^\S+ (debug|info |warn ) /.test(line));
  }

  async start(timeoutMs = 60_000): Promise<void> {
    // A restart on the same port may find it held for a moment by the process just killed.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#startOnce(timeoutMs);
      } catch (err) {
        if (attempt >= 5 || !(err instanceof Error && err.message.includes('EADDRINUSE'))) throw err;
        await sleep(200 * attempt);
      }
    }
  }

  async #startOnce(timeoutMs: number): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = this.runs.push('') - 1;
    const append = (d: Buffer) => (this.runs[run] += d.toString());
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    let gone = false;
    this.child = child;
    this.exited = new Promise<NodeExit>((resolve) =>
      child.once('exit', (code, signal) => {
        gone = true;
        if (this.child === child) this.alive = false;
        resolve({ code, signal });
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (gone) throw new Error(`node ${this.id} exited before it was ready:\n${this.runs[run]}`);
      if (await this.ready()) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`node ${this.id} was not ready within ${timeoutMs} ms:\n${this.runs[run]}`);
      }
      await sleep(100);
    }
    this.alive = true;
  }

  /** `/readyz` (store and Redis reachable) where the node has it, else `/healthz`. */
  async ready(): Promise<boolean> {
    const status = (path: string) =>
      fetch(`${this.url}${path}`).then(
        (res) => res.status,
        () => 0,
      );
    const readyz = await status('/readyz');
    if (readyz === 404) return (await status('/healthz')) === 200;
    return readyz === 200;
  }

  /** Sends the signal (SIGKILL by default: the machine is gone) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeExit> {
    this.alive = false;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Starts this node again on the same port (after a kill). */
  async restart(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) await this.kill();
    await this.start();
  }

  /** The node's `/metrics` text (Prometheus), or null while it does not answer. */
  async metrics(): Promise<string | null> {
    return fetch(`${this.url}/metrics`).then(
      (res) => (res.status === 200 ? res.text() : null),
      () => null,
    );
  }
}

export interface ClusterOptions {
  /** Names the schema: `t_<name>_<hex>`. */
  name: string;
  nodes: number;
  /** More settings for every node. */
  env?: Record<string, string>;
  /** `private`: a `redis-server` of this cluster's own, which the test may kill (REDIS_URL points at it). */
  redis?: 'shared' | 'private';
  /** PUBLIC_URL of every node (the proxy's URL in the browser test). */
  publicUrl?: string;
}

export interface Cluster {
  nodes: ClusterNode[];
  schema: string;
  publicUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** The private Redis, when asked for. */
  redis: PrivateRedis | null;
  siteKey: string;
  siteId: string;
  /** A pool on the cluster's schema, for the tests' own reads. */
  db: pg.Pool;
  /** Nodes not killed (and ready again after a restart). */
  live(): ClusterNode[];
  /** The next live node after `node` in index order (a load balancer's next pick). */
  nextLive(node: ClusterNode | null): ClusterNode;
  /** The node that holds the routing leadership now, waiting up to `timeoutMs` for one. */
  leader(timeoutMs?: number): Promise<ClusterNode>;
  /** Everything every node logged at warn or above, by node. */
  outputs(): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts `nodes` Papo processes at once on a fresh schema (so migrations and the first-start seed race, as
 * they do when a cluster is deployed) and waits until each is ready.
 *
 * @example const cluster = await startCluster({ name: 'kill', nodes: 3 }); ... await cluster.stop();
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  await ensureTestDatabase();
  const hex = randomBytes(4).toString('hex');
  const schema = `t_${options.name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${hex}`;
  const redis = options.redis === 'private' ? await startPrivateRedis() : null;
  const redisUrl = redis?.url ?? SHARED_REDIS_URL;
  const redisPrefix = `papo-test-${options.name}-${hex}:`;
  const publicUrl = options.publicUrl ?? `http://papo-${hex}.test`;
  const databaseUrl = `${PG_ROOT_URL}/${PG_DATABASE}`;
  const dir = mkdtempSync(join(tmpdir(), 'papo-cluster-'));
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4, options: `-c search_path=${schema},public` });
  db.on('error', () => {}); // an idle client dropped by the server: the next query opens another

  const cluster: Cluster = {
    nodes: [],
    schema,
    publicUrl,
    redisUrl,
    redisPrefix,
    redis,
    siteKey: '',
    siteId: '',
    db,
    live: () => cluster.nodes.filter((n) => n.alive),
    nextLive(node) {
      const n = cluster.nodes.length;
      const from = node ? node.index + 1 : 0;
      for (let k = 0; k < n; k++) {
        const candidate = cluster.nodes[(from + k) % n]!;
        if (candidate.alive) return candidate;
      }
      throw new Error('no live node in the cluster');
    },
    async leader(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const leaders: ClusterNode[] = [];
        for (const node of cluster.live()) if (isLeader(await node.metrics())) leaders.push(node);
        if (leaders.length === 1) return leaders[0]!;
        if (Date.now() > deadline) throw new Error(`no single routing leader within ${timeoutMs} ms (${leaders.map((l) => l.id).join(', ') || 'none'})`);
        await sleep(100);
      }
    },
    outputs: () => Object.fromEntries(cluster.nodes.map((n) => [n.id, n.output()])),
    async stop() {
      await Promise.all(
        cluster.nodes.map(async (node) => {
          if (!node.child || node.child.exitCode !== null || node.child.signalCode !== null) return;
          const timer = setTimeout(() => node.child?.kill('SIGKILL'), 15_000);
          await node.kill('SIGTERM');
          clearTimeout(timer);
        }),
      );
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await db.end().catch(() => {});
      if (redis) await redis.stop();
      else await dropRedisKeys(redisUrl, redisPrefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  for (let i = 0; i < options.nodes; i++) {
    const port = await freePort();
    const id = `n${i + 1}`;
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ID: id,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      // Unused with DATABASE_URL, but nothing of a node may land in the worktree (files, a stray SQLite file).
      DATABASE_PATH: join(dir, `${id}.db`),
      FILES_DIR: join(dir, `${id}-files`),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      PAPO_SECRET: TEST_SECRET,
      PUBLIC_URL: publicUrl,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_NAME: ADMIN.name,
      DIST_DIR: join(ROOT, 'dist'),
      LOG_LEVEL: 'warn',
      // SPEC R13: a console that drops leaves at once, unless a test is about the grace.
      PRESENCE_GRACE_MS: '0',
      ...CLUSTER_LIMITS,
      ...FAST_CLUSTER,
      ...options.env,
    };
    cluster.nodes.push(new ClusterNode(cluster, i, id, port, env));
  }

  try {
    await Promise.all(cluster.nodes.map((node) => node.start()));
    const sites = await db.query<{ id: string; key: string }>('SELECT id, key FROM sites ORDER BY created_at');
    if (sites.rows.length === 0) throw new Error('no site in the database after the first start');
    cluster.siteId = sites.rows[0]!.id;
    cluster.siteKey = sites.rows[0]!.key;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Best effort: the keys carry this run's random prefix and never meet another run's.
  } finally {
    redis.disconnect();
  }
}

/** The JSON API under /api/v1 of one node, as one signed-in agent, with PUBLIC_URL as Origin. */
export interface NodeApi {
  cookie: string;
  call<T = any>(node: ClusterNode, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

export function apiAs(cookie: string): NodeApi {
  return {
    cookie,
    async call(node, method, path, body, headers = {}) {
      const res = await fetch(`${node.url}/api/v1${path}`, {
        method,
        headers: { origin: node.cluster.publicUrl, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: any = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed };
    },
  };
}

/** The seeded admin, signed in on `node`. */
export async function adminOn(node: ClusterNode): Promise<NodeApi> {
  return apiAs(await login(node.asTestServer()));
}

/** Fails with the answer when the status is not the expected one. */
export function expectStatus<T>(answer: { status: number; body: T }, status: number, what: string): T {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

let agentCount = 0;

export interface ClusterAgentAccount {
  id: string;
  name: string;
  email: string;
  password: string;
  api: NodeApi;
}

/** Creates an agent through the admin API on `node` and signs it in there (a session works on every node). */
export async function createAgentOn(
  node: ClusterNode,
  admin: NodeApi,
  options: { role?: 'agent' | 'supervisor' | 'admin'; capacity?: number; queues?: string[]; name?: string } = {},
): Promise<ClusterAgentAccount> {
  const n = ++agentCount;
  const name = options.name ?? `Agente ${n}`;
  const email = `agente-${n}-${randomBytes(4).toString('hex')}@example.com`;
  const password = `password-${n}-long-enough`;
  const created = expectStatus(
    await admin.call(node, 'POST', '/agents', { email, name, password, role: options.role ?? 'agent', capacity: options.capacity ?? 10, queueIds: options.queues ?? [] }),
    201,
    'create an agent',
  );
  const cookie = await login(node.asTestServer(), email, password);
  return { id: created.agent.id, name, email, password, api: apiAs(cookie) };
}

/** The seeded "Support" queue (the demo site's default). */
export async function supportQueue(cluster: Cluster): Promise<{ id: string; name: string }> {
  const { rows } = await cluster.db.query<{ id: string; name: string }>("SELECT id, name FROM queues WHERE name = 'Support'");
  if (rows.length !== 1) throw new Error(`expected one Support queue, found ${rows.length}`);
  return rows[0]!;
}

/** SPEC T2 off for tests where nobody answers: waiting chats stay chats instead of becoming tickets. */
export async function keepWaitingChats(cluster: Cluster, admin: NodeApi): Promise<void> {
  expectStatus(
    await admin.call(cluster.nodes[0]!, 'PUT', `/sites/${cluster.siteId}/ticketing`, { businessHours: null, ticketWhenNoAgents: false, maxWaitMs: null, offlineFields: [] }),
    200,
    'keep waiting chats',
  );
}

/** Polls until `probe` answers something other than undefined. */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

export interface StoredEvent {
  conversation_id: string;
  seq: number;
  kind: string;
  client_id: string | null;
  text: string | null;
  author_kind: string;
  author_id: string | null;
  data: string | null;
  at: number;
}

/** Every stored event of these conversations, by conversation, in seq order. */
export async function storedLog(cluster: Cluster, conversationIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
  const { rows } = await cluster.db.query<StoredEvent>(
    `SELECT conversation_id, seq::int AS seq, kind, client_id, text, author_kind, author_id, data, created_at::float8 AS at
       FROM events WHERE conversation_id = ANY($1) ORDER BY conversation_id, seq`,
    [conversationIds],
  );
  const log = new Map<string, StoredEvent[]>(conversationIds.map((id) => [id, []]));
  for (const row of rows) log.get(row.conversation_id)!.push(row);
  return log;
}

/** `last_seq` of these conversations. */
export async function lastSeqs(cluster: Cluster, conversationIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await cluster.db.query<{ id: string; last_seq: number }>('SELECT id, last_seq::int AS last_seq FROM conversations WHERE id = ANY($1)', [conversationIds]);
  return new Map(rows.map((r) => [r.id, r.last_seq]));
}

export { sleep };
