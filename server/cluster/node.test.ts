/**
 * Issue 14: this node's heartbeat sends its visitors and addresses only when they changed, so one lost in a
 * Redis blip would stay lost until the FULL_EVERY heartbeat (30 s). A `resync` control message (another
 * node's publishes were lost, or this node's own: redis.ts tells this node's handlers too after its
 * publisher came back) makes the next heartbeat carry everything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ControlMessage } from '../bus/bus';
import { silentLogger } from '../log';
import { createLinkedBuses } from './linked-buses';
import { createClusterNode, type ClusterNode } from './node';
import { ClusterView, type NodeState } from './node-state';

const nodes: ClusterNode[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.stop();
});

/** Node A of two linked nodes, its visitors and addresses never changing; `beats`: the heartbeats it published. */
function node() {
  const link = createLinkedBuses(['node-a', 'node-b']);
  const [a, b] = [link.buses[0]!, link.buses[1]!];
  const beats: NodeState[] = [];
  a.control.subscribe((m: ControlMessage, from: string) => {
    if (m.type === 'node' && from === 'node-a') beats.push(m.state);
  });
  const n = createClusterNode({
    bus: a,
    view: new ClusterView(),
    now: Date.now,
    log: silentLogger,
    heartbeatMs: 3_600_000,
    local: {
      agents: () => [],
      agentIps: () => [],
      addresses: { version: () => 1, counts: () => [['203.0.113.4', 1]] },
      visitors: { version: () => 1, online: () => [] },
    },
    onAgents: () => {},
  });
  nodes.push(n);
  return { a, b, link, n, beats };
}

const nextBeat = (n: ClusterNode) => {
  n.changed();
  return new Promise((r) => setImmediate(r));
};

describe('cluster node heartbeat after a resync', () => {
  it.each([
    ['asked by another node', 'b'],
    ['told by its own bus after its publisher came back', 'a'],
  ] as const)('%s: the next heartbeat carries the unchanged visitors and addresses', async (_name, who) => {
    const { a, b, link, n, beats } = node();
    n.start();
    await nextBeat(n);
    expect(beats[0]).toHaveProperty('visitors');
    expect(beats[1]).not.toHaveProperty('visitors');
    expect(beats[1]).not.toHaveProperty('addresses');
    (who === 'a' ? a : b).control.publish({ type: 'resync' });
    await link.settle();
    await nextBeat(n);
    expect(beats[2]).toMatchObject({ visitors: [], addresses: [['203.0.113.4', 1]] });
    await nextBeat(n);
    expect(beats[3]).not.toHaveProperty('visitors');
  });
});
