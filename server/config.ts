/**
 * @module Server configuration from environment variables, with defaults, validated once at start. A bad
 * value stops the start with a message naming the variable; nothing reads `process.env` elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import { parseAllowList, type AllowRule } from './domain/private-address';
import type { LogLevel } from './log';

/** Abuse limits (issue 6); every one is configurable. */
export interface SafetyLimits {
  /** WebSocket upgrades per IP per minute. */
  connectionsPerMinute: number;
  /** New conversations per IP per minute. */
  conversationsPerMinute: number;
  /** Open sockets per IP at once. */
  socketsPerIp: number;
  /** Messages per visitor or agent per second (bursts of twice as many). */
  messagesPerSecond: number;
  /** Sign-in attempts per IP and per e-mail address per 15 minutes. */
  loginsPer15Minutes: number;
  /** A socket whose unsent data passes this is closed as a slow reader. */
  maxBufferedBytes: number;
  /** Bytes of files one IP may upload per 10 minutes (SPEC W3). */
  uploadBytesPer10Minutes: number;
  /** Issue 11 F1 (SPEC L3): `ticket.create` per IP and per visitor per hour. */
  ticketsPerHour: number;
  /** Issue 11 F1 (SPEC L3): `transcript.email` per IP and per visitor per hour. */
  transcriptsPerHour: number;
  /** Issue 11 F1 (SPEC L4): an unconfirmed address gets at most one visitor-caused e-mail per this many ms. */
  unconfirmedMailWindowMs: number;
  /** Issue 11 F10 (SPEC L2): buckets each limiter keeps. */
  maxKeys: number;
}

export interface Config {
  port: number;
  host: string;
  /** How people reach this server; printed at start. Defaults to http://localhost:PORT. */
  publicUrl: string | null;
  /** The SQLite file; unused when `databaseUrl` is set. */
  databasePath: string;
  /**
   * Issue 14: DATABASE_URL (postgres://user:pass@host:port/db) selects the PostgreSQL store, which several
   * nodes share; null keeps SQLite at `databasePath` (one node).
   */
  databaseUrl: string | null;
  /** DATABASE_SCHEMA: the PostgreSQL schema Papo's tables live in (`public` unless set). */
  databaseSchema: string;
  /** REDIS_URL (redis://host:port): the Redis bus and the nodes' shared state; null keeps the in-process bus. */
  redisUrl: string | null;
  /** REDIS_PREFIX: what every Redis key and channel starts with (`papo:` unless set). */
  redisPrefix: string;
  /** NODE_ID: this node's id among several (logs, /metrics, the bus); a random short one per process unless set. */
  nodeId: string;
  /** PAPO_NODE_HEARTBEAT_MS: how often a node tells the others it is alive, with its presence (cluster/node.ts). */
  nodeHeartbeatMs: number;
  /** PAPO_NODE_TTL_MS: a node unheard this long is dead: its consoles, visitors and sockets are dropped. */
  nodeTtlMs: number;
  /** METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`; unset, it is open like /healthz. */
  metricsToken: string | null;
  /** Signs visitor tokens. When unset, one is made at first start and kept in the database. */
  secret: string | null;
  admin: { email: string | null; password: string | null; name: string };
  logLevel: LogLevel;
  heartbeatMs: number;
  helloTimeoutMs: number;
  visitorTokenTtlMs: number;
  sessionTtlMs: number;
  shutdownTimeoutMs: number;
  /** How long a transfer or conference invitation waits for its target (SPEC R6). */
  requestTimeoutMs: number;
  /** smtp(s)://user:pass@host:port; null turns e-mail off (SPEC T8). */
  smtpUrl: string | null;
  mailFrom: string;
  /** How many reverse proxies in front of Papo append to X-Forwarded-For (0: do not believe it). */
  trustProxy: number;
  limits: SafetyLimits;
  /** Where the built widget and console are (vite build output). */
  distDir: string;
  /** Serve the demo host pages at / (on by default; a production install may turn it off). */
  demo: boolean;
  /** Where uploaded files live (SPEC W3): `files/` beside the database unless FILES_DIR says otherwise. */
  filesDir: string;
  /**
   * SPEC R13: how long an agent whose consoles all dropped (and, after a start, one whose chosen state is
   * Available) still counts as someone who can answer; 0 makes it Offline at once.
   */
  presenceGraceMs: number;
  /** BOT_WEBHOOK_ALLOW (SPEC A1): private addresses and names a bot webhook may reach. */
  botWebhookAllow: AllowRule[];
}

const DAY = 86_400_000;

