/**
 * @module History (issue 12): the same calls on a server whose database holds 1,000 closed conversations and
 * on one holding 200,000 (about 2 million events, 5,000 tickets), side by side with their ratio. Each
 * database is built once through Papo's own code (bench/history-db.ts) and cached; every measurement runs on
 * a fresh copy (erase deletes rows), with the real server as a child process (bench/procs.ts).
 *
 * Event-loop stalls are read inside the server through the inspector (bench/inspector.ts): a
 * perf_hooks.monitorEventLoopDelay histogram (1 ms resolution) installed with Runtime.evaluate, so the server
 * needs no debug hook of its own.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { AgentsAnswer } from '../shared/api';
import type WebSocket from 'ws';
import { closeAll, login, nextFrame, openVisitor, openWs } from './clients';
import { copyPgHistory, historyDb, historyPgDb, type HistoryDb } from './history-db';
import { TICKET_SEARCH_TEXT } from './history-text';
import { Inspector } from './inspector';
import { cpuMs, startPapo, type PapoProcess } from './procs';
import { nowNs, percentile, sleep } from './stats';

export interface CallFigures {
  samples: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

export type Call = { status: 'ok'; figures: CallFigures } | { status: 'skipped'; reason: string };

export const CALLS = [
  ['firstAck', "a new conversation's first ack (visitor send -> ack)", 'p50Ms'],
  ['otherAck', "another visitor's ack while new chats arrive (10/s; judged on p90)", 'p90Ms'],
  ['agentWelcome', "an agent's hello -> welcome (its only console: a presence change)", 'p50Ms'],
  ['idleStall', 'idle server: longest event-loop block per 5 s window', 'p50Ms'],
  // Not a latency: the CPU the idle server spends per window (a periodic pass over history shows here even
  // when a busy machine's scheduling hides it among the stalls). No budget.
  ['idleCpu', 'idle server: CPU time used per 5 s window (no budget)', null],
  ['closedList', 'Closed list, 100 rows (HTTP)', 'p50Ms'],
  ['archivedList', 'Archived list, 0 rows (HTTP)', 'p50Ms'],
  ['closedByQueue', 'Closed list filtered by queue (HTTP)', 'p50Ms'],
  ['closedByAgent', 'Closed list filtered by agent (HTTP)', 'p50Ms'],
  ['dataExport', 'data export by e-mail (HTTP)', 'p50Ms'],
  ['dataErase', 'data erase by e-mail (HTTP)', 'p50Ms'],
  ['ticketSearch', `ticket text search, closed, q=${TICKET_SEARCH_TEXT} (HTTP)`, 'p50Ms'],
  ['search', 'search GET /api/v1/search?q=... (HTTP)', 'p50Ms'],
] as const;
export type CallName = (typeof CALLS)[number][0];
/** The percentile a call's budget is judged on: p50, except where the history shows in the tail; null: no budget. */
export type Judged = NonNullable<(typeof CALLS)[number][2]>;

export interface SizeRun {
  conversations: number;
  events: number;
  tickets: number;
  visitors: number;
  /** The cached database file, checkpointed (no WAL). */
  dbBytes: number;
  /** Built in this run (else found in the cache) and how long building took when it was. */
  built: boolean;
  buildMs: number;
  /** From spawning the server on the copy to its "listening" line. */
  serverStartMs: number;
  /** The machine's load average (1, 5, 15 min) as this size's server started: the sizes run minutes apart. */
  loadAverage: number[];
  /** The filters the lists were measured with: the busiest queue and agent. */
  queue: string;
  agent: string;
  calls: Record<CallName, Call>;
}

export interface HistoryRow {
  call: CallName;
  label: string;
  judged: Judged | null;
  small: Call;
  large: Call;
  /** large p50 / small p50, and the same for p90; null when either is not measured. */
  ratioP50: number | null;
  ratioP90: number | null;
}

