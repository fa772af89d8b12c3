/**
 * Working a conversation against the real server (SPEC R5-R9, R11): take-over, transfer and conference with
 * their timers, wrap-up and the visitor's "end chat", sticky return, private notes, live visitors, proactive
 * chat and the visitor panel. Several real agent sockets and a real visitor socket each.
 */
import { describe, expect, it } from 'vitest';
import {
  adminApi,
  createAgent,
  earlyTimers,
  eventually,
  expectVisitorSafe,
  gone,
  makeQueue,
  onlineAgent,
  routed,
  send,
  startConversation,
  stored,
  storedEvent,
  storedEvents,
  summary,
  visitor,
  wrapUpReason,
  type OnlineAgent,
} from './agents';
import { serverForEach, startTestServer, type TestServer } from './harness';
import { supportQueueId } from './tickets-helpers';

const server = serverForEach();

/** A broadcast queue, an agent in it, and a visitor's conversation the agent has taken. */
async function heldConversation(s: TestServer, options: { agent?: OnlineAgent; queueId?: string; queueName?: string } = {}) {
  const queue = options.queueId ? { id: options.queueId, name: options.queueName! } : await makeQueue(s, { strategy: 'broadcast' });
  const holder = options.agent ?? (await onlineAgent(s, { queues: [queue.id] }));
  const started = await startConversation(s, queue.name);
  const took = await holder.api.post(`/conversations/${started.conversationId}/take`);
  if (took.status !== 200) throw new Error(`take failed: ${took.status} ${JSON.stringify(took.body)}`);
  await started.socket.next('event', (f) => f.event.kind === 'assigned');
  return { queue, holder, ...started };
}

