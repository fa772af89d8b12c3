import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../services/passwords';
import { uuidv7 } from '../ids';
import { visibleToVisitor } from '../domain/conversation';
import { login, openAgent, openVisitor } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();

async function storedEvents(conversationId: string) {
  return server.papo.store.events.after(conversationId, 0, { limit: 1000 });
}

describe('messages both ways', () => {
  it('D4: a visitor message is acked after commit and reaches the agent live', async () => {
    const agent = await openAgent(server);
    const visitor = await openVisitor(server);
    expect(visitor.session.conversation).toBeNull();

    const clientId = randomUUID();
    const ack = await visitor.socket.say('Olá, preciso de ajuda com meu pedido 👋', null, clientId);
    // Acked means committed: the store has it, at the acked sequence.
    const stored = await storedEvents(ack.conversationId);
    expect(stored.find((e) => e.clientId === clientId)?.seq).toBe(ack.seq);

    const summary = await agent.socket.next('conversation', (f) => f.conversation.id === ack.conversationId);
    expect(summary.conversation.lastMessage?.text).toBe('Olá, preciso de ajuda com meu pedido 👋');
    expect(summary.conversation.assignedAgentId).toBeNull();
  });

  it('C2: the first agent reply claims the conversation and reaches the visitor at once', async () => {
    const agent = await openAgent(server);
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('Alguém aí?');

    agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    const history = await agent.socket.next('history', (h) => h.conversationId === conversationId);
    expect(history.events.map((e) => e.kind)).toEqual(['created', 'queued', 'message']);

    await agent.socket.say('Oi! Sou a Ana, como posso ajudar?', conversationId);
    const assigned = await visitor.socket.next('event', (f) => f.event.kind === 'assigned');
    expect(assigned.event.author).toMatchObject({ kind: 'agent', name: 'Ana Admin' });
    const reply = await visitor.socket.next('event', (f) => f.event.kind === 'message' && f.event.author.kind === 'agent');
    expect(reply.event.text).toBe('Oi! Sou a Ana, como posso ajudar?');

    const live = await agent.socket.next('event', (f) => f.event.author.kind === 'agent' && f.event.kind === 'message');
    expect(live.conversation?.assignedAgentName).toBe('Ana Admin');

    // And the visitor's next message arrives live on the watching agent's socket.
    await visitor.socket.say('Meu pedido não chegou');
    const incoming = await agent.socket.next('event', (f) => f.event.text === 'Meu pedido não chegou');
    expect(incoming.event.author.kind).toBe('visitor');
  });

  it('D3: a resent message with the same client id is stored once and acked with the first sequence', async () => {
    const visitor = await openVisitor(server);
    const clientId = randomUUID();
    const first = await visitor.socket.say('uma vez só', null, clientId);
    const again = await visitor.socket.say('uma vez só', first.conversationId, clientId);
    const third = await visitor.socket.say('uma vez só', null, clientId);
    expect(again.seq).toBe(first.seq);
    expect(third.seq).toBe(first.seq);
    const stored = await storedEvents(first.conversationId);
    expect(stored.filter((e) => e.clientId === clientId)).toHaveLength(1);
  });

  it('D1/D2: sequences are gap-free and every reader sees the same order', async () => {
    const agent = await openAgent(server);
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('0');
    agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await agent.socket.next('history', (h) => h.conversationId === conversationId);

    // Both sides write without waiting for each other's acks.
    const sends = [];
    for (let i = 1; i <= 20; i++) {
      sends.push(visitor.socket.say(`v${i}`, conversationId));
      sends.push(agent.socket.say(`a${i}`, conversationId));
    }
    await Promise.all(sends);
    const stored = await storedEvents(conversationId);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    // D2: messages of one socket are stored in the order that socket sent them.
    const visitorTexts = stored.filter((e) => e.author.kind === 'visitor' && e.kind === 'message').map((e) => e.text);
    expect(visitorTexts).toEqual(['0', ...Array.from({ length: 20 }, (_, i) => `v${i + 1}`)]);

    const lastSeq = stored.at(-1)!.seq;
    await visitor.socket.next('event', (f) => f.event.seq === lastSeq);
    await agent.socket.next('event', (f) => f.event.seq === lastSeq);
    const seen = (frames: { type: string; event?: { conversationId: string; seq: number } }[]) =>
      frames.flatMap((f) => (f.type === 'event' && f.event?.conversationId === conversationId ? [f.event.seq] : []));
    const visitorSeqs = seen(visitor.socket.frames);
    const agentSeqs = seen(agent.socket.frames);
    expect(agentSeqs).toEqual([...agentSeqs].sort((a, b) => a - b));
    expect(new Set(agentSeqs).size).toBe(agentSeqs.length);
    // The visitor was there from seq 1 and got every event it may see (SPEC D11: not `queued`).
    expect(visitorSeqs).toEqual(stored.filter((e) => visibleToVisitor(e.kind)).map((e) => e.seq));
  });

  it('C3: two tabs sending their first message at the same instant open one conversation', async () => {
    const first = await openVisitor(server);
    const second = await openVisitor(server, { token: first.session.token });
    expect(second.session.visitorId).toBe(first.session.visitorId);
    const [a, b] = await Promise.all([first.socket.say('aba 1'), second.socket.say('aba 2')]);
    expect(a.conversationId).toBe(b.conversationId);
    // Each tab sees the other tab's message.
    await first.socket.next('event', (f) => f.event.text === 'aba 2');
    await second.socket.next('event', (f) => f.event.text === 'aba 1');
  });

  it('C2: an agent cannot write into a conversation another agent holds', async () => {
    const brunoId = uuidv7();
    await server.papo.store.agents.create({
      id: brunoId,
      email: 'bruno@example.com',
      name: 'Bruno',
      role: 'agent',
      passwordHash: await hashPassword('bruno-password-123'),
      createdAt: Date.now(),
    });
    // Both plain agents work the site's queue (SPEC R10: an agent sees its queues' waiting conversations).
    const [queue] = await server.papo.store.queues.list();
    await server.papo.store.queues.setQueuesOf(brunoId, [queue!.id]);
    const admin = await openAgent(server);
    const bruno = await openAgent(server, await login(server, 'bruno@example.com', 'bruno-password-123'));
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('quero falar com alguém');
    await bruno.socket.say('Oi, aqui é o Bruno', conversationId);

    await bruno.socket.say('Bruno keeps writing into his own conversation', conversationId);
    // An admin may step in; a second plain agent may not.
    await admin.socket.say('Admin aqui também', conversationId);
    const carla = {
      id: uuidv7(),
      email: 'carla@example.com',
      name: 'Carla',
      role: 'agent' as const,
      passwordHash: await hashPassword('carla-password-123'),
      createdAt: Date.now(),
    };
    await server.papo.store.agents.create(carla);
    await server.papo.store.queues.setQueuesOf(carla.id, [queue!.id]);
    const carlaSocket = await openAgent(server, await login(server, carla.email, 'carla-password-123'));
    const clientId = randomUUID();
    carlaSocket.socket.send({ type: 'message.send', clientId, conversationId, text: 'posso ajudar?' });
    const error = await carlaSocket.socket.next('error', (e) => e.clientId === clientId);
    expect(error.code).toBe('conversation_taken');
    const stored = await storedEvents(conversationId);
    expect(stored.some((e) => e.clientId === clientId)).toBe(false);
  });

  it('D11: a visitor cannot read or write another visitor\'s conversation', async () => {
    const alice = await openVisitor(server);
    const { conversationId } = await alice.socket.say('dados pessoais aqui');
    const mallory = await openVisitor(server);

    mallory.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    expect((await mallory.socket.next('error')).code).toBe('conversation_not_found');
    const clientId = randomUUID();
    mallory.socket.send({ type: 'message.send', clientId, conversationId, text: 'invadindo' });
    expect((await mallory.socket.next('error', (e) => e.clientId === clientId)).code).toBe('conversation_not_found');

    // Resuming someone else's conversation id just gives Mallory her own (none).
    const again = await openVisitor(server, { token: mallory.session.token, resume: { conversationId, afterSeq: 0 } });
    expect(again.session.conversation).toBeNull();
    expect(again.socket.all('history')).toHaveLength(0);
    expect((await storedEvents(conversationId)).some((e) => e.text === 'invadindo')).toBe(false);
  });
});