export interface HistoryResult {
  small: SizeRun;
  large: SizeRun;
  rows: HistoryRow[];
}

export interface HistoryOptions {
  small: number;
  large: number;
  /** Issue 14: the databases and the servers on PostgreSQL (bench/history-db.ts historyPgDb) instead of SQLite. */
  postgres?: boolean;
  /** Samples of each timed call (the stall: 3 windows). */
  samples: number;
}

const figures = (samplesMs: readonly number[]): CallFigures => {
  const sorted = Float64Array.from(samplesMs).sort();
  return { samples: sorted.length, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), maxMs: sorted[sorted.length - 1] ?? Number.NaN };
};
const ok = (samplesMs: readonly number[]): Call => ({ status: 'ok', figures: figures(samplesMs) });
const ms = (startNs: number) => (nowNs() - startNs) / 1e6;

export async function historyBench(options: HistoryOptions, log: (line: string) => void): Promise<HistoryResult> {
  // Both databases first: a build must not overlap a measurement.
  const cached = options.postgres ? historyPgDb : historyDb;
  const smallDb = await cached(options.small, log);
  const largeDb = await cached(options.large, log);
  const small = await measure(smallDb, options, log);
  const large = await measure(largeDb, options, log);
  const rows = CALLS.map(([call, label, judged]) => {
    const a = small.calls[call];
    const b = large.calls[call];
    const ratio = (k: 'p50Ms' | 'p90Ms') => (a.status === 'ok' && b.status === 'ok' && a.figures[k] > 0 ? b.figures[k] / a.figures[k] : null);
    return { call, label, judged, small: a, large: b, ratioP50: ratio('p50Ms'), ratioP90: ratio('p90Ms') };
  });
  return { small, large, rows };
}