describe('R5 take', () => {
  it('R5: a supervisor takes over a conversation another agent holds; a plain agent may not', async () => {
    const { queue, holder, conversationId } = await heldConversation(server);
    const other = await onlineAgent(server, { queues: [queue.id] });
    const refused = await other.api.post(`/conversations/${conversationId}/take`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conversation_taken');

    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const took = await supervisor.api.post(`/conversations/${conversationId}/take`);
    expect(took.status).toBe(200);
    expect(took.body.conversation.assignedAgentId).toBe(supervisor.id);
    expect((await storedEvents(server, conversationId)).filter((e) => e.kind === 'assigned').map((e) => e.data?.via)).toEqual(['take', 'takeover']);
    await gone(holder.socket, conversationId);
  });
});

describe('R6 transfer', () => {
  it('R6: a transfer to an agent waits for that agent, who accepts and becomes the holder; the sender loses it', async () => {
    const { holder, conversationId, socket: visitorSocket } = await heldConversation(server);
    const target = await onlineAgent(server);

    const asked = await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id });
    expect(asked.status).toBe(200);
    expect(asked.body.conversation.request).toMatchObject({ kind: 'transfer', fromAgentId: holder.id, toAgentId: target.id, toQueueId: null, toName: target.name });
    // The target's console shows the request (with Accept).
    await summary(target.socket, conversationId, (c) => c.request?.toAgentId === target.id);
    // One request at a time.
    const second = await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('request_pending');
    // Only the target accepts.
    const bystander = await onlineAgent(server);
    expect((await bystander.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(404);

    const accepted = await target.api.post(`/conversations/${conversationId}/request/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.conversation).toMatchObject({ assignedAgentId: target.id, request: null });
    const events = await storedEvents(server, conversationId);
    expect(events.slice(-3).map((e) => [e.kind, e.data?.via ?? null])).toEqual([
      ['transfer_requested', null],
      ['transfer_accepted', null],
      ['assigned', 'transfer'],
    ]);
    await gone(holder.socket, conversationId);
    // The new holder writes; the visitor sees who took over but nothing of the transfer itself.
    expect((await send(target.socket, conversationId, 'Oi, continuo daqui')).type).toBe('ack');
    await visitorSocket.next('event', (f) => f.event.kind === 'message' && f.event.author.id === target.id);
    expectVisitorSafe(visitorSocket, conversationId);
  });

  it('R6: a transfer to a queue is accepted by an Available member of it and the conversation moves to that queue', async () => {
    const { holder, conversationId } = await heldConversation(server);
    const sales = await makeQueue(server, { strategy: 'round_robin', name: 'Sales' });
    const seller = await onlineAgent(server, { queues: [sales.id] });
    const outsider = await onlineAgent(server);

    const asked = await holder.api.post(`/conversations/${conversationId}/transfer`, { queueId: sales.id });
    expect(asked.status).toBe(200);
    expect(asked.body.conversation.request).toMatchObject({ kind: 'transfer', toAgentId: null, toQueueId: sales.id, toName: 'Sales' });
    await summary(seller.socket, conversationId, (c) => c.request?.toQueueId === sales.id);
    // Someone outside the queue cannot pick it up.
    expect((await outsider.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(404);

    const accepted = await seller.api.post(`/conversations/${conversationId}/request/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.conversation).toMatchObject({ assignedAgentId: seller.id, queueId: sales.id, request: null });
    expect((await storedEvent(server, conversationId, 'transfer_accepted')).data).toMatchObject({ fromAgentId: holder.id, toQueueId: sales.id });
  });

  it('R6: the targets list names only agents and queues that can take the conversation now', async () => {
    const { holder, conversationId } = await heldConversation(server);
    const ready = await onlineAgent(server);
    const away = await onlineAgent(server);
    await away.api.put('/me/availability', { state: 'unavailable' });
    const full = await onlineAgent(server, { capacity: 1 });
    const fullQueue = await makeQueue(server, { strategy: 'broadcast', agentIds: [full.id] });
    const fullHolds = await startConversation(server, fullQueue.name);
    expect((await full.api.post(`/conversations/${fullHolds.conversationId}/take`)).status).toBe(200);
    const offline = await createAgent(server);
    const readyQueue = await makeQueue(server, { strategy: 'broadcast', agentIds: [ready.id] });
    const awayQueue = await makeQueue(server, { strategy: 'broadcast', agentIds: [away.id, offline.id] });

    const targets = await holder.api.get(`/conversations/${conversationId}/targets`);
    expect(targets.status).toBe(200);
    const agentIds = targets.body.agents.map((a: { id: string }) => a.id);
    expect(agentIds).toContain(ready.id);
    for (const id of [holder.id, away.id, full.id, offline.id]) expect(agentIds).not.toContain(id);
    expect(targets.body.agents.find((a: { id: string }) => a.id === ready.id)).toMatchObject({ name: ready.name, load: 0, capacity: 3 });
    const queueIds = targets.body.queues.map((q: { id: string }) => q.id);
    expect(queueIds).toContain(readyQueue.id);
    expect(queueIds).not.toContain(awayQueue.id);
    expect(queueIds).not.toContain(fullQueue.id);

    // Whoever is not on the list is refused as a target.
    for (const to of [{ agentId: away.id }, { agentId: full.id }, { agentId: offline.id }, { queueId: awayQueue.id }]) {
      const refused = await holder.api.post(`/conversations/${conversationId}/transfer`, to);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('target_unavailable');
    }
    // "Reload": the list follows presence.
    await away.api.put('/me/availability', { state: 'available' });
    const again = await holder.api.get(`/conversations/${conversationId}/targets`);
    expect(again.body.agents.map((a: { id: string }) => a.id)).toContain(away.id);
  });

  it('R6: a transfer nobody accepts in time is abandoned and the conversation stays with the sender', async () => {
    const quick = await startTestServer({ env: { REQUEST_TIMEOUT_MS: '300' } });
    try {
      const { holder, conversationId, socket: visitorSocket } = await heldConversation(quick);
      const target = await onlineAgent(quick);
      const asked = await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id });
      expect(asked.status).toBe(200);

      const abandoned = await storedEvent(quick, conversationId, 'transfer_abandoned');
      expect(abandoned.data).toMatchObject({ fromAgentId: holder.id, toAgentId: target.id });
      expect(await stored(quick, conversationId)).toMatchObject({ assignedAgentId: holder.id, request: null, status: 'open' });
      // The sender's console hears it; it still holds the conversation and writes on.
      await summary(holder.socket, conversationId, (c) => c.request === null && c.lastSeq >= abandoned.seq);
      expect((await send(holder.socket, conversationId, 'Sigo com você')).type).toBe('ack');
      // Too late for the target.
      const late = await target.api.post(`/conversations/${conversationId}/request/accept`);
      expect(late.status).toBe(404);
      await visitorSocket.next('event', (f) => f.event.text === 'Sigo com você');
      expectVisitorSafe(visitorSocket, conversationId);
    } finally {
      await quick.stop();
    }
  });

  it('R6: a request timer that fires a moment early still abandons the transfer (the request is never stuck)', async () => {
    const early = await startTestServer({ timers: earlyTimers(40), env: { REQUEST_TIMEOUT_MS: '300' } });
    try {
      const { holder, conversationId } = await heldConversation(early);
      const target = await onlineAgent(early);
      expect((await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id })).status).toBe(200);
      await storedEvent(early, conversationId, 'transfer_abandoned');
      // A new request can be made: nothing is left pending.
      expect((await holder.api.post(`/conversations/${conversationId}/conference`, { agentId: target.id })).status).toBe(200);
    } finally {
      await early.stop();
    }
  });
});

