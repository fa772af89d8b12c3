/**
 * Issue 14 (SPEC L1, L6, W3): per-address budgets counted across nodes in a real Redis
 * (REDIS_URL, default 127.0.0.1:6379), each test under its own key prefix; with Redis unreachable each
 * node falls back to its own in-memory budget of the same size.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type SafetyLimits } from '../config';
import { isAppError } from '../errors';
import { createSafety } from '../services/safety';
import { createSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/store';
import { createSharedLimits } from './shared-limits';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = () => `papo-test-${randomBytes(4).toString('hex')}:`;
const LIMITS: SafetyLimits = { ...loadConfig({}).limits, connectionsPerMinute: 3, conversationsPerMinute: 2, loginsPer15Minutes: 3, uploadBytesPer10Minutes: 1_000 };

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'passed';
  } catch (err) {
    return isAppError(err) ? err.code : String(err);
  }
}

describe('shared limits (real Redis)', () => {
  const clients: Redis[] = [];
  const client = (url = REDIS_URL) => {
    const c = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    c.on('error', () => {}); // the outage test's client never connects
    clients.push(c);
    return c;
  };
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'papo-limits-'));
    store = createSqliteStore(join(dir, 'papo.db'));
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ready = async (c: Redis) => {
    if (c.status !== 'ready') await new Promise((r) => c.once('ready', r));
  };

  it('L1: connections from one address spread over two nodes share one budget', async () => {
    const p = prefix();
    const [ra, rb] = [client(), client()];
    await Promise.all([ready(ra), ready(rb)]);
    const a = createSharedLimits(ra, p, LIMITS);
    const b = createSharedLimits(rb, p, LIMITS);
    expect(await a.connections.consume('203.0.113.1')).toBeNull();
    expect(await b.connections.consume('203.0.113.1')).toBeNull();
    expect(await a.connections.consume('203.0.113.1')).toBeNull();
    const wait = await b.connections.consume('203.0.113.1');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await a.connections.consume('203.0.113.2')).toBeNull(); // another address has its own
    expect(await ra.exists(`${p}rl:connections:203.0.113.1`)).toBe(1);
  });

  it('L6: failed sign-ins on two nodes share the budget per address; a right password gives its token back', async () => {
    const p = prefix();
    const [ra, rb] = [client(), client()];
    await Promise.all([ready(ra), ready(rb)]);
    const peer = () => 0;
    const a = await createSafety(store, LIMITS, Date.now, { announce: () => {}, peerSockets: peer, shared: createSharedLimits(ra, p, LIMITS) });
    const b = await createSafety(store, LIMITS, Date.now, { announce: () => {}, peerSockets: peer, shared: createSharedLimits(rb, p, LIMITS) });
    const key = '198.51.100.3' as Parameters<typeof a.admitSocket>[1];
    // A right password on A: given back, so it costs nothing.
    (await a.signIn(key, 'ana@example.com', null)).settled(true);
    await new Promise((r) => setTimeout(r, 50)); // the reward is sent without waiting
    (await a.signIn(key, 'ana@example.com', null)).settled(false);
    (await b.signIn(key, 'ana@example.com', null)).settled(false);
    (await a.signIn(key, 'ana@example.com', null)).settled(false);
    // Each node alone has room left in its own bucket (2 and 1 of 3); the shared budget is spent.
    expect(await refusal(b.signIn(key, 'bia@example.com', null))).toBe('rate_limited');
    expect(await refusal(a.signIn('198.51.100.4' as typeof key, 'ana@example.com', null))).toBe('rate_limited'); // the e-mail's budget too
    expect(await refusal(a.signIn('198.51.100.4' as typeof key, 'carla@example.com', null))).toBe('passed');
  });

  it('L1/W3: new conversations and upload bytes are checked on the node at once and refused there once the nodes together are past the budget', async () => {
    const p = prefix();
    const [ra, rb] = [client(), client()];
    await Promise.all([ready(ra), ready(rb)]);
    const peer = () => 0;
    const a = await createSafety(store, LIMITS, Date.now, { announce: () => {}, peerSockets: peer, shared: createSharedLimits(ra, p, LIMITS) });
    const b = await createSafety(store, LIMITS, Date.now, { announce: () => {}, peerSockets: peer, shared: createSharedLimits(rb, p, LIMITS) });
    const key = '192.0.2.77' as Parameters<typeof a.admitSocket>[1];
    a.conversationStarted(key);
    b.conversationStarted(key);
    expect(b.conversationVerdict(key).ok).toBe(true); // B's own bucket has one left
    b.conversationStarted(key); // the third across the nodes: past the budget of 2
    await new Promise((r) => setTimeout(r, 100));
    expect(b.conversationVerdict(key)).toMatchObject({ ok: false });
    a.uploadBytes(key, 600, 'take');
    b.uploadBytes(key, 600, 'take'); // B's own bucket allows it; together 1,200 > 1,000
    await new Promise((r) => setTimeout(r, 100));
    expect(() => b.uploadBytes(key, 1, 'peek')).toThrow(/Too many requests/);
  });

  it('with Redis unreachable each node keeps its own budget (the insurance), and nothing waits for Redis', async () => {
    const down = client('redis://127.0.0.1:1');
    const limits = createSharedLimits(down, prefix(), LIMITS);
    const started = Date.now();
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await limits.connections.consume('203.0.113.9'));
    expect(waits.slice(0, 3)).toEqual([null, null, null]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
