/**
 * Issue 14, Redis lost mid-stream: three nodes on a private `redis-server` that is SIGKILLed while visitors
 * stream and agents on other nodes reply, and started again on the same port (empty: no persistence) a
 * moment later. Each node keeps serving its own sockets from the store meanwhile; after the reconnect,
 * cross-node delivery resumes with the gaps filled (Redis pub/sub is a wake-up, the log is the truth). In
 * the end every client holds exactly the log and nothing acked is lost or stored twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatAgent, ChatVisitor, checkConversations, converged } from './chat';
import { adminOn, createAgentOn, keepWaitingChats, sleep, startCluster, supportQueue, type Cluster } from './harness';

const VISITORS = 12;
const AGENTS = 3;
const MESSAGES_PER_VISITOR = 60;
const PAUSE_MS = 160;
/** How long Redis stays down. */
const OUTAGE_MS = 2000;

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ name: 'redis', nodes: 3, redis: 'private' });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('issue 14: Redis restarted mid-stream', () => {
  it('D4-D6 without Redis for a while: every client converges on the log and nothing acked is lost', async () => {
    const [n1] = cluster.nodes;
    const admin = await adminOn(n1!);
    await keepWaitingChats(cluster, admin);
    const support = await supportQueue(cluster);

    // Agent j on node (j + 1) % 3 holds visitor i (on node i % 3) when j = i % 3: never the same node, so
    // every event of every conversation crosses Redis.
    const agents: ChatAgent[] = [];
    for (let j = 0; j < AGENTS; j++) {
      const account = await createAgentOn(n1!, admin, { queues: [support.id], capacity: 20 });
      const agent = new ChatAgent(cluster, `agente ${j}`, account.api.cookie);
      await agent.connect(cluster.nodes[(j + 1) % 3]!);
      agents.push(agent);
    }
    const visitors: ChatVisitor[] = [];
    for (let i = 0; i < VISITORS; i++) {
      const visitor = new ChatVisitor(cluster, `visitante ${i}`);
      await visitor.open(cluster.nodes[i % 3]!, `visitante ${i}: olá`);
      visitors.push(visitor);
      const agent = agents[i % AGENTS]!;
      expect(agent.node).not.toBe(visitor.node);
      agent.watch(visitor.conversationId!);
      agent.send(`${agent.name} aqui`, visitor.conversationId);
    }

    const total = VISITORS * MESSAGES_PER_VISITOR;
    const ackedMessages = () => visitors.reduce((n, v) => n + v.acked.size - 1, 0);
    const streams = visitors.map(async (visitor) => {
      for (let k = 1; k <= MESSAGES_PER_VISITOR; ) {
        const burst = 1 + Math.floor(Math.random() * 3);
        for (let b = 0; b < burst && k <= MESSAGES_PER_VISITOR; b++, k++) visitor.say(`${visitor.name} #${k} sem redis? ${'·'.repeat(k % 5)}`);
        await sleep(Math.random() * PAUSE_MS);
      }
    });
    const deadline = Date.now() + 60_000;
    while (ackedMessages() < total * 0.4) {
      if (Date.now() > deadline) throw new Error(`the stream stalled at ${ackedMessages()} of ${total} acks`);
      await sleep(10);
    }
    await cluster.redis!.kill();
    const atKill = ackedMessages();
    await sleep(OUTAGE_MS);
    const duringOutage = ackedMessages() - atKill;
    await cluster.redis!.start();
    await Promise.all(streams);

    await converged(cluster, visitors, agents);
    // Redis going away is not a node going away: no client had to move.
    expect([...visitors, ...agents].filter((c) => c.nodes.length > 1).map((c) => c.name)).toEqual([]);
    const { events, messages } = await checkConversations(cluster, visitors, agents);
    for (const node of cluster.nodes) expect(node.errors(), node.id).toEqual([]);
    console.info(`redis: ${VISITORS} conversations, ${messages} messages (${events} events); Redis killed at ${atKill} of ${total} visitor acks, ${duringOutage} acked during the ${OUTAGE_MS} ms outage`);
  }, 180_000);
});