const int = (fallback: number, min: number, max: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const optionalText = (schema: v.GenericSchema<string, string>) =>
  v.pipe(
    v.optional(v.string()),
    v.transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim())),
    v.optional(schema),
  );

const bool = (fallback: boolean) =>
  v.pipe(
    v.optional(v.string(), fallback ? 'true' : 'false'),
    v.transform((s) => s.trim().toLowerCase()),
    v.picklist(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], 'must be true or false'),
    v.transform((s) => ['true', '1', 'yes', 'on'].includes(s)),
  );

const EnvSchema = v.object({
  PORT: int(8787, 0, 65535),
  HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  PUBLIC_URL: optionalText(v.pipe(v.string(), v.url('must be a URL such as https://chat.example.com'))),
  DATABASE_PATH: v.optional(v.pipe(v.string(), v.minLength(1)), './data/papo.db'),
  DATABASE_URL: optionalText(
    v.pipe(
      v.string(),
      v.check(isPostgresUrl, 'must be a postgres:// URL such as postgres://papo:secret@127.0.0.1:5432/papo'),
    ),
  ),
  DATABASE_SCHEMA: v.pipe(
    v.optional(v.string(), 'public'),
    v.transform((s) => s.trim() || 'public'),
    // Written into SQL as an identifier (search_path, CREATE SCHEMA): only plain names, never quoted ones.
    v.regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case name of letters, digits and _ (at most 63), such as papo'),
  ),
  REDIS_URL: optionalText(v.pipe(v.string(), v.check(isRedisUrl, 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379'))),
  REDIS_PREFIX: v.pipe(
    v.optional(v.string(), 'papo:'),
    v.regex(/^[!-~]{1,64}$/, 'must be 1 to 64 printable characters without spaces, such as papo:'),
  ),
  NODE_ID: optionalText(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-"'))),
  PAPO_NODE_HEARTBEAT_MS: int(1_000, 10, 60_000),
  PAPO_NODE_TTL_MS: int(4_000, 50, 600_000),
  METRICS_TOKEN: optionalText(v.pipe(v.string(), v.minLength(16, 'must have at least 16 characters'))),
  PAPO_SECRET: optionalText(v.pipe(v.string(), v.minLength(32, 'must have at least 32 characters'))),
  ADMIN_EMAIL: optionalText(v.pipe(v.string(), v.email('must be an e-mail address'))),
  ADMIN_PASSWORD: optionalText(v.pipe(v.string(), v.minLength(10, 'must have at least 10 characters'))),
  ADMIN_NAME: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(120)), 'Admin'),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  HEARTBEAT_MS: int(30_000, 50, 600_000),
  HELLO_TIMEOUT_MS: int(10_000, 50, 600_000),
  VISITOR_TOKEN_TTL_DAYS: int(30, 1, 3650),
  SESSION_TTL_HOURS: int(168, 1, 8760),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 600_000),
  REQUEST_TIMEOUT_MS: int(60_000, 50, 3_600_000),
  SMTP_URL: optionalText(v.pipe(v.string(), v.regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587'))),
  TRUST_PROXY: v.pipe(
    v.optional(v.string(), '0'),
    v.transform((s) => (s.trim().toLowerCase() === 'true' ? '1' : s.trim().toLowerCase() === 'false' ? '0' : s.trim())),
    v.regex(/^\d{1,2}$/, 'must be false, true or a number of proxies'),
    v.transform(Number),
  ),
  RATE_CONNECTIONS_PER_MIN: int(120, 1, 1_000_000),
  RATE_CONVERSATIONS_PER_MIN: int(10, 1, 1_000_000),
  MAX_SOCKETS_PER_IP: int(50, 1, 1_000_000),
  RATE_MESSAGES_PER_SEC: int(5, 1, 100_000),
  RATE_LOGINS_PER_15_MIN: int(10, 1, 1_000_000),
  MAX_BUFFERED_BYTES: int(1_048_576, 65_536, 1_073_741_824),
  RATE_UPLOAD_MB_PER_10_MIN: int(50, 1, 1_000_000),
  RATE_TICKETS_PER_HOUR: int(10, 1, 1_000_000),
  RATE_TRANSCRIPTS_PER_HOUR: int(10, 1, 1_000_000),
  MAIL_UNCONFIRMED_WINDOW_MIN: int(60, 1, 10_080),
  RATE_LIMIT_KEYS: int(10_000, 10, 10_000_000),
  MAIL_FROM: v.optional(v.pipe(v.string(), v.minLength(3), v.maxLength(200)), 'Papo <no-reply@localhost>'),
  DIST_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './dist'),
  DEMO: bool(true),
  FILES_DIR: optionalText(v.string()),
  PRESENCE_GRACE_MS: int(30_000, 0, 600_000),
  BOT_WEBHOOK_ALLOW: v.optional(v.string()),
});

function parsedUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

function isPostgresUrl(s: string): boolean {
  const url = parsedUrl(s);
  return url !== null && (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1;
}

function isRedisUrl(s: string): boolean {
  const url = parsedUrl(s);
  return url !== null && (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
}

/**
 * A database or Redis URL as it may be logged: scheme, user, host, port and database, never the password
 * (issue 14: "an error naming DATABASE_URL's host").
 *
 * @example safeUrl('postgres://papo:hunter2@db:5432/papo') // 'postgres://papo@db:5432/papo'
 */
export function safeUrl(s: string): string {
  const url = parsedUrl(s);
  if (!url) return '(unreadable URL)';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Where a URL points, for one-line errors: `host:port`. */
export function hostOf(s: string): string {
  const url = parsedUrl(s);
  return url ? url.host || '(no host)' : '(unreadable URL)';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration from an environment object.
 *
 * @example loadConfig({ PORT: '0', DATABASE_PATH: '/tmp/papo.db' }).port // 0
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = v.safeParse(EnvSchema, env);
  if (!result.success) {
    throw new ConfigError(result.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? '?'} ${i.message}`));
  }
  const e = result.output;
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(['ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither']);
  }
  // Issue 14: with REDIS_URL there are several nodes, and a visitor's token made on one must verify on every
  // other. Without PAPO_SECRET each node would take the secret kept in the database, which works only while
  // every node leaves PAPO_SECRET unset: one node configured with it would silently refuse the others'
  // visitors (and they its). A cluster is never a zero-configuration start, so asking for the shared secret
  // costs one line and rules that mistake out. One node on PostgreSQL without Redis keeps the fallback.
  if (e.REDIS_URL !== undefined && e.PAPO_SECRET === undefined) {
    throw new ConfigError(['PAPO_SECRET must be set when REDIS_URL is: every node signs and checks visitor tokens with it, so give all nodes the same value (at least 32 characters, e.g. from `openssl rand -hex 32`)']);
  }
  const botAllow = parseAllowList(e.BOT_WEBHOOK_ALLOW);
  if (!botAllow.ok) {
    throw new ConfigError([`BOT_WEBHOOK_ALLOW cannot read "${botAllow.entry}": use host, host:port, an address, address:port, [IPv6]:port or a CIDR range, separated by commas`]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL ?? null,
    databaseSchema: e.DATABASE_SCHEMA,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.REDIS_PREFIX,
    nodeId: e.NODE_ID ?? randomBytes(4).toString('hex'),
    nodeHeartbeatMs: e.PAPO_NODE_HEARTBEAT_MS,
    nodeTtlMs: e.PAPO_NODE_TTL_MS,
    metricsToken: e.METRICS_TOKEN ?? null,
    secret: e.PAPO_SECRET ?? null,
    admin: { email: e.ADMIN_EMAIL?.toLowerCase() ?? null, password: e.ADMIN_PASSWORD ?? null, name: e.ADMIN_NAME },
    logLevel: e.LOG_LEVEL,
    heartbeatMs: e.HEARTBEAT_MS,
    helloTimeoutMs: e.HELLO_TIMEOUT_MS,
    visitorTokenTtlMs: e.VISITOR_TOKEN_TTL_DAYS * DAY,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    trustProxy: e.TRUST_PROXY,
    limits: {
      connectionsPerMinute: e.RATE_CONNECTIONS_PER_MIN,
      conversationsPerMinute: e.RATE_CONVERSATIONS_PER_MIN,
      socketsPerIp: e.MAX_SOCKETS_PER_IP,
      messagesPerSecond: e.RATE_MESSAGES_PER_SEC,
      loginsPer15Minutes: e.RATE_LOGINS_PER_15_MIN,
      maxBufferedBytes: e.MAX_BUFFERED_BYTES,
      uploadBytesPer10Minutes: e.RATE_UPLOAD_MB_PER_10_MIN * 1024 * 1024,
      ticketsPerHour: e.RATE_TICKETS_PER_HOUR,
      transcriptsPerHour: e.RATE_TRANSCRIPTS_PER_HOUR,
      unconfirmedMailWindowMs: e.MAIL_UNCONFIRMED_WINDOW_MIN * 60_000,
      maxKeys: e.RATE_LIMIT_KEYS,
    },
    distDir: e.DIST_DIR,
    demo: e.DEMO,
    filesDir: e.FILES_DIR ?? join(dirname(e.DATABASE_PATH), 'files'),
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    botWebhookAllow: botAllow.rules,
  };
}
