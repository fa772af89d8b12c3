import { describe, expect, it } from 'vitest';
import { ConfigError, hostOf, loadConfig, safeUrl, type Config } from './config';

const DAY = 86_400_000;
const SECRET = 'x'.repeat(32);

/** The ConfigError's problems for `env`; fails the test when loadConfig does not throw one. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    // The thrown message lists every problem.
    for (const p of problems) expect((err as ConfigError).message).toContain(p);
    return problems;
  }
  expect.fail(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig', () => {
  it('answers the defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual<Config>({
      port: 8787,
      host: '127.0.0.1',
      publicUrl: null,
      databasePath: './data/papo.db',
      databaseUrl: null,
      databaseSchema: 'public',
      redisUrl: null,
      redisPrefix: 'papo:',
      nodeId: expect.stringMatching(/^[0-9a-f]{8}$/) as unknown as string,
      nodeHeartbeatMs: 1_000,
      nodeTtlMs: 4_000,
      metricsToken: null,
      secret: null,
      admin: { email: null, password: null, name: 'Admin' },
      logLevel: 'info',
      heartbeatMs: 30_000,
      helloTimeoutMs: 10_000,
      visitorTokenTtlMs: 30 * DAY,
      sessionTtlMs: 168 * 3_600_000,
      shutdownTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      smtpUrl: null,
      mailFrom: 'Papo <no-reply@localhost>',
      trustProxy: 0,
      limits: {
        connectionsPerMinute: 120,
        conversationsPerMinute: 10,
        socketsPerIp: 50,
        messagesPerSecond: 5,
        loginsPer15Minutes: 10,
        maxBufferedBytes: 1_048_576,
        uploadBytesPer10Minutes: 50 * 1024 * 1024,
        ticketsPerHour: 10,
        transcriptsPerHour: 10,
        unconfirmedMailWindowMs: 60 * 60_000,
        maxKeys: 10_000,
      },
      distDir: './dist',
      demo: true,
      filesDir: 'data/files',
      presenceGraceMs: 30_000,
      botWebhookAllow: [],
    });
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }).port).toBe(8787);
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://chat.example.com',
      DATABASE_PATH: '/tmp/papo.db',
      DATABASE_URL: 'postgres://papo:pw@db.internal:5433/papo',
      DATABASE_SCHEMA: 'chat',
      REDIS_URL: 'redis://redis.internal:6380',
      REDIS_PREFIX: 'papo-prod:',
      NODE_ID: 'node-1',
      METRICS_TOKEN: 'm'.repeat(16),
      PAPO_SECRET: SECRET,
      ADMIN_EMAIL: 'Ana@Example.COM',
      ADMIN_PASSWORD: 'correct horse battery',
      ADMIN_NAME: 'Ana',
      LOG_LEVEL: 'debug',
      HEARTBEAT_MS: '1000',
      HELLO_TIMEOUT_MS: '2000',
      VISITOR_TOKEN_TTL_DAYS: '2',
      SESSION_TTL_HOURS: '3',
      SHUTDOWN_TIMEOUT_MS: '500',
      REQUEST_TIMEOUT_MS: '15000',
      SMTP_URL: 'smtp://papo:secret@mail.example.com:587',
      MAIL_FROM: 'Loja <atendimento@loja.example>',
      TRUST_PROXY: 'true',
      RATE_CONNECTIONS_PER_MIN: '30',
      RATE_CONVERSATIONS_PER_MIN: '3',
      MAX_SOCKETS_PER_IP: '8',
      RATE_MESSAGES_PER_SEC: '2',
      RATE_LOGINS_PER_15_MIN: '4',
      MAX_BUFFERED_BYTES: '131072',
      DIST_DIR: '/srv/dist',
      DEMO: 'off',
      FILES_DIR: '/srv/papo-files',
      RATE_UPLOAD_MB_PER_10_MIN: '5',
      PRESENCE_GRACE_MS: '0',
      RATE_TICKETS_PER_HOUR: '3',
      RATE_TRANSCRIPTS_PER_HOUR: '2',
      MAIL_UNCONFIRMED_WINDOW_MIN: '1440',
      RATE_LIMIT_KEYS: '50000',
      BOT_WEBHOOK_ALLOW: '127.0.0.1:3000, Bot.Internal',
    });
    expect(config).toEqual<Config>({
      port: 0,
      host: '0.0.0.0',
      publicUrl: 'https://chat.example.com',
      databasePath: '/tmp/papo.db',
      databaseUrl: 'postgres://papo:pw@db.internal:5433/papo',
      databaseSchema: 'chat',
      redisUrl: 'redis://redis.internal:6380',
      redisPrefix: 'papo-prod:',
      nodeId: 'node-1',
      nodeHeartbeatMs: 1_000,
      nodeTtlMs: 4_000,
      metricsToken: 'm'.repeat(16),
      secret: SECRET,
      // The e-mail is compared lower-case everywhere.
      admin: { email: 'ana@example.com', password: 'correct horse battery', name: 'Ana' },
      logLevel: 'debug',
      heartbeatMs: 1000,
      helloTimeoutMs: 2000,
      visitorTokenTtlMs: 2 * DAY,
      sessionTtlMs: 3 * 3_600_000,
      shutdownTimeoutMs: 500,
      requestTimeoutMs: 15_000,
      smtpUrl: 'smtp://papo:secret@mail.example.com:587',
      mailFrom: 'Loja <atendimento@loja.example>',
      trustProxy: 1,
      limits: {
        connectionsPerMinute: 30,
        conversationsPerMinute: 3,
        socketsPerIp: 8,
        messagesPerSecond: 2,
        loginsPer15Minutes: 4,
        maxBufferedBytes: 131_072,
        uploadBytesPer10Minutes: 5 * 1024 * 1024,
        ticketsPerHour: 3,
        transcriptsPerHour: 2,
        unconfirmedMailWindowMs: 1440 * 60_000,
        maxKeys: 50_000,
      },
      distDir: '/srv/dist',
      demo: false,
      filesDir: '/srv/papo-files',
      presenceGraceMs: 0,
      botWebhookAllow: [
        { kind: 'range', address: '127.0.0.1', prefix: 32, family: 'ipv4', port: 3000 },
        { kind: 'host', host: 'bot.internal', port: null },
      ],
    });
  });

  it.each([
    ['PORT', 'abc', /^PORT must be a whole number$/],
    ['PORT', '70000', /^PORT must be at most 65535$/],
    ['PORT', '-1', /^PORT must be a whole number$/],
    ['PORT', '80.5', /^PORT must be a whole number$/],
    ['PORT', '1e3', /^PORT must be a whole number$/],
    ['PUBLIC_URL', 'not-a-url', /^PUBLIC_URL must be a URL/],
    ['PAPO_SECRET', 'x'.repeat(31), /^PAPO_SECRET must have at least 32 characters$/],
    ['PAPO_SECRET', 'short', /^PAPO_SECRET must have at least 32 characters$/],
    ['DEMO', 'maybe', /^DEMO /],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL /],
    ['HEARTBEAT_MS', '10', /^HEARTBEAT_MS must be at least 50$/],
    ['PRESENCE_GRACE_MS', '700000', /^PRESENCE_GRACE_MS must be at most 600000$/],
    ['VISITOR_TOKEN_TTL_DAYS', '0', /^VISITOR_TOKEN_TTL_DAYS must be at least 1$/],
    ['SESSION_TTL_HOURS', '8761', /^SESSION_TTL_HOURS must be at most 8760$/],
    ['HOST', '', /^HOST /],
    ['REQUEST_TIMEOUT_MS', '49', /^REQUEST_TIMEOUT_MS must be at least 50$/],
    ['REQUEST_TIMEOUT_MS', '3600001', /^REQUEST_TIMEOUT_MS must be at most 3600000$/],
    ['REQUEST_TIMEOUT_MS', '1m', /^REQUEST_TIMEOUT_MS must be a whole number$/],
    ['TRUST_PROXY', 'yes', /^TRUST_PROXY must be false, true or a number of proxies$/],
    ['TRUST_PROXY', '-1', /^TRUST_PROXY must be false, true or a number of proxies$/],
    ['RATE_MESSAGES_PER_SEC', '0', /^RATE_MESSAGES_PER_SEC must be at least 1$/],
    ['MAX_BUFFERED_BYTES', '1024', /^MAX_BUFFERED_BYTES must be at least 65536$/],
    ['RATE_TICKETS_PER_HOUR', '0', /^RATE_TICKETS_PER_HOUR must be at least 1$/],
    ['MAIL_UNCONFIRMED_WINDOW_MIN', '0', /^MAIL_UNCONFIRMED_WINDOW_MIN must be at least 1$/],
    ['RATE_LIMIT_KEYS', '5', /^RATE_LIMIT_KEYS must be at least 10$/],
    ['SMTP_URL', 'mail.example.com', /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    ['SMTP_URL', 'http://mail.example.com', /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    ['BOT_WEBHOOK_ALLOW', '10.0.0.0/99', /^BOT_WEBHOOK_ALLOW cannot read "10.0.0.0\/99"/],
    ['BOT_WEBHOOK_ALLOW', 'bot.internal, http://x', /^BOT_WEBHOOK_ALLOW cannot read "http:\/\/x"/],
    ['DATABASE_URL', 'mysql://db/papo', /^DATABASE_URL must be a postgres:\/\/ URL/],
    ['DATABASE_URL', 'postgres://db.internal:5432', /^DATABASE_URL must be a postgres:\/\/ URL/],
    ['DATABASE_URL', 'db.internal:5432/papo', /^DATABASE_URL must be a postgres:\/\/ URL/],
    ['DATABASE_SCHEMA', 'Papo', /^DATABASE_SCHEMA must be a lower-case name/],
    ['DATABASE_SCHEMA', 'papo; drop table x', /^DATABASE_SCHEMA must be a lower-case name/],
    ['DATABASE_SCHEMA', '1papo', /^DATABASE_SCHEMA must be a lower-case name/],
    ['REDIS_URL', 'http://127.0.0.1:6379', /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['REDIS_PREFIX', 'papo prod:', /^REDIS_PREFIX must be 1 to 64 printable characters/],
    ['REDIS_PREFIX', '', /^REDIS_PREFIX must be 1 to 64 printable characters/],
    ['NODE_ID', 'node 1', /^NODE_ID must be 1 to 64 letters/],
    ['METRICS_TOKEN', 'short', /^METRICS_TOKEN must have at least 16 characters$/],
  ])('names %s=%j in the problems', (name, value, problem) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('names ADMIN_EMAIL without ADMIN_PASSWORD', () => {
    const problems = problemsOf({ ADMIN_EMAIL: 'ana@example.com' });
    expect(problems).toEqual(['ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither']);
  });

  it('names ADMIN_PASSWORD without ADMIN_EMAIL', () => {
    expect(problemsOf({ ADMIN_PASSWORD: 'long enough password' })).toEqual([
      'ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither',
    ]);
  });

  it('treats a blank ADMIN_PASSWORD as unset, so ADMIN_EMAIL alone is named', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'ana@example.com', ADMIN_PASSWORD: '   ' })).toEqual([
      'ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither',
    ]);
  });

  it('names a bad admin e-mail and a short admin password', () => {
    const problems = problemsOf({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'short' });
    expect(problems).toEqual(['ADMIN_EMAIL must be an e-mail address', 'ADMIN_PASSWORD must have at least 10 characters']);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'abc', PUBLIC_URL: 'not-a-url', PAPO_SECRET: 'short', DEMO: 'maybe' });
    expect(problems).toHaveLength(4);
    for (const name of ['PORT', 'PUBLIC_URL', 'PAPO_SECRET', 'DEMO']) {
      expect(problems.some((p) => p.startsWith(`${name} `))).toBe(true);
    }
  });

  it('the error says the configuration is invalid', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/Invalid configuration:\n {2}- PORT must be a whole number/);
  });

  it.each([
    ['0', 0],
    ['65535', 65535],
    ['080', 80],
  ])('accepts PORT=%s as %i', (value, port) => {
    expect(loadConfig({ PORT: value }).port).toBe(port);
  });

  it.each([
    ['50', 50],
    ['60000', 60_000],
    ['3600000', 3_600_000],
  ])('R6: accepts REQUEST_TIMEOUT_MS=%s as %i', (value, ms) => {
    expect(loadConfig({ REQUEST_TIMEOUT_MS: value }).requestTimeoutMs).toBe(ms);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    ['TRUE', true],
    [' Off ', false],
  ])('reads DEMO=%s as %s', (value, demo) => {
    expect(loadConfig({ DEMO: value }).demo).toBe(demo);
  });

  it.each([
    ['https://chat.example.com/', 'https://chat.example.com'],
    ['https://chat.example.com///', 'https://chat.example.com'],
    ['https://chat.example.com/papo/', 'https://chat.example.com/papo'],
    ['  https://chat.example.com/  ', 'https://chat.example.com'],
    ['http://localhost:8787', 'http://localhost:8787'],
  ])('strips the trailing slash of PUBLIC_URL=%j', (value, expected) => {
    expect(loadConfig({ PUBLIC_URL: value }).publicUrl).toBe(expected);
  });

  it.each(['', '   '])('treats a blank PUBLIC_URL / PAPO_SECRET (%j) as unset', (blank) => {
    const config = loadConfig({ PUBLIC_URL: blank, PAPO_SECRET: blank });
    expect(config.publicUrl).toBeNull();
    expect(config.secret).toBeNull();
  });

  it('trims PAPO_SECRET', () => {
    expect(loadConfig({ PAPO_SECRET: `  ${SECRET}  ` }).secret).toBe(SECRET);
  });

  it('issue 14: reads DATABASE_URL as postgres:// or postgresql://, and a blank one as unset', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://papo@127.0.0.1/papo' }).databaseUrl).toBe('postgresql://papo@127.0.0.1/papo');
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeNull();
    expect(loadConfig({ DATABASE_SCHEMA: '  ' }).databaseSchema).toBe('public');
    expect(loadConfig({ DATABASE_SCHEMA: 't_cluster_0a1b' }).databaseSchema).toBe('t_cluster_0a1b');
  });

  it('issue 14: each process gets its own node id unless NODE_ID names one', () => {
    expect(loadConfig({}).nodeId).not.toBe(loadConfig({}).nodeId);
    expect(loadConfig({ NODE_ID: 'a.b_c-1' }).nodeId).toBe('a.b_c-1');
  });

  it('issue 14: REDIS_URL (several nodes) needs PAPO_SECRET, which every node shares', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://papo@127.0.0.1/papo', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PAPO_SECRET must be set when REDIS_URL is/);
    // One node on PostgreSQL keeps the secret kept in the database.
    expect(loadConfig({ DATABASE_URL: 'postgres://papo@127.0.0.1/papo' }).secret).toBeNull();
  });

  it('issue 14: a URL is logged without its password', () => {
    expect(safeUrl('postgres://papo:hunter2@db.internal:5433/papo?sslmode=require')).toBe('postgres://papo@db.internal:5433/papo');
    expect(safeUrl('redis://:hunter2@redis.internal:6379')).toBe('redis://redis.internal:6379');
    expect(hostOf('postgres://papo:hunter2@db.internal:5433/papo')).toBe('db.internal:5433');
    expect(safeUrl('nonsense')).toBe('(unreadable URL)');
  });
});
