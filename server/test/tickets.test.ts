/**
 * Tickets and the end of a chat against the real server (SPEC T3, T4, T5, R8; issue 4): "end conversation
 * and create ticket", the chamado linked to a conversation, agents' work on tickets (changes, notes,
 * replies e-mailed to a real SMTP server, search), the visitor's end-chat and rating.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Ticket, TicketEntry } from '../../shared/api';
import type { ConversationEvent } from '../../shared/protocol';
import {
  adminApi,
  createAgent,
  makeQueue,
  onlineAgent,
  send,
  stored,
  storedEvents,
  summary,
  visitor,
  visitorEvents,
  waitFrames,
  wrapUpReason,
  type Api,
  type OnlineAgent,
} from './agents';
import type { TestSocket } from './clients';
import { serverForEach, startTestServer } from './harness';
import { smtpPerFile } from './smtp';
import { allTickets, expectAnswer, rate, request, supportQueueId, uniqueEmail } from './tickets-helpers';

const smtp = smtpPerFile();
const server = serverForEach(() => ({ env: smtp.env }));

/** An agent of the Support queue (the demo site's default) holding a visitor's conversation, with a reply. */
async function heldConversation(options: { role?: 'agent' | 'supervisor' } = {}) {
  const agent = await onlineAgent(server, { queues: [await supportQueueId(server)], ...(options.role ? { role: options.role } : {}) });
  const v = await visitor(server);
  const { conversationId } = await v.socket.say('Meu pedido chegou quebrado');
  await summary(agent.socket, conversationId);
  expect((await agent.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);
  expect((await send(agent.socket, conversationId, 'Sinto muito! Vou verificar.')).type).toBe('ack');
  await watch(agent, conversationId);
  return { agent, visitor: v, conversationId };
}

/**
 * The event of this kind a socket received for the conversation, live or in a history frame; waits for it.
 * Agents get events of the conversations they `watch` (the console's open conversation), see `watch`.
 */
function eventOf(socket: TestSocket, conversationId: string, kind: string): Promise<ConversationEvent> {
  return waitFrames(socket, () => visitorEvents(socket, conversationId).find((e) => e.kind === kind), `a ${kind} event of ${conversationId}`);
}

/** An agent opens the conversation in the console: a history frame, then its live events (SPEC D5). */
async function watch(agent: OnlineAgent, conversationId: string): Promise<void> {
  agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
  await agent.socket.next('history', (f) => f.conversationId === conversationId);
}

describe('T3 end conversation and create ticket', () => {
  it('T3: the holder ends the chat with a ticket: closed with reason "Ticket #N", a ticket linked to it, assigned to the agent, with the transcript', async () => {
    const { agent, visitor: v, conversationId } = await heldConversation();
    expect((await send(agent.socket, conversationId, 'nota: cliente VIP', { note: true })).type).toBe('ack');

    const res = await agent.api.post(`/conversations/${conversationId}/end-with-ticket`, { subject: 'Troca de produto quebrado', type: 'problem', priority: 2 });

    expect(res.status).toBe(200);
    const ticket = res.body.ticket as Ticket;
    expect(ticket).toMatchObject({
      conversationId,
      source: 'agent',
      status: 'open',
      type: 'problem',
      priority: 2,
      subject: 'Troca de produto quebrado',
      assigneeId: agent.id,
      assigneeName: agent.name,
      requester: { visitorId: v.session.visitorId },
    });
    expect(res.body.conversation).toMatchObject({ id: conversationId, status: 'closed', wrapUpReason: `Ticket #${ticket.number}` });

    // The agent sees why it closed; the visitor sees the ticket's number, and no wrap-up detail.
    const closed = await eventOf(agent.socket, conversationId, 'closed');
    expect(closed.data).toEqual({ reason: `Ticket #${ticket.number}` });
    expect((await eventOf(agent.socket, conversationId, 'ticket_created')).data).toMatchObject({ number: ticket.number });
    expect((await eventOf(v.socket, conversationId, 'ticket_created')).data).toMatchObject({ number: ticket.number });
    expect(await eventOf(v.socket, conversationId, 'closed')).not.toHaveProperty('data');
    const kinds = (await storedEvents(server, conversationId)).map((e) => e.kind);
    expect(kinds.slice(-2)).toEqual(['ticket_created', 'closed']);

    const linked = await agent.api.get(`/tickets?conversation=${conversationId}`);
    expect(linked.body.tickets.map((t: Ticket) => t.id)).toEqual([ticket.id]);
    const detail = await agent.api.get(`/tickets/${ticket.id}`);
    const texts = (detail.body.transcript as ConversationEvent[]).filter((e) => e.kind === 'message' || e.kind === 'note').map((e) => e.text);
    expect(texts).toEqual(['Meu pedido chegou quebrado', 'Sinto muito! Vou verificar.', 'nota: cliente VIP']);

    // One step: asking again finds a closed chat and makes no second ticket.
    const again = await agent.api.post(`/conversations/${conversationId}/end-with-ticket`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conversation_closed');
    expect(await allTickets(server)).toHaveLength(1);
  });

  it('T3: without a subject the ticket takes the first message; a supervisor who does not hold the chat may end it too', async () => {
    const { conversationId } = await heldConversation();
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const res = await supervisor.api.post(`/conversations/${conversationId}/end-with-ticket`, {});
    expect(res.status).toBe(200);
    expect(res.body.ticket).toMatchObject({ subject: 'Meu pedido chegou quebrado', type: 'question', assigneeId: supervisor.id, conversationId });
    expect((await stored(server, conversationId)).status).toBe('closed');
  });

  type Caller = (ctx: { holder: OnlineAgent; conversationId: string; waitingId: string }) => Promise<Api>;
  const guest: Caller = async ({ holder, conversationId }) => {
    const agent = await onlineAgent(server);
    expect((await holder.api.post(`/conversations/${conversationId}/conference`, { agentId: agent.id })).status).toBe(200);
    expect((await agent.api.post(`/conversations/${conversationId}/request/accept`)).status).toBe(200);
    return agent.api;
  };
  const member: Caller = async () => (await onlineAgent(server, { queues: [await supportQueueId(server)] })).api;
  const outsider: Caller = async () => (await createAgent(server, { queues: [(await makeQueue(server)).id] })).api;
  const refusals: Array<[string, number, string, 'held' | 'waiting', Caller]> = [
    ['a plain agent who joined it as a conference guest (sees it, does not hold it)', 403, 'not_holder', 'held', guest],
    ['a plain agent of the queue on a chat nobody holds yet', 403, 'not_holder', 'waiting', member],
    // R10: another agent's conversation is not in a plain agent's sight, so its existence is not revealed.
    ['a plain agent of the queue on a chat another agent holds', 404, 'conversation_not_found', 'held', member],
    ['an agent of another queue', 404, 'conversation_not_found', 'held', outsider],
  ];

  it.each(refusals)('T3: %s is refused (%d %s) and nothing changes', async (_name, status, code, which, who) => {
    const { agent: holder, conversationId } = await heldConversation();
    const waiting = await visitor(server);
    const { conversationId: waitingId } = await waiting.socket.say('Ninguém me atendeu ainda');
    const target = which === 'held' ? conversationId : waitingId;
    const caller = await who({ holder, conversationId, waitingId });
    const before = await stored(server, target);

    const res = await caller.post(`/conversations/${target}/end-with-ticket`, { subject: 'Não pode' });

    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await allTickets(server)).toEqual([]);
    const after = await stored(server, target);
    expect(after.status).toBe('open');
    expect(after.lastSeq).toBe(before.lastSeq);
  });

  it('T3: a chamado (POST /tickets with conversationId) is linked, listed by GET /tickets?conversation=id in every status, and leaves the chat open', async () => {
    const { agent, visitor: v, conversationId } = await heldConversation();
    const res = await agent.api.post('/tickets', {
      subject: 'Trocar produto',
      description: 'Cliente quer troca; enviar etiqueta.',
      type: 'task',
      status: 'pending',
      conversationId,
    });
    expect(res.status).toBe(201);
    const ticket = res.body.ticket as Ticket;
    expect(ticket).toMatchObject({
      conversationId,
      source: 'agent',
      type: 'task',
      status: 'pending',
      description: 'Cliente quer troca; enviar etiqueta.',
      assigneeId: agent.id,
      requester: { visitorId: v.session.visitorId },
    });
    const other = await agent.api.post('/tickets', { subject: 'Outro assunto' });
    expect(other.status).toBe(201);
    expect(other.body.ticket.conversationId).toBeNull();

    const linked = await agent.api.get(`/tickets?conversation=${conversationId}`);
    expect(linked.status).toBe(200);
    expect(linked.body.tickets.map((t: Ticket) => t.id)).toEqual([ticket.id]);
    // Solved, it leaves the default list (open and pending) but stays in the conversation's panel.
    expect((await agent.api.patch(`/tickets/${ticket.id}`, { status: 'solved' })).status).toBe(200);
    expect((await agent.api.get('/tickets')).body.tickets.map((t: Ticket) => t.id)).toEqual([other.body.ticket.id]);
    expect((await agent.api.get(`/tickets?conversation=${conversationId}`)).body.tickets.map((t: Ticket) => t.id)).toEqual([ticket.id]);

    const c = await stored(server, conversationId);
    expect(c.status).toBe('open');
    expect(c.assignedAgentId).toBe(agent.id);
    expect((await send(agent.socket, conversationId, 'Abri o chamado para você')).type).toBe('ack');
  });

  it('T3/T7: a chamado about a conversation the agent cannot see answers conversation_not_found; a bad body invalid_request; nothing is stored', async () => {
    const { conversationId } = await heldConversation();
    const outsider = await createAgent(server, { queues: [(await makeQueue(server)).id] });
    const hidden = await outsider.api.post('/tickets', { subject: 'Espiar', conversationId });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('conversation_not_found');
    for (const body of [{}, { subject: '' }, { subject: 'x'.repeat(201) }, { subject: 'ok', status: 'deleted' }, { subject: 'ok', priority: 9 }]) {
      const res = await outsider.api.post('/tickets', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    const badEmail = await outsider.api.post('/tickets', { subject: 'ok', requesterEmail: 'não é e-mail' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.code).toMatch(/^invalid_(email|request)$/);
    expect(await allTickets(server)).toEqual([]);
  });
});

describe('T4 working a ticket', () => {
  /** A ticket an agent made for a requester with an e-mail address. */
  async function ticketFor(api: Api, subject = 'Segunda via do boleto', email = uniqueEmail('cliente')): Promise<Ticket> {
    const res = await api.post('/tickets', { subject, description: 'Venceu ontem', requesterName: 'Cliente', requesterEmail: email });
    if (res.status !== 201) throw new Error(`could not create a ticket: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.ticket;
  }

  async function entriesOf(api: Api, id: string): Promise<TicketEntry[]> {
    const res = await api.get(`/tickets/${id}`);
    expect(res.status).toBe(200);
    return res.body.entries;
  }

  it('T4: numbers go 1, 2, 3 across the server; PATCH status, type and priority are one change entry with only what changed', async () => {
    const agent = await createAgent(server);
    const numbers = [];
    for (const subject of ['a', 'b', 'c']) numbers.push((await ticketFor(agent.api, subject)).number);
    expect(numbers).toEqual([1, 2, 3]);
    const ticket = await ticketFor(agent.api);

    const res = await agent.api.patch(`/tickets/${ticket.id}`, { status: 'pending', type: 'incident', priority: 3 });
    expect(res.status).toBe(200);
    expect(res.body.ticket).toMatchObject({ status: 'pending', type: 'incident', priority: 3 });
    expect(res.body.ticket.updatedAt).toBeGreaterThanOrEqual(ticket.updatedAt);
    // The same values again change nothing and write no entry; one new value writes one.
    expect((await agent.api.patch(`/tickets/${ticket.id}`, { status: 'pending', type: 'incident' })).status).toBe(200);
    expect((await agent.api.patch(`/tickets/${ticket.id}`, { status: 'solved', type: 'incident' })).status).toBe(200);

    const changes = (await entriesOf(agent.api, ticket.id)).filter((e) => e.kind === 'change');
    expect(changes.map((e) => e.data)).toEqual([{ status: 'pending', type: 'incident', priority: 3 }, { status: 'solved' }]);
    expect(changes.every((e) => e.authorId === agent.id && e.authorName === agent.name)).toBe(true);

    for (const body of [{ status: 'archived' }, { type: 'bug' }, { priority: 7 }, { subject: '' }]) {
      const bad = await agent.api.patch(`/tickets/${ticket.id}`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
    }
    expect((await agent.api.get(`/tickets/${ticket.id}`)).body.ticket).toMatchObject({ status: 'solved', type: 'incident', priority: 3 });
  });

  it('T4, issue 15: GET /tickets/:n reads a ticket by its number too (the console\'s /console/tickets/:n); an unknown number is ticket_not_found', async () => {
    const agent = await createAgent(server);
    await ticketFor(agent.api, 'primeiro');
    const ticket = await ticketFor(agent.api, 'segundo');
    await agent.api.post(`/tickets/${ticket.id}/notes`, { text: 'Nota pelo id' });
    const byNumber = await agent.api.get(`/tickets/${ticket.number}`);
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.ticket).toMatchObject({ id: ticket.id, number: ticket.number, subject: 'segundo' });
    expect((byNumber.body.entries as TicketEntry[]).map((e) => e.text)).toContain('Nota pelo id');
    const missing = await agent.api.get('/tickets/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ticket_not_found');
  });

  it('T4: an agent may assign a ticket only to itself (forbidden otherwise); a supervisor may assign anyone', async () => {
    const agent = await createAgent(server, { name: 'Bruno' });
    const colleague = await createAgent(server, { name: 'Carla' });
    const supervisor = await createAgent(server, { role: 'supervisor', name: 'Sara' });
    const ticket = await ticketFor(supervisor.api);

    const mine = await agent.api.patch(`/tickets/${ticket.id}`, { assigneeId: agent.id });
    expect(mine.status).toBe(200);
    expect(mine.body.ticket).toMatchObject({ assigneeId: agent.id, assigneeName: 'Bruno' });

    const theirs = await agent.api.patch(`/tickets/${ticket.id}`, { assigneeId: colleague.id });
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.code).toBe('forbidden');
    expect((await agent.api.get(`/tickets/${ticket.id}`)).body.ticket.assigneeId).toBe(agent.id);

    const steered = await supervisor.api.patch(`/tickets/${ticket.id}`, { assigneeId: colleague.id });
    expect(steered.status).toBe(200);
    expect(steered.body.ticket).toMatchObject({ assigneeId: colleague.id, assigneeName: 'Carla' });
    const nobody = await supervisor.api.patch(`/tickets/${ticket.id}`, { assigneeId: randomUUID() });
    expect(nobody.status).toBe(404);

    expect((await agent.api.get(`/tickets?assignee=${colleague.id}`)).body.tickets.map((t: Ticket) => t.id)).toEqual([ticket.id]);
    const changes = (await entriesOf(agent.api, ticket.id)).filter((e) => e.kind === 'change');
    expect(changes.map((e) => [e.authorName, e.data?.assigneeId])).toEqual([
      ['Bruno', agent.id],
      ['Sara', colleague.id],
    ]);
  });

  it('T4/T8: notes and replies are entries in order; a reply is e-mailed to the requester (emailed true) and an open ticket becomes pending', async () => {
    const agent = await createAgent(server, { name: 'Bruno' });
    const email = uniqueEmail('requerente');
    const ticket = await ticketFor(agent.api, 'Segunda via do boleto', email);

    expect((await agent.api.post(`/tickets/${ticket.id}/notes`, { text: 'Verificar no financeiro' })).status).toBe(200);
    const replied = await agent.api.post(`/tickets/${ticket.id}/replies`, { text: 'Olá! Segue a segunda via em anexo.' });
    expect(replied.status).toBe(200);
    expect(replied.body.ticket.status).toBe('pending');
    expect((await agent.api.post(`/tickets/${ticket.id}/notes`, { text: 'Enviado; aguardar retorno' })).status).toBe(200);

    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.to).toEqual([email]);
    // SPEC L5: the ticket's number and the site, never its subject (a visitor may have written it).
    expect(mail.subject).toBe(`Re: Seu chamado #${ticket.number} — Demo site`);
    expect(mail.text).toContain('Olá! Segue a segunda via em anexo.');
    expect(mail.text).toContain('Bruno');
    expect(mail.text).not.toContain('financeiro'); // notes stay internal

    const entries = (await entriesOf(agent.api, ticket.id)).filter((e) => e.kind !== 'change');
    expect(entries.map((e) => [e.kind, e.text, e.emailed])).toEqual([
      ['note', 'Verificar no financeiro', null],
      ['reply', 'Olá! Segue a segunda via em anexo.', true],
      ['note', 'Enviado; aguardar retorno', null],
    ]);
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort((a, b) => a - b));
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1);

    for (const path of ['notes', 'replies']) {
      const empty = await agent.api.post(`/tickets/${ticket.id}/${path}`, { text: '   ' });
      expect(empty.status).toBe(400);
    }
  });

  it('T4/T8: a reply to a ticket without a requester e-mail is stored with emailed false and sends nothing', async () => {
    const agent = await createAgent(server);
    const ticket = (await agent.api.post('/tickets', { subject: 'Sem e-mail' })).body.ticket as Ticket;
    const before = smtp.messages.length;
    expect((await agent.api.post(`/tickets/${ticket.id}/replies`, { text: 'Resposta' })).status).toBe(200);
    const [reply] = (await entriesOf(agent.api, ticket.id)).filter((e) => e.kind === 'reply');
    expect(reply).toMatchObject({ text: 'Resposta', emailed: false });
    expect(smtp.messages.length).toBe(before);
  });

  it('T4/T8: without SMTP_URL the server runs, and a reply entry has emailed false', async () => {
    const quiet = await startTestServer();
    try {
      const agent = await createAgent(quiet);
      const email = uniqueEmail('sem-smtp');
      const ticket = (await agent.api.post('/tickets', { subject: 'Sem SMTP', requesterEmail: email })).body.ticket as Ticket;
      const res = await agent.api.post(`/tickets/${ticket.id}/replies`, { text: 'Respondido sem e-mail' });
      expect(res.status).toBe(200);
      const [reply] = ((await agent.api.get(`/tickets/${ticket.id}`)).body.entries as TicketEntry[]).filter((e) => e.kind === 'reply');
      expect(reply).toMatchObject({ text: 'Respondido sem e-mail', emailed: false });
      expect(smtp.messages.some((m) => m.to.includes(email))).toBe(false);
      expect(quiet.problems).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });

  it('T4: GET /tickets?q= finds by subject (any case), requester e-mail and number', async () => {
    const agent = await createAgent(server);
    const boleto = await ticketFor(agent.api, 'Segunda via do boleto', 'joana.lima@example.com');
    const entrega = await ticketFor(agent.api, 'Devolução da entrega atrasada', 'pedro.souza@example.com');
    const ids = async (q: string) => ((await agent.api.get(`/tickets?q=${encodeURIComponent(q)}`)).body.tickets as Ticket[]).map((t) => t.id);

    expect(await ids('boleto')).toEqual([boleto.id]);
    expect(await ids('SEGUNDA VIA')).toEqual([boleto.id]);
    expect(await ids('DEVOLUÇÃO')).toEqual([entrega.id]);
    expect(await ids('pedro.souza@example.com')).toEqual([entrega.id]);
    expect(await ids('joana')).toEqual([boleto.id]);
    expect(await ids(String(entrega.number))).toEqual([entrega.id]);
    expect(await ids(`#${boleto.number}`)).toEqual([boleto.id]);
    expect(await ids('nada disso')).toEqual([]);
    expect((await agent.api.get(`/tickets?q=${'x'.repeat(201)}`)).status).toBe(400);
  });

  it('T4, S3: in a mask site GET /tickets?q= does not find a ticket by a masked value, only by what agents read', async () => {
    const agent = await createAgent(server);
    const admin = await adminApi(server);
    const site = (await server.papo.store.sites.byKey(server.siteKey))!;
    expect((await admin.put(`/sites/${site.id}/masking`, { mode: 'mask' })).status).toBe(200);
    const created = await agent.api.post('/tickets', { subject: 'Estorno do cartão', description: 'Cartão 4111111111111111 cobrado duas vezes', requesterEmail: 'rita.melo@example.com' });
    expect(created.status).toBe(201);
    const ticket = created.body.ticket as Ticket;
    const ids = async (q: string) => ((await agent.api.get(`/tickets?q=${encodeURIComponent(q)}`)).body.tickets as Ticket[]).map((t) => t.id);

    expect(await ids('estorno cartao')).toEqual([ticket.id]);
    expect(await ids(`#${ticket.number}`)).toEqual([ticket.id]);
    expect(await ids('4111111111111111')).toEqual([]);
    expect(await ids('4111111')).toEqual([]);
    expect(await ids('rita.melo@example.com')).toEqual([]);
  });

  it('T4/T7: a ticket id that does not exist answers 404 ticket_not_found on every route, and nothing is written', async () => {
    const agent = await createAgent(server);
    const missing = randomUUID();
    const calls: Array<[string, () => Promise<{ status: number; body: any }>]> = [
      ['GET', () => agent.api.get(`/tickets/${missing}`)],
      ['PATCH', () => agent.api.patch(`/tickets/${missing}`, { status: 'solved' })],
      ['notes', () => agent.api.post(`/tickets/${missing}/notes`, { text: 'nota' })],
      ['replies', () => agent.api.post(`/tickets/${missing}/replies`, { text: 'resposta' })],
    ];
    for (const [name, call] of calls) {
      const res = await call();
      expect(res.status, name).toBe(404);
      expect(res.body.error.code, name).toBe('ticket_not_found');
    }
    expect(await allTickets(server)).toEqual([]);
    expect(await server.papo.store.tickets.entries(missing)).toEqual([]);
  });

  it('T4: ticket routes need a signed-in agent', async () => {
    const res = await fetch(`${server.url}/api/v1/tickets`, { headers: { origin: server.origin } });
    expect(res.status).toBe(401);
  });
});

describe('R8/T5 the visitor ends the chat and rates it', () => {
  it('R8/T5: rating before the end is not_ended; conversation.end makes it ended; the rating is done and the agent sees rated with its data; a second is conflict', async () => {
    const { agent, visitor: v, conversationId } = await heldConversation();

    const early = expectAnswer(await rate(v.socket, conversationId, 5), 'error');
    expect(early.code).toBe('not_ended');

    v.socket.send({ type: 'conversation.end', conversationId });
    await eventOf(v.socket, conversationId, 'ended_by_visitor');
    await eventOf(agent.socket, conversationId, 'ended_by_visitor');
    expect((await stored(server, conversationId)).status).toBe('ended');

    // It can no longer be written into; the next message starts a new conversation (R8, C3).
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, conversationId, text: 'mais uma coisa' });
    expect(await v.socket.next('error', (f) => f.clientId === clientId)).toMatchObject({ code: 'conversation_closed' });

    const done = expectAnswer(await rate(v.socket, conversationId, 4, '  Atendimento rápido  '), 'done');
    expect(done.type).toBe('done');
    const rated = await eventOf(agent.socket, conversationId, 'rated');
    expect(rated.data).toEqual({ score: 4, comment: 'Atendimento rápido' });
    expect(rated.author).toMatchObject({ kind: 'visitor', id: v.session.visitorId });
    expect((await eventOf(v.socket, conversationId, 'rated')).data).toEqual({ score: 4, comment: 'Atendimento rápido' });

    const second = expectAnswer(await rate(v.socket, conversationId, 1, 'mudei de ideia'), 'error');
    expect(second.code).toBe('conflict');
    expect((await storedEvents(server, conversationId)).filter((e) => e.kind === 'rated')).toHaveLength(1);

    // The agent still wraps it up afterwards.
    const reason = await wrapUpReason(server);
    expect((await agent.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id })).status).toBe(200);

    const next = await v.socket.say('Outra dúvida');
    expect(next.conversationId).not.toBe(conversationId);
  });

  it('T5: another visitor cannot rate or end the conversation (conversation_not_found); bad scores and comments are invalid_frame', async () => {
    const { visitor: v, conversationId } = await heldConversation();
    v.socket.send({ type: 'conversation.end', conversationId });
    await eventOf(v.socket, conversationId, 'ended_by_visitor');

    const stranger = await visitor(server);
    expect(expectAnswer(await rate(stranger.socket, conversationId, 5), 'error').code).toBe('conversation_not_found');
    stranger.socket.send({ type: 'conversation.end', conversationId });
    expect((await stranger.socket.next('error')).code).toBe('conversation_not_found');

    for (const [score, comment] of [[0, undefined], [6, undefined], [2.5, undefined], [5, 'x'.repeat(1001)]] as const) {
      const answer = expectAnswer(await rate(v.socket, conversationId, score, comment), 'error');
      expect(answer.code, `score ${score}`).toBe('invalid_frame');
    }
    expect((await storedEvents(server, conversationId)).filter((e) => e.kind === 'rated')).toEqual([]);
    expect(expectAnswer(await rate(v.socket, conversationId, 3), 'done').type).toBe('done');
  });

  it('R8/T5: without an agent, conversation.end closes at once; a conversation an agent closed may be rated too', async () => {
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Deixa pra lá');
    v.socket.send({ type: 'conversation.end', conversationId });
    await eventOf(v.socket, conversationId, 'ended_by_visitor');
    await eventOf(v.socket, conversationId, 'closed');
    expect((await stored(server, conversationId)).status).toBe('closed');
    expect(expectAnswer(await rate(v.socket, conversationId, 2), 'done').type).toBe('done');

    const held = await heldConversation();
    const reason = await wrapUpReason(server);
    expect((await held.agent.api.post(`/conversations/${held.conversationId}/close`, { reasonId: reason.id })).status).toBe(200);
    await eventOf(held.visitor.socket, held.conversationId, 'closed');
    expect(expectAnswer(await rate(held.visitor.socket, held.conversationId, 5, 'Resolvido'), 'done').type).toBe('done');
    expect((await eventOf(held.agent.socket, held.conversationId, 'rated')).data).toEqual({ score: 5, comment: 'Resolvido' });
  });

  it('T5/C4: two tabs rating at the same instant store one rating: one done, one conflict', async () => {
    const { visitor: v, conversationId } = await heldConversation();
    v.socket.send({ type: 'conversation.end', conversationId });
    await eventOf(v.socket, conversationId, 'ended_by_visitor');
    const tabs = [v, await visitor(server, { token: v.session.token }), await visitor(server, { token: v.session.token })];

    const answers = await Promise.all(tabs.map((tab, i) => rate(tab.socket, conversationId, i + 3)));

    expect(answers.map((a) => (a.type === 'error' ? a.code : a.type)).sort()).toEqual(['conflict', 'conflict', 'done']);
    expect((await storedEvents(server, conversationId)).filter((e) => e.kind === 'rated')).toHaveLength(1);
  });

  it('T5: an agent socket may not rate (forbidden), and conversation.end from an agent is forbidden', async () => {
    const { agent, conversationId } = await heldConversation();
    const answer = await request(agent.socket, { type: 'conversation.rate', clientId: randomUUID(), conversationId, score: 5 });
    expect(expectAnswer(answer, 'error').code).toBe('forbidden');
    agent.socket.send({ type: 'conversation.end', conversationId });
    await waitFrames(agent.socket, (frames) => frames.find((f) => f.type === 'error' && f.code === 'forbidden' && f.clientId === undefined), 'forbidden');
    expect((await stored(server, conversationId)).status).toBe('open');
  });
});

