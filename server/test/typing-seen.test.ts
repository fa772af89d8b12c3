/**
 * SPEC W1 (typing) and W2 (seen) over real sockets: who receives what, what is refused, what is stored and
 * what survives a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openAgent, openVisitor, type TestSocket } from './clients';
import { ADMIN, startTestServer, type TestServer } from './harness';
import { kinds, onlineAgent, send, stored } from './agents';

let server: TestServer;
afterEach(async () => {
  await server?.stop();
});

/**
 * Everything the server sent this socket before now has arrived: a pong comes after any frame the server
 * wrote to the socket earlier (one TCP stream), so "no typing frame" is read after the server had its say.
 */
async function settled(socket: TestSocket): Promise<void> {
  const id = Math.floor(Math.random() * 1e9);
  socket.send({ type: 'ping', id });
  await socket.next('pong', (p) => p.id === id);
}

/** A visitor with two tabs, its conversation, and the admin's console watching it. */
async function scene() {
  server = await startTestServer();
  const tab1 = await openVisitor(server);
  const { conversationId } = await tab1.socket.say('Olá, alguém aí?');
  const tab2 = await openVisitor(server, { token: tab1.session.token });
  const agent = await openAgent(server);
  agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
  await agent.socket.next('history', (h) => h.conversationId === conversationId);
  return { tab1, tab2, agent, conversationId };
}

describe('W1 typing', () => {
  it("W1: a visitor's typing reaches the agent watching, and neither the visitor's own socket nor its other tab", async () => {
    const { tab1, tab2, agent, conversationId } = await scene();
    tab1.socket.send({ type: 'typing', conversationId, on: true });
    const typing = await agent.socket.next('typing');
    expect(typing).toEqual({ type: 'typing', conversationId, author: { kind: 'visitor', id: tab1.session.visitorId, name: null }, on: true });
    await Promise.all([settled(tab1.socket), settled(tab2.socket)]);
    expect(tab1.socket.all('typing')).toEqual([]);
    expect(tab2.socket.all('typing')).toEqual([]);

    tab1.socket.send({ type: 'typing', conversationId, on: false });
    expect((await agent.socket.next('typing')).on).toBe(false);
  });

  it("W1: an agent's typing reaches every tab of the visitor and the other agents watching, by the agent's name, never the agent itself", async () => {
    const { tab1, tab2, agent, conversationId } = await scene();
    const other = await onlineAgent(server, { role: 'supervisor', name: 'Sara Supervisora' });
    other.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await other.socket.next('history');
    expect((await send(agent.socket, conversationId, 'Olá! Como posso ajudar?')).type).toBe('ack');

    agent.socket.send({ type: 'typing', conversationId, on: true });
    const expected = { type: 'typing', conversationId, author: { kind: 'agent', id: agent.session.agent.id, name: ADMIN.name }, on: true };
    expect(await tab1.socket.next('typing')).toEqual(expected);
    expect(await tab2.socket.next('typing')).toEqual(expected);
    expect(await other.socket.next('typing')).toEqual(expected);
    await settled(agent.socket);
    expect(agent.socket.all('typing')).toEqual([]);
  });

  it('W1: typing is relayed, never stored: the log is the same before and after', async () => {
    const { tab1, agent, conversationId } = await scene();
    const before = await kinds(server, conversationId);
    tab1.socket.send({ type: 'typing', conversationId, on: true });
    await agent.socket.next('typing');
    agent.socket.send({ type: 'typing', conversationId, on: true });
    await tab1.socket.next('typing');
    expect(await kinds(server, conversationId)).toEqual(before);
    expect((await stored(server, conversationId)).lastSeq).toBe(before.length);
  });

  it('W1: an agent who may not reply gets the refusal message.send would get, and nothing is relayed', async () => {
    const { tab1, agent, conversationId } = await scene();
    expect((await send(agent.socket, conversationId, 'Sou eu que atendo.')).type).toBe('ack');
    // A member of the conversation's queue: it knows the conversation, but another agent holds it (C2).
    const { queueId } = await stored(server, conversationId);
    const plain = await onlineAgent(server, queueId ? { queues: [queueId] } : {});
    plain.socket.send({ type: 'typing', conversationId, on: true });
    const error = await plain.socket.next('error');
    expect(error.code).toBe('conversation_taken');
    await settled(tab1.socket);
    expect(tab1.socket.all('typing')).toEqual([]);
  });

  it("W1: a visitor typing in another visitor's conversation gets conversation_not_found, and nothing is relayed", async () => {
    const { agent, conversationId } = await scene();
    const stranger = await openVisitor(server);
    stranger.socket.send({ type: 'typing', conversationId, on: true });
    expect((await stranger.socket.next('error')).code).toBe('conversation_not_found');
    await settled(agent.socket);
    expect(agent.socket.all('typing')).toEqual([]);
  });

  it('W1: typing into a conversation that is no longer open is ignored without an error', async () => {
    const { tab1, agent, conversationId } = await scene();
    tab1.socket.send({ type: 'conversation.end', conversationId });
    await agent.socket.next('event', (f) => f.event.kind === 'ended_by_visitor');
    tab1.socket.send({ type: 'typing', conversationId, on: true });
    agent.socket.send({ type: 'typing', conversationId, on: true });
    await Promise.all([settled(tab1.socket), settled(agent.socket)]);
    expect(tab1.socket.all('error')).toEqual([]);
    expect(agent.socket.all('error')).toEqual([]);
    expect(agent.socket.all('typing')).toEqual([]);
    expect(tab1.socket.all('typing')).toEqual([]);
  });

  it('W1: a malformed typing frame is a typed error and the socket stays', async () => {
    const { tab1, conversationId } = await scene();
    tab1.socket.send({ type: 'typing', conversationId, on: 'yes' });
    expect((await tab1.socket.next('error')).code).toBe('invalid_frame');
    tab1.socket.send({ type: 'typing', on: true });
    expect((await tab1.socket.next('error')).code).toBe('invalid_frame');
    await settled(tab1.socket);
  });
});

