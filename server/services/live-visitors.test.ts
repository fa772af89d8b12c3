/**
 * Live visitors (SPEC R11): who is online, and how long a visitor who left is remembered, with a clock the
 * test moves.
 */
import { describe, expect, it } from 'vitest';
import { createLiveVisitors, VISIT_GAP_MS } from './live-visitors';

const T0 = 1_750_000_000_000;

function setup(maxDeparted?: number) {
  let clock = T0;
  const live = createLiveVisitors(() => clock, maxDeparted);
  return {
    live,
    at: (t: number) => (clock = T0 + t),
    /** Connects and disconnects each visitor in turn, one millisecond apart, from `t`. */
    pass(ids: string[], t: number) {
      ids.forEach((id, i) => {
        clock = T0 + t + i;
        live.connected(id, 'site', null, false);
        live.disconnected(id);
      });
    },
  };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('live visitors', () => {
  it('R11: a visitor back within VISIT_GAP_MS goes on with its visit; one back later starts a new one', () => {
    const { live, at } = setup();
    at(0);
    live.connected('a', 'site', null, false);
    live.connected('b', 'site', null, false);
    at(1000);
    live.disconnected('a');
    live.disconnected('b');
    expect(live.visitor('a')).toBeNull();
    expect(live.remembered()).toBe(2);

    at(1000 + VISIT_GAP_MS - 1);
    live.connected('a', 'site', null, false);
    expect(live.visitor('a')).toMatchObject({ since: T0, returning: false });
    at(1000 + VISIT_GAP_MS + 1);
    live.connected('b', 'site', null, false);
    expect(live.visitor('b')).toMatchObject({ since: T0 + 1000 + VISIT_GAP_MS + 1, returning: true });
  });

  it('R11: visitors gone longer than VISIT_GAP_MS are forgotten; those gone less and those online are kept', () => {
    const { live, at, pass } = setup();
    at(0);
    for (const id of ids('online', 3)) live.connected(id, 'site', null, false);
    pass(ids('gone', 10), 0); // gone0 leaves at 0 ms, gone9 at 9 ms
    expect(live.remembered()).toBe(13);
    pass(['late'], 4 + VISIT_GAP_MS + 1); // gone0..gone4 are now longer gone than the gap
    expect(live.remembered()).toBe(3 + 5 + 1);
    expect(live.online().map((v) => v.visitorId)).toEqual(ids('online', 3));
  });

  it('R11: at most maxDeparted visitors who left are remembered, the longest gone forgotten first', () => {
    const { live, at, pass } = setup(10);
    at(0);
    for (const id of ids('online', 5)) live.connected(id, 'site', null, false);
    pass(ids('gone', 15), 0);
    expect(live.remembered()).toBe(5 + 10);

    at(100);
    live.connected('gone14', 'site', null, false); // among the 10 kept: its visit goes on
    expect(live.visitor('gone14')?.since).toBe(T0 + 14);
    live.connected('gone0', 'site', null, false); // forgotten: a new visit
    expect(live.visitor('gone0')?.since).toBe(T0 + 100);
    expect(live.online()).toHaveLength(7); // nobody online was forgotten
  });
});
