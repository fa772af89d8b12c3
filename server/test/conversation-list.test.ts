/**
 * SPEC W7: a visitor's list of its own conversations (`conversations.list`), and its watch of any of them,
 * over real sockets.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { VisitorConversation } from '../../shared/protocol';
import { openAgent, openVisitor, type TestSocket } from './clients';
import { serverForEach } from './harness';
import { adminApi, send, wrapUpReason } from './agents';
import { MAX_VISITOR_CONVERSATIONS } from '../services/presence-signals';
import { READ_FRAMES } from '../realtime/visitor-handler';

// Every test starts on a server of its own.
const server = serverForEach();

async function list(socket: TestSocket): Promise<VisitorConversation[]> {
  const clientId = randomUUID();
  socket.send({ type: 'conversations.list', clientId });
  return (await socket.next('conversations', (f) => f.clientId === clientId)).conversations;
}

/** Ends the visitor's conversation (SPEC R8) and waits for the end to be committed. */
async function end(socket: TestSocket, conversationId: string): Promise<void> {
  socket.send({ type: 'conversation.end', conversationId });
  await socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'ended_by_visitor');
}

describe('W7 conversations.list', () => {
  it('W7: lists the visitor\'s conversations newest activity first, with status, last message and unread count', async () => {
    const agent = await openAgent(server);
    const v = await openVisitor(server);
    const first = (await v.socket.say('Primeira conversa')).conversationId;
    const reply = await send(agent.socket, first, 'Resposta à primeira');
    expect(reply.type).toBe('ack');
    await end(v.socket, first);

    // A new message after the end starts a second conversation (C3).
    const second = (await v.socket.say('Segunda conversa')).conversationId;
    expect(second).not.toBe(first);
    // A note is never a visitor's last message (R9).
    expect((await send(agent.socket, second, 'nota interna secreta', { note: true })).type).toBe('ack');

    const conversations = await list(v.socket);
    expect(conversations.map((c) => c.id)).toEqual([second, first]);
    expect(conversations[0]).toMatchObject({ status: 'open', unread: 0, lastMessage: { text: 'Segunda conversa', authorKind: 'visitor' } });
    expect(conversations[1]).toMatchObject({ status: 'ended', unread: 1, lastMessage: { text: 'Resposta à primeira', authorKind: 'agent' } });
    expect(JSON.stringify(conversations)).not.toContain('nota interna');

    // The agent wraps the first up later: it is now the newest activity. (Times are in milliseconds: the
    // wait makes "later" a later millisecond than the note's.)
    await new Promise((r) => setTimeout(r, 5));
    const reason = await wrapUpReason(server);
    expect((await (await adminApi(server)).post(`/conversations/${first}/close`, { reasonId: reason.id })).status).toBe(200);
    const after = await list(v.socket);
    expect(after.map((c) => [c.id, c.status])).toEqual([
      [first, 'closed'],
      [second, 'open'],
    ]);
  });

  it('W2, W7: unread counts agent messages after what the visitor has seen, on every device', async () => {
    const agent = await openAgent(server);
    const v = await openVisitor(server);
    const { conversationId } = await v.socket.say('Olá');
    const a1 = await send(agent.socket, conversationId, 'Um');
    const a2 = await send(agent.socket, conversationId, 'Dois');
    if (a1.type !== 'ack' || a2.type !== 'ack') throw new Error('not sent');
    expect((await list(v.socket))[0]!.unread).toBe(2);

    const otherDevice = await openVisitor(server, { token: v.session.token });
    v.socket.send({ type: 'seen', conversationId, seq: a1.seq });
    await otherDevice.socket.next('seen', (s) => s.seq === a1.seq);
    expect((await list(otherDevice.socket))[0]!.unread).toBe(1);
    v.socket.send({ type: 'seen', conversationId, seq: a2.seq });
    await otherDevice.socket.next('seen', (s) => s.seq === a2.seq);
    expect((await list(otherDevice.socket))[0]).toMatchObject({ unread: 0, lastSeq: a2.seq });
    // The visitor's own messages never count as unread.
    await v.socket.say('Obrigado', conversationId);
    expect((await list(v.socket))[0]!.unread).toBe(0);
  });

  it("W7: another visitor's conversations are never listed; a visitor with none gets an empty list", async () => {
    const v = await openVisitor(server);
    const mine = (await v.socket.say('Minha')).conversationId;
    const w = await openVisitor(server);
    expect(await list(w.socket)).toEqual([]);
    await w.socket.say('Dele');
    expect((await list(v.socket)).map((c) => c.id)).toEqual([mine]);
  });

  it(`W7: answers at most ${MAX_VISITOR_CONVERSATIONS}, the newest`, async () => {
    const v = await openVisitor(server);
    const ids: string[] = [];
    for (let i = 0; i <= MAX_VISITOR_CONVERSATIONS; i++) {
      const { conversationId } = await v.socket.say(`Conversa ${i}`);
      ids.push(conversationId);
      await end(v.socket, conversationId);
    }
    const listed = await list(v.socket);
    expect(listed).toHaveLength(MAX_VISITOR_CONVERSATIONS);
    expect(listed.map((c) => c.id)).toEqual(ids.slice(1).reverse());
  });

  it('W7: an agent asking for the list gets forbidden', async () => {
    const agent = await openAgent(server);
    const clientId = randomUUID();
    agent.socket.send({ type: 'conversations.list', clientId });
    const error = await agent.socket.next('error');
    expect(error).toMatchObject({ code: 'forbidden', clientId });
    expect(agent.socket.all('conversations')).toEqual([]);
  });
});

