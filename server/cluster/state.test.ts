/**
 * Issue 14: two nodes' services on one store, linked by their buses' control channels: presence, the grace
 * (SPEC R13), T1's answer, blocks, masking, live visitors, agents' addresses, sockets per address and socket
 * closes are the cluster's; a node that dies is dropped after the TTL, one that stops at once. Run over two
 * real Redis buses (REDIS_URL, default 127.0.0.1:6379, a prefix per run) and over an in-process double
 * that delivers the same way (bus/linked-buses.ts), whose kill is exact.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import type { Connection } from '../realtime/connection';
import { SocketRegistry } from '../realtime/registry';
import { silentLogger } from '../log';
import { createAvailability } from '../services/availability';
import { createConversationService } from '../services/conversations';
import { createDirectory } from '../services/directory';
import { createLiveVisitors } from '../services/live-visitors';
import { createMaskingPolicy } from '../services/masking-policy';
import { createSafety } from '../services/safety';
import { systemTimers } from '../services/timers';
import { createSqliteStore } from '../store/sqlite/store';
import { patchedConversation, siteRecord } from '../store/store-fixture';
import type { Store } from '../store/store';
import type { Bus } from '../bus/bus';
import { createRedisBus } from '../bus/redis';
import { createLinkedBuses } from './linked-buses';
import { ClusterView } from './node-state';
import { startClusterState } from './state';

const HEARTBEAT_MS = 20;
const TTL_MS = 400;
const GRACE_MS = 300;
const AGENT = 'agent-ana';
const SITE = 'site-1';

async function waitFor(what: string, check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A socket as the registry sees it, recording how it was ended. */
function fakeSocket(peer: object, visitorId: string | null = null) {
  const ended: string[] = [];
  const c = { peer, visitorId, identified: false, end: (code: string) => ended.push(code), close: (_n: number, code: string) => ended.push(code) };
  return { connection: c as unknown as Connection, ended };
}

/** Two nodes' buses; `kill` silences node B at once, without a goodbye (SIGKILL). */
interface Link {
  buses: [Bus, Bus];
  kill(): Promise<void>;
  close(): Promise<void>;
}

const LINKS: Record<string, () => Promise<Link>> = {
  'linked in-process buses': async () => {
    const link = createLinkedBuses(['node-a', 'node-b']);
    return {
      buses: [link.buses[0]!, link.buses[1]!],
      kill: async () => link.kill('node-b'),
      close: () => link.settle(),
    };
  },
  'two Redis buses': async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = `papo-test-${randomBytes(4).toString('hex')}:`;
    const buses = await Promise.all(['node-a', 'node-b'].map((nodeId) => createRedisBus({ url, prefix, nodeId, log: silentLogger })));
    await Promise.all(buses.map((b) => b.ready()));
    return {
      buses: [buses[0]!, buses[1]!],
      kill: () => buses[1]!.close(),
      close: async () => void (await Promise.all(buses.map((b) => b.close()))),
    };
  },
};

async function makeNode(store: Store, link: Link, index: number) {
  const bus = link.buses[index]!;
  const now = Date.now;
  const view = new ClusterView();
  const announce = (m: Parameters<typeof bus.control.publish>[0]) => bus.control.publish(m);
  const limits = { ...loadConfig({}).limits, socketsPerIp: 5 };
  const safety = await createSafety(store, limits, now, { announce, peerSockets: (k) => view.sockets(k), shared: null });
  const masking = await createMaskingPolicy(store, undefined, announce);
  const directory = await createDirectory(store, now, { graceMs: GRACE_MS, timers: systemTimers, announce, remote: (id) => view.agentConsoles(id) });
  const conversations = createConversationService({ store, bus, now, masking, agents: directory });
  const availability = createAvailability({ store, directory, conversations, log: silentLogger, now });
  const liveVisitors = createLiveVisitors(now, undefined, view);
  const registry = new SocketRegistry();
  const offRegistry = registry.attach(bus);
  let resyncs = 0;
  bus.onResync(() => resyncs++);
  const state = startClusterState({
    bus,
    view,
    log: silentLogger,
    now,
    directory,
    safety,
    masking,
    availability,
    liveVisitors,
    agentIps: () => registry.agentAddresses(),
    heartbeatMs: HEARTBEAT_MS,
    ttlMs: TTL_MS,
  });
  return {
    bus,
    view,
    safety,
    masking,
    directory,
    availability,
    liveVisitors,
    registry,
    state,
    resyncs: () => resyncs,
    stop() {
      state.stop();
      offRegistry();
      directory.stop();
      availability.stop();
    },
  };
}

type Node = Awaited<ReturnType<typeof makeNode>>;

