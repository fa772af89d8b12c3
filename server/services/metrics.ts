/**
 * @module What one node tells Prometheus (issue 14, `/metrics`): its open sockets, messages persisted, commit
 * and delivery latency, the leaderships it holds, the bus resyncs it lived through, and the process's own
 * figures, every series labelled with the node's id. One registry per Papo instance (tests run several in
 * one process), never prom-client's global one. The hooks are decorators applied at composition, so no
 * service knows it is measured.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Bus, BusCounters, BusMessage } from '../bus/bus';
import type { Store } from '../store/store';

/** Seconds; from a sub-millisecond commit to a stalled database (the store refuses past a few seconds). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface SocketCounts {
  visitor: number;
  agent: number;
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * @example const metrics = createMetrics({ nodeId: 'n1', now: Date.now }); const store = metrics.timeWrites(sqlite);
 */
export function createMetrics({ nodeId, now, processMetrics = true }: { nodeId: string; now: () => number; processMetrics?: boolean }) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  const processFigures = processMetrics ? processRegistry(nodeId) : null;

  let sockets: () => SocketCounts = () => ({ visitor: 0, agent: 0 });
  new Gauge({
    name: 'papo_open_sockets',
    help: 'WebSockets open on this node, by kind (visitor widgets, agent consoles).',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const counts = sockets();
      this.set({ kind: 'visitor' }, counts.visitor);
      this.set({ kind: 'agent' }, counts.agent);
    },
  });
  const persisted = new Counter({
    name: 'papo_messages_persisted_total',
    help: 'Messages (and notes) this node committed to the store.',
    registers: [registry],
  });
  const commits = new Histogram({
    name: 'papo_commit_seconds',
    help: 'From a write handed to the store to its commit (the ack waits for this), writes that appended.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'papo_write_failures_total',
    help: 'Writes the store could not commit (database unreachable, disk full): refused to their senders, never acked.',
    registers: [registry],
  });
  const deliveries = new Histogram({
    name: 'papo_delivery_seconds',
    help: "From a message's submission (its event's time, taken before the commit) to this node's sockets being handed it: commit plus fan-out, on whichever node wrote it.",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const leader = new Gauge({
    name: 'papo_leader',
    help: 'Whether this node holds the leadership of a name (routing: offers, timers and sweeps): 1 yes, 0 no.',
    labelNames: ['lease'] as const,
    registers: [registry],
  });
  const resyncs = new Counter({
    name: 'papo_bus_resyncs_total',
    help: 'Times this node reread what its sockets watch because bus messages may have been lost (Redis reconnected, a peer died).',
    registers: [registry],
  });

  /** Messages handed to this node's subscribers; one observation per message however many sockets get it. */
  const seen = new WeakSet<object>();
  function delivered(message: BusMessage): void {
    if (!('event' in message) || seen.has(message)) return;
    seen.add(message);
    deliveries.observe(Math.max(0, now() - message.event.at) / 1000);
  }

  return {
    registry,
    contentType: registry.contentType,
    text: async () => (processFigures ? `${await registry.metrics()}\n${await processFigures.metrics()}` : registry.metrics()),
    /** Where the open sockets are counted (the gateway's registry), read at each scrape. */
    countSockets(source: () => SocketCounts): void {
      sockets = source;
    },
    /** Sets the leadership gauge; `observeLeadership` does it for every `store.cluster.lead` campaign. */
    setLeader(lease: string, isLeader: boolean): void {
      leader.set({ lease }, isLeader ? 1 : 0);
    },

    /**
     * The store with its writes timed and its messages counted, and its leadership campaigns reported to
     * the gauge, whoever runs them (the router). Every other member is the store's own, bound to it.
     */
    observeStore(store: Store): Store {
      const cluster: Store['cluster'] = {
        exclusive: (name, work) => store.cluster.exclusive(name, work),
        ping: () => store.cluster.ping(),
        lead: (name, on) => {
          leader.set({ lease: name }, 0);
          return store.cluster.lead(name, {
            gained: () => {
              leader.set({ lease: name }, 1);
              on.gained();
            },
            lost: () => {
              leader.set({ lease: name }, 0);
              on.lost();
            },
          });
        },
      };
      const write: Store['write'] = async (request) => {
        const started = performance.now();
        try {
          const outcome = await store.write(request);
          if (outcome.kind === 'appended') {
            commits.observe((performance.now() - started) / 1000);
            let messages = 0;
            for (const e of outcome.events) if (e.kind === 'message' || e.kind === 'note') messages++;
            if (messages > 0) persisted.inc(messages);
          }
          return outcome;
        } catch (err) {
          failures.inc();
          throw err;
        }
      };
      return decorate(store, { write, cluster });
    },

    /** The bus with what it delivers to this node timed, its resyncs counted, its reconnects and drops read. */
    observeBus<B extends Bus & BusCounters>(bus: B): B {
      bus.onResync(() => resyncs.inc());
      new Counter({
        name: 'papo_bus_reconnects_total',
        help: "Times this node's connections to Redis came back after they were lost (0 on one node).",
        registers: [registry],
        collect() {
          this.reset();
          this.inc(bus.reconnects());
        },
      });
      new Counter({
        name: 'papo_bus_dropped_total',
        help: 'Messages not sent to other nodes while Redis was away (their receivers fill the gap from the store).',
        registers: [registry],
        collect() {
          this.reset();
          this.inc(bus.dropped());
        },
      });
      const subscribe: Bus['subscribe'] = (topic, handler) =>
        bus.subscribe(topic, (message) => {
          delivered(message);
          handler(message);
        });
      return decorate(bus, { subscribe } as Partial<B>);
    },
  };
}

let processOnly: Registry | null = null;

/**
 * The process's own figures (CPU, memory, event-loop delay, heap), collected once per process: the
 * event-loop monitor samples every 10 ms, so a test process that starts dozens of servers must not start
 * one per server. Labelled with the first node started in the process (the only one, in production).
 */
function processRegistry(nodeId: string): Registry {
  if (!processOnly) {
    processOnly = new Registry();
    processOnly.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: processOnly, prefix: 'papo_' });
  }
  return processOnly;
}

/**
 * `target` with `overrides` in place of some members; every other member is read from `target`, methods
 * bound to it, so a store or bus written as a class (private fields) works as well as an object literal.
 */
function decorate<T extends object>(target: T, overrides: Partial<T>): T {
  // Bound once per method, not on every call (bus.publish runs per message).
  const bound = new Map<PropertyKey, { from: unknown; to: unknown }>();
  return new Proxy(target, {
    get(t, key) {
      if (Object.prototype.hasOwnProperty.call(overrides, key)) return overrides[key as keyof T];
      const value: unknown = Reflect.get(t, key, t);
      if (typeof value !== 'function') return value;
      const known = bound.get(key);
      if (known?.from === value) return known.to;
      const to = (value as (...args: unknown[]) => unknown).bind(t);
      bound.set(key, { from: value, to });
      return to;
    },
  });
}
