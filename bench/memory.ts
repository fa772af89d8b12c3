/**
 * @module Idle sockets: how much the server's resident memory grows per open, idle socket. Papo: N visitor
 * sockets, each after hello + welcome, on a fresh server. Baseline: N raw `ws` sockets on a fresh echo
 * server, each after one frame and its echo. Both servers first serve (and drop) a few hundred sockets so
 * code paths are warm, then settle; RSS is read from /proc before and after.
 */
import type WebSocket from 'ws';
import { closeAll, inBatches, nextFrame, openVisitor, openWs } from './clients';
import { openFilesLimit, rssBytes, startEcho, startPapo, type Child } from './procs';
import { sleep } from './stats';
import { Inspector } from './inspector';

export interface IdleMemory {
  sockets: number;
  rssBefore: number;
  rssAfter: number;
  /** (rssAfter - rssBefore) / sockets, in bytes. */
  perSocket: number;
  /**
   * Papo only (issue 12): V8 heap used after a full GC with the sockets open, minus the same after they
   * closed, per socket: what a socket keeps alive, without the garbage and allocator slack RSS also counts.
   * A closed visitor's visit, which the live visitors list remembers for a while, counts as kept by neither.
   * Null for the raw server (no inspector).
   */
  heapPerSocket: number | null;
}

export interface IdleMemoryResult {
  papo: IdleMemory;
  raw: IdleMemory;
}

const WARM = 300;
const BATCH = 250;
const SETTLE_MS = 2000;

/** Null when the open-file limit is high enough, else the reason the part is skipped. */
export function idleMemorySkipReason(n: number): string | null {
  const limit = openFilesLimit();
  if (limit === null) return 'cannot read the open-file limit (/proc/self/limits)';
  // Client sockets live in this process, server sockets in the child (which inherits the same limit).
  if (limit < n + 1000) return `open-file limit (ulimit -n) is ${limit}; ${n} sockets need at least ${n + 1000}. Raise it (ulimit -n ${n * 2}) and run again`;
  return null;
}

async function measureServer(
  server: Child,
  n: number,
  open: () => Promise<WebSocket>,
  log: (line: string) => void,
  label: string,
  inspector: Inspector | null = null,
): Promise<IdleMemory> {
  const warm = await inBatches(WARM, BATCH, open);
  await closeAll(warm);
  await sleep(SETTLE_MS);
  const rssBefore = rssBytes(server.pid);
  if (rssBefore === null) throw new Error(`cannot read VmRSS of pid ${server.pid}`);
  const sockets: WebSocket[] = [];
  try {
    log(`${label}: opening ${n} idle sockets`);
    sockets.push(...(await inBatches(n, BATCH, open)));
    await sleep(SETTLE_MS);
    const rssAfter = rssBytes(server.pid);
    if (rssAfter === null) throw new Error(`cannot read VmRSS of pid ${server.pid}`);
    let heapPerSocket: number | null = null;
    if (inspector) {
      // After the RSS figures, so no forced GC moves them: the heap with the sockets open, then without.
      await inspector.collectGarbage();
      const heapOpen = await inspector.heapUsed();
      await closeAll(sockets.splice(0), 10_000);
      await sleep(SETTLE_MS);
      await inspector.collectGarbage();
      heapPerSocket = (heapOpen - (await inspector.heapUsed())) / n;
    }
    return { sockets: n, rssBefore, rssAfter, perSocket: (rssAfter - rssBefore) / n, heapPerSocket };
  } finally {
    await closeAll(sockets, 10_000);
  }
}

export async function idleMemory(n: number, log: (line: string) => void): Promise<IdleMemoryResult> {
  const echo = await startEcho();
  let raw: IdleMemory;
  try {
    raw = await measureServer(
      echo,
      n,
      async () => {
        const ws = await openWs(echo.wsUrl);
        const echoed = nextFrame(ws, () => true, 30_000, 'echo');
        ws.send('{"type":"hello","v":1,"token":null}');
        await echoed;
        return ws;
      },
      log,
      'echo',
    );
  } finally {
    await echo.stop();
  }
  const papo = await startPapo({ inspect: true });
  const inspector = await Inspector.connect(papo.inspectorUrl!);
  try {
    const result = await measureServer(papo, n, () => openVisitor(papo), log, 'papo', inspector);
    return { papo: result, raw };
  } finally {
    inspector.close();
    await papo.stop();
  }
}
