/**
 * Issue 14, timers exactly once across a routing leader's death: a round-robin queue with a short offer
 * timeout and five agents spread over three nodes who never accept (each goes back to Available a moment
 * after its RONA), thirty waiting conversations, and the routing leader SIGKILLed twice while offers are
 * pending. Replaying the stored events: every `offered` ends exactly once, never an end without an offer,
 * no agent ever holds two open offers, and offers go on being made and ended after each kill.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../../shared/protocol';
import { ChatAgent, ChatVisitor } from './chat';
import { adminOn, createAgentOn, eventually, expectStatus, keepWaitingChats, sleep, startCluster, type Cluster, type ClusterNode, type NodeApi } from './harness';

const AGENTS = 5;
const CONVERSATIONS = 30;
const OFFER_TIMEOUT_MS = 1500;
/** How long an agent stays in RONA before it chooses Available again. */
const BACK_AFTER_MS = 200;

/** Events that end an open offer (SPEC R4 and the decisions that clear `offer`). */
const ENDS_OFFER = new Set(['no_answer', 'accepted', 'assigned', 'ended_by_visitor', 'closed', 'returned_to_bot']);

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ name: 'leader', nodes: 3 });
});
afterAll(async () => {
  await cluster?.stop();
});

interface Offer {
  conversationId: string;
  agentId: string;
  offeredAt: number;
  endedAt: number | null;
  end: string | null;
}

const dataOf = (data: unknown): Record<string, unknown> => (typeof data === 'string' ? JSON.parse(data) : ((data ?? {}) as Record<string, unknown>));

