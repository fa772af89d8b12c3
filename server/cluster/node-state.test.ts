/**
 * Issue 14: the peers' heartbeats merged into one view: a state replaces the node's previous one, parts a
 * heartbeat leaves out keep what was had, a node silent for the TTL is dead, and sums run over the peers.
 */
import { describe, expect, it } from 'vitest';
import { ClusterView, type NodeState, type PeerVisitor } from './node-state';

const visitor = (visitorId: string, since: number, ip: string | null = null, siteId = 's1'): PeerVisitor => ({ visitorId, siteId, since, page: null, returning: false, ip });
const state = (agents: Array<[string, number]>, rest: Partial<NodeState> = {}): NodeState => ({ agents, agentIps: [], ...rest });

describe('ClusterView', () => {
  type Row = { name: string; before: Array<[string, number]>; after: Array<[string, number]>; changed: string[] };
  it.each<Row>([
    { name: 'a new agent', before: [], after: [['a', 1]], changed: ['a'] },
    { name: 'a count that changed', before: [['a', 1]], after: [['a', 2]], changed: ['a'] },
    { name: 'an agent gone from the state', before: [['a', 1], ['b', 1]], after: [['b', 1]], changed: ['a'] },
    { name: 'nothing changed', before: [['a', 1]], after: [['a', 1]], changed: [] },
  ])('a heartbeat answers the agents whose consoles changed: $name', ({ before, after, changed }) => {
    const view = new ClusterView();
    view.apply('n1', state(before), 0);
    expect([...view.apply('n1', state(after), 1).agents].sort()).toEqual(changed);
  });

  it('sums an agent over the peers; a dropped node takes its consoles and answers whose they were', () => {
    const view = new ClusterView();
    expect(view.apply('n1', state([['a', 2]]), 0).joined).toBe(true);
    expect(view.apply('n1', state([['a', 2]]), 1).joined).toBe(false);
    view.apply('n2', state([['a', 1], ['b', 1]]), 0);
    expect(view.agentConsoles('a')).toBe(3);
    expect([...view.drop('n2')].sort()).toEqual(['a', 'b']);
    expect(view.agentConsoles('a')).toBe(2);
    expect(view.agentConsoles('b')).toBe(0);
    expect([...view.drop('n-unknown')]).toEqual([]);
  });

  it("a node's first heartbeat counts as joining even when its id was known (a restart under the same NODE_ID)", () => {
    const view = new ClusterView();
    view.apply('n1', state([]), 0);
    expect(view.apply('n1', state([], { first: true }), 1).joined).toBe(true);
  });

  it.each([
    { heard: 0, at: 3_999, dead: false },
    { heard: 0, at: 4_000, dead: true },
    { heard: 1_000, at: 4_999, dead: false },
  ])('a node heard at $heard is dead at $at with a TTL of 4 s: $dead', ({ heard, at, dead }) => {
    const view = new ClusterView();
    view.apply('n1', state([]), heard);
    expect(view.expired(at, 4_000)).toEqual(dead ? ['n1'] : []);
  });

  it('addresses and visitors left out of a heartbeat keep what the node sent before; a part sent replaces it', () => {
    const view = new ClusterView();
    view.apply('n1', state([], { addresses: [['k1', 3]], visitors: [visitor('v1', 10, '192.0.2.1')] }), 0);
    view.apply('n1', state([]), 1);
    expect(view.sockets('k1')).toBe(3);
    expect(view.visitor('v1')?.ip).toBe('192.0.2.1');
    view.apply('n1', state([], { addresses: [], visitors: [] }), 2);
    expect(view.sockets('k1')).toBe(0);
    expect(view.visitor('v1')).toBeNull();
  });

  it('a visitor on two nodes (two tabs) is listed once, with its earliest visit; sockets per address sum over the nodes', () => {
    const view = new ClusterView();
    view.apply('n1', state([], { addresses: [['k1', 2]], visitors: [visitor('v1', 20), visitor('v2', 5)] }), 0);
    view.apply('n2', state([], { addresses: [['k1', 4]], visitors: [visitor('v1', 10)] }), 0);
    expect(view.visitor('v1')?.since).toBe(10);
    expect([...view.visitors().values()].map((v) => [v.visitorId, v.since]).sort()).toEqual([
      ['v1', 10],
      ['v2', 5],
    ]);
    expect(view.sockets('k1')).toBe(6);
  });

  it("agents' addresses are the union over the peers, and go with a dropped node", () => {
    const view = new ClusterView();
    view.apply('n1', state([], { agentIps: ['192.0.2.1'] }), 0);
    view.apply('n2', state([], { agentIps: ['192.0.2.1', '192.0.2.2'] }), 0);
    expect([...view.agentIps()].sort()).toEqual(['192.0.2.1', '192.0.2.2']);
    view.drop('n2');
    expect([...view.agentIps()]).toEqual(['192.0.2.1']);
  });
});
