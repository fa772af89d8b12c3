/**
 * Issue 14, faults at start: the real server as a child process (`node --import tsx server/main.ts`) with a
 * dependency on a port nobody listens on exits non-zero within seconds, with one line that names the host
 * and the variable and never the URL's password.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { START_TIMEOUT_MS } from '../app';
import { freePort } from './child-server';
import { TEST_SECRET } from './harness';

const ROOT = join(import.meta.dirname, '../..');
/** A start that fails at once still compiles the server first (tsx): far below this, never near a hang. */
const START_BOUND_MS = 25_000;

async function startFails(env: Record<string, string>): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'papo-start-')), 'papo.db'),
      PAPO_SECRET: TEST_SECRET,
      DIST_DIR: 'dist',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output, ms: Date.now() - started };
}

describe('faults at start (issue 14)', { timeout: 60_000 }, () => {
  it('Redis unreachable: exit 1 with one line naming REDIS_URL\'s host, not its password', async () => {
    const port = await freePort();
    const { code, output, ms } = await startFails({ REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`^Papo could not start: cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(REDIS_URL=redis://127\\.0\\.0\\.1:${port}\\): .+\\n$`));
    expect(output).not.toContain('hunter2');
    // tsx compiling the server takes most of this (3 to 10 s on this shared 2-core machine); the wait for
    // Redis itself is immediate here (refused) and at most START_TIMEOUT_MS anywhere.
    expect(ms).toBeLessThan(START_BOUND_MS);
  });

  it('PostgreSQL unreachable: exit 1 with one line naming DATABASE_URL\'s host, not its password', async () => {
    const port = await freePort();
    const { code, output, ms } = await startFails({ DATABASE_URL: `postgres://papo:hunter2-secret@127.0.0.1:${port}/papo_test` });
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(`^Papo could not start: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL=postgres://papo@127\\.0\\.0\\.1:${port}/papo_test\\): .*ECONNREFUSED.*\\n$`),
    );
    expect(output).not.toContain('hunter2');
    expect(ms).toBeLessThan(START_BOUND_MS);
  });

  it('PostgreSQL that accepts the connection and never answers: exit 1 after START_TIMEOUT_MS, not a hang', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const { code, output, ms } = await startFails({ DATABASE_URL: `postgres://papo@127.0.0.1:${port}/papo_test` });
      expect(code).toBe(1);
      expect(output).toMatch(new RegExp(`^Papo could not start: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} .*\\n$`));
      expect(ms).toBeGreaterThanOrEqual(START_TIMEOUT_MS);
      expect(ms).toBeLessThan(START_TIMEOUT_MS + START_BOUND_MS);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });
});