describe('issue 14: the routing leader dies twice while offers are pending', () => {
  it('R4 across a failover: every offer ends exactly once and no agent ever holds two', async () => {
    const admin = await adminOn(cluster.nodes[0]!);
    await keepWaitingChats(cluster, admin);
    const queue = expectStatus(
      await admin.call(cluster.nodes[0]!, 'POST', '/queues', { name: 'Rodízio', strategy: 'round_robin', offerTimeoutMs: OFFER_TIMEOUT_MS, agentIds: [] }),
      201,
      'create the queue',
    ).queue as { id: string; name: string };

    // Agents who never accept: back to Available a moment after each RONA, through whichever node is up.
    let comeBack = true;
    const agents: Array<{ id: string; client: ChatAgent; api: NodeApi }> = [];
    const available = async (agent: (typeof agents)[number]) => {
      for (let attempt = 0; attempt < 20 && comeBack; attempt++) {
        const node: ClusterNode = agent.client.node?.alive ? agent.client.node : cluster.nextLive(agent.client.node);
        const res = await agent.api.call(node, 'PUT', '/me/availability', { state: 'available' }).catch(() => null);
        if (res?.status === 200) return;
        await sleep(200);
      }
    };
    for (let j = 0; j < AGENTS; j++) {
      const account = await createAgentOn(cluster.nodes[0]!, admin, { queues: [queue.id], capacity: 5 });
      const client = new ChatAgent(cluster, `agente ${j}`, account.api.cookie, 0);
      const agent = { id: account.id, client, api: account.api };
      client.listeners.push((frame: ServerFrame) => {
        // RONA as it happens, or as the welcome of a console that moved node while it happened.
        const own =
          frame.type === 'presence' ? frame.agent : frame.type === 'welcome' && frame.session.role === 'agent' ? frame.session.presence.find((p) => p.id === account.id) : undefined;
        if (own?.id === account.id && own.state === 'rona' && comeBack) setTimeout(() => void available(agent), BACK_AFTER_MS);
      });
      await client.connect(cluster.nodes[j % 3]!);
      agents.push(agent);
    }

    const visitors: ChatVisitor[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const visitor = new ChatVisitor(cluster, `visitante ${i}`, { hello: { queue: queue.name } });
      await visitor.open(cluster.nodes[i % 3]!, `visitante ${i}: alguém aí?`);
      visitors.push(visitor);
    }
    const ids = visitors.map((v) => v.conversationId!);
    for (const agent of agents) await available(agent);

    const offersSince = async (at: number) => {
      const { rows } = await cluster.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM events WHERE conversation_id = ANY($1) AND kind = 'no_answer' AND created_at > $2",
        [ids, at],
      );
      return rows[0]!.n;
    };

    // --- Kill the leader twice, each time once offers have been running for a while.
    const kills: Array<{ node: string; at: number; after: number }> = [];
    await eventually(async () => ((await offersSince(0)) >= AGENTS ? true : undefined), 'the first no-answers', 30_000);
    for (let round = 0; round < 2; round++) {
      const leader = await cluster.leader();
      const at = Date.now();
      expect((await leader.kill('SIGKILL')).signal).toBe('SIGKILL');
      // Another node takes over, and offers are made and run out again after the kill.
      const next = await cluster.leader(30_000);
      expect(next).not.toBe(leader);
      const after = await eventually(async () => {
        const n = await offersSince(at + OFFER_TIMEOUT_MS);
        return n >= AGENTS ? n : undefined;
      }, `no-answers after killing ${leader.id}`, 30_000);
      kills.push({ node: leader.id, at, after });
      // The first killed node comes back for the second round, so two nodes are up throughout.
      if (round === 0) await leader.restart();
    }

    // --- Nobody comes back any more: every pending offer runs out, and no new one is made.
    comeBack = false;
    await eventually(async () => {
      const { rows } = await cluster.db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE id = ANY($1) AND offer_agent_id IS NOT NULL', [ids]);
      return rows[0]!.n === 0 ? true : undefined;
    }, 'every offer ended', 30_000);

    // --- Replay the log.
    const { rows } = await cluster.db.query<{ conversation_id: string; seq: number; kind: string; data: unknown; at: number }>(
      'SELECT conversation_id, seq::int AS seq, kind, data, created_at::float8 AS at FROM events WHERE conversation_id = ANY($1) ORDER BY conversation_id, seq',
      [ids],
    );
    const offers: Offer[] = [];
    const problems: string[] = [];
    const open = new Map<string, Offer>();
    for (const e of rows) {
      const current = open.get(e.conversation_id);
      if (e.kind === 'offered') {
        if (current) problems.push(`${e.conversation_id} seq ${e.seq}: offered while the offer to ${current.agentId} was open`);
        const offer: Offer = { conversationId: e.conversation_id, agentId: String(dataOf(e.data).agentId), offeredAt: e.at, endedAt: null, end: null };
        offers.push(offer);
        open.set(e.conversation_id, offer);
      } else if (e.kind === 'no_answer') {
        if (!current) problems.push(`${e.conversation_id} seq ${e.seq}: no_answer without an open offer`);
        else if (String(dataOf(e.data).agentId) !== current.agentId) problems.push(`${e.conversation_id} seq ${e.seq}: no_answer for another agent`);
        if (current) Object.assign(current, { endedAt: e.at, end: e.kind });
        open.delete(e.conversation_id);
      } else if (ENDS_OFFER.has(e.kind) && current) {
        Object.assign(current, { endedAt: e.at, end: e.kind });
        open.delete(e.conversation_id);
      }
    }
    for (const offer of open.values()) problems.push(`${offer.conversationId}: the offer to ${offer.agentId} never ended`);

    // No agent ever held two open offers: each agent's offers, in time, each ended before the next was made.
    const byAgent = new Map<string, Offer[]>();
    for (const offer of offers) byAgent.set(offer.agentId, [...(byAgent.get(offer.agentId) ?? []), offer]);
    for (const [agentId, list] of byAgent) {
      list.sort((a, b) => a.offeredAt - b.offeredAt);
      for (let k = 1; k < list.length; k++) {
        const previous = list[k - 1]!;
        if (previous.endedAt! > list[k]!.offeredAt) {
          problems.push(`${agentId} was offered ${list[k]!.conversationId} at ${list[k]!.offeredAt} while its offer of ${previous.conversationId} stood until ${previous.endedAt}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(offers.every((o) => o.end === 'no_answer')).toBe(true); // nobody accepted, nobody closed
    expect([...byAgent.keys()].sort()).toEqual(agents.map((a) => a.id).sort());

    for (const v of visitors) v.close();
    for (const a of agents) a.client.close();
    for (const node of cluster.nodes) expect(node.errors(), node.id).toEqual([]);
    console.info(
      `leader: ${offers.length} offers over ${CONVERSATIONS} conversations, each ended once by no_answer; ` +
        kills.map((k) => `killed leader ${k.node}, ${k.after} no-answers after`).join('; '),
    );
  }, 180_000);
});
