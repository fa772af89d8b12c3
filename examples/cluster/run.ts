/**
 * @module `npm run cluster`: Papo on three nodes on this machine (issue 14), sharing one PostgreSQL database
 * and one Redis, behind the round-robin proxy of ./proxy.ts. Try it: open the demo page through the proxy,
 * chat from the console, kill one node (its pid is printed) and watch the widget reconnect to another.
 *
 * The defaults suit a machine with PostgreSQL and Redis on their usual ports (README, "Run several nodes");
 * DATABASE_URL, REDIS_URL, REDIS_PREFIX, PAPO_SECRET, NODES, PORT (the proxy's) and FIRST_NODE_PORT change them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startProxy } from './proxy';

const ROOT = join(import.meta.dirname, '../..');
const env = process.env;
const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/papo_cluster';
const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const nodes = Number(env.NODES ?? 3);
const proxyPort = Number(env.PORT ?? 8800);
const firstNodePort = Number(env.FIRST_NODE_PORT ?? proxyPort + 1);
const publicUrl = env.PUBLIC_URL ?? `http://localhost:${proxyPort}`;

/** Every node signs visitor tokens with the same secret, kept for the next run so tokens stay good. */
function sharedSecret(): string {
  if (env.PAPO_SECRET) return env.PAPO_SECRET;
  const dir = join(ROOT, 'data');
  const file = join(dir, 'cluster-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The example's database, made on first run (another run making it at once is fine: 42P04). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err;
      });
      console.log(`cluster: created database ${name}`);
    }
  } catch (err) {
    // The nodes themselves say clearly when the database cannot be reached; this is only a convenience.
    console.warn(`cluster: could not check database ${name}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ready(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the node exited (code ${child.exitCode})`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

function startNode(index: number, secret: string): { child: ChildProcess; url: string; nodeId: string } {
  const nodeId = `node-${index + 1}`;
  const port = firstNodePort + index;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ID: nodeId,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PAPO_SECRET: secret,
      PUBLIC_URL: publicUrl,
      // The proxy is one hop that appends nothing: the nodes see its address, which is the visitors' here.
      TRUST_PROXY: env.TRUST_PROXY ?? '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches this script alone, which then sends each node one
    // SIGTERM (a node takes a second signal as "stop now", which would skip its clean stop).
    detached: true,
  });
  const prefix = (line: string) => (line ? `[${nodeId}] ${line}\n` : '');
  child.stdout!.on('data', (d: Buffer) => process.stdout.write(d.toString().split('\n').map(prefix).join('')));
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d.toString().split('\n').map(prefix).join('')));
  child.once('exit', (code, signal) => console.log(`cluster: ${nodeId} (pid ${child.pid}) exited: ${signal ?? `code ${code}`}`));
  return { child, url: `http://127.0.0.1:${port}`, nodeId };
}

async function main(): Promise<void> {
  const secret = sharedSecret();
  await ensureDatabase(databaseUrl);
  // Every node starts at once: migrations and the first-start seed run once, under the store's locks.
  const started = Array.from({ length: nodes }, (_, i) => startNode(i, secret));
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`cluster: ${signal}: stopping the nodes`);
    await proxy?.close();
    await Promise.all(
      started.map(({ child }) => (child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((r) => child.once('exit', r).kill('SIGTERM')))),
    );
    process.exit(0);
  };
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // However this script ends, no node outlives it.
  process.on('exit', () => {
    for (const { child } of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  try {
    await Promise.all(started.map(({ url, child }) => ready(url, child)));
  } catch (err) {
    console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
    await stop('SIGTERM');
    return;
  }
  proxy = await startProxy(started.map((s) => s.url), proxyPort);
  console.log(`\ncluster: ${nodes} nodes behind ${publicUrl} (proxy on ${proxy.url})`);
  for (const s of started) console.log(`  ${s.nodeId}: ${s.url} pid ${s.child.pid}  (${s.url}/readyz, ${s.url}/metrics)`);
  console.log(`  demo page: ${publicUrl}/   console: ${publicUrl}/console`);
  console.log('  kill a node (kill -9 <pid>) and the widget reconnects through the proxy to another; Ctrl-C stops all.\n');
}

await main();
