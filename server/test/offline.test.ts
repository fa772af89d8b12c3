/**
 * The offline fallback against the real server (SPEC T1, T2, T7; issue 4): what the visitor's welcome and
 * `availability` frames say about who can answer, the leave-a-message form (`ticket.create`) and its bad
 * input, and waiting chats that become tickets. E-mail goes to a real SMTP server started here.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteTicketing, Ticket } from '../../shared/api';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS } from '../../shared/limits';
import { localTime } from '../domain/business-hours';
import {
  adminApi,
  createAgent,
  gone,
  onlineAgent,
  routed,
  storedEvent,
  stored,
  summary,
  visitor,
  visitorEvents,
  waitFrames,
  wrapUpReason,
  type OnlineAgent,
} from './agents';
import { expectStillServing, openAgent, type TestSocket } from './clients';
import { serverForAll, serverForEach, startTestServer, type TestServer } from './harness';
import { smtpPerFile } from './smtp';
import { allTickets, createTicket, expectAnswer, setTicketing, supportQueueId, uniqueEmail } from './tickets-helpers';

const smtp = smtpPerFile();

/** The next `availability` frame this visitor gets: the changes come one by one, in order. */
async function nextAvailability(socket: TestSocket): Promise<boolean> {
  return (await socket.next('availability', () => true, 10_000)).online;
}

/** Every ticket linked to a conversation (any status). */
async function ticketOf(server: TestServer, conversationId: string): Promise<Ticket | undefined> {
  return (await allTickets(server)).find((t) => t.conversationId === conversationId);
}

