/**
 * The Bus contract (bus.ts), run against the memory bus and the Redis bus. "Nodes" are buses of one
 * cluster: two Redis buses on one prefix are two nodes; the memory bus is one node, so its "nodes" are the
 * same bus (what a node hears from another, it hears from itself). Real Redis on 127.0.0.1:6379, a unique
 * prefix per test so parallel test files never hear each other.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log';
import type { Bus, BusCounters, BusMessage, ControlMessage } from './bus';
import { createMemoryBus } from './memory';
import { createRedisBus } from './redis';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

type NodeBus = Bus & BusCounters;

interface Impl {
  name: string;
  /** `n` nodes of one new cluster. */
  cluster(n: number): Promise<NodeBus[]>;
}

const opened: NodeBus[] = [];
const admin = () => new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

/** Kills exactly this test's connection named `name` (not every pubsub client: other test files share Redis). */
async function kill(name: string): Promise<void> {
  const client = admin();
  try {
    await client.connect();
    const list = (await client.client('LIST')) as string;
    const line = list.split('\n').find((l) => l.includes(` name=${name} `));
    if (!line) throw new Error(`no client named ${name}`);
    const id = /\bid=(\d+)/.exec(line)![1]!;
    await client.client('KILL', 'ID', id);
  } finally {
    client.disconnect();
  }
}

const prefixes = new WeakMap<Bus, string>();

const impls: Impl[] = [
  {
    name: 'memory',
    async cluster(n) {
      const bus = createMemoryBus(silentLogger, 'm1');
      opened.push(bus);
      return Array.from({ length: n }, () => bus);
    },
  },
  {
    name: 'redis',
    async cluster(n) {
      const prefix = `t_bus_${randomBytes(6).toString('hex')}:`;
      const nodes: NodeBus[] = [];
      for (let i = 1; i <= n; i++) {
        const bus = await createRedisBus({ url: REDIS_URL, prefix, nodeId: `n${i}`, log: silentLogger, retryDelayMs: () => 20 });
        prefixes.set(bus, prefix);
        opened.push(bus);
        nodes.push(bus);
      }
      return nodes;
    },
  },
];
const redis = impls[1]!;
/** Cuts a node's subscriber (publisher) connection, as Redis does when it drops a client. */
const cutSubscriber = (bus: NodeBus) => kill(`${prefixes.get(bus)}sub:${bus.nodeId}`);
const cutPublisher = (bus: NodeBus) => kill(`${prefixes.get(bus)}pub:${bus.nodeId}`);

afterEach(async () => {
  for (const bus of opened.splice(0)) await bus.close();
});

function removed(conversationId: string): BusMessage {
  return { removed: true, siteId: 's1', visitorId: 'v1', conversationId };
}
const idOf = (m: BusMessage) => ('removed' in m ? m.conversationId : '?');

