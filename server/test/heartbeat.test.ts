/**
 * SPEC D13 with the heartbeat spread over its interval (issue 12), on the real server: its ticks are driven
 * by ManualTimers (told apart by their delay: HEARTBEAT_MS 50 makes ticks 10 ms apart, 5 to a round), so each tick's
 * pings can be counted; nothing here waits for time to pass.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { TestSocket } from './clients';
import { startTestServer } from './harness';
import { ManualTimers } from './manual-timers';

const TICK_MS = 10;

describe('spread heartbeat on the server', () => {
  it('D13: 8 sockets are pinged over the 5 ticks of a round (2, 2, 2, 1, 1), not in one; the one that never answers is terminated in the next round', async () => {
    const timers = new ManualTimers();
    const server = await startTestServer({ env: { HEARTBEAT_MS: '50' }, timers });
    const url = `${server.wsUrl}?role=visitor&site=${server.siteKey}`;
    const silent = await TestSocket.open(url, { origin: server.origin }, { autoPong: false });
    const healthy = await Promise.all(Array.from({ length: 7 }, () => TestSocket.open(url, { origin: server.origin })));
    const all = [silent, ...healthy];
    for (const s of all) s.send({ type: 'hello', v: PROTOCOL_VERSION });
    for (const s of all) await s.next('welcome');
    const pings = all.map(() => 0);
    all.forEach((s, i) => s.ws.on('ping', () => pings[i]!++));
    let pinged = 0;
    /** One tick; waits until its pings have arrived (a frame sent after them comes back after them). */
    const tick = async () => {
      timers.elapse(TICK_MS);
      for (const s of healthy) {
        s.send({ type: 'ping', id: ++pinged });
        await s.next('pong', (f) => f.id === pinged);
      }
      return pings.reduce((a, b) => a + b, 0);
    };

    const totals = [];
    for (let t = 0; t < 5; t++) totals.push(await tick());
    expect(totals).toEqual([2, 4, 6, 7, 8]);
    expect(pings).toEqual(Array(8).fill(1));

    // The next round: the silent socket's tick is the first (it opened first) and it is dropped unpinged.
    timers.elapse(TICK_MS);
    expect((await silent.closed).code).toBe(1006);
    for (let t = 0; t < 4; t++) await tick();
    expect(pings).toEqual([1, ...Array(7).fill(2)]);
    for (const s of healthy) {
      s.send({ type: 'ping', id: 999 });
      expect(await s.next('pong', (f) => f.id === 999)).toEqual({ type: 'pong', id: 999 });
    }
    await Promise.all(healthy.map((s) => s.close()));
    await server.stop();
  });
});
