/**
 * The node's reconcile (reconcile.ts, issue 14): when it runs (every resync; periodically only on a bus that
 * can lose messages), what it reads (each watched conversation once, whichever sockets watch it) and how
 * runs do not pile up. Injected timers; the reads are a recording stand-in for ConversationService.summaries.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../shared/protocol';
import { createMemoryBus } from '../bus/memory';
import { silentLogger } from '../log';
import type { Timers } from '../services/timers';
import { Reconciler, type Reconciled } from './reconcile';

/** Timers the test fires by hand. */
class HandTimers implements Timers {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  #next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(): void {
    const due = [...this.pending];
    this.pending.clear();
    for (const [, t] of due) t.fn();
  }
}

const ticks = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setup(lossless: boolean) {
  const bus = { ...createMemoryBus(silentLogger), lossless };
  const reads: string[][] = [];
  let release: (() => void) | null = null;
  let hold = false;
  const conversations = {
    summaries: async (ids: readonly string[]) => {
      reads.push([...ids].sort());
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      return new Map(ids.map((id) => [id, { id, lastSeq: 1 } as ConversationSummary]));
    },
  };
  const timers = new HandTimers();
  const reconciler = new Reconciler({ bus, conversations, log: silentLogger, timers, reconcileMs: 5_000 });
  const socket = (watching: string[], calls: boolean[] = []): Reconciled & { calls: boolean[] } => ({
    calls,
    watching: () => watching,
    reconcile: (current, resync) => {
      expect([...current.keys()].sort()).toEqual(expect.arrayContaining(watching));
      calls.push(resync);
    },
  });
  return { bus, reads, timers, reconciler, socket, holdReads: () => (hold = true), release: () => release?.() };
}

describe('reconcile of watched conversations', () => {
  it('a resync reads each watched conversation once, for every socket watching it, and hands each socket the result', async () => {
    const { bus, reads, reconciler, socket } = setup(false);
    const a = socket(['c1', 'c2']);
    const b = socket(['c2', 'c3']);
    reconciler.add(a);
    reconciler.add(b);
    bus.resync();
    await ticks();
    expect(reads).toEqual([['c1', 'c2', 'c3']]);
    expect([a.calls, b.calls]).toEqual([[true], [true]]);
  });

  it('on a bus that can lose messages it runs every reconcileMs while sockets are followed, and stops with the last', async () => {
    const { reads, timers, reconciler, socket } = setup(false);
    const s = socket(['c1']);
    reconciler.add(s);
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([5_000]);
    timers.fire();
    await ticks();
    timers.fire();
    await ticks();
    expect(reads).toEqual([['c1'], ['c1']]);
    reconciler.delete(s);
    expect(timers.pending.size).toBe(0);
    expect(reconciler.size).toBe(0);
  });

  it('on the memory bus (loses nothing) there is no periodic run; a resync still runs', async () => {
    const { bus, reads, timers, reconciler, socket } = setup(true);
    reconciler.add(socket(['c1']));
    expect(timers.pending.size).toBe(0);
    bus.resync();
    await ticks();
    expect(reads).toEqual([['c1']]);
  });

  it('resyncs during a run make one more run after it, not one each', async () => {
    const { bus, reads, reconciler, socket, holdReads, release } = setup(false);
    const s = socket(['c1']);
    reconciler.add(s);
    holdReads();
    bus.resync();
    await ticks();
    bus.resync();
    bus.resync();
    release();
    await ticks();
    release();
    await ticks();
    expect(reads).toHaveLength(2);
    expect(s.calls).toEqual([true, true]);
  });

  it('a socket gone before the read answers is not reconciled; no watches, no read', async () => {
    const { bus, reconciler, socket, holdReads, release } = setup(false);
    const gone = socket(['c1']);
    reconciler.add(gone);
    reconciler.add(socket([]));
    holdReads();
    bus.resync();
    await ticks();
    reconciler.delete(gone);
    release();
    await ticks();
    expect(gone.calls).toEqual([]);
    const idle = setup(false);
    idle.reconciler.add(idle.socket([]));
    idle.bus.resync();
    await ticks();
    expect(idle.reads).toEqual([]);
  });
});