describe('T1 whether someone can answer', () => {
  const server = serverForEach(() => ({ env: smtp.env }));

  it('T1: with no agent online the welcome says offline and carries the form: name, then e-mail and message (required)', async () => {
    const { session } = await visitor(server);
    expect(session.site.online).toBe(false);
    expect(session.site.offlineFields).toEqual([
      expect.objectContaining({ key: 'name', type: 'text', required: false }),
      expect.objectContaining({ key: 'email', type: 'email', required: true }),
      expect.objectContaining({ key: 'message', type: 'textarea', required: true }),
    ]);
    expect(server.problems).toEqual([]);
  });

  it('T1: an agent of the queue going Available flips it with an availability frame, Unavailable back, Available again', async () => {
    const support = await supportQueueId(server);
    const agent = await createAgent(server, { queues: [support] });
    // Chosen Unavailable before its console connects: connecting does not make it someone who can answer.
    expect((await agent.api.put('/me/availability', { state: 'unavailable' })).status).toBe(200);
    const v = await visitor(server);
    expect(v.session.site.online).toBe(false);
    await openAgent(server, agent.cookie);
    await routed(server);

    await agent.api.put('/me/availability', { state: 'available' });
    expect(await nextAvailability(v.socket)).toBe(true);
    await agent.api.put('/me/availability', { state: 'unavailable' });
    expect(await nextAvailability(v.socket)).toBe(false);
    await agent.api.put('/me/availability', { state: 'available' });
    expect(await nextAvailability(v.socket)).toBe(true);
    // A new visitor's welcome says so at once.
    expect((await visitor(server)).session.site.online).toBe(true);
    // Only changes are told: three flips, three frames.
    expect(v.socket.all('availability').map((f) => f.online)).toEqual([true, false, true]);
  });

  it('T1: an agent of another queue does not count; the last agent closing its console makes it offline', async () => {
    const other = await (await adminApi(server)).post('/queues', { name: 'Vendas', strategy: 'broadcast', offerTimeoutMs: 30_000, agentIds: [] });
    const outsider = await onlineAgent(server, { queues: [other.body.queue.id] });
    const v = await visitor(server);
    expect(v.session.site.online).toBe(false);

    const member = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    expect(await nextAvailability(v.socket)).toBe(true);
    await member.socket.close();
    expect(await nextAvailability(v.socket)).toBe(false);
    expect(outsider.socket.ws.readyState).toBe(outsider.socket.ws.OPEN);
  });

  it('T1: an agent at capacity counts as offline; closing a conversation gives it room again', async () => {
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)], capacity: 1 });
    const first = await visitor(server);
    expect(first.session.site.online).toBe(true);
    const { conversationId } = await first.socket.say('Oi, tem alguém aí?');
    const watcher = await visitor(server);
    expect(watcher.session.site.online).toBe(true);

    expect((await agent.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);
    expect(await nextAvailability(watcher.socket)).toBe(false);
    expect((await visitor(server)).session.site.online).toBe(false);

    const reason = await wrapUpReason(server);
    expect((await agent.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id })).status).toBe(200);
    expect(await nextAvailability(watcher.socket)).toBe(true);
  });

  it("T1: outside the site's business hours (no ranges on the current local day) it is offline even with an agent Available", async () => {
    await onlineAgent(server, { queues: [await supportQueueId(server)] });
    const v = await visitor(server);
    expect(v.session.site.online).toBe(true);

    const timeZone = 'America/Sao_Paulo';
    const today = localTime(Date.now(), timeZone).day;
    const allDay: SiteTicketing['businessHours'] = { timeZone, days: {} };
    for (const day of ['0', '1', '2', '3', '4', '5', '6'] as const) allDay.days[day] = [['00:00', '24:00']];
    const closedToday: SiteTicketing['businessHours'] = { timeZone, days: { ...allDay.days, [today]: [] } };

    // Open all day today: nothing changes.
    await setTicketing(server, { businessHours: allDay, ticketWhenNoAgents: false });
    expect((await visitor(server)).session.site.online).toBe(true);

    await setTicketing(server, { businessHours: closedToday, ticketWhenNoAgents: false });
    expect(await nextAvailability(v.socket)).toBe(false);
    expect((await visitor(server)).session.site.online).toBe(false);

    // No hours at all: always open again.
    await setTicketing(server, { businessHours: null, ticketWhenNoAgents: false });
    expect(await nextAvailability(v.socket)).toBe(true);
  });

  it('T1: a valid form answers a ticket frame with its number; the ticket (source offline_form) is listed and the requester gets a confirmation naming #number', async () => {
    const v = await visitor(server);
    expect(v.session.site.online).toBe(false);
    const email = uniqueEmail('maria');
    const clientId = randomUUID();

    const answer = expectAnswer(
      await createTicket(v.socket, { name: '  Maria Silva ', email: email.toUpperCase(), message: 'Preciso da segunda via do boleto\nVenceu ontem.' }, clientId),
      'ticket',
    );

    expect(answer).toEqual({ type: 'ticket', clientId, number: expect.any(Number) });
    expect(answer.number).toBe(1); // the server's first ticket (SPEC T4: 1, 2, 3...)
    const listed = (await (await adminApi(server)).get('/tickets')).body.tickets as Ticket[];
    expect(listed).toEqual([
      expect.objectContaining({
        number: answer.number,
        source: 'offline_form',
        status: 'open',
        subject: 'Preciso da segunda via do boleto',
        description: 'Preciso da segunda via do boleto\nVenceu ontem.',
        requester: { name: 'Maria Silva', email, visitorId: v.session.visitorId },
        conversationId: null,
        assigneeId: null,
      }),
    ]);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toContain(`#${answer.number}`);
    expect(mail.text).toContain(`#${answer.number}`);
    // SPEC L5: to an address nobody vouched for, the confirmation does not quote what the form said.
    expect(mail.text).not.toContain('Preciso da segunda via do boleto');
    expect(mail.from).toBe('papo@example.com');
    // No conversation was started by the form.
    expect(await server.papo.store.conversations.list({ limit: 100 })).toEqual([]);
  });

  it("T1: the site's own form fields come in the welcome and the ticket's description; a required one of them is enforced", async () => {
    await setTicketing(server, {
      ticketWhenNoAgents: false,
      offlineFields: [
        { key: 'name', label: 'Nome', type: 'text', required: true },
        { key: 'phone', label: 'Telefone', type: 'tel', required: true },
        { key: 'order', label: 'Pedido', type: 'text', required: false },
      ],
    });
    const v = await visitor(server);
    expect(v.session.site.offlineFields.map((f) => [f.key, f.required])).toEqual([
      ['name', true],
      ['phone', true],
      ['order', false],
      ['email', true],
      ['message', true],
    ]);

    const missing = expectAnswer(await createTicket(v.socket, { name: 'João', email: uniqueEmail(), message: 'Oi' }), 'error');
    expect(missing.code).toBe('field_required');
    expect(await allTickets(server)).toEqual([]);

    const email = uniqueEmail();
    const ok = expectAnswer(await createTicket(v.socket, { name: 'João', phone: '+55 11 99999-0000', order: '', email, message: 'Cadê meu pedido?' }), 'ticket');
    const [ticket] = await allTickets(server);
    expect(ticket).toMatchObject({ number: ok.number, requester: { name: 'João', email } });
    expect(ticket!.description).toBe('Cadê meu pedido?\n\nTelefone: +55 11 99999-0000');
  });
});