/** Resolves when `check` holds; rejects after `ms` (with what `describe` says of the state then). */
async function until(check: () => boolean, describe: () => unknown, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; state: ${JSON.stringify(describe())}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each(impls)('Bus contract: $name', (impl) => {
  it('delivers to this node synchronously and to every node, each topic in publish order', async () => {
    const [a, b] = await impl.cluster(2);
    const local: string[] = [];
    const remote: string[] = [];
    a!.subscribe('t', (m) => local.push(idOf(m)));
    b!.subscribe('t', (m) => remote.push(idOf(m)));
    await Promise.all([a!.ready(), b!.ready()]);
    const sent = Array.from({ length: 200 }, (_, i) => `c${i}`);
    for (const id of sent) a!.publish('t', removed(id));
    expect(local).toEqual(sent);
    await until(() => remote.length >= sent.length, () => remote.length);
    expect(remote).toEqual(sent);
  });

  it("hears its own publish once: a node's message does not come back to it through the other nodes' path", async () => {
    const [a, b] = await impl.cluster(2);
    const heardByA: string[] = [];
    a!.subscribe('t', (m) => heardByA.push(idOf(m)));
    b!.subscribe('t', () => undefined);
    await Promise.all([a!.ready(), b!.ready()]);
    a!.publish('t', removed('mine'));
    // b's message reaches a after any echo of a's own would have (one subscriber connection, in order).
    b!.publish('t', removed('theirs'));
    await until(() => heardByA.includes('theirs'), () => heardByA);
    expect(heardByA).toEqual(['mine', 'theirs']);
  });

  it('an unsubscribed handler hears nothing more; the others on the topic still do', async () => {
    const [a, b] = await impl.cluster(2);
    const first: string[] = [];
    const second: string[] = [];
    const off = b!.subscribe('t', (m) => first.push(idOf(m)));
    b!.subscribe('t', (m) => second.push(idOf(m)));
    await b!.ready();
    a!.publish('t', removed('1'));
    await until(() => second.length === 1, () => second);
    off();
    off();
    a!.publish('t', removed('2'));
    await until(() => second.length === 2, () => second);
    expect(first).toEqual(['1']);
    expect(second).toEqual(['1', '2']);
    expect(b!.subscriptions()).toBe(1);
  });

  it('the last handler of a topic unsubscribed and a new one subscribed: the new one hears what comes next', async () => {
    const [a, b] = await impl.cluster(2);
    const heard: string[] = [];
    const off = b!.subscribe('t', () => heard.push('old'));
    await b!.ready();
    off();
    expect(b!.subscriptions()).toBe(0);
    b!.subscribe('t', (m) => heard.push(idOf(m)));
    await b!.ready();
    a!.publish('t', removed('back'));
    await until(() => heard.includes('back'), () => heard);
    expect(heard).toEqual(['back']);
    expect(b!.subscriptions()).toBe(1);
  });

  it('D5: once ready() resolves, an earlier subscription hears what any node publishes next', async () => {
    const [a, b] = await impl.cluster(2);
    // Many fresh topics, each read at once after ready(): a ready() that resolved before its SUBSCRIBE was
    // acknowledged would lose some of these.
    const topics = Array.from({ length: 50 }, (_, i) => `fresh${i}`);
    const heard = new Set<string>();
    for (const t of topics) {
      b!.subscribe(t, () => heard.add(t));
      await b!.ready();
      a!.publish(t, removed(t));
    }
    await until(() => heard.size === topics.length, () => [...heard]);
  });

  it('a node does not hear topics it did not subscribe', async () => {
    const [a, b] = await impl.cluster(2);
    const heard: string[] = [];
    b!.subscribe('mine', (m) => heard.push(idOf(m)));
    await b!.ready();
    a!.publish('other', removed('other'));
    a!.publish('mine', removed('mine'));
    await until(() => heard.length > 0, () => heard);
    expect(heard).toEqual(['mine']);
  });

  it('a throwing subscriber does not starve the others, on this node or another', async () => {
    const [a, b] = await impl.cluster(2);
    const heardA: string[] = [];
    const heardB: string[] = [];
    a!.subscribe('t', () => {
      throw new Error('broken');
    });
    a!.subscribe('t', (m) => heardA.push(idOf(m)));
    b!.subscribe('t', () => {
      throw new Error('broken');
    });
    b!.subscribe('t', (m) => heardB.push(idOf(m)));
    await Promise.all([a!.ready(), b!.ready()]);
    expect(() => a!.publish('t', removed('1'))).not.toThrow();
    await until(() => heardB.length === 1, () => heardB);
    expect(heardA).toEqual(['1']);
    expect(heardB).toEqual(['1']);
  });

  it('control reaches every node, this one synchronously, naming the node it came from', async () => {
    const [a, b, c] = await impl.cluster(3);
    const heard: Array<[string, ControlMessage, string]> = [];
    for (const [name, bus] of [['a', a!], ['b', b!], ['c', c!]] as const) bus.control.subscribe((m, from) => heard.push([name, m, from]));
    await Promise.all([a!.ready(), b!.ready(), c!.ready()]);
    a!.control.publish({ type: 'site', siteId: 's1' });
    const message = { type: 'site', siteId: 's1' };
    // On one node (memory) each handler is subscribed on the one bus: three handlers, three deliveries.
    expect(heard[0]).toEqual(['a', message, a!.nodeId]);
    await until(() => heard.length === 3, () => heard);
    expect(heard.map(([name]) => name).sort()).toEqual(['a', 'b', 'c']);
    for (const [, m, from] of heard) expect([m, from]).toEqual([message, a!.nodeId]);
  });

  it('resync() runs every onResync handler; one removed runs no more, one that throws stops none', async () => {
    const [a] = await impl.cluster(1);
    const ran: string[] = [];
    a!.onResync(() => {
      throw new Error('broken');
    });
    const off = a!.onResync(() => ran.push('x'));
    a!.onResync(() => ran.push('y'));
    a!.resync();
    off();
    a!.resync();
    expect(ran).toEqual(['x', 'y', 'y']);
  });

  it('close() ends the node: nothing is delivered to it after', async () => {
    const [a, b] = await impl.cluster(2);
    const heard: string[] = [];
    b!.subscribe('t', (m) => heard.push(idOf(m)));
    await b!.ready();
    await b!.close();
    expect(() => b!.publish('t', removed('x'))).not.toThrow();
    a!.publish('t', removed('y'));
    await new Promise((r) => setTimeout(r, 50));
    expect(heard.filter((h) => h === 'y')).toEqual([]);
  });
});

/** What only a bus that can lose its connection has to survive. */
describe('Redis bus: connection loss', () => {
  it('a subscriber cut by Redis comes back: its topics are subscribed again, then the resync runs', async () => {
    const [a, b] = await redis.cluster(2);
    const heard: string[] = [];
    b!.subscribe('t', (m) => heard.push(idOf(m)));
    let resyncs = 0;
    // The resync runs once the topics hear again (D5): what is published from then on reaches b, so a
    // resync's store reads miss nothing. Published at once from the handler, it must be heard.
    b!.onResync(() => {
      resyncs++;
      a!.publish('t', removed('at resync'));
    });
    await b!.ready();
    await cutSubscriber(b!);
    await until(() => resyncs === 1, () => resyncs);
    await until(() => heard.includes('at resync'), () => heard);
    expect(b!.reconnects()).toBe(1);
    expect(resyncs).toBe(1);
  });

  it('publishing while Redis is away neither throws nor waits; the publisher back, every other node resyncs', async () => {
    const [a, b] = await redis.cluster(2);
    const heard: string[] = [];
    b!.subscribe('t', (m) => heard.push(idOf(m)));
    let resyncsB = 0;
    let resyncsA = 0;
    b!.onResync(() => resyncsB++);
    a!.onResync(() => resyncsA++);
    const local: string[] = [];
    a!.subscribe('t', (m) => local.push(idOf(m)));
    // a's own control handlers hear its resync request too (cluster/node.ts then sends its whole state).
    const controlA: string[] = [];
    a!.control.subscribe((m, from) => m.type === 'resync' && controlA.push(from));
    await Promise.all([a!.ready(), b!.ready()]);
    await cutPublisher(a!);
    // Synchronous and never throwing, whatever the connection's state (publish returns void: nothing to await).
    for (let i = 0; i < 500; i++) expect(a!.publish('t', removed(`lost${i}`))).toBeUndefined();
    // This node's own subscribers still hear everything.
    expect(local).toHaveLength(500);
    await until(() => resyncsB === 1, () => ({ resyncsB, dropped: a!.dropped() }));
    expect(a!.dropped()).toBe(500);
    expect(resyncsA).toBe(0);
    expect(controlA).toEqual(['n1']);
    a!.publish('t', removed('back'));
    await until(() => heard.includes('back'), () => heard.length);
    // Dropped, not queued for the reconnect: the store has them, and the resync reads them there.
    expect(heard).toEqual(['back']);
  });

});

describe('Redis bus start', () => {
  it('rejects with a clear error when Redis cannot be reached', async () => {
    await expect(createRedisBus({ url: 'redis://127.0.0.1:1', prefix: 't_unreachable:', nodeId: 'n1', log: silentLogger })).rejects.toThrow(
      /Redis at redis:\/\/127\.0\.0\.1:1.* cannot be reached/,
    );
  });
});