async function measure(db: HistoryDb, options: HistoryOptions, log: (line: string) => void): Promise<SizeRun> {
  const n = db.facts.conversations;
  const say = (line: string) => log(`history ${n}: ${line}`);
  const loadAverage = loadavg();
  const t0 = nowNs();
  // No presence grace: each measured agent console that opens or closes is a presence change (R13), as when
  // an agent signs in for a shift; the admin stays on duty throughout.
  // PostgreSQL: a copy of the cache database (its files), opened by the server through DATABASE_URL.
  const copy = db.pg ? await copyPgHistory(db) : null;
  const copyMs = ms(t0);
  const at = nowNs();
  const papo = await startPapo(
    copy
      ? { inspect: true, env: { PRESENCE_GRACE_MS: '0', DATABASE_URL: copy.url, DATABASE_SCHEMA: copy.schema } }
      : { inspect: true, copyOf: db.path, env: { PRESENCE_GRACE_MS: '0' } },
  ).catch(async (err: unknown) => {
    await copy?.drop();
    throw err;
  });
  const serverStartMs = ms(at);
  if (copy) say(`copied the cache database in ${copyMs.toFixed(0)} ms`);
  say(`server pid=${papo.pid} port=${papo.port} on a copy of ${db.path} (started in ${serverStartMs.toFixed(0)} ms)`);
  const sockets: WebSocket[] = [];
  let inspector: Inspector | null = null;
  try {
    inspector = await Inspector.connect(papo.inspectorUrl!);
    const stalls = await installDelayMonitor(inspector);
    const cookie = await login(papo);
    // On duty for the whole run, as in a real shift: with nobody available, new chats would become tickets.
    const agentWs = await openAgentSocket(papo, cookie);
    sockets.push(agentWs);
    // A fresh server compiles and collects for its first seconds (up to 60-90 ms of CPU in a window 15-20 s
    // after start, at 1,000 conversations too): that is not history, so the idle windows start later.
    await sleep(SETTLE_MS);

    const calls = {} as Record<CallName, Call>;
    say('idle event-loop stalls (3 windows of 5 s)');
    const windows: number[] = [];
    for (let w = 0; w < 3; w++) {
      await stalls.reset();
      await sleep(5000);
      windows.push(await stalls.maxMs());
    }
    calls.idleStall = ok(windows);
    // The monitor's own 1 ms timer costs the server CPU (about 3 % of a core): off while CPU is counted.
    await stalls.disable();
    say('idle CPU (3 windows of 5 s)');
    const cpu: number[] = [];
    for (let w = 0; w < 3; w++) {
      const before = cpuMs(papo.pid);
      await sleep(5000);
      const after = cpuMs(papo.pid);
      if (before !== null && after !== null) cpu.push(after - before);
    }
    calls.idleCpu = cpu.length ? ok(cpu) : { status: 'skipped', reason: 'cannot read /proc/<pid>/stat' };

    const busiestQueue = db.facts.queues[0]!;
    const busiestAgent = db.facts.agents[0]!;
    const http = (path: string, method = 'GET', allowFailure = false) => timedHttp(papo, cookie, path, method, allowFailure);

    say(`agent's hello -> welcome (${busiestAgent.name}, its only console)`);
    const agents = (await http('/api/v1/agents')).body as AgentsAnswer;
    const email = agents.agents.find((a) => a.id === busiestAgent.id)?.email;
    if (!email) throw new Error(`agent ${busiestAgent.id} is not in GET /api/v1/agents`);
    const agentCookie = await loginAs(papo, email, AGENT_PASSWORD);
    calls.agentWelcome = ok(
      await repeat(options.samples, async () => {
        const ws = await openWs(`${papo.wsUrl}?role=agent`, { Origin: papo.origin, Cookie: agentCookie });
        const welcome = nextFrame(ws, (f) => f.type === 'welcome', 30_000, 'agent welcome');
        const start = nowNs();
        ws.send('{"type":"hello","v":1}');
        await welcome;
        const took = ms(start);
        await closeAll([ws]);
        // Going offline is a presence change too: let it pass before the next sign-in.
        await sleep(200);
        return took;
      }),
    );

    const list = async (name: CallName, path: string, expectRows: (rows: number) => boolean) => {
      say(`${name}: GET ${path}`);
      calls[name] = ok(
        await repeat(options.samples, async () => {
          const { took, body } = await http(path);
          const rows = (body as { conversations: unknown[] }).conversations.length;
          if (!expectRows(rows)) throw new Error(`${path} answered ${rows} rows`);
          return took;
        }),
      );
    };
    await list('closedList', '/api/v1/conversations?view=closed&limit=100', (r) => r === 100);
    await list('archivedList', '/api/v1/conversations?view=archived&limit=100', (r) => r === 0);
    await list('closedByQueue', `/api/v1/conversations?view=closed&queue=${busiestQueue.id}&limit=100`, (r) => r === 100);
    await list('closedByAgent', `/api/v1/conversations?view=closed&agent=${busiestAgent.id}&limit=100`, (r) => r === 100);

    say('ticket text search');
    calls.ticketSearch = ok(
      await repeat(options.samples, async () => (await http(`/api/v1/tickets?status=closed&q=${encodeURIComponent(TICKET_SEARCH_TEXT)}&limit=50`)).took),
    );

    say('search endpoint');
    const probe = await http('/api/v1/search?q=estorno', 'GET', true);
    if (probe.status === 404) {
      calls.search = { status: 'skipped', reason: 'GET /api/v1/search answered 404 on this code (the endpoint comes with the search work of issue 12)' };
    } else if (probe.status !== 200) {
      throw new Error(`GET /api/v1/search answered HTTP ${probe.status}`);
    } else {
      // Accents and case left out on purpose: "devolucao" must find "devolução", "conceicao" the name Conceição.
      const queries = ['estorno cartao', 'nota fiscal', 'conceicao', 'garantia estendida', 'devolucao'];
      let q = 0;
      calls.search = ok(
        await repeat(options.samples, async () => (await http(`/api/v1/search?q=${encodeURIComponent(queries[q++ % queries.length]!)}`)).took),
      );
    }

    // Export reads the first addresses, erase deletes others (on this copy only).
    const emails = db.facts.sampleEmails;
    const half = Math.floor(emails.length / 2);
    const exportSamples = Math.min(options.samples, half - WARMUP);
    say('data export and erase by e-mail');
    calls.dataExport = ok(
      await repeat(exportSamples, async (i) => (await http(`/api/v1/data/export?email=${encodeURIComponent(emails[i]!)}`)).took),
    );
    calls.dataErase = ok(
      await repeat(exportSamples, async (i) => {
        const { took, body } = await http(`/api/v1/data?email=${encodeURIComponent(emails[half + i]!)}`, 'DELETE');
        if (!(body as { deleted?: { visitors: number } }).deleted?.visitors) throw new Error(`erase removed no visitor: ${JSON.stringify(body)}`);
        return took;
      }),
    );

    say("new conversations' first acks");
    calls.firstAck = ok(
      await repeat(options.samples, async () => {
        const ws = await openVisitor(papo);
        sockets.push(ws);
        const took = await timedFirstMessage(ws);
        await sleep(50);
        return took;
      }),
    );

    say("other visitors' acks while new chats arrive");
    calls.otherAck = ok(await acksUnderArrivals(papo, sockets, say));

    return {
      conversations: n,
      events: db.facts.events,
      tickets: db.facts.tickets,
      visitors: db.facts.visitors,
      dbBytes: db.bytes,
      built: db.built,
      buildMs: db.facts.buildMs,
      serverStartMs,
      loadAverage,
      queue: `${busiestQueue.name} (${busiestQueue.conversations} conversations)`,
      agent: `${busiestAgent.name} (${busiestAgent.conversations} conversations)`,
      calls,
    };
  } finally {
    inspector?.close();
    await closeAll(sockets);
    const code = await papo.stop();
    if (code !== '0') log(`the Papo server (history ${n}) exited with ${code}:\n${papo.tail()}`);
    await copy?.drop();
  }
}