describe('T7 bad input on the form', () => {
  const server = serverForAll(() => ({ env: smtp.env }));
  /** An honest visitor and agent who keep chatting while others misbehave. */
  let bystander: { visitor: Awaited<ReturnType<typeof visitor>>; agent: Awaited<ReturnType<typeof openAgent>>; conversationId: string };

  beforeAll(async () => {
    const v = await visitor(server);
    const agent = await openAgent(server);
    const { conversationId } = await v.socket.say('estou aqui desde o início');
    bystander = { visitor: v, agent, conversationId };
  });
  afterEach(() => expectStillServing(server, bystander));

  const good = () => ({ name: 'Ana', email: uniqueEmail(), message: 'Quero falar com alguém' });
  const manyFields = () => Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x']));

  const cases: Array<[string, string, () => unknown]> = [
    ['a missing e-mail', 'field_required', () => ({ name: 'Ana', message: 'Oi' })],
    ['a blank e-mail', 'field_required', () => ({ email: '   ', message: 'Oi' })],
    ['an e-mail without a domain', 'invalid_email', () => ({ email: 'ana@', message: 'Oi' })],
    ['an e-mail with a space', 'invalid_email', () => ({ email: 'ana silva@example.com', message: 'Oi' })],
    [`an e-mail over ${MAX_EMAIL_CHARS} characters`, 'invalid_email', () => ({ email: `${'a'.repeat(MAX_EMAIL_CHARS)}@example.com`, message: 'Oi' })],
    ['a missing message', 'field_required', () => ({ name: 'Ana', email: uniqueEmail() })],
    ['a blank message', 'field_required', () => ({ email: uniqueEmail(), message: ' \n\t ' })],
    ['an unknown field', 'invalid_request', () => ({ ...good(), phone: '123' })],
    [`a name over ${MAX_NAME_CHARS} characters`, 'invalid_request', () => ({ ...good(), name: 'A'.repeat(MAX_NAME_CHARS + 1) })],
    ['a value over 4000 characters', 'invalid_frame', () => ({ ...good(), message: 'a'.repeat(4001) })],
    ['a key over 40 characters', 'invalid_frame', () => ({ ...good(), ['k'.repeat(41)]: 'x' })],
    ['more than 20 fields', 'invalid_request', () => ({ ...good(), ...manyFields() })],
    ['a value that is not a string', 'invalid_frame', () => ({ ...good(), message: 42 })],
    ['fields that are not an object', 'invalid_frame', () => 'email=ana@example.com'],
    ['fields given as a list', 'invalid_request', () => ['Ana', 'ana@example.com', 'Oi']],
  ];

  it.each(cases)('T7: %s is refused with %s, naming the clientId; nothing is stored and the socket stays open', async (_name, code, fields) => {
    const { socket } = await visitor(server);
    const before = (await allTickets(server)).length;
    const mailsBefore = smtp.messages.length;
    const clientId = randomUUID();
    const sent = fields();
    socket.send({ type: 'ticket.create', clientId, fields: sent });
    const error = await socket.next('error');
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    // The widget settles its request by the clientId the error names.
    expect(error.clientId).toBe(clientId);
    expect(socket.all('ticket')).toEqual([]);
    socket.send({ type: 'ping', id: 9 });
    expect(await socket.next('pong')).toEqual({ type: 'pong', id: 9 });
    expect((await allTickets(server)).length).toBe(before);
    // No confirmation to the address given (a refused form could only mail that one). Counting every mail would
    // also count a confirmation of an earlier test that the mail queue delivers late (seen once in a full run).
    const address = typeof sent === 'object' && sent !== null && 'email' in sent && typeof sent.email === 'string' ? sent.email.trim() : null;
    if (address) expect(smtp.messages.slice(mailsBefore).filter((m) => m.to.includes(address))).toEqual([]);
  });

  it('T7: keys like __proto__ and constructor neither pollute nor crash: refused, or left out of the ticket', async () => {
    const { socket } = await visitor(server);
    const fields = good();
    const raw = JSON.stringify({ type: 'ticket.create', clientId: randomUUID(), fields }).replace('"name":', '"__proto__":{"polluted":"sim"},"constructor":"x","prototype":"y","name":');
    socket.send(raw);
    const answer = await waitFrames(socket, (frames) => frames.find((f) => f.type === 'ticket' || f.type === 'error'), 'an answer');
    if (answer.type === 'error') expect(answer.code).toBe('invalid_request');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const t of await allTickets(server)) expect(JSON.stringify(t)).not.toMatch(/polluted|"x"|"y"/);
  });

  it('T7: a clientId that is not a UUID is refused with invalid_frame', async () => {
    const { socket } = await visitor(server);
    const before = (await allTickets(server)).length;
    socket.send({ type: 'ticket.create', clientId: 'form-1', fields: good() });
    expect((await socket.next('error')).code).toBe('invalid_frame');
    expect((await allTickets(server)).length).toBe(before);
  });

  it('T7: a form resent with the same clientId answers the same number and makes one ticket and one confirmation', async () => {
    const { socket } = await visitor(server);
    const fields = good();
    const clientId = randomUUID();
    const first = expectAnswer(await createTicket(socket, fields, clientId), 'ticket');
    const again = expectAnswer(await createTicket(socket, fields, clientId), 'ticket');
    // Even with other values: the clientId names the submission.
    const changed = expectAnswer(await createTicket(socket, { ...fields, message: 'outra coisa' }, clientId), 'ticket');
    expect([again.number, changed.number]).toEqual([first.number, first.number]);
    const mine = (await allTickets(server)).filter((t) => t.requester.email === fields.email);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.description).toBe(fields.message);
    await smtp.waitFor((m) => m.to.includes(fields.email));
    await routed(server);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.to.includes(fields.email))).toHaveLength(1);
  });

  it('T7: the same submission sent at the same instant from three tabs of the visitor makes one ticket; every tab gets its number', async () => {
    const first = await visitor(server);
    const tabs = [first, await visitor(server, { token: first.session.token }), await visitor(server, { token: first.session.token })];
    const fields = good();
    const clientId = randomUUID();
    // Twice on each socket, all six before any answer.
    for (const tab of tabs) tab.socket.send({ type: 'ticket.create', clientId, fields });
    for (const tab of tabs) tab.socket.send({ type: 'ticket.create', clientId, fields });
    const answers = await Promise.all(
      tabs.map((tab) => waitFrames(tab.socket, (frames) => (frames.filter((f) => f.type === 'ticket').length === 2 ? frames : undefined), 'two ticket frames')),
    );
    const numbers = answers.flatMap((frames) => frames.flatMap((f) => (f.type === 'ticket' ? [f.number] : [])));
    expect(new Set(numbers).size).toBe(1);
    for (const tab of tabs) expect(tab.socket.all('error')).toEqual([]);
    expect((await allTickets(server)).filter((t) => t.requester.email === fields.email)).toHaveLength(1);
  });

  it('T7: an agent socket sending ticket.create is refused with forbidden and nothing is stored', async () => {
    const agent = await openAgent(server);
    const before = (await allTickets(server)).length;
    const clientId = randomUUID();
    agent.socket.send({ type: 'ticket.create', clientId, fields: good() });
    const error = await agent.socket.next('error');
    expect(error.code).toBe('forbidden');
    expect(error.clientId).toBe(clientId);
    expect((await allTickets(server)).length).toBe(before);
  });
});