describe('W2 seen', () => {
  it("W2: the visitor's seen raises visitorSeenSeq and reaches its other tab and the agents, not its own socket", async () => {
    const { tab1, tab2, agent, conversationId } = await scene();
    const ack = await send(agent.socket, conversationId, 'Olá!');
    if (ack.type !== 'ack') throw new Error(ack.code);
    tab1.socket.send({ type: 'seen', conversationId, seq: ack.seq });
    const expected = { type: 'seen', conversationId, by: 'visitor', seq: ack.seq };
    expect(await tab2.socket.next('seen')).toEqual(expected);
    expect(await agent.socket.next('seen')).toEqual(expected);
    await settled(tab1.socket);
    expect(tab1.socket.all('seen')).toEqual([]);
    expect((await stored(server, conversationId)).visitorSeenSeq).toBe(ack.seq);
  });

  it("W2: an agent's seen raises agentSeenSeq and reaches every tab of the visitor and the other agents", async () => {
    const { tab1, tab2, agent, conversationId } = await scene();
    const other = await onlineAgent(server, { role: 'supervisor' });
    const { seq: lastSeq } = await tab1.socket.say('Mais uma coisa', conversationId);
    agent.socket.send({ type: 'seen', conversationId, seq: lastSeq });
    const expected = { type: 'seen', conversationId, by: 'agent', seq: lastSeq };
    expect(await tab1.socket.next('seen')).toEqual(expected);
    expect(await tab2.socket.next('seen')).toEqual(expected);
    expect(await other.socket.next('seen')).toEqual(expected);
    await settled(agent.socket);
    expect(agent.socket.all('seen')).toEqual([]);
    expect((await stored(server, conversationId)).agentSeenSeq).toBe(lastSeq);
  });

  it('W2: a seen at or below the stored one changes and sends nothing; one past the last sequence is clamped', async () => {
    const { tab1, tab2, conversationId } = await scene();
    const { lastSeq } = await stored(server, conversationId);
    tab1.socket.send({ type: 'seen', conversationId, seq: lastSeq - 1 });
    expect((await tab2.socket.next('seen')).seq).toBe(lastSeq - 1);
    tab1.socket.send({ type: 'seen', conversationId, seq: 1 });
    tab1.socket.send({ type: 'seen', conversationId, seq: lastSeq - 1 });
    tab1.socket.send({ type: 'seen', conversationId, seq: 1_000_000 });
    // The only frame after the first: the clamped one.
    expect(await tab2.socket.next('seen')).toEqual({ type: 'seen', conversationId, by: 'visitor', seq: lastSeq });
    tab1.socket.send({ type: 'seen', conversationId, seq: 1_000_000 });
    await settled(tab1.socket);
    await settled(tab2.socket);
    expect(tab2.socket.all('seen').map((s) => s.seq)).toEqual([lastSeq - 1, lastSeq]);
    expect((await stored(server, conversationId)).visitorSeenSeq).toBe(lastSeq);
    expect(tab1.socket.all('error')).toEqual([]);
  });

  it("W2: a seen of someone else's conversation is conversation_not_found and changes nothing", async () => {
    const { conversationId } = await scene();
    const stranger = await openVisitor(server);
    stranger.socket.send({ type: 'seen', conversationId, seq: 1 });
    expect((await stranger.socket.next('error')).code).toBe('conversation_not_found');
    expect((await stored(server, conversationId)).visitorSeenSeq).toBeUndefined();
  });

  it('W2: seen survives a restart; the welcome carries both sides, the agent inbox the visitor side', async () => {
    const { tab1, agent, conversationId } = await scene();
    const ack = await send(agent.socket, conversationId, 'Resposta');
    if (ack.type !== 'ack') throw new Error(ack.code);
    agent.socket.send({ type: 'seen', conversationId, seq: 3 });
    await tab1.socket.next('seen', (s) => s.by === 'agent');
    tab1.socket.send({ type: 'seen', conversationId, seq: ack.seq });
    await agent.socket.next('seen', (s) => s.by === 'visitor');

    server = await server.restart();
    const back = await openVisitor(server, { token: tab1.session.token });
    expect(back.session.conversation).toEqual({ id: conversationId, status: 'open', lastSeq: ack.seq, agentSeenSeq: 3, visitorSeenSeq: ack.seq });
    const console2 = await openAgent(server);
    expect(console2.session.conversations.find((c) => c.id === conversationId)).toMatchObject({ agentSeenSeq: 3, visitorSeenSeq: ack.seq });
  });

  it('W2: a seen frame with a negative or fractional seq is invalid_frame', async () => {
    const { tab1, conversationId } = await scene();
    tab1.socket.send({ type: 'seen', conversationId, seq: -1 });
    expect((await tab1.socket.next('error')).code).toBe('invalid_frame');
    tab1.socket.send({ type: 'seen', conversationId, seq: 1.5 });
    expect((await tab1.socket.next('error')).code).toBe('invalid_frame');
    expect((await stored(server, conversationId)).visitorSeenSeq).toBeUndefined();
  });
});
