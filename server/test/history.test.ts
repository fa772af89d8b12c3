/**
 * Issue 15, SPEC R10 history, against the real server: a plain agent talking to a visitor reads that
 * visitor's past conversations with other agents (the visitor panel lists them, the conversation and its
 * events open), masked as the site masks what agents see (M2), and cannot write to them: a typed error that
 * changes nothing. An agent with no conversation of that visitor still sees none of them.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../shared/protocol';
import { adminApi, makeQueue, onlineAgent, send, storedEvents, visitor, wrapUpReason } from './agents';
import { serverForEach } from './harness';
import { setMasking } from './tickets-helpers';

const CARD = '4111 1111 1111 1111';
const CARD_MASKED = '**** **** **** 1111';

const server = serverForEach();

const texts = (events: ConversationEvent[]) => events.flatMap((e) => (e.kind === 'message' ? [e.text] : []));

describe('R10 history: a plain agent reads a visitor’s past conversations with everyone, read-only and masked', () => {
  it("R10: an agent sees another agent's closed conversation with its visitor in the panel, opens it masked (HTTP and socket), and cannot write to it", async () => {
    await setMasking(server, 'mask');
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const before = await onlineAgent(server, { queues: [queue.id] });
    const now = await onlineAgent(server, { queues: [queue.id] });
    const stranger = await onlineAgent(server, { queues: [queue.id] });

    // The visitor's first conversation, with `before`, closed.
    const first = await visitor(server, { queue: queue.name });
    const old = (await first.socket.say(`Meu cartão é ${CARD}`)).conversationId;
    expect((await before.api.post(`/conversations/${old}/take`)).status).toBe(200);
    expect((await send(before.socket, old, 'Vou verificar.')).type).toBe('ack');
    expect((await before.api.post(`/conversations/${old}/close`, { reasonId: (await wrapUpReason(server)).id })).status).toBe(200);
    await first.socket.close();

    // The same visitor comes back; `now` takes the new conversation.
    const back = await visitor(server, { token: first.session.token, queue: queue.name });
    const current = (await back.socket.say('Voltei')).conversationId;
    expect((await now.api.post(`/conversations/${current}/take`)).status).toBe(200);

    // The panel lists the past conversation, masked.
    const panel = await now.api.get(`/conversations/${current}`);
    expect(panel.status).toBe(200);
    expect(panel.body.visitor.previous.map((c: { id: string }) => c.id)).toEqual([old]);
    expect(panel.body.visitor.previous[0]).toMatchObject({ status: 'closed', assignedAgentId: before.id, firstMessage: `Meu cartão é ${CARD_MASKED}` });

    // It opens: the detail and its events over HTTP, masked.
    const detail = await now.api.get(`/conversations/${old}`);
    expect(detail.status).toBe(200);
    expect(detail.body.conversation).toMatchObject({ id: old, status: 'closed', firstMessage: `Meu cartão é ${CARD_MASKED}` });
    const page = await now.api.get(`/conversations/${old}/events`);
    expect(page.status).toBe(200);
    expect(texts(page.body.events)).toEqual([`Meu cartão é ${CARD_MASKED}`, 'Vou verificar.']);
    // And over the socket (the console's way of opening it).
    now.socket.send({ type: 'watch', conversationId: old, afterSeq: 0 });
    const history = await now.socket.next('history', (h) => h.conversationId === old);
    expect(texts(history.events)).toEqual([`Meu cartão é ${CARD_MASKED}`, 'Vou verificar.']);

    // Read-only: a message, a note and a label change are refused with a typed error and store nothing.
    const stored = (await storedEvents(server, old)).length;
    const reply = await send(now.socket, old, 'Posso escrever aqui?');
    expect(reply).toMatchObject({ type: 'error', code: expect.stringMatching(/^(conversation_closed|conversation_not_found|forbidden)$/) });
    const note = await send(now.socket, old, 'nota', { note: true });
    expect(note.type).toBe('error');
    const labels = await now.api.put(`/conversations/${old}/labels`, { labels: ['minha'] });
    expect(labels.status).toBeGreaterThanOrEqual(400);
    expect(typeof labels.body.error.code).toBe('string');
    expect((await storedEvents(server, old)).length).toBe(stored);

    // An agent with no conversation of this visitor sees none of its history.
    expect((await stranger.api.get(`/conversations/${old}`)).status).toBe(404);
    expect((await stranger.api.get(`/conversations/${old}/events`)).body.error.code).toBe('conversation_not_found');
    stranger.socket.send({ type: 'watch', conversationId: old, afterSeq: 0 });
    expect((await stranger.socket.next('error')).code).toBe('conversation_not_found');
  });
});

describe('issue 15: the blocks list names a blocked visitor', () => {
  it('a visitor block answers who the visitor is (name, e-mail, last page, masked as agents see them), not only its id', async () => {
    await setMasking(server, 'mask');
    const v = await visitor(server, { page: { url: `https://loja.example/?cartao=${CARD.replace(/ /g, '')}`, title: 'Loja' } });
    await v.socket.say('Olá');
    const admin = await adminApi(server);
    expect((await admin.post('/blocks', { kind: 'visitor', value: v.session.visitorId, reason: 'spam' })).status).toBe(201);
    expect((await admin.post('/blocks', { kind: 'ip', value: '203.0.113.9' })).status).toBe(201);
    const { blocks } = (await admin.get('/blocks')).body as { blocks: Array<{ kind: string; value: string; visitor?: { name: string | null; email: string | null; page: string | null } }> };
    const blocked = blocks.find((b) => b.kind === 'visitor')!;
    expect(blocked.visitor).toEqual({ name: null, email: null, page: expect.stringMatching(/^https:\/\/loja\.example\/\?cartao=\*+1111$/) });
    expect(blocks.find((b) => b.kind === 'ip')!.visitor).toBeUndefined();
  });
});
