/**
 * Issue 14, faults at start: the real server as a child process (`node --import tsx server/main.ts`) with a
 * dependency on a port nobody listens on exits non-zero within seconds, with one line that names the host
 * and the variable and never the URL's password.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './child-server';
import { TEST_SECRET } from './harness';

const ROOT = join(import.meta.dirname, '../..');

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
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output, ms: Date.now() - started };
}

describe('faults at start (issue 14)', () => {
  it('Redis unreachable: exit 1 with one line naming REDIS_URL\'s host, not its password', async () => {
    const port = await freePort();
    const { code, output, ms } = await startFails({ REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`^Papo could not start: cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(REDIS_URL=redis://127\\.0\\.0\\.1:${port}\\): .+\\n$`));
    expect(output).not.toContain('hunter2');
    // tsx's start takes a few seconds on this machine; the wait for Redis itself is at most START_TIMEOUT_MS.
    expect(ms).toBeLessThan(15_000);
  });
});
