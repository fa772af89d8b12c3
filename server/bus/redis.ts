/**
 * @module Redis pub/sub Bus for several nodes (issue 14): one channel per topic under the prefix, plus one
 * control channel. Pub/sub is a wake-up, not the truth: a message may be lost (a reconnect, a node killed
 * between its commit and its publish, an output buffer overflow) or come out of commit order (two
 * publishers), and receivers fill gaps from the store (realtime/delivery.ts). So publishing never waits for
 * Redis and never throws: while Redis is away a message is dropped and counted, and the reconnect resyncs.
 *
 * Why a channel per topic and not one per site with local dispatch (scale-out.md §2.5): the port publishes
 * by topic, and a visitor's topic is heard only by the nodes holding that visitor's sockets; a site channel
 * would send every event of a site to every node holding any of its visitors. An event costs two PUBLISHes
 * (its visitor's and its site's topics), sent in one write with auto-pipelining and encoded once.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../log';
import type { Bus, BusCounters, BusMessage, ControlMessage } from './bus';

export interface RedisBusOptions {
  /** `redis://host:port` (REDIS_URL). */
  url: string;
  /** Starts every channel's name (REDIS_PREFIX, default `papo:`); tests give each file its own. */
  prefix: string;
  nodeId: string;
  log: Logger;
  /** Wait before the `n`th attempt to reconnect (default: 100 ms more per attempt, at most 2 s). */
  retryDelayMs?: (attempt: number) => number;
}

export interface RedisBus extends Bus, BusCounters {}

type Handler = (message: BusMessage) => void;
type ControlHandler = (message: ControlMessage, fromNode: string) => void;

/**
 * What goes on the wire: `o` this bus instance (its own echo is skipped without parsing: it starts the
 * text), `n` the node's id (control's `fromNode`), `m` the message.
 */
interface Envelope {
  o: string;
  n: string;
  m: BusMessage | ControlMessage;
}

/** SUBSCRIBE at most this many channels per command when a reconnect subscribes them all again. */
const RESUBSCRIBE_CHUNK = 500;

/**
 * Connects a publisher and a subscriber; rejects with a clear error when Redis cannot be reached at start
 * (the node then exits, as for an unreachable database). Once started, losing Redis is survived.
 *
 * @example const bus = await createRedisBus({ url: 'redis://127.0.0.1:6379', prefix: 'papo:', nodeId: 'n1', log });
 */
