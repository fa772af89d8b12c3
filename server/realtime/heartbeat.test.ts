/**
 * Issue 12: the heartbeat (SPEC D13) and mass closes are spread over slices. Driven by ManualTimers and a
 * manual next-turn function; the assertions are on slice sizes, never on time.
 */
import { describe, expect, it } from 'vitest';
import { ManualTimers } from '../test/manual-timers';
import { heartbeatPlan, inSlices, sliceOf, startHeartbeat, type Beating } from './heartbeat';

class Member implements Beating {
  alive = true;
  pings = 0;
  terminated = false;
  constructor(readonly log: Member[][]) {}
  ping(): void {
    this.pings++;
    this.log.at(-1)!.push(this);
  }
  terminate(): void {
    this.terminated = true;
    this.log.at(-1)!.push(this);
  }
}

function fleet(n: number) {
  const log: Member[][] = [];
  const members = new Set<Member>();
  for (let i = 0; i < n; i++) members.add(new Member(log));
  return { log, members };
}

describe('heartbeat plan', () => {
  it.each([
    // interval, slices, ms between ticks
    [30_000, 100, 300],
    [1_000, 100, 10],
    [100, 10, 10],
    [25, 2, 12.5],
    [5, 1, 5],
  ])('an interval of %i ms: %i ticks %f ms apart', (intervalMs, slices, sliceMs) => {
    expect(heartbeatPlan(intervalMs)).toEqual({ slices, sliceMs });
  });

  it.each([
    // sockets, ticks, how many each tick visits: a round always lasts all its ticks
    [10_000, 100, Array(100).fill(100)],
    [30, 4, [7, 8, 7, 8]],
    [2, 10, [0, 0, 0, 0, 1, 0, 0, 0, 0, 1]],
    [0, 3, [0, 0, 0]],
  ])('%i sockets over %i ticks', (open, slices, sizes) => {
    const got = Array.from({ length: slices }, (_, k) => sliceOf(k, open, slices));
    expect(got.map(({ from, to }) => to - from)).toEqual(sizes);
    // Consecutive and covering: every socket exactly once.
    expect(got.every((s, k) => s.from === (k === 0 ? 0 : got[k - 1]!.to))).toBe(true);
    expect(got.at(-1)!.to).toBe(open);
  });
});

describe('spread heartbeat', () => {
  it('10,000 sockets at a 30 s interval: 100 a tick, each pinged once a round', () => {
    const timers = new ManualTimers();
    const { log, members } = fleet(10_000);
    const beat = startHeartbeat(members, 30_000, timers);
    for (let t = 0; t < 100; t++) {
      log.push([]);
      timers.elapse(300);
    }
    expect(log.map((slice) => slice.length)).toEqual(Array(100).fill(100));
    expect([...members].every((m) => m.pings === 1 && !m.terminated)).toBe(true);
    beat.stop();
    expect(timers.armed(300)).toEqual([]);
  });

  it('30 sockets over 4 ticks: 7, 8, 7, 8; a socket that did not answer is terminated at its next turn', () => {
    const timers = new ManualTimers();
    const { log, members } = fleet(30);
    startHeartbeat(members, 40, timers);
    const sizes = () => log.splice(0).map((slice) => slice.length);
    for (let t = 0; t < 4; t++) {
      log.push([]);
      timers.elapse(10);
    }
    expect(sizes()).toEqual([7, 8, 7, 8]);
    const [silent, ...answered] = [...members];
    for (const m of answered) m.alive = true; // their pongs
    for (let t = 0; t < 4; t++) {
      log.push([]);
      timers.elapse(10);
    }
    expect(sizes()).toEqual([7, 8, 7, 8]);
    expect(silent!.terminated).toBe(true);
    expect(silent!.pings).toBe(1);
    expect(answered.every((m) => m.pings === 2 && !m.terminated)).toBe(true);
  });

  it('2 sockets over 10 ticks: a round still lasts the interval, each pinged once in it', () => {
    const timers = new ManualTimers();
    const { log, members } = fleet(2);
    startHeartbeat(members, 100, timers); // 10 ticks of 10
    for (let t = 0; t < 20; t++) {
      log.push([]);
      timers.elapse(10);
      for (const m of members) m.alive = true; // both answer at once
    }
    expect(log.map((slice) => slice.length)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect([...members].map((m) => m.pings)).toEqual([2, 2]);
  });

  it('a socket that closes mid-round is skipped; one that opens waits for the next round', () => {
    const timers = new ManualTimers();
    const { log, members } = fleet(20);
    startHeartbeat(members, 20, timers); // 2 ticks of 10
    const [first, , , , , , , , , , , last] = [...members];
    log.push([]);
    timers.elapse(10);
    members.delete(last!);
    const late = new Member(log);
    members.add(late);
    log.push([]);
    timers.elapse(10);
    expect(log.map((slice) => slice.length)).toEqual([10, 9]);
    expect(last!.pings).toBe(0);
    expect(late.pings).toBe(0);
    log.push([]);
    timers.elapse(10); // next round: 20 open again, 10 a tick
    expect(log.at(-1)!.length).toBe(10);
    // It never answered its ping (nothing set it alive), so its turn in this round terminates it.
    expect(first!.terminated).toBe(true);
    expect(first!.pings).toBe(1);
  });
});

describe('mass close in slices', () => {
  it('2,000 sockets: 250 per turn of the event loop, the rest only when the next turn runs', async () => {
    const turns: Array<() => void> = [];
    const closed: number[] = [];
    let slice = 0;
    const done = inSlices(
      Array.from({ length: 2000 }, (_, i) => i),
      () => closed.push(slice),
      { defer: (fn) => turns.push(fn) },
    );
    expect(closed.length).toBe(250);
    while (turns.length > 0) {
      slice++;
      turns.shift()!();
    }
    await done;
    const perSlice = closed.reduce<number[]>((acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc), []);
    expect(perSlice).toEqual(Array(8).fill(250));
  });

  it('nothing to close resolves at once', async () => {
    const turns: Array<() => void> = [];
    await inSlices([], () => undefined, { defer: (fn) => turns.push(fn) });
    expect(turns).toEqual([]);
  });
});
