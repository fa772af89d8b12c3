/**
 * @module The real server as a child process (`node --import tsx server/main.ts`), for tests that kill it:
 * a SIGKILL takes the whole process, so it cannot be the test's own. The port is fixed by the caller so a
 * restart on the same database comes back where the clients expect it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { login } from './clients';
import type { TestServer } from './harness';
import { ADMIN, TEST_SECRET } from './harness';

const ROOT = join(import.meta.dirname, '../..');

/**
 * Issue 6's abuse limits (per-IP connections, conversations and sockets, messages per second), raised out of
 * the way: these tests run many honest and hostile clients from 127.0.0.1 on purpose and are about what the
 * server does with what gets through, not about the limits themselves.
 */
export const NO_ABUSE_LIMITS: Record<string, string> = {
  RATE_CONNECTIONS_PER_MIN: '1000000',
  RATE_CONVERSATIONS_PER_MIN: '1000000',
  MAX_SOCKETS_PER_IP: '1000000',
  RATE_MESSAGES_PER_SEC: '100000',
};

export interface ChildServer {
  port: number;
  url: string;
  wsUrl: string;
  origin: string;
  siteKey: string;
  siteId: string;
  databasePath: string;
  child: ChildProcess;
  /** stdout and stderr so far (LOG_LEVEL=warn: only problems). */
  output(): string;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The shape `openVisitor`/`openAgent`/`login` read (url, wsUrl, origin, siteKey). */
  asTestServer(): TestServer;
}

/**
 * For tests where nobody answers: the child's demo site keeps waiting chats as chats instead of turning
 * them into tickets (SPEC T2), set over HTTP as the admin.
 */
export async function keepWaitingChats(server: ChildServer): Promise<void> {
  const cookie = await login(server.asTestServer());
  const res = await fetch(`${server.url}/api/v1/sites/${server.siteId}/ticketing`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', origin: server.origin, cookie },
    body: JSON.stringify({ businessHours: null, ticketWhenNoAgents: false, maxWaitMs: null, offlineFields: [] }),
  });
  expect(res.status).toBe(200);
}

/** A port nobody listens on right now: listen on 0, note the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServerOptions {
  databasePath: string;
  port: number;
  env?: Record<string, string>;
  /** How long the server may take to answer /healthz. */
  startTimeoutMs?: number;
}

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  // A restart on the same port may find it held for a moment by the process just killed: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 5 || !(err instanceof Error && err.message.includes('EADDRINUSE'))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function startOnce(options: ChildServerOptions): Promise<ChildServer> {
  const { databasePath, port } = options;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_NAME: ADMIN.name,
      PAPO_SECRET: TEST_SECRET,
      DIST_DIR: 'dist',
      LOG_LEVEL: 'warn',
      ...NO_ABUSE_LIMITS,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (gone) throw new Error(`the server exited before answering /healthz:\n${output}`);
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // The demo site made at first start; read-only, beside the running server (WAL).
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  const site = db.prepare('SELECT id, key FROM sites ORDER BY created_at LIMIT 1').get() as { id: string; key: string } | undefined;
  db.close();
  if (!site) throw new Error('no site in the database');

  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  return {
    port,
    url,
    wsUrl,
    origin: url,
    siteKey: site.key,
    siteId: site.id,
    databasePath,
    child,
    output: () => output,
    exited,
    async kill(signal) {
      if (!gone) child.kill(signal);
      return exited;
    },
    asTestServer: () => ({ url, wsUrl, origin: url, siteKey: site.key }) as TestServer,
  };
}