const WARMUP = 2;
/** From the on-duty agent's welcome to the first idle window. */
const SETTLE_MS = 20_000;
/** Every agent the builder makes has this password (bench/history-db.ts). */
const AGENT_PASSWORD = 'bench-agent-password';

async function loginAs(papo: PapoProcess, email: string, password: string): Promise<string> {
  const res = await fetch(`${papo.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: papo.origin },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${email} failed: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('papo_session='));
  if (!cookie) throw new Error('login answered no papo_session cookie');
  return cookie.split(';')[0]!;
}

async function repeat(samples: number, fn: (i: number) => Promise<number>): Promise<number[]> {
  // Two unmeasured calls first: prepared statements, JIT and the connection pool are warm for both sizes.
  // Each call gets its own index (erase needs a new address each time).
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) out.push(await fn(WARMUP + i));
  return out;
}

async function timedHttp(papo: PapoProcess, cookie: string, path: string, method: string, allowFailure = false) {
  const start = nowNs();
  const res = await fetch(`${papo.url}${path}`, { method, headers: { cookie, origin: papo.origin } });
  const text = await res.text();
  const took = ms(start);
  if (res.status !== 200 && !allowFailure) throw new Error(`${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  return { took, status: res.status, body: res.status === 200 ? (JSON.parse(text) as unknown) : null };
}

async function openAgentSocket(papo: PapoProcess, cookie: string): Promise<WebSocket> {
  const ws = await openWs(`${papo.wsUrl}?role=agent`, { Origin: papo.origin, Cookie: cookie });
  const welcome = nextFrame(ws, (f) => f.type === 'welcome', 30_000, 'agent welcome');
  ws.send('{"type":"hello","v":1}');
  await welcome;
  return ws;
}

/** A visitor's first message (no conversation yet): the time from send to its ack. */
async function timedFirstMessage(ws: WebSocket): Promise<number> {
  const clientId = randomUUID();
  const ack = nextFrame(ws, (f) => f.type === 'ack' && f.clientId === clientId, 30_000, 'ack of the first message');
  const start = nowNs();
  ws.send(JSON.stringify({ type: 'message.send', clientId, text: 'Olá! Meu pedido ainda não chegou, podem verificar?' }));
  await ack;
  return ms(start);
}

/**
 * 20 visitors with an open conversation each send a message every second (staggered), for 10 s, while a
 * new visitor starts a conversation every 100 ms: the figures are the 20 visitors' send -> ack times.
 */
async function acksUnderArrivals(papo: PapoProcess, sockets: WebSocket[], say: (line: string) => void): Promise<number[]> {
  const talkers: Array<{ ws: WebSocket; conversationId: string }> = [];
  for (let i = 0; i < 20; i++) {
    const ws = await openVisitor(papo);
    sockets.push(ws);
    const clientId = randomUUID();
    const ack = nextFrame(ws, (f) => f.type === 'ack' && f.clientId === clientId, 30_000, 'ack');
    ws.send(JSON.stringify({ type: 'message.send', clientId, text: 'Oi, preciso de ajuda com uma troca.' }));
    talkers.push({ ws, conversationId: String((await ack).conversationId) });
  }
  const samples: number[] = [];
  const pending: Array<Promise<unknown>> = [];
  const seconds = 10;
  const end = Date.now() + seconds * 1000;
  let arrivals = 0;
  const arrivalsDone = (async () => {
    while (Date.now() < end) {
      arrivals++;
      pending.push(
        openVisitor(papo).then((ws) => {
          sockets.push(ws);
          return timedFirstMessage(ws);
        }),
      );
      await sleep(100);
    }
  })();
  const talk = async (t: { ws: WebSocket; conversationId: string }, offsetMs: number) => {
    await sleep(offsetMs);
    while (Date.now() < end) {
      const clientId = randomUUID();
      const ack = nextFrame(t.ws, (f) => f.type === 'ack' && f.clientId === clientId, 30_000, 'ack');
      const start = nowNs();
      t.ws.send(JSON.stringify({ type: 'message.send', conversationId: t.conversationId, clientId, text: 'Vocês já conseguiram ver o código de rastreio?' }));
      await ack;
      samples.push(ms(start));
      await sleep(1000);
    }
  };
  await Promise.all([arrivalsDone, ...talkers.map((t, i) => talk(t, i * 50))]);
  await Promise.all(pending);
  say(`${samples.length} acks measured while ${arrivals} new conversations started`);
  return samples;
}

/** perf_hooks.monitorEventLoopDelay inside the server, through the inspector: the longest block since reset. */
async function installDelayMonitor(inspector: Inspector): Promise<{ reset(): Promise<void>; maxMs(): Promise<number>; disable(): Promise<void> }> {
  const evaluate = async (expression: string) => {
    const answer = await inspector.call<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true });
    if (answer.exceptionDetails) throw new Error(`inspector evaluate failed: ${answer.exceptionDetails.text}`);
    return answer.result.value;
  };
  await evaluate(
    `(() => { const h = globalThis.__papoBenchDelay ??= process.getBuiltinModule('node:perf_hooks').monitorEventLoopDelay({ resolution: 1 }); h.enable(); return true; })()`,
  );
  return {
    reset: async () => void (await evaluate('globalThis.__papoBenchDelay.reset()')),
    maxMs: async () => Number(await evaluate('globalThis.__papoBenchDelay.max / 1e6')),
    disable: async () => void (await evaluate('globalThis.__papoBenchDelay.disable()')),
  };
}

