/**
 * @module Throughput (closed loop): each of `sockets` visitors keeps up to `window` messages without an
 * ack in flight and sends the next one as each ack arrives. Counts acks (persisted: the ack is sent after
 * the commit) and the agent's `event` frames (delivered), per second of the measured window.
 */
import { randomUUID } from 'node:crypto';
import { frameType } from './clients';
import type { Fleet } from './fleet';
import { cpuMs } from './procs';
import { nowNs, sleep } from './stats';

export interface ThroughputOptions {
  sockets: number;
  window: number;
  warmupS: number;
  measureS: number;
  drainMs: number;
}

export interface ThroughputResult {
  sockets: number;
  window: number;
  measureS: number;
  /** Acks per second in the measured window. */
  persistedPerS: number;
  /** Agent `event` frames (kind message) per second in the measured window. */
  deliveredPerS: number;
  /** Whole run, warm-up and drain included. */
  totalSent: number;
  totalAcked: number;
  totalDelivered: number;
  errors: number;
  /** CPU the server process and the bench process used in the measured window, in % of one core. */
  serverCpuPct: number | null;
  benchCpuPct: number;
}

const KIND_MESSAGE = Buffer.from('"kind":"message"');

export async function runThroughput(fleet: Fleet, options: ThroughputOptions, log: (line: string) => void): Promise<ThroughputResult> {
  const n = Math.min(options.sockets, fleet.visitors.length);
  const visitors = fleet.visitors.slice(0, n);
  const start = nowNs();
  const measureStart = start + options.warmupS * 1e9;
  const measureEnd = measureStart + options.measureS * 1e9;
  let running = true;
  let sent = 0;
  let acked = 0;
  let delivered = 0;
  let ackedInWindow = 0;
  let deliveredInWindow = 0;
  let errors = 0;
  const inflight = new Int32Array(n);

  const send = (i: number) => {
    inflight[i]!++;
    sent++;
    visitors[i]!.send(`${fleet.framePrefix[i]!}${randomUUID()}"}`);
  };

  visitors.forEach((ws, i) => {
    ws.on('message', (data: Buffer) => {
      const type = frameType(data);
      if (type === 'ack' || type === 'error') {
        if (type === 'ack') {
          acked++;
          const t = nowNs();
          if (t >= measureStart && t < measureEnd) ackedInWindow++;
        } else if (errors++ === 0) log(`first error frame: ${data.toString('utf8').slice(0, 300)}`);
        inflight[i]!--;
        if (running) send(i);
      }
    });
  });
  fleet.agent.on('message', (data: Buffer) => {
    if (frameType(data) !== 'event' || data.indexOf(KIND_MESSAGE) < 0) return;
    delivered++;
    const t = nowNs();
    if (t >= measureStart && t < measureEnd) deliveredInWindow++;
  });

  log(`throughput: ${n} visitors x window ${options.window}, ${options.warmupS} s warm-up + ${options.measureS} s`);
  try {
    for (let i = 0; i < n; i++) for (let k = 0; k < options.window; k++) send(i);
    await sleep(options.warmupS * 1000);
    const serverCpu0 = cpuMs(fleet.papo.pid);
    const benchCpu0 = process.cpuUsage();
    const wall0 = nowNs();
    await sleep(Math.max(0, (measureEnd - nowNs()) / 1e6));
    const wallMs = (nowNs() - wall0) / 1e6;
    const serverCpu1 = cpuMs(fleet.papo.pid);
    const benchCpu = process.cpuUsage(benchCpu0);
    running = false;
    const drainUntil = Date.now() + options.drainMs;
    while ((inflight.some((x) => x > 0) || delivered < acked) && Date.now() < drainUntil) await sleep(20);
    return {
      sockets: n,
      window: options.window,
      measureS: options.measureS,
      persistedPerS: ackedInWindow / options.measureS,
      deliveredPerS: deliveredInWindow / options.measureS,
      totalSent: sent,
      totalAcked: acked,
      totalDelivered: delivered,
      errors,
      serverCpuPct: serverCpu0 !== null && serverCpu1 !== null ? ((serverCpu1 - serverCpu0) / wallMs) * 100 : null,
      benchCpuPct: ((benchCpu.user + benchCpu.system) / 1000 / wallMs) * 100,
    };
  } finally {
    running = false;
    for (const ws of visitors) ws.removeAllListeners('message');
    fleet.agent.removeAllListeners('message');
  }
}