describe('T2 waiting chats become tickets', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.stop();
  });

  /** The visitor's ticket_created event (with its number) and closed, in that order. */
  async function toldTicket(socket: TestSocket, conversationId: string) {
    const created = await socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'ticket_created', 10_000);
    const closed = await socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'closed', 10_000);
    expect(closed.event.seq).toBe(created.event.seq + 1);
    expect(closed.event).not.toHaveProperty('data'); // the wrap-up detail stays with the agents (SPEC D11)
    return created.event;
  }

  it('T2: a visitor writing while nobody is online gets ticket_created with the number, then closed; the ticket (source auto) has the transcript', async () => {
    server = await startTestServer({ ticketing: 'product', env: smtp.env });
    const v = await visitor(server);
    expect(v.session.site.online).toBe(false);
    const { conversationId } = await v.socket.say('Alguém pode me ajudar com a entrega?');

    const event = await toldTicket(v.socket, conversationId);
    const ticket = await ticketOf(server, conversationId);
    expect(ticket).toMatchObject({ source: 'auto', status: 'open', subject: 'Alguém pode me ajudar com a entrega?', requester: { visitorId: v.session.visitorId } });
    expect(event.data).toMatchObject({ number: ticket!.number });
    expect(event.author.kind).toBe('system');
    expect((await stored(server, conversationId)).status).toBe('closed');

    const admin = await adminApi(server);
    expect((await admin.get('/tickets')).body.tickets.map((t: Ticket) => t.id)).toEqual([ticket!.id]);
    const detail = await admin.get(`/tickets/${ticket!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.transcript.filter((e: { kind: string }) => e.kind === 'message').map((e: { text: string }) => e.text)).toEqual([
      'Alguém pode me ajudar com a entrega?',
    ]);
    expect(detail.body.transcript.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['ticket_created', 'closed']));

    // Issue 15: the chat stays closed, and the visitor's next message in it goes to the ticket
    // (server/test/ticket-thread.test.ts); a message naming no conversation starts a new one (C3).
    const ack = await v.socket.say('ainda aí?', conversationId);
    expect(ack.conversationId).toBe(conversationId);
    expect((await stored(server, conversationId)).status).toBe('closed');
  });

  it.each([
    ['goes Unavailable', (a: OnlineAgent) => a.api.put('/me/availability', { state: 'unavailable' })],
    ['closes its console', (a: OnlineAgent) => a.socket.close()],
  ])('T2: when the last available agent %s, a waiting conversation becomes a ticket', async (_name, leave) => {
    server = await startTestServer({ ticketing: 'product' });
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    const v = await visitor(server);
    expect(v.session.site.online).toBe(true);
    const { conversationId } = await v.socket.say('Olá, quero trocar um produto');
    await summary(agent.socket, conversationId);
    await routed(server);
    expect((await stored(server, conversationId)).status).toBe('open');
    expect(await ticketOf(server, conversationId)).toBeUndefined();

    await leave(agent);

    const event = await toldTicket(v.socket, conversationId);
    const ticket = await ticketOf(server, conversationId);
    expect(ticket).toMatchObject({ source: 'auto', status: 'open' });
    expect(event.data).toMatchObject({ number: ticket!.number });
    expect(await nextAvailability(v.socket)).toBe(false);
  });

  it('T2: maxWaitMs turns a long wait into a ticket even with an agent online in a broadcast queue who does not take it', async () => {
    server = await startTestServer({ ticketing: { businessHours: null, ticketWhenNoAgents: true, maxWaitMs: 300, offlineFields: [] } });
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    const v = await visitor(server);
    expect(v.session.site.online).toBe(true);
    const { conversationId } = await v.socket.say('Vou esperar um pouco');
    await summary(agent.socket, conversationId, (c) => c.status === 'open' && c.assignedAgentId === null);

    const event = await toldTicket(v.socket, conversationId);
    const queued = (await stored(server, conversationId)).queuedAt ?? (await stored(server, conversationId)).createdAt;
    expect(event.at - queued).toBeGreaterThanOrEqual(300);
    expect(await ticketOf(server, conversationId)).toMatchObject({ source: 'auto' });
    // It leaves the agent's New list, and the agent can no longer take it.
    await gone(agent.socket, conversationId);
    const take = await agent.api.post(`/conversations/${conversationId}/take`);
    expect(take.status).toBe(409);
    expect(take.body.error.code).toBe('conversation_closed');
  });

  it('T2: a wait shorter than maxWaitMs stays a chat the agent can take', async () => {
    server = await startTestServer({ ticketing: { businessHours: null, ticketWhenNoAgents: true, maxWaitMs: 60_000, offlineFields: [] } });
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    const { conversationId } = await (await visitor(server)).socket.say('Rápido, por favor');
    await routed(server);
    expect((await agent.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);
    expect(await ticketOf(server, conversationId)).toBeUndefined();
  });

  it('T2: with ticketWhenNoAgents off, a chat waiting with nobody online stays a chat', async () => {
    server = await startTestServer({ ticketing: { businessHours: null, ticketWhenNoAgents: false, maxWaitMs: null, offlineFields: [] } });
    const { conversationId } = await (await visitor(server)).socket.say('Sem pressa');
    await routed(server);
    await new Promise((r) => setTimeout(r, 300));
    await routed(server);
    expect((await stored(server, conversationId)).status).toBe('open');
    expect(await allTickets(server)).toEqual([]);
  });

  it('T2: open tickets stay tickets when agents come back: still listed, status open, the chat stays closed and is offered to nobody', async () => {
    server = await startTestServer({ ticketing: 'product' });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Tem alguém?');
    await toldTicket(v.socket, conversationId);
    const ticket = (await ticketOf(server, conversationId))!;

    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    expect(await nextAvailability(v.socket)).toBe(true);
    await routed(server);

    const listed = (await agent.api.get('/tickets')).body.tickets as Ticket[];
    expect(listed).toEqual([expect.objectContaining({ id: ticket.id, status: 'open', conversationId })]);
    const c = await stored(server, conversationId);
    expect(c.status).toBe('closed');
    expect(c.assignedAgentId).toBeNull();
    expect(agent.session.conversations.map((s) => s.id)).not.toContain(conversationId);
    // Nothing new happened to the chat after it closed.
    expect(visitorEvents(v.socket, conversationId).at(-1)?.kind).toBe('closed');
    await storedEvent(server, conversationId, 'closed');
    expect((await server.papo.store.events.after(conversationId, 0, { limit: 100 })).at(-1)?.kind).toBe('closed');

    // The visitor's next message is a new chat, which the agent now gets.
    const next = await v.socket.say('Agora tem alguém?');
    expect(next.conversationId).not.toBe(conversationId);
    await summary(agent.socket, next.conversationId, (s) => s.status === 'open');
    await routed(server);
    expect(await ticketOf(server, next.conversationId)).toBeUndefined();
  });
});
