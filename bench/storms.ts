/**
 * @module Reconnect storms (issue 11): does the server give back what reconnecting sockets held? A fresh
 * server with N idle visitor sockets (hello + welcome each), then storms in which S of them close and come
 * back at once, each with the token its last welcome gave it, as the widget does after a drop (hello +
 * welcome again). Heap used and RSS of the server are read before the storms (after a full GC), right after
 * them as they left the heap, and after a full GC; then the same number of storms again, and a full GC.
 * The server runs with the inspector on a loopback port (bench/inspector.ts), so no debug hook is needed.
 *
 * V8 collects the old generation only when it decides to: right after the storms the heap holds the dropped
 * connections as garbage (tens of MiB), and a forced GC shows what is really kept. The first round also
 * leaves one-off growth (compiled code, Node's pool of HTTP parsers, sockets that differ a little from the
 * ones they replaced); state kept per connection would grow again with the second round, which reconnects
 * the same sockets again. So the heap kept per reconnect in the second round is the leak figure.
 */
import type WebSocket from 'ws';
import { closeAll, inBatches, openVisitorSession } from './clients';
import { Inspector } from './inspector';
import { cpuMs, rssBytes, startPapo, type PapoProcess } from './procs';
import { sleep } from './stats';

export interface MemoryReading {
  heapUsed: number;
  rss: number;
}

export interface StormsResult {
  sockets: number;
  stormSize: number;
  storms: number;
  /** N idle sockets open, after a full GC. */
  before: MemoryReading;
  /** Right after the last storm, without a forced GC. */
  afterAsLeft: MemoryReading;
  /** After the storms and a full GC. */
  afterGc: MemoryReading;
  /** After as many storms again and a full GC. */
  afterSecondRound: MemoryReading;
  /** (afterGc.heapUsed - before.heapUsed) / reconnects of the first round, in bytes. */
  heapKeptPerReconnect: number;
  /** (afterSecondRound.heapUsed - afterGc.heapUsed) / reconnects of the second round, in bytes. */
  heapKeptPerReconnectSecondRound: number;
  /** CPU time the server used during the first round of storms, in ms (context for the figures, no budget). */
  serverCpuMs: number | null;
}

const WARM = 300;
const BATCH = 250;
const SETTLE_MS = 2000;

interface Visitor {
  ws: WebSocket;
  token: string;
}

async function read(papo: PapoProcess, inspector: Inspector, gc: boolean): Promise<MemoryReading> {
  if (gc) await inspector.collectGarbage();
  const heapUsed = await inspector.heapUsed();
  const rss = rssBytes(papo.pid);
  if (rss === null) throw new Error(`cannot read VmRSS of pid ${papo.pid}`);
  return { heapUsed, rss };
}

export async function reconnectStorms(n: number, stormSize: number, storms: number, log: (line: string) => void): Promise<StormsResult> {
  if (stormSize > n) throw new Error(`a storm of ${stormSize} needs at least as many idle sockets (${n})`);
  const papo = await startPapo({ inspect: true });
  let inspector: Inspector | null = null;
  const visitors: Visitor[] = [];
  try {
    inspector = await Inspector.connect(papo.inspectorUrl!);
    const warm = await inBatches(WARM, BATCH, () => openVisitorSession(papo, null));
    await closeAll(warm.map((v) => v.ws));
    // The idle visitors come once as new visitors and then back with their tokens, so the sockets before and
    // after the storms are alike: a returning visitor's socket holds its token (a few hundred bytes more than
    // a new one's), and that difference would otherwise be read as memory the storms kept.
    log(`papo: opening ${n} idle visitor sockets (new visitors, then back with their tokens)`);
    const first = await inBatches(n, BATCH, () => openVisitorSession(papo, null));
    await closeAll(first.map((v) => v.ws), 30_000);
    visitors.push(...(await inBatches(n, BATCH, (i) => openVisitorSession(papo, first[i]!.token))));
    await sleep(SETTLE_MS);
    const before = await read(papo, inspector, true);

    const round = async (from: number): Promise<void> => {
      for (let storm = from; storm < from + storms; storm++) {
        // A different slice of the sockets each storm: all of it drops and reconnects at once (no batches). The
        // second round reconnects the same slices as the first, so it starts from sockets like those it makes.
        const slice = Array.from({ length: stormSize }, (_, k) => ((storm % storms) * stormSize + k) % n);
        log(`storm ${storm + 1}/${2 * storms}: ${stormSize} sockets close and reconnect at once`);
        const closed = closeAll(slice.map((i) => visitors[i]!.ws), 30_000);
        const back = await Promise.all(slice.map((i) => openVisitorSession(papo, visitors[i]!.token)));
        await closed;
        slice.forEach((i, k) => (visitors[i] = back[k]!));
      }
      await sleep(SETTLE_MS);
    };

    const cpuBefore = cpuMs(papo.pid);
    await round(0);
    const cpuAfter = cpuMs(papo.pid);
    const afterAsLeft = await read(papo, inspector, false);
    const afterGc = await read(papo, inspector, true);
    await round(storms);
    const afterSecondRound = await read(papo, inspector, true);
    const reconnects = storms * stormSize;
    return {
      sockets: n,
      stormSize,
      storms,
      before,
      afterAsLeft,
      afterGc,
      afterSecondRound,
      heapKeptPerReconnect: (afterGc.heapUsed - before.heapUsed) / reconnects,
      heapKeptPerReconnectSecondRound: (afterSecondRound.heapUsed - afterGc.heapUsed) / reconnects,
      serverCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    };
  } finally {
    inspector?.close();
    await closeAll(visitors.map((v) => v.ws), 10_000);
    await papo.stop();
  }
}
