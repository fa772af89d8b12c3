/**
 * Issue 15 against the real server: Resolve closes and archives in one write (SPEC R8a), and a closed or
 * archived conversation is reopened (R8b) by its agent or a supervisor, never beside the visitor's other
 * open conversation (C3), then transferred like any other (R6). Real agent and visitor sockets.
 */
import { describe, expect, it } from 'vitest';
import { makeQueue, onlineAgent, send, startConversation, stored, storedEvents, summary, wrapUpReason, type OnlineAgent } from './agents';
import { serverForEach, type TestServer } from './harness';

const server = serverForEach();

async function heldConversation(s: TestServer) {
  const queue = await makeQueue(s, { strategy: 'broadcast' });
  const holder: OnlineAgent = await onlineAgent(s, { queues: [queue.id] });
  const started = await startConversation(s, queue.name);
  const took = await holder.api.post(`/conversations/${started.conversationId}/take`);
  if (took.status !== 200) throw new Error(`take failed: ${took.status}`);
  await started.socket.next('event', (f) => f.event.kind === 'assigned');
  return { queue, holder, ...started };
}

describe('R8a resolve', () => {
  it('R8a: the holder resolves an open conversation with a reason: closed and archived in one write, refusals change nothing', async () => {
    const { holder, conversationId, socket: visitorSocket, queue } = await heldConversation(server);
    const before = (await storedEvents(server, conversationId)).length;

    const noReason = await holder.api.post(`/conversations/${conversationId}/resolve`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('wrap_up_required');
    const unknown = await holder.api.post(`/conversations/${conversationId}/resolve`, { reasonId: 'no-such-reason' });
    expect(unknown.body.error.code).toBe('wrap_up_required');
    const other = await onlineAgent(server, { queues: [queue.id] });
    const reason = await wrapUpReason(server, 'Question answered');
    const notHolder = await other.api.post(`/conversations/${conversationId}/resolve`, { reasonId: reason.id });
    expect(notHolder.status).toBe(403);
    expect(notHolder.body.error.code).toBe('not_holder');
    expect(await stored(server, conversationId)).toMatchObject({ status: 'open', archived: false });
    expect((await storedEvents(server, conversationId)).length).toBe(before);

    const resolved = await holder.api.post(`/conversations/${conversationId}/resolve`, { reasonId: reason.id });
    expect(resolved.status).toBe(200);
    expect(resolved.body.conversation).toMatchObject({ status: 'closed', archived: true, wrapUpReason: 'Question answered' });
    const events = await storedEvents(server, conversationId);
    expect(events.slice(before).map((e) => [e.kind, e.author.id, e.data?.reason ?? null])).toEqual([
      ['closed', holder.id, 'Question answered'],
      ['archived', holder.id, null],
    ]);
    // One write: both events in one commit, seqs adjacent.
    expect(events.at(-1)!.seq - events.at(-2)!.seq).toBe(1);
    await visitorSocket.next('event', (f) => f.event.kind === 'closed');
    await summary(holder.socket, conversationId, (c) => c.archived && c.status === 'closed');

    const again = await holder.api.post(`/conversations/${conversationId}/resolve`, { reasonId: reason.id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('R8a: a conversation already closed is resolved without a reason: archived only', async () => {
    const { holder, conversationId } = await heldConversation(server);
    const reason = await wrapUpReason(server);
    expect((await holder.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id })).status).toBe(200);
    const resolved = await holder.api.post(`/conversations/${conversationId}/resolve`, {});
    expect(resolved.status).toBe(200);
    expect(resolved.body.conversation).toMatchObject({ status: 'closed', archived: true, wrapUpReason: 'Resolved' });
    expect((await storedEvents(server, conversationId)).slice(-2).map((e) => e.kind)).toEqual(['closed', 'archived']);
  });
});

describe('R8b reopen', () => {
  it('R8b: the agent who held an archived conversation reopens it: open, out of the archive, the visitor writes again; then it can be transferred', async () => {
    const { holder, conversationId, socket: visitorSocket, queue } = await heldConversation(server);
    const reason = await wrapUpReason(server);
    expect((await holder.api.post(`/conversations/${conversationId}/resolve`, { reasonId: reason.id })).status).toBe(200);

    const other = await onlineAgent(server, { queues: [queue.id] });
    // R10: another agent does not even see a closed conversation it never held.
    const refused = await other.api.post(`/conversations/${conversationId}/reopen`);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('conversation_not_found');

    const reopened = await holder.api.post(`/conversations/${conversationId}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body.conversation).toMatchObject({ status: 'open', archived: false, wrapUpReason: null, assignedAgentId: holder.id });
    expect((await storedEvents(server, conversationId)).at(-1)).toMatchObject({ kind: 'reopened', author: { id: holder.id } });
    // The visitor is told (without any data) and may write into it again.
    const seen = await visitorSocket.next('event', (f) => f.event.kind === 'reopened');
    expect(seen.event).not.toHaveProperty('data');
    expect((await send(visitorSocket, conversationId, 'obrigado por voltar')).type).toBe('ack');
    await summary(holder.socket, conversationId, (c) => c.status === 'open' && !c.archived);

    // Reopening what is open is refused.
    const twice = await holder.api.post(`/conversations/${conversationId}/reopen`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('not_closed');

    // Reopened, it is transferred like any other (R6).
    const asked = await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: other.id });
    expect(asked.status).toBe(200);
    expect(asked.body.conversation.request).toMatchObject({ kind: 'transfer', toAgentId: other.id });
  });

  it('R8b/C3: refused while the visitor has another open conversation, nothing changes; a supervisor reopens once that one is closed', async () => {
    const { holder, conversationId, socket: visitorSocket } = await heldConversation(server);
    const reason = await wrapUpReason(server);
    expect((await holder.api.post(`/conversations/${conversationId}/resolve`, { reasonId: reason.id })).status).toBe(200);
    // The visitor writes again: a new conversation (C3).
    const next = await visitorSocket.say('tenho outra dúvida');
    expect(next.conversationId).not.toBe(conversationId);
    const before = (await storedEvents(server, conversationId)).length;

    const refused = await holder.api.post(`/conversations/${conversationId}/reopen`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('visitor_has_open_conversation');
    expect(await stored(server, conversationId)).toMatchObject({ status: 'closed', archived: true });
    expect((await storedEvents(server, conversationId)).length).toBe(before);

    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    expect((await supervisor.api.post(`/conversations/${next.conversationId}/take`)).status).toBe(200);
    expect((await supervisor.api.post(`/conversations/${next.conversationId}/close`, { reasonId: reason.id })).status).toBe(200);
    const reopened = await supervisor.api.post(`/conversations/${conversationId}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body.conversation).toMatchObject({ status: 'open', assignedAgentId: supervisor.id, archived: false });
    expect((await storedEvents(server, conversationId)).at(-1)).toMatchObject({ kind: 'reopened', author: { id: supervisor.id }, data: { fromAgentId: holder.id } });
  });
});
