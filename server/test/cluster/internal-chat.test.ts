/**
 * Issue 15 across nodes: the agents' internal chat is published on the bus (Redis here), so a team message
 * written on one node reaches the agents' consoles on the others live, a direct message reaches only its two
 * members wherever they are, and concurrent writers on several nodes take gap-free seqs from PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directChannelId } from '../../../shared/internal-chat';
import { login, openAgent, type TestSocket } from '../clients';
import { adminOn, createAgentOn, startCluster, type Cluster, type ClusterNode } from './harness';

let cluster: Cluster;
let n1: ClusterNode;
let n2: ClusterNode;
beforeAll(async () => {
  cluster = await startCluster({ name: 'internal', nodes: 2 });
  [n1, n2] = cluster.nodes as [ClusterNode, ClusterNode];
});
afterAll(async () => {
  await cluster?.stop();
});

async function send(socket: TestSocket, channelId: string, text: string) {
  const clientId = randomUUID();
  socket.send({ type: 'internal.send', clientId, channelId, text });
  return Promise.race([socket.next('internal.ack', (a) => a.clientId === clientId, 15_000), socket.next('error', (e) => e.clientId === clientId, 15_000)]);
}

describe('issue 15: internal chat on a cluster', () => {
  it('team and direct messages reach agents on the other node live; seqs stay gap-free with writers on both nodes', async () => {
    const admin = await adminOn(n1);
    const ana = await createAgentOn(n1, admin, { name: 'Ana' });
    const bia = await createAgentOn(n1, admin, { name: 'Bia' });
    const caio = await createAgentOn(n1, admin, { name: 'Caio' });
    const onN1 = await openAgent(n1.asTestServer(), await login(n1.asTestServer(), ana.email, ana.password));
    const onN2 = await openAgent(n2.asTestServer(), await login(n2.asTestServer(), bia.email, bia.password));
    const third = await openAgent(n2.asTestServer(), await login(n2.asTestServer(), caio.email, caio.password));

    const team = await send(onN1.socket, 'team', 'Bom dia, equipe');
    expect(team.type).toBe('internal.ack');
    await onN2.socket.next('internal.message', (m) => m.message.text === 'Bom dia, equipe', 15_000);
    await third.socket.next('internal.message', (m) => m.message.text === 'Bom dia, equipe', 15_000);

    const dm = directChannelId(ana.id, bia.id);
    await send(onN2.socket, dm, 'Ana, pode me ajudar?');
    await onN1.socket.next('internal.message', (m) => m.message.channelId === dm, 15_000);

    // Both nodes write to the team channel at once: one log, seqs with no gap and no repeat.
    const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i % 2 ? onN2.socket : onN1.socket, 'team', `rajada ${i}`)));
    const seqs = acks.map((a) => (a.type === 'internal.ack' ? a.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqs[0]! + i));
    const { rows } = await cluster.db.query<{ seq: number }>("SELECT seq FROM internal_messages WHERE channel_id = 'team' ORDER BY seq");
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));

    // The third agent, on the node where the direct message was written, never got it.
    await new Promise((r) => setTimeout(r, 300));
    expect(third.socket.all('internal.message').filter((m) => m.message.channelId === dm)).toEqual([]);
    for (const s of [onN1.socket, onN2.socket, third.socket]) s.ws.close();
  });
});