describe('R7 conference', () => {
  it('R7: an invited agent joins, both reply, the guest leaves, then the holder leaves and the guest holds it; the visitor sees joins and leaves only', async () => {
    const { holder, conversationId, socket: visitorSocket } = await heldConversation(server);
    const guest = await onlineAgent(server);

    const invited = await holder.api.post(`/conversations/${conversationId}/conference`, { agentId: guest.id });
    expect(invited.status).toBe(200);
    expect(invited.body.conversation.request).toMatchObject({ kind: 'conference', toAgentId: guest.id });
    await summary(guest.socket, conversationId, (c) => c.request?.toAgentId === guest.id);
    const joined = await guest.api.post(`/conversations/${conversationId}/request/accept`);
    expect(joined.status).toBe(200);
    expect(joined.body.conversation).toMatchObject({ assignedAgentId: holder.id, participants: [{ id: guest.id, name: guest.name }], request: null });
    const joinedEvent = await visitorSocket.next('event', (f) => f.event.kind === 'conference_joined');
    expect(joinedEvent.event.author).toMatchObject({ kind: 'agent', id: guest.id });

    // Both write; a private note in between never reaches the visitor.
    expect((await send(holder.socket, conversationId, 'Chamei um colega')).type).toBe('ack');
    expect((await send(guest.socket, conversationId, 'Olá, sou do financeiro')).type).toBe('ack');
    expect((await send(guest.socket, conversationId, 'nota: cliente VIP', { note: true })).type).toBe('ack');
    await visitorSocket.next('event', (f) => f.event.text === 'Chamei um colega');
    await visitorSocket.next('event', (f) => f.event.text === 'Olá, sou do financeiro');

    // The guest leaves.
    const left = await guest.api.post(`/conversations/${conversationId}/leave`);
    expect(left.status).toBe(200);
    expect(left.body.conversation).toMatchObject({ assignedAgentId: holder.id, participants: [] });
    await visitorSocket.next('event', (f) => f.event.kind === 'conference_left' && f.event.author.id === guest.id);
    await gone(guest.socket, conversationId);
    expect((await send(guest.socket, conversationId, 'ainda aqui?')).type).toBe('error');

    // Invited again, then the holder leaves: the guest holds it.
    expect((await holder.api.post(`/conversations/${conversationId}/conference`, { agentId: guest.id })).status).toBe(200);
    expect((await guest.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(200);
    const holderLeft = await holder.api.post(`/conversations/${conversationId}/leave`);
    expect(holderLeft.status).toBe(200);
    expect(holderLeft.body.conversation).toMatchObject({ assignedAgentId: guest.id, participants: [] });
    const events = await storedEvents(server, conversationId);
    expect(events.slice(-2).map((e) => [e.kind, e.author.id, e.data?.via ?? null])).toEqual([
      ['conference_left', holder.id, null],
      ['assigned', guest.id, 'conference'],
    ]);
    await visitorSocket.next('event', (f) => f.event.kind === 'conference_left' && f.event.author.id === holder.id);
    await visitorSocket.next('event', (f) => f.event.kind === 'assigned' && f.event.author.id === guest.id);

    const seen = expectVisitorSafe(visitorSocket, conversationId);
    expect(seen.some((e) => e.kind === 'note' || e.text === 'nota: cliente VIP')).toBe(false);
    expect(seen.filter((e) => e.kind === 'conference_joined')).toHaveLength(2);
    expect(seen.filter((e) => e.kind === 'conference_left')).toHaveLength(2);
  });
});

describe('R8 wrap-up and the visitor ending the chat', () => {
  it('R8: closing needs a reason from the list; the closed event carries it and the visitor sees it closed, without the reason', async () => {
    const { holder, conversationId, socket: visitorSocket } = await heldConversation(server);
    const missing = await holder.api.post(`/conversations/${conversationId}/close`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('invalid_request');
    const unknown = await holder.api.post(`/conversations/${conversationId}/close`, { reasonId: 'no-such-reason' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('wrap_up_required');
    expect((await stored(server, conversationId)).status).toBe('open');

    const reason = await wrapUpReason(server, 'Question answered');
    const closed = await holder.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id });
    expect(closed.status).toBe(200);
    expect(closed.body.conversation).toMatchObject({ status: 'closed', wrapUpReason: 'Question answered' });
    expect((await storedEvents(server, conversationId)).at(-1)).toMatchObject({ kind: 'closed', data: { reason: 'Question answered' } });
    const seen = await visitorSocket.next('event', (f) => f.event.kind === 'closed');
    expect(seen.event).not.toHaveProperty('data');
    // Closed: the visitor cannot write into it, and it is closed only once.
    const again = await holder.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conversation_closed');
  });

  it('R8: the visitor ends the chat: ended_by_visitor, status ended, its next message starts a new conversation, and that one goes straight to the same agent (sticky)', async () => {
    const { holder, conversationId, socket: visitorSocket, session } = await heldConversation(server);
    visitorSocket.send({ type: 'conversation.end', conversationId });
    await visitorSocket.next('event', (f) => f.event.kind === 'ended_by_visitor');
    expect((await stored(server, conversationId)).status).toBe('ended');
    // The agent's console shows "Visitor ended the conversation" and still has it to wrap up.
    await summary(holder.socket, conversationId, (c) => c.status === 'ended');

    // The ended conversation takes no more visitor messages...
    const refused = await send(visitorSocket, conversationId, 'esqueci uma coisa');
    expect(refused).toMatchObject({ type: 'error', code: 'conversation_closed' });
    // ...the next one without an id starts a new conversation,
    const next = await visitorSocket.say('voltei, outra dúvida');
    expect(next.conversationId).not.toBe(conversationId);
    // which goes straight back to the agent of the unresolved one.
    const assigned = await storedEvent(server, next.conversationId, 'assigned');
    expect(assigned).toMatchObject({ author: { id: holder.id }, data: { via: 'sticky' } });
    await summary(holder.socket, next.conversationId, (c) => c.assignedAgentId === holder.id);
    expect(session.visitorId).toBe((await stored(server, next.conversationId)).visitorId);

    // The agent still wraps up the ended one.
    const reason = await wrapUpReason(server);
    const closed = await holder.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id });
    expect(closed.status).toBe(200);
    expect(closed.body.conversation).toMatchObject({ status: 'closed', wrapUpReason: 'Resolved' });
  });

  it('R8: no sticky return while the agent is Unavailable: the new conversation waits in the queue', async () => {
    const { holder, conversationId, socket: visitorSocket } = await heldConversation(server);
    await holder.api.put('/me/availability', { state: 'unavailable' });
    visitorSocket.send({ type: 'conversation.end', conversationId });
    await visitorSocket.next('event', (f) => f.event.kind === 'ended_by_visitor');

    const next = await visitorSocket.say('voltei');
    expect(next.conversationId).not.toBe(conversationId);
    await routed(server);
    expect((await stored(server, next.conversationId)).assignedAgentId).toBeNull();
    expect((await storedEvents(server, next.conversationId)).some((e) => e.kind === 'assigned')).toBe(false);
  });

  it('R8: a visitor ending a conversation nobody took closes it at once', async () => {
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const { conversationId, socket } = await startConversation(server, queue.name);
    socket.send({ type: 'conversation.end', conversationId });
    await socket.next('event', (f) => f.event.kind === 'closed');
    expect((await stored(server, conversationId)).status).toBe('closed');
    expect((await storedEvents(server, conversationId)).slice(-2).map((e) => e.kind)).toEqual(['ended_by_visitor', 'closed']);
  });
});

describe('R9 notes', () => {
  it('R9: a note is stored and seen by other agents, never by the visitor, live or in replay', async () => {
    const { holder, conversationId, socket: visitorSocket, session } = await heldConversation(server);
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    supervisor.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await supervisor.socket.next('history', (h) => h.conversationId === conversationId);

    const noted = await send(holder.socket, conversationId, 'cliente pediu reembolso antes', { note: true });
    expect(noted.type).toBe('ack');
    const stored1 = (await storedEvents(server, conversationId)).find((e) => e.kind === 'note');
    expect(stored1).toMatchObject({ text: 'cliente pediu reembolso antes', author: { id: holder.id } });
    // Another agent sees it live and in the timeline; a note is no claim and changes nothing else.
    const live = await supervisor.socket.next('event', (f) => f.event.kind === 'note');
    expect(live.event.text).toBe('cliente pediu reembolso antes');
    const timeline = await supervisor.api.get(`/conversations/${conversationId}/events`);
    expect(timeline.body.events.some((e: { kind: string }) => e.kind === 'note')).toBe(true);
    expect((await stored(server, conversationId)).assignedAgentId).toBe(holder.id);

    // A message after the note reaches the visitor; the note never did.
    expect((await send(holder.socket, conversationId, 'Já verifico')).type).toBe('ack');
    await visitorSocket.next('event', (f) => f.event.text === 'Já verifico');
    // Replay from the start, and from just before the note.
    const fromStart = await visitor(server, { token: session.token, resume: { conversationId, afterSeq: 0 } });
    await fromStart.socket.next('history', (h) => h.conversationId === conversationId);
    const fromBefore = await visitor(server, { token: session.token, resume: { conversationId, afterSeq: stored1!.seq - 1 } });
    const replay = await fromBefore.socket.next('history', (h) => h.conversationId === conversationId);
    expect(replay.events.map((e) => e.text)).toContain('Já verifico');
    for (const s of [visitorSocket, fromStart.socket, fromBefore.socket]) {
      const seen = expectVisitorSafe(s, conversationId);
      expect(seen.some((e) => e.kind === 'note' || e.text === 'cliente pediu reembolso antes')).toBe(false);
    }
    // And a visitor cannot write a note.
    const visitorNote = await send(visitorSocket, conversationId, 'nota minha', { note: true });
    expect(visitorNote).toMatchObject({ type: 'error', code: 'forbidden' });
  });
});

describe('R11 visitors', () => {
  it('R11: the live visitors list shows a visitor with the page from its hello; a proactive chat reaches its socket and is assigned to the agent', async () => {
    // R10: an agent sees the visitors of the sites it serves (here, through the demo site's Support queue).
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    const guest = await visitor(server, { page: { url: 'https://shop.example/checkout', title: 'Checkout', referrer: 'https://search.example/?q=papo' } });

    const live = await eventually(async () => {
      const list = await agent.api.get('/visitors/live');
      return (list.body.visitors as Array<{ id: string }>).find((v) => v.id === guest.session.visitorId);
    }, 'the visitor in the live list');
    expect(live).toMatchObject({ page: { url: 'https://shop.example/checkout', title: 'Checkout' }, returning: false, conversationId: null });

    const clientId = crypto.randomUUID();
    const started = await agent.api.post(`/visitors/${guest.session.visitorId}/conversations`, { clientId, text: 'Posso ajudar com a compra?' });
    expect(started.status).toBe(200);
    const conversationId = started.body.conversation.id as string;
    expect(started.body.conversation).toMatchObject({ assignedAgentId: agent.id, visitorId: guest.session.visitorId, status: 'open' });
    const message = await guest.socket.next('event', (f) => f.event.kind === 'message');
    expect(message.event).toMatchObject({ conversationId, text: 'Posso ajudar com a compra?', author: { kind: 'agent', id: agent.id } });
    expect((await storedEvent(server, conversationId, 'assigned')).data).toEqual({ via: 'proactive' });
    // The visitor answers in that conversation.
    const reply = await guest.socket.say('Sim, por favor');
    expect(reply.conversationId).toBe(conversationId);
    const after = await agent.api.get('/visitors/live');
    expect((after.body.visitors as Array<{ id: string; conversationId: string | null }>).find((v) => v.id === guest.session.visitorId)?.conversationId).toBe(conversationId);
    // Resending the same client id starts nothing new (SPEC D3).
    const again = await agent.api.post(`/visitors/${guest.session.visitorId}/conversations`, { clientId, text: 'Posso ajudar com a compra?' });
    expect(again.body.conversation.id).toBe(conversationId);
    expect((await storedEvents(server, conversationId)).filter((e) => e.clientId === clientId)).toHaveLength(1);
  });

  it('issue 15, R11: a proactive chat\'s summary says proactive in the answer, the agent\'s socket and the list; a visitor-started one does not', async () => {
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    const asking = await visitor(server);
    const own = await asking.socket.say('Oi, preciso de ajuda');
    const offered = await visitor(server);
    await eventually(async () => ((await agent.api.get('/visitors/live')).body.visitors as Array<{ id: string }>).find((v) => v.id === offered.session.visitorId), 'the visitor in the live list');
    const started = await agent.api.post(`/visitors/${offered.session.visitorId}/conversations`, { clientId: crypto.randomUUID(), text: 'Posso ajudar?' });
    expect(started.status).toBe(200);
    const proactiveId = started.body.conversation.id as string;
    expect(started.body.conversation.proactive).toBe(true);
    const pushed = await agent.socket.next('conversation', (f) => f.conversation.id === proactiveId);
    expect(pushed.conversation.proactive).toBe(true);
    // Once the visitor answers, the chat stays marked.
    await offered.socket.say('Sim, por favor');
    expect((await agent.api.get(`/conversations/${proactiveId}`)).body.conversation.proactive).toBe(true);
    expect((await agent.api.get(`/conversations/${own.conversationId}`)).body.conversation.proactive).toBe(false);
    const listed = (await agent.api.get('/conversations?view=open')).body.conversations as Array<{ id: string; proactive: boolean }>;
    expect(listed.find((c) => c.id === proactiveId)?.proactive).toBe(true);
    expect(listed.filter((c) => c.id !== proactiveId).every((c) => c.proactive === false)).toBe(true);
  });

  it('R11: a visitor who is not on the site cannot be started a proactive chat with', async () => {
    const agent = await onlineAgent(server);
    const guest = await visitor(server);
    await guest.socket.close();
    await eventually(async () => ((await agent.api.get('/visitors/live')).body.visitors.length === 0 ? true : undefined), 'the visitor gone from the live list');
    const res = await agent.api.post(`/visitors/${guest.session.visitorId}/conversations`, { clientId: crypto.randomUUID(), text: 'Oi?' });
    expect(res.status).toBe(404);
  });

  it('R11: the visitor panel shows the current page, referrer, browser and previous conversations', async () => {
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const agent = await onlineAgent(server, { queues: [queue.id] });
    const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0';
    const first = await visitor(server, { queue: queue.name, userAgent, page: { url: 'https://shop.example/', title: 'Loja' } });
    const old = await first.socket.say('primeira conversa');
    expect((await agent.api.post(`/conversations/${old.conversationId}/take`)).status).toBe(200);
    const reason = await wrapUpReason(server);
    expect((await agent.api.post(`/conversations/${old.conversationId}/close`, { reasonId: reason.id })).status).toBe(200);
    await first.socket.close();

    const back = await visitor(server, {
      token: first.session.token,
      queue: queue.name,
      userAgent,
      page: { url: 'https://shop.example/pedido/42', title: 'Pedido 42', referrer: 'https://mail.example/' },
    });
    const now = await back.socket.say('segunda conversa');
    expect(now.conversationId).not.toBe(old.conversationId);

    const panel = await agent.api.get(`/conversations/${now.conversationId}`);
    expect(panel.status).toBe(200);
    expect(panel.body.conversation.id).toBe(now.conversationId);
    expect(panel.body.visitor).toMatchObject({
      id: first.session.visitorId,
      currentPage: { url: 'https://shop.example/pedido/42', title: 'Pedido 42' },
      referrer: 'https://mail.example/',
      browser: userAgent,
      online: true,
    });
    expect(panel.body.visitor.previous.map((c: { id: string }) => c.id)).toEqual([old.conversationId]);
    expect(panel.body.visitor.previous[0]).toMatchObject({ status: 'closed', wrapUpReason: 'Resolved' });
  });
});

describe('priority, requester and labels', () => {
  it('priority, requester and labels are events in the timeline and filter the lists', async () => {
    const { holder, conversationId } = await heldConversation(server);
    expect((await holder.api.put(`/conversations/${conversationId}/priority`, { priority: 2 })).body.conversation.priority).toBe(2);
    const edited = await holder.api.put(`/conversations/${conversationId}/requester`, { name: 'Maria Silva', email: 'Maria@Example.com' });
    expect(edited.body.conversation).toMatchObject({ visitorName: 'Maria Silva', requesterEmail: 'maria@example.com' });
    expect((await holder.api.put(`/conversations/${conversationId}/labels`, { labels: ['VIP', 'billing', 'vip'] })).body.conversation.labels).toEqual(['vip', 'billing']);
    expect((await holder.api.put(`/conversations/${conversationId}/priority`, { priority: 9 })).status).toBe(400);

    const timeline = await holder.api.get(`/conversations/${conversationId}/events`);
    const kinds = timeline.body.events.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['priority_changed', 'requester_edited', 'labels_changed']));
    const admin = await adminApi(server);
    expect((await admin.get('/conversations?label=VIP')).body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect((await admin.get('/conversations?priority=2')).body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect((await admin.get('/conversations?priority=0')).body.conversations).toEqual([]);
  });
});

describe('issue 15: decline, hand-off note, wrap-up after a hand-over', () => {
  /** The `workflow.notice` frame an agent's console got for this conversation. */
  const notice = (agent: OnlineAgent, conversationId: string, outcome: string) =>
    agent.socket.next('workflow.notice', (f) => f.conversationId === conversationId && f.outcome === outcome);

  it('R6 (issue 15): the target declines a transfer: the request ends at once, the sender is told who declined, the holder keeps it', async () => {
    const { holder, conversationId } = await heldConversation(server);
    const target = await onlineAgent(server);
    expect((await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id })).status).toBe(200);
    await summary(target.socket, conversationId, (c) => c.request?.toAgentId === target.id);
    // Only the target declines.
    const bystander = await onlineAgent(server);
    expect((await bystander.api.post(`/conversations/${conversationId}/request/decline`)).status).toBe(404);

    const declined = await target.api.post(`/conversations/${conversationId}/request/decline`);
    expect(declined.status).toBe(204);
    const told = await notice(holder, conversationId, 'declined');
    expect(told).toMatchObject({ kind: 'transfer', by: target.name, to: target.name, wrapUp: false });
    expect(await stored(server, conversationId)).toMatchObject({ assignedAgentId: holder.id, request: null });
    expect((await storedEvent(server, conversationId, 'transfer_declined')).author.id).toBe(target.id);
    // Declined: it cannot be accepted any more (it left the target's sight), and a new transfer may be sent at once.
    expect((await target.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(404);
    expect((await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id })).status).toBe(200);
  });

  it('R7 (issue 15): the guest declines an invitation: the sender is told at once, nobody joins', async () => {
    const { holder, conversationId } = await heldConversation(server);
    const guest = await onlineAgent(server);
    expect((await holder.api.post(`/conversations/${conversationId}/conference`, { agentId: guest.id })).status).toBe(200);
    await summary(guest.socket, conversationId, (c) => c.request?.kind === 'conference');
    expect((await guest.api.post(`/conversations/${conversationId}/request/decline`)).status).toBe(204);
    expect(await notice(holder, conversationId, 'declined')).toMatchObject({ kind: 'conference', by: guest.name });
    expect(await stored(server, conversationId)).toMatchObject({ participants: [], request: null });
    await gone(guest.socket, conversationId);
  });

  it('R6 (issue 15): the hand-off note reaches the target and the agents\' timeline, never the visitor\'s socket', async () => {
    const { holder, conversationId, socket: visitorSocket } = await heldConversation(server);
    const target = await onlineAgent(server);
    const note = 'Cliente VIP: já enviei o código de rastreio';
    const asked = await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id, note });
    expect(asked.status).toBe(200);
    // The target's request card has it.
    await summary(target.socket, conversationId, (c) => c.request?.note === note);
    expect((await storedEvent(server, conversationId, 'transfer_requested')).data?.note).toBe(note);
    expect((await target.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(200);
    // The agents' event page has it; the visitor's page and socket never do.
    const page = await target.api.get(`/conversations/${conversationId}/events`);
    expect(page.body.events.find((e: { kind: string }) => e.kind === 'transfer_accepted').data.note).toBe(note);
    await send(target.socket, conversationId, 'Oi, sou o novo atendente');
    await visitorSocket.next('event', (f) => f.event.kind === 'message' && f.event.author.id === target.id);
    expectVisitorSafe(visitorSocket, conversationId);
    expect(JSON.stringify(visitorSocket.frames)).not.toContain('rastreio');
    visitorSocket.send({ type: 'watch', conversationId, afterSeq: 0 });
    const history = await visitorSocket.next('history', (f) => f.conversationId === conversationId);
    expect(JSON.stringify(history)).not.toContain('rastreio');
    // A note longer than the limit is bad input and changes nothing.
    const long = await target.api.post(`/conversations/${conversationId}/transfer`, { agentId: holder.id, note: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect((await stored(server, conversationId)).request).toBeNull();
  });

  it('R8 (issue 15): after its transfer is accepted the sender is asked for a wrap-up reason and records it once, though it no longer sees the conversation', async () => {
    const { holder, conversationId, socket: visitorSocket } = await heldConversation(server);
    const target = await onlineAgent(server);
    const reason = await wrapUpReason(server);
    // Nothing handed over yet: nothing to wrap up.
    expect((await holder.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: reason.id })).status).toBe(409);
    expect((await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id })).status).toBe(200);
    expect((await target.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(200);
    expect(await notice(holder, conversationId, 'accepted')).toMatchObject({ kind: 'transfer', by: target.name, wrapUp: true });
    await gone(holder.socket, conversationId);
    // The new holder is asked nothing.
    expect((await target.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: reason.id })).status).toBe(409);
    // A reason off the list is refused.
    expect((await holder.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: 'nope' })).status).toBe(400);

    expect((await holder.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: reason.id })).status).toBe(204);
    const wrapped = await storedEvent(server, conversationId, 'wrapped_up');
    expect(wrapped).toMatchObject({ author: { kind: 'agent', id: holder.id }, data: { reason: reason.label, after: 'transfer' } });
    // Once per part: a second answer stores nothing.
    expect((await holder.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: reason.id })).status).toBe(409);
    expect((await storedEvents(server, conversationId)).filter((e) => e.kind === 'wrapped_up')).toHaveLength(1);
    // The conversation is unchanged and still the target's; the visitor never hears of it.
    expect(await stored(server, conversationId)).toMatchObject({ assignedAgentId: target.id, status: 'open' });
    await send(target.socket, conversationId, 'Sigo aqui');
    await visitorSocket.next('event', (f) => f.event.kind === 'message' && f.event.author.id === target.id);
    expectVisitorSafe(visitorSocket, conversationId);
    // An agent that never had it cannot learn it exists.
    const stranger = await onlineAgent(server);
    expect((await stranger.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: reason.id })).status).toBe(404);
  });

  it('R8 (issue 15): an agent that leaves a conference is asked for a wrap-up reason for its part', async () => {
    const { holder, conversationId } = await heldConversation(server);
    const guest = await onlineAgent(server);
    const reason = await wrapUpReason(server);
    expect((await holder.api.post(`/conversations/${conversationId}/conference`, { agentId: guest.id })).status).toBe(200);
    expect((await guest.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(200);
    expect(await notice(holder, conversationId, 'accepted')).toMatchObject({ kind: 'conference', by: guest.name, wrapUp: false });
    expect((await guest.api.post(`/conversations/${conversationId}/leave`)).status).toBe(200);
    expect(await notice(guest, conversationId, 'left')).toMatchObject({ kind: 'conference', wrapUp: true });
    expect((await guest.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: reason.id })).status).toBe(204);
    expect((await storedEvent(server, conversationId, 'wrapped_up')).data).toMatchObject({ after: 'conference', reason: reason.label });
    // The holder, who stayed, owes nothing.
    expect((await holder.api.post(`/conversations/${conversationId}/wrap-up`, { reasonId: reason.id })).status).toBe(409);
  });
});
