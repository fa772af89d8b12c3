/**
 * @module Issue 14's bench section: the same load on SQLite on one node and on PostgreSQL (with Redis) on 1,
 * 2 and 3 nodes, in one run. One agent socket on node 1 watches every conversation, as in the single-node
 * bench, so each message costs the same deliveries in every setup; with two or three nodes the visitors are
 * spread evenly over the other nodes, so every message is committed on one node and crosses Redis to node 1
 * (on one node, everything is on node 1). For each
 * setup: delivery latency (open loop at a fixed rate: visitor send -> agent event, p50/p99), persisted and
 * delivered throughput (closed loop, as bench/throughput.ts), CPU time per message (the nodes' and, for
 * PostgreSQL, its backends serving these nodes and the bench's own redis-server, from /proc), and loss
 * checked in the database: every acked message stored once, every conversation gap-free.
 *
 * On a 2-core machine this measures overhead, not scale-out: PostgreSQL, Redis, the nodes and the load
 * generator share the two cores, so totals stay flat or fall with more nodes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import Database from 'better-sqlite3';
import pg from 'pg';
import type WebSocket from 'ws';
import { closeAll, frameType, inBatches, nextFrame, openAgent, openVisitor } from './clients';
import { messagePrefix, TEXT, type Fleet } from './fleet';
import { papoLatency, type LatencyResult, type RateOptions } from './latency';
import { cpuMs, startPapo, type PapoProcess } from './procs';
import { sleep } from './stats';
import { runThroughput, type ThroughputResult } from './throughput';

export interface ClusterBenchOptions {
  /** Node counts to run on PostgreSQL (SQLite always runs on one). */
  nodes: number[];
  sockets: number;
  window: number;
  throughputS: number;
  latency: RateOptions;
  /** postgres://user@host:port/db for the PostgreSQL runs (a fresh schema per run, dropped after). */
  databaseUrl: string;
}

export interface ClusterRun {
  store: 'sqlite' | 'postgres';
  nodes: number;
  latency: LatencyResult;
  throughput: ThroughputResult;
  /** CPU ms used during the throughput run, by the nodes, PostgreSQL's backends for them, and Redis. */
  cpuMs: { nodes: number; postgres: number | null; redis: number | null };
  /** (nodes + postgres + redis) CPU µs per acked message of the throughput run. */
  cpuUsPerMessage: number;
  /** Acked messages not in the database (must be 0), out of how many checked. */
  lostAcked: number;
  checkedAcked: number;
  /** Conversations whose seqs are not 1..last_seq (must be 0). */
  gappedConversations: number;
  /** Acked in the throughput run but never delivered to the agent (live or by a gap fill) within the drain (must be 0). */
  undelivered: number;
  /** History frames the agent got during the throughput run: gaps filled from the store (bus losses or reorders). */
  gapFills: number;
}

export interface ClusterBenchResult {
  runs: ClusterRun[];
  /** Failed setups, by name, with why: the others still ran. */
  failures: Array<{ name: string; error: string }>;
}

/** Bench/secret settings every cluster node shares. */
const SHARED_SECRET = 'bench-cluster-secret-0123456789abcdef0123456789';

