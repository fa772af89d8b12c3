/**
 * @module The cluster state's part of the composition root (issue 14), kept here so app.ts only passes
 * what this answers along: with REDIS_URL, the replicated view of the peers, the control channel to
 * announce changes on, the Redis-counted limits; then, once the services exist, the heartbeats and
 * reloads (cluster/state.ts) and the socket registry's closes on every node. Without REDIS_URL it answers
 * null and the services are built exactly as on one node.
 */
import { Redis } from 'ioredis';
import type { Bus, ControlMessage } from '../bus/bus';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { SocketRegistry } from '../realtime/registry';
import type { SafetyCluster } from '../services/safety';
import { ClusterView } from './node-state';
import { createSharedLimits } from './shared-limits';
import { startClusterState, type ClusterState, type ClusterStateDeps } from './state';

export interface ClusterParts {
  view: ClusterView;
  announce(message: ControlMessage): void;
  safety: SafetyCluster;
  /** The directory's options: changes announced, the peers' consoles read. */
  directory: { announce(message: ControlMessage): void; remote(agentId: string): number };
  /** Starts the heartbeats and reloads and makes the registry's closes reach every node. */
  start(deps: Omit<ClusterStateDeps, 'bus' | 'view' | 'log' | 'now' | 'agentIps' | 'heartbeatMs' | 'ttlMs'> & { registry: SocketRegistry }): ClusterState;
  /** Stops the heartbeats (says goodbye) and closes the limits' Redis connection. */
  close(): Promise<void>;
}

export function clusterParts(
  config: Pick<Config, 'redisUrl' | 'redisPrefix' | 'limits' | 'nodeHeartbeatMs' | 'nodeTtlMs'>,
  bus: Bus,
  log: Logger,
  now: () => number,
): ClusterParts | null {
  if (!config.redisUrl) return null;
  const view = new ClusterView();
  const announce = (message: ControlMessage) => bus.control.publish(message);
  // Its own connection: a limit check must not queue behind the bus's publishes, and fails at once while
  // Redis is away (the limits then fall back to their per-node insurance).
  const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(100 * n, 2_000) });
  let warned = false;
  redis.on('error', (err: unknown) => {
    if (warned) return;
    warned = true;
    log.warn('the rate limits lost Redis: each node counts its own until it is back', { err });
  });
  redis.on('ready', () => {
    warned = false;
  });
  const shared = createSharedLimits(redis, config.redisPrefix, config.limits, (err) => log.warn('a shared rate limit could not be counted', { err }));
  let state: ClusterState | null = null;
  let detach: (() => void) | null = null;
  return {
    view,
    announce,
    safety: { announce, peerSockets: (key) => view.sockets(key), shared },
    directory: { announce, remote: (agentId) => view.agentConsoles(agentId) },
    start({ registry, ...deps }) {
      detach = registry.attach(bus);
      state = startClusterState({
        ...deps,
        bus,
        view,
        log,
        now,
        agentIps: () => registry.agentAddresses(),
        heartbeatMs: config.nodeHeartbeatMs,
        ttlMs: config.nodeTtlMs,
      });
      return state;
    },
    async close() {
      state?.stop();
      detach?.();
      redis.disconnect();
    },
  };
}
