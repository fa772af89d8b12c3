/**
 * @module Child processes the bench talks to: the real Papo server (server/main.ts) and the raw `ws` echo
 * server (bench/echo-server.ts). Each runs in its own process, so the load generator (this process) and the
 * server under test do not share an event loop. Also reads a process's resident memory from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const ADMIN_EMAIL = 'bench@example.com';
export const ADMIN_PASSWORD = 'bench-password-123';

const live = new Set<ChildProcess>();
// Last resort: a bench that dies half way must not leave servers behind.
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface Child {
  readonly pid: number;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code (or signal name). */
  stop(timeoutMs?: number): Promise<string>;
}

interface Started extends Child {
  /** Resolves with the regex match once every pattern has appeared in the output. */
  waitFor(patterns: RegExp[], timeoutMs: number): Promise<RegExpMatchArray[]>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, name: string): Started {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const lines: string[] = [];
  let partial = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 200) lines.shift();
    }
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      for (const l of listeners) l();
      resolve(code !== null ? String(code) : String(signal));
    }),
  );
  const tail = () => [...lines.slice(-15), partial].filter(Boolean).join('\n');

  return {
    get pid() {
      return child.pid ?? -1;
    },
    tail,
    waitFor(patterns, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const all = lines.join('\n') + '\n' + partial;
          const found = patterns.map((p) => all.match(p));
          if (found.every((m) => m !== null)) {
            done();
            resolve(found as RegExpMatchArray[]);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name} was not ready within ${timeoutMs} ms:\n${tail()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop(timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}

export interface PapoProcess extends Child {
  port: number;
  url: string;
  wsUrl: string;
  origin: string;
  siteKey: string;
  dbPath: string;
  /** The inspector's `ws://` URL when started with `inspect` (bench/inspector.ts), else null. */
  inspectorUrl: string | null;
  /** Stops the server and deletes its temporary database folder. */
  stop(timeoutMs?: number): Promise<string>;
}

/**
 * Starts `node --import tsx server/main.ts` on a fresh database; resolves once it listens and names its demo
 * site. `inspect`: with the inspector on a free loopback port, so the bench can read the heap and force a GC.
 * `copyOf`: on a copy of this database file (bench/history-db.ts) instead of a fresh one; the copy goes with
 * the server's temporary folder, the original is never opened. `env`: more settings for the server.
 */
export async function startPapo(options: { inspect?: boolean; copyOf?: string; env?: Record<string, string> } = {}): Promise<PapoProcess> {
  const dir = mkdtempSync(join(process.env.BENCH_DB_DIR ?? tmpdir(), 'papo-bench-'));
  const dbPath = join(dir, 'papo.db');
  if (options.copyOf) copyFileSync(options.copyOf, dbPath);
  const child = start(
    process.execPath,
    // BENCH_SERVER_NODE_ARGS: extra node flags for the server only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
      ...(options.inspect ? ['--inspect=127.0.0.1:0'] : []),
      '--import',
      'tsx',
      'server/main.ts',
    ],
    {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: dbPath,
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'info',
      DEMO: 'true',
      // The bench's thousands of sockets all come from 127.0.0.1; in production they come from as many
      // addresses. The per-address and per-visitor limits (issue 6) are lifted so the bench measures
      // delivery, not the limits.
      RATE_CONNECTIONS_PER_MIN: '1000000',
      RATE_CONVERSATIONS_PER_MIN: '1000000',
      MAX_SOCKETS_PER_IP: '1000000',
      RATE_MESSAGES_PER_SEC: '100000',
      ...options.env,
    },
    'the Papo server',
  );
  let port: number;
  let siteKey: string;
  let inspectorUrl: string | null = null;
  try {
    const [listening, key, inspector] = await child.waitFor(
      [/listening url=https?:\/\/[^\s:]+:(\d+)/, /Demo site key: (\S+)/, ...(options.inspect ? [/Debugger listening on (ws:\/\/\S+)/] : [])],
      60_000,
    );
    port = Number(listening![1]);
    siteKey = key![1]!;
    if (inspector) inspectorUrl = inspector[1]!;
  } catch (err) {
    await child.stop(2000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid,
    tail: child.tail,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    origin: url,
    siteKey,
    dbPath,
    inspectorUrl,
    async stop(timeoutMs) {
      const code = await child.stop(timeoutMs);
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

export interface EchoProcess extends Child {
  port: number;
  wsUrl: string;
}

/** Starts bench/echo-server.ts: a bare `ws` server that sends every frame back on the socket it came from. */
export async function startEcho(): Promise<EchoProcess> {
  const child = start(process.execPath, ['--import', 'tsx', 'bench/echo-server.ts'], { ...process.env }, 'the echo server');
  try {
    const [m] = await child.waitFor([/echo listening port=(\d+)/], 30_000);
    const port = Number(m![1]);
    return { pid: child.pid, tail: child.tail, stop: child.stop, port, wsUrl: `ws://127.0.0.1:${port}/` };
  } catch (err) {
    await child.stop(2000);
    throw err;
  }
}

/**
 * Starts bench/relay-server.ts (the durable floor, issue 12): `each` commits every frame on its own, `group`
 * the frames of one loop turn together, before forwarding them to the socket opened on `/?role=sink`.
 */
export async function startRelay(mode: 'each' | 'group'): Promise<EchoProcess> {
  const child = start(process.execPath, ['--import', 'tsx', 'bench/relay-server.ts'], { ...process.env, RELAY_MODE: mode }, `the relay (${mode})`);
  try {
    const [m] = await child.waitFor([/relay listening port=(\d+)/], 30_000);
    const port = Number(m![1]);
    return { pid: child.pid, tail: child.tail, stop: child.stop, port, wsUrl: `ws://127.0.0.1:${port}/` };
  } catch (err) {
    await child.stop(2000);
    throw err;
  }
}

/** Raw batched inserts into Papo's `events` table in a child process (bench/relay-server.ts `inserts`). */
export async function rawInsertRate(seconds: number, batch: number): Promise<{ perS: number; rows: number; batch: number }> {
  const child = start(
    process.execPath,
    ['--import', 'tsx', 'bench/relay-server.ts'],
    { ...process.env, RELAY_MODE: 'inserts', RELAY_SECONDS: String(seconds), RELAY_BATCH: String(batch) },
    'the raw inserts',
  );
  try {
    const [m] = await child.waitFor([/inserts per_s=(\d+) rows=(\d+) batch=(\d+)/], 60_000 + seconds * 1000);
    return { perS: Number(m![1]), rows: Number(m![2]), batch: Number(m![3]) };
  } finally {
    await child.stop(5000);
  }
}

/** Resident set size of a process in bytes (Linux /proc), or null where it cannot be read. */
export function rssBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; assumes the usual 100 ticks/s), or null. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The soft limit on open files of a process (Linux /proc), or null where it cannot be read. */
export function openFilesLimit(pid: number | 'self' = 'self'): number | null {
  try {
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
    const m = limits.match(/^Max open files\s+(\S+)/m);
    if (!m) return null;
    return m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
  } catch {
    return null;
  }
}