export async function clusterBench(options: ClusterBenchOptions, log: (line: string) => void): Promise<ClusterBenchResult> {
  const runs: ClusterRun[] = [];
  const failures: ClusterBenchResult['failures'] = [];
  const setups: Array<{ store: 'sqlite' | 'postgres'; nodes: number }> = [{ store: 'sqlite', nodes: 1 }, ...options.nodes.map((n) => ({ store: 'postgres' as const, nodes: n }))];
  for (const setup of setups) {
    const name = `${setup.store} x${setup.nodes}`;
    try {
      runs.push(await oneRun(setup.store, setup.nodes, options, (line) => log(`[${name}] ${line}`)));
    } catch (err) {
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      failures.push({ name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { runs, failures };
}

async function oneRun(store: 'sqlite' | 'postgres', n: number, options: ClusterBenchOptions, log: (line: string) => void): Promise<ClusterRun> {
  const hex = randomBytes(4).toString('hex');
  const schema = `b_cluster_${hex}`;
  const nodeIds = Array.from({ length: n }, (_, i) => `bench-${hex}-n${i + 1}`);
  const redis = store === 'postgres' ? await startRedis() : null;
  const admin = store === 'postgres' ? new pg.Pool({ connectionString: options.databaseUrl, max: 2, options: `-c search_path=${schema},public` }) : null;
  admin?.on('error', () => {});
  const nodes: PapoProcess[] = [];
  const sockets: WebSocket[] = [];
  try {
    log(`starting ${n} node(s)`);
    const started = await Promise.allSettled(
      nodeIds.map((id) =>
        startPapo({
          env: {
            NODE_ID: id,
            PAPO_SECRET: SHARED_SECRET,
            LOG_LEVEL: 'info',
            ...(store === 'postgres' ? { DATABASE_URL: options.databaseUrl, DATABASE_SCHEMA: schema, REDIS_URL: redis!.url, REDIS_PREFIX: `bench-${hex}:` } : {}),
          },
        }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;

    // One agent console, on node 1; the visitors on the other nodes (all on node 1 when it is alone).
    const agent = await openAgent(nodes[0]!);
    sockets.push(agent);
    const visitorNodes = n === 1 ? nodes : nodes.slice(1);
    log(`opening ${options.sockets} visitor sockets over ${visitorNodes.length} node(s)`);
    const visitors = await inBatches(options.sockets, 100, (i) => openVisitor(visitorNodes[i % visitorNodes.length]!));
    sockets.push(...visitors);
    const conversationIds = await inBatches(options.sockets, 250, async (i) => {
      const ws = visitors[i]!;
      const clientId = randomUUID();
      const ack = nextFrame(ws, (f) => f.type === 'ack' && f.clientId === clientId, 30_000, 'ack of the first message');
      ws.send(JSON.stringify({ type: 'message.send', clientId, text: TEXT }));
      return String((await ack).conversationId);
    });
    const pending = new Set(conversationIds);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the agent got ${conversationIds.length - pending.size} of ${conversationIds.length} histories within 60 s`)), 60_000);
      agent.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { type: string; conversationId?: string };
        if (frame.type === 'history' && frame.conversationId) pending.delete(frame.conversationId);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      for (const id of conversationIds) agent.send(`{"type":"watch","conversationId":${JSON.stringify(id)},"afterSeq":0}`);
    });
    agent.removeAllListeners('message');
    for (const ws of visitors) ws.removeAllListeners('message');

    const fleet: Fleet = {
      papo: nodes[0]!,
      visitors,
      conversationIds,
      framePrefix: conversationIds.map(messagePrefix),
      agent,
      close: async () => {},
    };

    const latency = await papoLatency(fleet, options.latency, log);

    // The throughput run, with every acked client id kept (for the loss check) and CPU read around it.
    const acked = new Set<string>();
    const ackListeners = visitors.map((ws) => {
      const listener = (data: Buffer) => {
        if (frameType(data) !== 'ack') return;
        const m = /"clientId":"([^"]+)"/.exec(data.toString('utf8'));
        if (m) acked.add(m[1]!);
      };
      ws.on('message', listener);
      return listener;
    });
    // What reached the agent, by client id: live events and the history frames a gap fill sends (issue 14:
    // a message the bus lost or reordered reaches the console that way).
    const delivered = new Set<string>();
    let gapFills = 0;
    const onAgentFrame = (data: Buffer) => {
      const type = frameType(data);
      if (type === 'event') {
        const m = /"clientId":"([^"]+)"/.exec(data.toString('utf8'));
        if (m) delivered.add(m[1]!);
      } else if (type === 'history') {
        gapFills++;
        for (const e of (JSON.parse(data.toString('utf8')) as { events: Array<{ clientId?: string }> }).events) if (e.clientId) delivered.add(e.clientId);
      }
    };
    const sampler = admin ? backendSampler(admin, nodeIds) : null;
    await sampler?.sample();
    const cpu0 = { nodes: sum(nodes.map((p) => cpuMs(p.pid))), redis: redis ? cpuMs(redis.pid) : null };
    // runThroughput sets its own agent listener (and takes every listener off at its end): this one goes on after.
    const throughputRun = runThroughput(fleet, { sockets: options.sockets, window: options.window, warmupS: 1, measureS: options.throughputS, drainMs: 15_000 }, log);
    agent.on('message', onAgentFrame);
    const sampling = setInterval(() => void sampler?.sample(), 250);
    let throughput: ThroughputResult;
    try {
      throughput = await throughputRun;
    } finally {
      clearInterval(sampling);
      // Back at once (runThroughput took every agent listener off): what a gap fill brings late is counted too.
      agent.on('message', onAgentFrame);
    }
    await sampler?.sample();
    const cpu1 = { nodes: sum(nodes.map((p) => cpuMs(p.pid))), redis: redis ? cpuMs(redis.pid) : null };
    for (const [i, ws] of visitors.entries()) ws.off('message', ackListeners[i]!);
    // The drain above counts live events only; what a gap fill brought may still be on its way.
    const drainUntil = Date.now() + 15_000;
    while ([...acked].some((id) => !delivered.has(id)) && Date.now() < drainUntil) await sleep(100);
    agent.off('message', onAgentFrame);
    const undelivered = [...acked].filter((id) => !delivered.has(id)).length;

    const cpuUsed = {
      nodes: cpu1.nodes - cpu0.nodes,
      postgres: sampler ? sampler.usedMs() : null,
      redis: cpu0.redis !== null && cpu1.redis !== null ? cpu1.redis - cpu0.redis : null,
    };
    const totalCpuMs = cpuUsed.nodes + (cpuUsed.postgres ?? 0) + (cpuUsed.redis ?? 0);

    // Loss, in the database itself.
    const ids = [...acked];
    let stored = 0;
    let gapped = 0;
    if (admin) {
      for (let k = 0; k < ids.length; k += 5000) {
        const { rows } = await admin.query<{ n: number }>('SELECT count(DISTINCT client_id)::int AS n FROM events WHERE client_id = ANY($1)', [ids.slice(k, k + 5000)]);
        stored += rows[0]!.n;
      }
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM conversations c WHERE c.last_seq <> (SELECT count(*) FROM events e WHERE e.conversation_id = c.id) OR c.last_seq <> (SELECT coalesce(max(seq), 0) FROM events e WHERE e.conversation_id = c.id)',
      );
      gapped = rows[0]!.n;
    } else {
      const db = new Database(nodes[0]!.dbPath, { readonly: true, fileMustExist: true });
      try {
        const has = db.prepare('SELECT 1 FROM events WHERE client_id = ?');
        for (const id of ids) if (has.get(id)) stored++;
        gapped = (
          db
            .prepare(
              'SELECT count(*) AS n FROM conversations c WHERE c.last_seq <> (SELECT count(*) FROM events e WHERE e.conversation_id = c.id) OR c.last_seq <> (SELECT coalesce(max(seq), 0) FROM events e WHERE e.conversation_id = c.id)',
            )
            .get() as { n: number }
        ).n;
      } finally {
        db.close();
      }
    }
    return {
      store,
      nodes: n,
      latency,
      throughput,
      cpuMs: cpuUsed,
      cpuUsPerMessage: throughput.totalAcked > 0 ? (totalCpuMs * 1000) / throughput.totalAcked : Number.NaN,
      lostAcked: ids.length - stored,
      checkedAcked: ids.length,
      gappedConversations: gapped,
      undelivered,
      gapFills,
    };
  } finally {
    await closeAll(sockets);
    for (const node of nodes) {
      const code = await node.stop();
      if (code !== '0') log(`node exited with ${code}:\n${node.tail()}`);
    }
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await admin.end();
    }
    await redis?.stop();
  }
}

const sum = (values: Array<number | null>) => values.reduce<number>((s, v) => s + (v ?? 0), 0);

/**
 * CPU of the PostgreSQL backends serving these nodes (application_name `papo:<NODE_ID>`), sampled: a pooled
 * connection may close or open during the run, so each backend's CPU is counted from its first sample (from
 * 0 when it appeared after the first) to its last.
 */
function backendSampler(db: pg.Pool, nodeIds: string[]) {
  const names = nodeIds.map((id) => `papo:${id}`);
  const seen = new Map<number, { first: number; last: number }>();
  let rounds = 0;
  return {
    async sample(): Promise<void> {
      const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1)', [names]).catch(() => ({ rows: [] as Array<{ pid: number }> }));
      for (const { pid } of rows) {
        const cpu = cpuMs(pid);
        if (cpu === null) continue;
        const known = seen.get(pid);
        if (known) known.last = cpu;
        else seen.set(pid, { first: rounds === 0 ? cpu : 0, last: cpu });
      }
      rounds++;
    },
    usedMs(): number {
      let total = 0;
      for (const { first, last } of seen.values()) total += last - first;
      return total;
    },
  };
}

/** A redis-server of the bench's own (no persistence), so its CPU is the bench's alone. */
async function startRedis(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const p = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(p));
    });
  });
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await pong(port)) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** PING over a raw socket: true once the server answers +PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('error', () => finish(false));
    socket.setTimeout(1000, () => finish(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (d: Buffer) => finish(d.toString().startsWith('+PONG')));
  });
}