describe.each(Object.keys(LINKS))('cluster state over two nodes: %s', (kind) => {
  let dir: string;
  let store: Store;
  let link: Link;
  let a: Node;
  let b: Node;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'papo-cluster-'));
    store = createSqliteStore(join(dir, 'papo.db'));
    await store.sites.create(siteRecord({ id: SITE, key: 'key-1' }));
    // Chosen state Unavailable to begin with: no start-up grace muddles what the tests look at.
    await store.agents.create({ id: AGENT, name: 'Ana', email: 'ana@example.com', role: 'agent', passwordHash: 'h', createdAt: 1, availability: 'unavailable' });
    link = await LINKS[kind]!();
    a = await makeNode(store, link, 0);
    b = await makeNode(store, link, 1);
    await store.agents.update(AGENT, { availability: 'available' });
    await Promise.all([a.directory.sync(), b.directory.sync()]);
  });

  afterEach(async () => {
    a.stop();
    b.stop();
    await link.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R1: an agent whose console is on node B is Available for routing on node A, and T1 says someone can answer there', async () => {
    const site = (await store.sites.byId(SITE))!;
    expect(a.directory.workState(AGENT)).toBe('offline');
    expect(await a.availability.online(site, null)).toBe(false);
    const frames: boolean[] = [];
    a.availability.watch(SITE, null, (online) => frames.push(online));
    b.directory.connected(AGENT);
    await waitFor('A to see the console on B', () => a.directory.workState(AGENT) === 'available');
    expect(a.directory.presence(AGENT).state).toBe('available');
    expect(await a.availability.online(site, null)).toBe(true);
    await waitFor("A's visitors to be told someone can answer", () => frames.includes(true));
  });

  it("T1: a commit on B that fills the agent's capacity is heard on A, whose visitors are told nobody can answer", async () => {
    await store.agents.update(AGENT, { capacity: 1 });
    await Promise.all([a.directory.sync(), b.directory.sync()]);
    const site = (await store.sites.byId(SITE))!;
    b.directory.connected(AGENT);
    await waitFor('A to see the console', () => a.directory.workState(AGENT) === 'available');
    expect(await a.availability.online(site, null)).toBe(true);
    const frames: boolean[] = [];
    a.availability.watch(SITE, null, (online) => frames.push(online));
    // B's commit (as services/conversations.ts publishes it for workflow events); A only hears the message.
    const held = await patchedConversation(store, SITE, { assignedAgentId: AGENT, assignedAgentName: 'Ana' }, Date.now());
    b.bus.control.publish({ type: 'commit', siteId: SITE, conversationId: held.id, kinds: ['assigned'] });
    await waitFor('A to recompute from the new loads', () => frames.includes(false));
  });

  it('R13: the last console closing on B keeps the agent present on A for the grace, given no work, then Offline', async () => {
    b.directory.connected(AGENT);
    await waitFor('A to see the console', () => a.directory.workState(AGENT) === 'available');
    const closedAt = Date.now();
    b.directory.disconnected(AGENT);
    await waitFor('A to hear the console closed', () => a.directory.workState(AGENT) === 'offline');
    expect(a.directory.presence(AGENT).state).toBe('available'); // in its grace: still someone who can answer
    await waitFor('the grace to end on A', () => a.directory.presence(AGENT).state === 'offline', GRACE_MS * 5);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 20);
  });

  it('R13: a console back on A within the grace of one closed on B changes nothing visible, and the agent takes work again', async () => {
    b.directory.connected(AGENT);
    await waitFor('A to see the console', () => a.directory.workState(AGENT) === 'available');
    const seen: string[] = [];
    a.directory.onPresence((p) => seen.push(p.state));
    const returned: string[] = [];
    a.directory.onReturn((id) => returned.push(id));
    b.directory.disconnected(AGENT);
    await waitFor('A to hear the console closed', () => a.directory.workState(AGENT) === 'offline');
    a.directory.connected(AGENT);
    expect(a.directory.workState(AGENT)).toBe('available');
    expect(returned).toEqual([AGENT]);
    await new Promise((r) => setTimeout(r, GRACE_MS * 1.5));
    expect(a.directory.presence(AGENT).state).toBe('available');
    expect(b.directory.presence(AGENT).state).toBe('available'); // B hears A's console too
    expect(seen).toEqual([]);
  });

  it('a node killed without a goodbye is dropped after the TTL: its consoles go (Offline after the grace) and the bus resyncs', async () => {
    b.directory.connected(AGENT);
    b.liveVisitors.connected('v1', SITE, null, false, '192.0.2.7');
    await waitFor('A to see B', () => a.directory.workState(AGENT) === 'available' && a.liveVisitors.visitor('v1') !== null);
    const resyncsBefore = a.resyncs();
    const killedAt = Date.now();
    await link.kill();
    await waitFor('A to declare B dead', () => a.view.nodes().length === 0, TTL_MS * 10);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(TTL_MS - HEARTBEAT_MS);
    expect(a.resyncs()).toBeGreaterThan(resyncsBefore);
    expect(a.liveVisitors.visitor('v1')).toBeNull();
    expect(a.directory.workState(AGENT)).toBe('offline');
    expect(a.directory.presence(AGENT).state).toBe('available'); // the grace holds for a dead node's agents too
    await waitFor('the grace to end', () => a.directory.presence(AGENT).state === 'offline', GRACE_MS * 5);
  });

  it('a node that stops says goodbye: the others drop it at once, not after the TTL', async () => {
    b.directory.connected(AGENT);
    await waitFor('A to see B', () => a.view.nodes().includes('node-b') && a.directory.workState(AGENT) === 'available');
    const stoppedAt = Date.now();
    b.state.stop();
    await waitFor('A to drop B', () => a.view.nodes().length === 0);
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS / 2);
    expect(a.directory.workState(AGENT)).toBe('offline');
  });

  it("R1: a state the agent chose on B (and an admin's change to the team) is read again on A", async () => {
    b.directory.connected(AGENT);
    await waitFor('A to see the console', () => a.directory.presence(AGENT).state === 'available');
    await b.directory.setState(AGENT, 'unavailable');
    await waitFor('A to read the chosen state', () => a.directory.presence(AGENT).state === 'unavailable');
    await store.agents.create({ id: 'agent-bia', name: 'Bia', email: 'bia@example.com', role: 'agent', passwordHash: 'h', createdAt: 2 });
    await b.directory.reload();
    await waitFor('A to know the new agent', () => a.directory.record('agent-bia') !== null);
  });

  it('issue 6: a block made on B refuses on A; lifted on B, A admits again', async () => {
    expect(a.safety.blocked({ ip: '198.51.100.9' })).toBeNull();
    const block = await b.safety.block({ kind: 'ip', value: '198.51.100.9', reason: null, expiresAt: null, createdBy: null });
    await waitFor('A to reload the blocks', () => a.safety.blocked({ ip: '198.51.100.9' }) !== null);
    await b.safety.lift(block.id);
    await waitFor('A to reload the lift', () => a.safety.blocked({ ip: '198.51.100.9' }) === null);
  });

  it('SPEC M1: a site switched to redact on B redacts on A', async () => {
    expect(a.masking.modeOf(SITE)).toBe('off');
    await b.masking.set(SITE, 'redact');
    await waitFor('A to reload the mode', () => a.masking.modeOf(SITE) === 'redact');
    expect(a.masking.incoming(SITE, 'card 4111 1111 1111 1111')).not.toContain('4111 1111');
  });

  it('issue 6: closing a visitor or an agent (by session, or by agent for a new role) on B closes their sockets on A', async () => {
    const visitor = fakeSocket({ role: 'visitor', site: { id: SITE } }, 'v9');
    const agent = fakeSocket({ role: 'agent', agent: { id: AGENT }, tokenHash: 'hash-1', ip: '192.0.2.50' });
    const other = fakeSocket({ role: 'agent', agent: { id: 'agent-x' }, tokenHash: 'hash-2', ip: '192.0.2.51' });
    for (const s of [visitor, agent, other]) a.registry.connections.add(s.connection);
    expect(b.registry.closeVisitor('v9')).toBe(0); // B's own count: none of its sockets
    expect(b.registry.closeAgent({ tokenHash: 'hash-1' })).toBe(0);
    await waitFor('A to close both', () => visitor.ended.length > 0 && agent.ended.length > 0);
    expect(visitor.ended).toEqual(['blocked']);
    expect(agent.ended).toEqual(['not_authenticated']);
    expect(other.ended).toEqual([]);
    b.registry.closeAgent({ agentId: 'agent-x' }, 'role_changed');
    await waitFor('A to close the other agent', () => other.ended.length > 0);
    expect(other.ended).toEqual(['role_changed']);
  });

  it("R11: the live list on A shows B's visitors; block-and-end's guard knows B's agents' addresses", async () => {
    b.liveVisitors.connected('v1', SITE, { url: 'https://shop.example/p', title: 'P', referrer: null }, false, '203.0.113.4');
    b.registry.connections.add(fakeSocket({ role: 'agent', agent: { id: AGENT }, tokenHash: 'h', ip: '192.0.2.99' }).connection);
    a.liveVisitors.connected('v2', SITE, null, false, '203.0.113.5');
    await waitFor('A to list B\'s visitor', () => a.liveVisitors.online().length === 2);
    expect(a.liveVisitors.visitor('v1')?.page?.url).toBe('https://shop.example/p');
    expect(a.liveVisitors.ipOf('v1')).toBe('203.0.113.4');
    await waitFor("A to know B's agent's address", () => a.state.agentAddresses().has('192.0.2.99'));
    b.liveVisitors.disconnected('v1');
    await waitFor('A to drop the visitor who left B', () => a.liveVisitors.online().map((v) => v.visitorId).join() === 'v2');
  });

  it("issue 6: sockets per address count the other node's (a limit of 5: 1 here and 4 on B refuse the next)", async () => {
    const key = '203.0.113.8' as Parameters<Node['safety']['socketOpened']>[0];
    a.safety.admitSocket('203.0.113.8', key);
    a.safety.socketOpened(key);
    for (let i = 0; i < 4; i++) b.safety.socketOpened(key);
    await waitFor('A to hear the count', () => a.view.sockets(key) === 4);
    expect(() => a.safety.admitSocket('203.0.113.8', key)).toThrow(/Too many open connections/);
    b.safety.socketClosed(key);
    await waitFor('A to hear one closed', () => a.view.sockets(key) === 3);
    expect(() => a.safety.admitSocket('203.0.113.8', key)).not.toThrow();
  });
});
