/**
 * @module `npx tsx bench/pg-writer.ts`: messages/s the PostgreSQL write path (server/store/pg/committer.ts)
 * persists on one node, decide included: one writer, `PG_WRITER_IN_FLIGHT` (500) visitor messages in flight
 * at all times (each answer sends the next), spread over `PG_WRITER_CONVERSATIONS` (500) conversations, for
 * `PG_WRITER_SECONDS` (10) after a 2 s warm-up. Issue 14's budget: >= 5,000 messages/s. Runs in a fresh schema
 * of PAPO_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/papo_test), dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { canView, decideMessage, type VisitorActor } from '../server/domain/conversation';
import { uuidv7 } from '../server/ids';
import type { WriteRequest } from '../server/store/store';
import { createPgWriter } from '../server/store/pg/committer';
import { connectionConfig, migratePg } from '../server/store/pg/driver';

const URL = process.env.PAPO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/papo_test';
const IN_FLIGHT = Number(process.env.PG_WRITER_IN_FLIGHT ?? 500);
const CONVERSATIONS = Number(process.env.PG_WRITER_CONVERSATIONS ?? 500);
const SECONDS = Number(process.env.PG_WRITER_SECONDS ?? 10);
const WARMUP_SECONDS = 2;

async function main(): Promise<void> {
  const schema = `t_pgwbench_${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({ ...connectionConfig(URL, { schema }), max: 2 });
  await migratePg(pool, { schema });
  const writer = createPgWriter({
    schema,
    connect: async () => {
      const client = new pg.Client({ ...connectionConfig(URL, { schema }), application_name: 'papo-pgw-bench' });
      await client.connect();
      if (process.env.PG_WRITER_PROFILE) {
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        (client as unknown as { query: unknown }).query = async (...args: unknown[]) => {
          const config = args[0] as { name?: string } | string;
          const name = typeof config === 'string' ? config.split(' ')[0]! : (config.name ?? '?');
          const t = performance.now();
          try {
            return await query(...args);
          } finally {
            const entry = (profile[name] ??= { n: 0, ms: 0 });
            entry.n++;
            entry.ms += performance.now() - t;
          }
        };
      }
      return client;
    },
  });
  const profile: Record<string, { n: number; ms: number }> = {};
  try {
    const siteId = uuidv7();
    await pool.query(`INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ($1, $2, 'Bench', '["self"]', $3)`, [siteId, `k-${siteId}`, Date.now()]);
    const message = (visitor: VisitorActor, conversationId: string | null): WriteRequest => {
      const clientId = uuidv7();
      return {
        conversationId,
        visitor: conversationId === null ? { siteId, visitorId: visitor.visitorId } : null,
        clientId,
        at: Date.now(),
        authorize: (s) => canView(visitor, s),
        decide: (s) => decideMessage(s, visitor, 'Olá, preciso de ajuda com o meu pedido número 12345', clientId),
      };
    };
    const conversations = await Promise.all(
      Array.from({ length: CONVERSATIONS }, async () => {
        const visitor: VisitorActor = { kind: 'visitor', visitorId: uuidv7(), siteId };
        const out = await writer.write(message(visitor, null));
        if (out.kind !== 'appended') throw new Error(out.kind);
        return { id: out.conversation.id, visitor };
      }),
    );

    let done = 0;
    let counting = false;
    let stop = false;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (!stop) {
        const c = conversations[next++ % conversations.length]!;
        const out = await writer.write(message(c.visitor, c.id));
        if (out.kind !== 'appended') throw new Error(out.kind);
        if (counting) done++;
      }
    };
    const lanes = Array.from({ length: IN_FLIGHT }, lane);
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
    counting = true;
    const backend = (await pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'papo-pgw-bench'`)).rows[0]?.pid as number | undefined;
    const backendStart = backendCpuSeconds(backend);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    counting = false;
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const backendCpu = backendCpuSeconds(backend) - backendStart;
    const counted = done;
    stop = true;
    await Promise.all(lanes);
    await writer.flush();

    // Every conversation gap-free: the figure is of correct writes.
    const bad = (
      await pool.query(`SELECT count(*)::int AS n FROM conversations c
        WHERE c.last_seq <> (SELECT count(*) FROM events e WHERE e.conversation_id = c.id)`)
    ).rows[0].n as number;
    console.log(
      JSON.stringify({
        messagesPerSecond: Math.round(counted / elapsed),
        messages: counted,
        seconds: Number(elapsed.toFixed(2)),
        inFlight: IN_FLIGHT,
        conversations: CONVERSATIONS,
        nodeCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100),
        // CPU per message of this process and of the writer's PostgreSQL backend: what the figure would be
        // bounded by on an idle machine (the 2 cores are shared; the fsync wait overlaps the next batch's decide).
        nodeCpuUsPerMessage: Math.round(((cpu.user + cpu.system) / counted)),
        backendCpuUsPerMessage: Number.isNaN(backendCpu) ? null : Math.round((backendCpu * 1e6) / counted),
        conversationsWithGaps: bad,
        loadavg: loadavg().map((l) => Number(l.toFixed(2))),
      }),
    );
    if (process.env.PG_WRITER_PROFILE) {
      for (const [name, { n, ms }] of Object.entries(profile)) console.log(name.padEnd(28), String(n).padStart(7), `${(ms / n).toFixed(2)} ms avg`);
    }
  } finally {
    await writer.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }
}

/** user + system CPU seconds of a process on this machine (Linux /proc); NaN when it cannot be read. */
function backendCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
