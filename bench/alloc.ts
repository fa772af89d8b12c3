/**
 * @module Where the server's allocation per message goes (issue 12), in figures the machine's load does not
 * change: bytes allocated per message and GCs per 10,000 messages. Not part of `npm run bench`; run it
 * before and after a change to the hot path:
 *
 *   npx tsx bench/alloc.ts            # ALLOC_MESSAGES (20000), ALLOC_SOCKETS (200), ALLOC_WINDOW (4), ALLOC_TOP (25)
 *
 * A fresh server with the inspector on (bench/inspector.ts); the fleet of the latency run (visitors with a
 * conversation each, one agent watching all). After a warm-up of the same size, it counts the server's GCs
 * (a PerformanceObserver installed through the inspector) and records a sampling heap profile that keeps
 * the samples of objects the GC has already collected, over ALLOC_MESSAGES messages sent closed-loop (each
 * visitor keeps ALLOC_WINDOW unacked). Prints bytes per message, GCs and pause time per 10,000 messages, and
 * the functions that allocated most (sampled: each figure is an estimate, good to about 5%).
 */
import { randomUUID } from 'node:crypto';
import { frameType } from './clients';
import { openFleet, type Fleet } from './fleet';
import { Inspector } from './inspector';
import { startPapo } from './procs';

const MESSAGES = Number(process.env.ALLOC_MESSAGES ?? 20_000);
const SOCKETS = Number(process.env.ALLOC_SOCKETS ?? 200);
const WINDOW = Number(process.env.ALLOC_WINDOW ?? 4);
const TOP = Number(process.env.ALLOC_TOP ?? 25);
/** ALLOC_CPU=1: also a CPU profile of the measured messages (the functions that took most self time, µs/msg). */
const CPU = process.env.ALLOC_CPU === '1';
const log = (line: string) => process.stderr.write(`[alloc] ${line}\n`);

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Sends `n` messages closed-loop and resolves when the agent has every one. */
function load(fleet: Fleet, n: number): Promise<void> {
  const visitors = fleet.visitors.slice(0, SOCKETS);
  let sent = 0;
  let delivered = 0;
  return new Promise((resolve, reject) => {
    const send = (i: number) => {
      if (sent >= n) return;
      sent++;
      visitors[i]!.send(`${fleet.framePrefix[i]!}${randomUUID()}"}`);
    };
    visitors.forEach((ws, i) =>
      ws.on('message', (data: Buffer) => {
        const type = frameType(data);
        if (type === 'error') reject(new Error(data.toString('utf8')));
        if (type === 'ack') send(i);
      }),
    );
    fleet.agent.on('message', (data: Buffer) => {
      if (frameType(data) === 'event' && ++delivered === n) {
        for (const ws of visitors) ws.removeAllListeners('message');
        fleet.agent.removeAllListeners('message');
        resolve();
      }
    });
    for (let k = 0; k < WINDOW; k++) for (let i = 0; i < visitors.length; i++) send(i);
  });
}

const GC_OBSERVER = `(() => {
  const g = (globalThis.__allocGc = { minor: 0, major: 0, other: 0, ms: 0, maxMs: 0 });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = e.detail ? e.detail.kind : e.kind;
      if (kind === 1) g.minor++; else if (kind === 2 || kind === 4) g.major++; else g.other++;
      g.ms += e.duration;
      if (e.duration > g.maxMs) g.maxMs = e.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  return true;
})()`;

interface CpuProfile {
  nodes: { id: number; callFrame: ProfileNode['callFrame'] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function of a CPU profile, in µs per message, the largest first. */
function cpuTop(cpu: CpuProfile): string[] {
  const where = new Map<number, string>();
  for (const n of cpu.nodes) {
    const f = n.callFrame;
    where.set(n.id, `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|server|shared)\//, '$1/')}:${f.lineNumber + 1}`);
  }
  const self = new Map<string, number>();
  let total = 0;
  cpu.samples.forEach((id, i) => {
    const us = cpu.timeDeltas[i] ?? 0;
    const w = where.get(id)!;
    total += us;
    self.set(w, (self.get(w) ?? 0) + us);
  });
  return [
    `CPU (sampled): ${(total / MESSAGES).toFixed(1)} µs/msg in the profile; top ${TOP} by self time, µs/msg:`,
    ...[...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([w, us]) => `  ${(us / MESSAGES).toFixed(1).padStart(6)}  ${w}`),
  ];
}

async function main(): Promise<void> {
  const papo = await startPapo({ inspect: true });
  let fleet: Fleet | null = null;
  const inspector = await Inspector.connect(papo.inspectorUrl!);
  try {
    fleet = await openFleet(papo, SOCKETS, log);
    log(`warm-up: ${MESSAGES} messages`);
    await load(fleet, MESSAGES);
    await inspector.collectGarbage();
    await inspector.call('Runtime.evaluate', { expression: GC_OBSERVER, returnByValue: true });
    await inspector.call('HeapProfiler.enable');
    await inspector.call('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    if (CPU) {
      await inspector.call('Profiler.enable');
      await inspector.call('Profiler.setSamplingInterval', { interval: 100 });
      await inspector.call('Profiler.start');
    }
    log(`measured: ${MESSAGES} messages`);
    const t0 = process.hrtime.bigint();
    await load(fleet, MESSAGES);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = CPU ? (await inspector.call<{ profile: CpuProfile }>('Profiler.stop')).profile : null;
    const { profile } = await inspector.call<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling');
    const gc = (
      await inspector.call<{ result: { value: { minor: number; major: number; other: number; ms: number; maxMs: number } } }>('Runtime.evaluate', {
        expression: 'globalThis.__allocGc',
        returnByValue: true,
      })
    ).result.value;

    const bySite = new Map<string, number>();
    let total = 0;
    const walk = (node: ProfileNode) => {
      const f = node.callFrame;
      const where = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|server|shared)\//, '$1/')}:${f.lineNumber + 1}`;
      total += node.selfSize;
      if (node.selfSize) bySite.set(where, (bySite.get(where) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    const per10k = (x: number) => ((x * 10_000) / MESSAGES).toFixed(1);
    const out = [
      `messages ${MESSAGES} over ${SOCKETS} visitors (window ${WINDOW}) in ${seconds.toFixed(1)} s; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      `allocated (sampled): ${Math.round(total / MESSAGES)} B/msg`,
      `GC per 10,000 messages: ${per10k(gc.minor)} minor, ${per10k(gc.major)} major, ${per10k(gc.ms)} ms paused (longest ${gc.maxMs.toFixed(1)} ms)`,
      `top ${TOP} allocation sites, B/msg:`,
      ...[...bySite]
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP)
        .map(([where, bytes]) => `  ${String(Math.round(bytes / MESSAGES)).padStart(6)}  ${where}`),
    ];
    if (cpu) out.push(...cpuTop(cpu));
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    inspector.close();
    await fleet?.close();
    await papo.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`alloc failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