/** DESIGN.md "Budgets", history: within this many times the small database's p50 ... */
export const HISTORY_RATIO = 1.2;
/** ... and under this (the judged percentile, p50 for most calls) on the large one. */
export const HISTORY_P50_MS = 10;

const short = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

export interface HistoryBudget {
  name: string;
  limit: string;
  value: number | null;
  measured: string;
  pass: boolean;
}

/**
 * One budget per measured call (a skipped one has none): the ratio of the judged percentile (p50, or p90
 * where the history shows in the tail) and that percentile on the large database.
 */
export function historyBudgets(result: HistoryResult | null, options: HistoryOptions): HistoryBudget[] {
  const limit = (judged: Judged) => `<= ${HISTORY_RATIO}x of ${short(options.small)}, ${judged.slice(0, 3)} <= ${HISTORY_P50_MS} ms`;
  if (!result) return [{ name: `history ${short(options.small)} -> ${short(options.large)}`, limit: limit('p50Ms'), value: null, measured: 'not measured', pass: false }];
  return result.rows
    .flatMap((r) => (r.judged !== null && (r.small.status === 'ok' || r.large.status === 'ok') ? [{ ...r, judged: r.judged }] : []))
    .map((r) => {
      const ratio = r.judged === 'p90Ms' ? r.ratioP90 : r.ratioP50;
      const large = r.large.status === 'ok' ? r.large.figures[r.judged] : null;
      const pass = ratio !== null && large !== null && ratio <= HISTORY_RATIO && large <= HISTORY_P50_MS;
      return {
        name: `history: ${r.label}`,
        limit: limit(r.judged),
        value: ratio,
        measured: ratio === null ? 'not measured' : `${ratio.toFixed(2)}x, ${large!.toFixed(2)} ms`,
        pass,
      };
    });
}

