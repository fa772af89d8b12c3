/**
 * @module Server configuration from environment variables, with defaults, validated once at start. A bad
 * value stops the start with a message naming the variable; nothing reads `process.env` elsewhere.
 */
import * as v from 'valibot';
import type { LogLevel } from './log';

export interface Config {
  port: number;
  host: string;
  /** How people reach this server; printed at start. Defaults to http://localhost:PORT. */
  publicUrl: string | null;
  databasePath: string;
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
  /** Where the built widget and console are (vite build output). */
  distDir: string;
  /** Serve the demo host pages at / (on by default; a production install may turn it off). */
  demo: boolean;
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
  MAIL_FROM: v.optional(v.pipe(v.string(), v.minLength(3), v.maxLength(200)), 'Papo <no-reply@localhost>'),
  DIST_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './dist'),
  DEMO: bool(true),
});

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
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    databasePath: e.DATABASE_PATH,
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
    distDir: e.DIST_DIR,
    demo: e.DEMO,
  };
}