export async function createRedisBus({ url, prefix, nodeId, log, retryDelayMs }: RedisBusOptions): Promise<RedisBus> {
  const origin = randomBytes(8).toString('hex');
  const ownHead = `{"o":"${origin}"`;
  const controlChannel = `${prefix}control`;
  const options = {
    lazyConnect: true,
    // A command issued while Redis is away fails at once instead of waiting in memory for the reconnect:
    // a publish is dropped (the store is the truth), a subscription is made again at the reconnect.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    // Re-subscribing is ours (below): it must be acknowledged before the resync reads the store.
    autoResubscribe: false,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => (retryDelayMs ? retryDelayMs(attempt) : Math.min(attempt * 100, 2_000)),
  };
  const pub = new Redis(url, { ...options, enableAutoPipelining: true, connectionName: `${prefix}pub:${nodeId}` });
  const sub = new Redis(url, { ...options, connectionName: `${prefix}sub:${nodeId}` });

  /** Local handlers per topic; a topic's channel is subscribed while its set is not empty. */
  const subscribers = new Map<string, Set<Handler>>();
  const controls = new Set<ControlHandler>();
  const resyncs = new Set<() => void>();
  let reconnects = 0;
  let dropped = 0;
  let closed = false;

  // ready(): SUBSCRIBEs are answered in the order they were sent on the one subscriber connection, so
  // waiting for the latest one sent means waiting for all of them.
  let issued = 0;
  let settled = 0;
  let waiters: Array<{ upTo: number; resolve: () => void }> = [];
  function settle(n: number): void {
    if (n > settled) settled = n;
    if (waiters.length === 0) return;
    const still: typeof waiters = [];
    for (const w of waiters) (w.upTo <= settled ? w.resolve() : still.push(w));
    waiters = still;
  }

  function subscribeChannels(channels: string[]): Promise<unknown> {
    const n = ++issued;
    // A SUBSCRIBE lost with its connection counts as settled: the reconnect subscribes everything again
    // and resyncs, which covers whatever was published meanwhile.
    return sub.subscribe(...channels).then(
      () => settle(n),
      (err: unknown) => {
        log.debug('redis subscribe failed', { err });
        settle(n);
      },
    );
  }

  // --- the subscriber: dispatch, and resubscribe + resync after a reconnect ---
  let subGeneration = 0;
  sub.on('message', (channel: string, data: string) => {
    // Our own messages reached our local handlers synchronously at publish: their echo is dropped.
    if (data.startsWith(ownHead)) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(data) as Envelope;
    } catch (err) {
      return log.warn('unreadable bus message', { channel, err });
    }
    if (channel === controlChannel) return dispatchControl(envelope.m as ControlMessage, envelope.n);
    // One decoded message handed to every local handler before the next (delivery.ts's frame caches).
    dispatch(channel.slice(prefix.length), envelope.m as BusMessage);
  });
  let subWasReady = false;
  sub.on('ready', () => {
    const generation = ++subGeneration;
    if (!subWasReady) {
      subWasReady = true;
      return;
    }
    reconnects++;
    log.info('redis bus subscriber reconnected; resubscribing and resyncing', { nodeId });
    const channels = [controlChannel, ...[...subscribers.keys()].map((t) => prefix + t)];
    const acks: Array<Promise<unknown>> = [];
    for (let i = 0; i < channels.length; i += RESUBSCRIBE_CHUNK) acks.push(subscribeChannels(channels.slice(i, i + RESUBSCRIBE_CHUNK)));
    // Messages published while the subscriber was away are lost: what the sockets watch is read again,
    // once every channel hears again (D5), and only if no newer reconnect has taken over meanwhile.
    void Promise.all(acks).then(() => {
      if (generation === subGeneration && !closed) runResync();
    });
  });
  sub.on('close', () => {
    // Whoever waits for ready() goes on: nothing is heard until the reconnect, whose resync covers it.
    settle(issued);
  });

  // --- the publisher: drops while away, then asks every node to resync ---
  let pubWasReady = false;
  /** Publishes may have been lost since the publisher was last ready (dropped, or in flight at a close). */
  let pubLost = false;
  pub.on('ready', () => {
    if (!pubWasReady) {
      pubWasReady = true;
      return;
    }
    reconnects++;
    if (pubLost) {
      pubLost = false;
      log.info('redis bus publisher reconnected; asking every node to resync', { nodeId, dropped });
      // Other nodes may have missed what this one published while away; this node's own sockets did not
      // (they heard it synchronously), so only the others resync. This node's control handlers hear it too
      // (not as a resync): its heartbeat sends its whole state next (cluster/node.ts), deltas having been lost.
      const message: ControlMessage = { type: 'resync' };
      dispatchControl(message, nodeId);
      sendControl(message);
    }
  });
  pub.on('close', () => {
    if (pubWasReady && !closed) pubLost = true;
  });

  let warned = false;
  for (const [name, client] of [
    ['publisher', pub],
    ['subscriber', sub],
  ] as const) {
    client.on('error', (err: Error) => {
      // One line per outage and connection, not one per retry.
      if (!warned || client.status === 'ready') log.warn(`redis bus ${name} error`, { nodeId, err: err.message });
      warned = true;
    });
    client.on('ready', () => {
      warned = false;
    });
  }

  function dropPublish(): void {
    dropped++;
    if (!pubLost) {
      log.warn('redis is unreachable: bus messages are dropped until it returns (the store keeps them)', { nodeId });
      pubLost = true;
    }
  }

  /** Single slot: conversations.ts publishes one message on two topics in a row; it is encoded once. */
  let encodedFor: BusMessage | ControlMessage | null = null;
  let encoded = '';
  function send(channel: string, message: BusMessage | ControlMessage): void {
    if (closed) return;
    if (pub.status !== 'ready') return dropPublish();
    if (encodedFor !== message) {
      encoded = JSON.stringify({ o: origin, n: nodeId, m: message } satisfies Envelope);
      encodedFor = message;
    }
    pub.publish(channel, encoded).catch(dropPublish);
  }

  function sendControl(message: ControlMessage): void {
    send(controlChannel, message);
  }

  function dispatch(topic: string, message: BusMessage): void {
    const handlers = subscribers.get(topic);
    if (!handlers) return;
    for (const handler of handlers) {
      try {
        handler(message);
      } catch (err) {
        // One broken subscriber must not starve the others of the event.
        log.error('bus subscriber failed', { topic, err });
      }
    }
  }

  function dispatchControl(message: ControlMessage, fromNode: string): void {
    if (message.type === 'resync' && fromNode !== nodeId) runResync();
    for (const handler of controls) {
      try {
        handler(message, fromNode);
      } catch (err) {
        log.error('control subscriber failed', { type: message.type, err });
      }
    }
  }

  function runResync(): void {
    for (const handler of resyncs) {
      try {
        handler();
      } catch (err) {
        log.error('resync handler failed', { err });
      }
    }
  }

  try {
    await Promise.all([pub.connect(), sub.connect()]);
    await subscribeChannels([controlChannel]);
  } catch (err) {
    closed = true;
    pub.disconnect();
    sub.disconnect();
    throw new Error(`Redis at ${redactedUrl(url)} cannot be reached: ${err instanceof Error ? err.message : String(err)}`);
  }

  return {
    nodeId,
    publish(topic, message) {
      // This node's subscribers hear it now, in publish order, as on the memory bus; other nodes later.
      dispatch(topic, message);
      send(prefix + topic, message);
    },
    subscribe(topic, handler) {
      let handlers = subscribers.get(topic);
      if (!handlers) {
        subscribers.set(topic, (handlers = new Set()));
        // While Redis is away nothing is sent: the reconnect subscribes every topic that has handlers then.
        if (sub.status === 'ready' && !closed) void subscribeChannels([prefix + topic]);
      }
      handlers.add(handler);
      return () => {
        if (!handlers.delete(handler) || handlers.size > 0 || subscribers.get(topic) !== handlers) return;
        subscribers.delete(topic);
        if (sub.status === 'ready' && !closed) sub.unsubscribe(prefix + topic).catch((err: unknown) => log.debug('redis unsubscribe failed', { err }));
      };
    },
    ready() {
      if (settled >= issued || sub.status !== 'ready') return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ upTo: issued, resolve }));
    },
    control: {
      publish(message) {
        dispatchControl(message, nodeId);
        sendControl(message);
      },
      subscribe(handler) {
        controls.add(handler);
        return () => controls.delete(handler);
      },
    },
    onResync(handler) {
      resyncs.add(handler);
      return () => resyncs.delete(handler);
    },
    resync: runResync,
    async close() {
      if (closed) return;
      closed = true;
      settle(issued);
      subscribers.clear();
      controls.clear();
      resyncs.clear();
      await Promise.all([quit(pub), quit(sub)]);
    },
    subscriptions() {
      let n = 0;
      for (const handlers of subscribers.values()) n += handlers.size;
      return n;
    },
    reconnects: () => reconnects,
    dropped: () => dropped,
  };
}

/** QUIT when connected (pending replies arrive first), else just stop reconnecting. */
async function quit(client: Redis): Promise<void> {
  if (client.status !== 'ready') return client.disconnect();
  await client.quit().catch(() => client.disconnect());
}

/** The URL without its password, for the log. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