describe('W7 watch', () => {
  it('W7: a visitor may watch its own closed conversation and gets its history', async () => {
    const agent = await openAgent(server);
    const v = await openVisitor(server);
    const old = (await v.socket.say('Conversa antiga')).conversationId;
    const answer = await send(agent.socket, old, 'Resposta antiga');
    if (answer.type !== 'ack') throw new Error(answer.code);
    agent.socket.send({ type: 'seen', conversationId: old, seq: answer.seq });
    await v.socket.next('seen', (s) => s.by === 'agent' && s.seq === answer.seq);
    await send(agent.socket, old, 'nota que o visitante não vê', { note: true });
    await end(v.socket, old);
    const reason = await wrapUpReason(server);
    expect((await (await adminApi(server)).post(`/conversations/${old}/close`, { reasonId: reason.id })).status).toBe(200);
    await v.socket.say('Conversa nova');

    // Another device of the same visitor opens the old one from its list.
    const device = await openVisitor(server, { token: v.session.token });
    device.socket.send({ type: 'watch', conversationId: old, afterSeq: 0 });
    const history = await device.socket.next('history', (h) => h.conversationId === old);
    const texts = history.events.flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    expect(texts).toEqual(['Conversa antiga', 'Resposta antiga']);
    expect(history.events.map((e) => e.kind)).toContain('closed');
    expect(history.events.map((e) => e.kind)).not.toContain('note');
    // With the history, what the agents have seen of it (the visitor's own mark is 0: none is sent).
    expect(await device.socket.next('seen', (s) => s.conversationId === old)).toEqual({ type: 'seen', conversationId: old, by: 'agent', seq: answer.seq });
    device.socket.send({ type: 'ping', id: 7 });
    await device.socket.next('pong');
    expect(device.socket.all('seen').filter((s) => s.by === 'visitor')).toEqual([]);
  });

  it("W7: a visitor's watch of another visitor's conversation is refused as if it did not exist, and shows nothing", async () => {
    const v = await openVisitor(server);
    const theirs = (await v.socket.say('Conversa privada')).conversationId;
    const stranger = await openVisitor(server);
    stranger.socket.send({ type: 'watch', conversationId: theirs, afterSeq: 0 });
    expect((await stranger.socket.next('error')).code).toBe('conversation_not_found');
    await v.socket.say('Mais um segredo', theirs);
    // A pong after the message: anything the stranger could have been sent would have arrived before it.
    stranger.socket.send({ type: 'ping', id: 1 });
    await stranger.socket.next('pong');
    expect(stranger.socket.all('history')).toEqual([]);
    expect(stranger.socket.all('event')).toEqual([]);
  });

  it('a visitor asking for its list in a loop is told to wait (rate_limited, with the clientId and when), and its chat goes on', async () => {
    const v = await openVisitor(server);
    const conversationId = (await v.socket.say('Olá')).conversationId;
    const ids: string[] = Array.from({ length: READ_FRAMES.burst + 20 }, () => randomUUID());
    for (const clientId of ids) v.socket.send({ type: 'conversations.list', clientId });
    v.socket.send({ type: 'ping', id: 1 });
    await v.socket.next('pong');
    const answered = v.socket.all('conversations').map((f) => f.clientId);
    const refused = v.socket.all('error').filter((e) => e.code === 'rate_limited');
    // The burst is answered in full, and what passed it is refused by name, never dropped unanswered.
    expect(answered.length).toBeGreaterThanOrEqual(READ_FRAMES.burst);
    expect(refused.length).toBeGreaterThan(0);
    expect(answered.length + refused.length).toBe(ids.length);
    expect(refused.every((e) => ids.includes(e.clientId!) && !answered.includes(e.clientId!) && (e.retryAfterMs ?? 0) > 0)).toBe(true);
    // Messages have their own limit: the conversation goes on.
    expect((await v.socket.say('Ainda aqui?', conversationId)).type).toBe('ack');
  });

  it('an agent (signed-in staff, or a program on an agent account) is not held to the visitors\' read limit', async () => {
    const agent = await openAgent(server);
    const v = await openVisitor(server);
    const conversationId = (await v.socket.say('Olá')).conversationId;
    for (let i = 0; i < READ_FRAMES.burst + 20; i++) agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    agent.socket.send({ type: 'ping', id: 1 });
    await agent.socket.next('pong');
    expect(agent.socket.all('error')).toEqual([]);
    expect(agent.socket.all('history').filter((h) => h.conversationId === conversationId)).toHaveLength(READ_FRAMES.burst + 20);
  });
});
