/**
 * @module The memory every node keeps that must be the cluster's (issue 14), wired to the bus's control
 * channel: this node's heartbeat (cluster/node.ts) with its consoles, agents' addresses, per-address socket
 * counts and visitors; the peers' presence handed to the directory; the caches that another node's change
 * makes stale (blocks, sites' masking and settings, the directory) reloaded when it says so and every
 * RELOAD_MS anyway; and the other nodes' commits (`{type:'commit'}`, published by services/conversations.ts
 * for workflow events) handed to this node's availability, whose loads they may change.
 *
 * Only started with several nodes (REDIS_URL): on one node nothing here runs and the services behave as
 * they always did.
 */
import type { Bus, BusCounters, ControlMessage } from '../bus/bus';
import type { Logger } from '../log';
import type { Availability } from '../services/availability';
import type { Waits } from '../services/waits';
import type { Directory } from '../services/directory';
import type { LiveVisitors } from '../services/live-visitors';
import type { MaskingPolicy } from '../services/masking-policy';
import type { Safety } from '../services/safety';
import { createClusterNode, type ClusterNode } from './node';
import type { ClusterView } from './node-state';

/** The safety net under the control messages: every cache of settings is read again this often. */
export const RELOAD_MS = 30_000;

export interface ClusterStateDeps {
  bus: Bus;
  view: ClusterView;
  log: Logger;
  now: () => number;
  directory: Directory;
  safety: Safety;
  masking: MaskingPolicy;
  availability: Availability;
  /** Issue 15: the waiting visitors' queue places, moved by commits on other nodes too. */
  waits?: Pick<Waits, 'committedElsewhere'>;
  liveVisitors: LiveVisitors;
  /** Addresses this node's agent consoles connect from (the socket registry's). */
  agentIps: () => Iterable<string>;
  /** After each reload of the blocks: ends this node's sockets of visitors blocked now (the socket registry's). */
  closeBlockedVisitors?: (isBlocked: (visitorId: string) => boolean) => number;
  heartbeatMs?: number;
  ttlMs?: number;
  reloadMs?: number;
}

export interface ClusterState {
  node: ClusterNode;
  /** Addresses agent consoles use on any node ("block and end" never blocks one). */
  agentAddresses(): Set<string>;
  /** Says goodbye and stops listening. */
  stop(): void;
}

export function startClusterState(deps: ClusterStateDeps): ClusterState {
  const { bus, view, log, directory, safety, masking, availability } = deps;
  const failed = (what: string) => (err: unknown) => log.warn(`could not reload ${what} after another node's change`, { err });
  // A block's close told by another node is lost with the control message when Redis is away; the blocks
  // reloaded (on the message, periodically, at a resync) then close what it should have closed.
  const reloadBlocks = () =>
    safety
      .reload()
      .then(() => void deps.closeBlockedVisitors?.((visitorId) => safety.blocked({ visitorId }) !== null))
      .catch(failed('blocks'));

  // The Redis bus counts what it could not send: this node knows when it is the one cut off.
  const counters = bus as Bus & Partial<BusCounters>;
  const node = createClusterNode({
    bus,
    view,
    now: deps.now,
    log,
    ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
    ...(deps.ttlMs === undefined ? {} : { ttlMs: deps.ttlMs }),
    ...(counters.dropped ? { dropped: counters.dropped.bind(counters) } : {}),
    local: {
      agents: () => directory.localConsoles(),
      agentIps: deps.agentIps,
      addresses: safety.socketCounts,
      visitors: deps.liveVisitors.here,
    },
    onAgents(agentIds) {
      for (const id of agentIds) directory.setRemote(id, view.agentConsoles(id));
    },
  });
  const offConsoles = directory.onConsoles(() => node.changed());

  const offControl = bus.control.subscribe((message: ControlMessage, from: string) => {
    if (from === bus.nodeId) return;
    switch (message.type) {
      case 'blocks':
        void reloadBlocks();
        return;
      case 'site':
        masking.reload(message.siteId).catch(failed('a site'));
        availability.refresh();
        return;
      case 'directory':
        directory.sync().catch(failed('the directory'));
        return;
      case 'agent':
        directory.refreshAgent(message.agentId).catch(failed('an agent'));
        return;
      case 'commit':
        availability.committedElsewhere(message.kinds);
        deps.waits?.committedElsewhere(message.kinds);
        return;
      default:
        return; // heartbeats are node.ts's; closes are the socket registry's
    }
  });

  // The `commit` messages themselves are published by the conversation service, for every commit with
  // workflow events (a chat's messages never cross the control channel): availability and the router's
  // leader hear the same feed.

  // Control messages lost in a Redis blip, or sent before this node listened: the periodic reload heals them.
  const reload = setInterval(() => {
    void reloadBlocks();
    masking.reload().catch(failed('sites'));
    directory.sync().catch(failed('the directory'));
    availability.refresh();
  }, deps.reloadMs ?? RELOAD_MS);
  reload.unref();

  // Messages may have been lost (Redis came back, a peer died): read every cache again now.
  const offResync = bus.onResync(() => {
    void reloadBlocks();
    masking.reload().catch(failed('sites'));
    directory.sync().catch(failed('the directory'));
    availability.refresh();
  });

  node.start();
  return {
    node,
    agentAddresses(): Set<string> {
      const ips = view.agentIps();
      for (const ip of deps.agentIps()) ips.add(ip);
      return ips;
    },
    stop(): void {
      clearInterval(reload);
      offConsoles();
      offControl();
      offResync();
      node.stop();
    },
  };
}