/** The table rows of the history section (cells; run.ts lays them out). */
export function historyRows(result: HistoryResult, fmtMs: (ms: number) => string, fmtBytes: (bytes: number) => string): string[][] {
  const { small, large } = result;
  const a = short(small.conversations);
  const b = short(large.conversations);
  const rows: string[][] = [];
  rows.push(['', `${a} p50`, `${a} p90`, `${b} p50`, `${b} p90`, 'ratio p50', 'ratio p90']);
  for (const r of result.rows) {
    const cells = (c: Call) => (c.status === 'ok' ? [fmtMs(c.figures.p50Ms), fmtMs(c.figures.p90Ms)] : ['-', '-']);
    const ratio = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}x`);
    const skipped = r.large.status === 'skipped' ? r.large : r.small.status === 'skipped' ? r.small : null;
    if (skipped && skipped.status === 'skipped') rows.push([r.label, `skipped: ${skipped.reason}`]);
    else rows.push([r.label, ...cells(r.small), ...cells(r.large), ratio(r.ratioP50), ratio(r.ratioP90)]);
  }
  const samples = (run: SizeRun) => CALLS.map(([k]) => run.calls[k]).find((c) => c.status === 'ok' && c.figures.samples > 3);
  const n = samples(large);
  if (n && n.status === 'ok') rows.push([`(samples per call: ${n.figures.samples}; the stall: 3 windows; "other visitor" acks: all sent in 10 s)`]);
  const describe = (run: SizeRun) =>
    `${short(run.conversations)}: ${run.conversations} conversations, ${run.events} events, ${run.tickets} tickets, ${run.visitors} visitors; file ${fmtBytes(run.dbBytes)}; ${run.built ? `built in this run in ${(run.buildMs / 1000).toFixed(0)} s` : 'from the cache'}; server started on the copy in ${fmtMs(run.serverStartMs)} at load ${run.loadAverage.map((l) => l.toFixed(2)).join(' ')}; lists filtered by ${run.queue} / ${run.agent}`;
  rows.push([`database ${describe(small)}`]);
  rows.push([`database ${describe(large)}`]);
  rows.push([`database size ratio ${b} / ${a}: ${(large.dbBytes / small.dbBytes).toFixed(0)}x`]);
  return rows;
}
