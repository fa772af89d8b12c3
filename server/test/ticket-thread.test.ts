/**
 * Issue 15 (visitor promises and tickets) against the real server: the welcome says whether e-mail is on,
 * a chat that became a ticket goes on as the ticket's thread (follow-ups reach the ticket, a waiting ticket
 * reopens, a closed one takes nothing more), the visitor gives the address the ticket's replies go to, and
 * a visitor named in the offline form stays named in a proactive chat.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket, TicketEntry } from '../../shared/api';
import type { ConversationEvent } from '../../shared/protocol';
import { adminApi, eventually, onlineAgent, stored, visitor, visitorEvents, waitFrames } from './agents';
import type { TestSocket } from './clients';
import { startTestServer, type TestServer } from './harness';
import { smtpPerFile } from './smtp';
import { allTickets, createTicket, expectAnswer, request, setMasking, supportQueueId, uniqueEmail } from './tickets-helpers';

const smtp = smtpPerFile();
let server: TestServer;
afterEach(async () => {
  await server.stop();
});

/** A visitor whose first message, with nobody online, became a ticket (SPEC T2): its ticket_created event. */
async function chatBecameTicket(options: { email?: boolean } = {}) {
  server = await startTestServer({ ticketing: 'product', ...(options.email === false ? {} : { env: smtp.env }) });
  const v = await visitor(server);
  const { conversationId } = await v.socket.say('Meu pedido não chegou');
  const made = await v.socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'ticket_created', 10_000);
  await v.socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'closed', 10_000);
  const ticket = (await allTickets(server)).find((t) => t.conversationId === conversationId)!;
  return { v, conversationId, made: made.event, ticket };
}

const eventOf = (socket: TestSocket, conversationId: string, test: (e: ConversationEvent) => boolean, what: string) =>
  waitFrames(socket, () => visitorEvents(socket, conversationId).find(test), what);

const detail = async (id: string) => (await (await adminApi(server)).get(`/tickets/${id}`)).body as { ticket: Ticket; entries: TicketEntry[]; transcript: ConversationEvent[] };

describe('issue 15: no promise Papo cannot keep', () => {
  it('issue 15: the welcome says e-mail is on with SMTP configured, and off without it', async () => {
    server = await startTestServer({ env: smtp.env });
    expect((await visitor(server)).session.site.email).toBe(true);
    await server.stop();
    server = await startTestServer({});
    expect((await visitor(server)).session.site.email).toBe(false);
  });

  it('issue 15: ticket_created names the address replies go to: null when none is known (the widget asks)', async () => {
    const { made } = await chatBecameTicket();
    expect(made.data).toMatchObject({ email: null });
  });
});

describe('issue 15: after a chat became a ticket, the thread goes on as the ticket\'s', () => {
  it('issue 15: the visitor\'s next message in the same chat is acked there, stays closed, and reaches the ticket\'s transcript', async () => {
    const { v, conversationId, ticket } = await chatBecameTicket();
    const before = (await detail(ticket.id)).ticket.updatedAt;

    const ack = await v.socket.say('Esqueci de dizer: o número do pedido é 4521', conversationId);

    expect(ack.conversationId).toBe(conversationId);
    const event = await eventOf(v.socket, conversationId, (e) => e.seq === ack.seq, 'the follow-up event');
    expect(event).toMatchObject({ kind: 'message', text: 'Esqueci de dizer: o número do pedido é 4521', author: { kind: 'visitor' } });
    expect((await stored(server, conversationId)).status).toBe('closed');
    // No second conversation was started.
    expect((await server.papo.store.conversations.list({ visitorId: v.session.visitorId, limit: 10 })).map((c) => c.id)).toEqual([conversationId]);
    const after = await detail(ticket.id);
    expect(after.transcript.filter((e) => e.kind === 'message').map((e) => e.text)).toEqual(['Meu pedido não chegou', 'Esqueci de dizer: o número do pedido é 4521']);
    expect(after.ticket.status).toBe('open');
    expect(after.ticket.updatedAt).toBeGreaterThanOrEqual(before);

    // D3: the same clientId again stores nothing more and answers the same seq.
    const again = await v.socket.say('Esqueci de dizer: o número do pedido é 4521', conversationId, event.clientId!);
    expect(again.seq).toBe(ack.seq);
    expect((await detail(ticket.id)).transcript.filter((e) => e.kind === 'message')).toHaveLength(2);
  });

  it('issue 15: a follow-up reopens a ticket waiting on the requester (pending), and its history says the requester did', async () => {
    const { v, conversationId, ticket } = await chatBecameTicket();
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    expect((await agent.api.post(`/tickets/${ticket.id}/replies`, { text: 'Pode mandar o número do pedido?' })).body.ticket.status).toBe('pending');

    await v.socket.say('É o 4521', conversationId);

    const after = await detail(ticket.id);
    expect(after.ticket.status).toBe('open');
    expect(after.entries.at(-1)).toMatchObject({ kind: 'change', authorId: null, data: { status: 'open' } });
  });

  it('issue 15: a closed ticket takes nothing more: conversation_closed, nothing stored (the widget then starts a new chat)', async () => {
    const { v, conversationId, ticket } = await chatBecameTicket();
    await server.papo.store.tickets.update(ticket.id, { status: 'closed' }, Date.now());
    const lastSeq = (await stored(server, conversationId)).lastSeq;
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, conversationId, text: 'Oi?' });
    expect(await v.socket.next('error', (f) => f.clientId === clientId)).toMatchObject({ code: 'conversation_closed' });
    expect((await stored(server, conversationId)).lastSeq).toBe(lastSeq);
  });

  it('issue 15: a chat the visitor ended (no ticket) still refuses a message: conversation_closed', async () => {
    server = await startTestServer({ env: smtp.env });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Oi');
    v.socket.send({ type: 'conversation.end', conversationId });
    await v.socket.next('event', (f) => f.event.conversationId === conversationId && f.event.kind === 'closed');
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, conversationId, text: 'ainda aí?' });
    expect(await v.socket.next('error', (f) => f.clientId === clientId)).toMatchObject({ code: 'conversation_closed' });
  });
});

describe('issue 15: the address is asked when a chat becomes a ticket', () => {
  const giveEmail = (socket: TestSocket, conversationId: string, email: unknown) =>
    request(socket, { type: 'ticket.email', clientId: randomUUID(), conversationId, email });

  it('issue 15: the visitor gives its address: done, the ticket\'s requester e-mail, a ticket_email event in its thread, a change on the ticket and the confirmation mail', async () => {
    const { v, conversationId, ticket } = await chatBecameTicket();
    const email = uniqueEmail();

    expectAnswer(await giveEmail(v.socket, conversationId, ` ${email.toUpperCase()} `), 'done');

    const event = await eventOf(v.socket, conversationId, (e) => e.kind === 'ticket_email', 'the ticket_email event');
    expect(event).toMatchObject({ author: { kind: 'visitor' }, data: { email } });
    const after = await detail(ticket.id);
    expect(after.ticket.requester.email).toBe(email);
    // By the requester, named by its address (it gave no name).
    expect(after.entries.at(-1)).toMatchObject({ kind: 'change', authorId: null, authorName: email, data: { requesterEmail: email } });
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toContain(`#${ticket.number}`);
    expect((await server.papo.store.visitors.byId(v.session.visitorId))?.email).toBe(email);
  });

  it('issue 15 / SPEC M2: in a `mask` site, agents read the requester\'s change with its name (here its address) masked', async () => {
    const { v, conversationId, ticket } = await chatBecameTicket();
    await setMasking(server, 'mask');
    const email = uniqueEmail('maria');
    expectAnswer(await giveEmail(v.socket, conversationId, email), 'done');
    const entry = (await detail(ticket.id)).entries.at(-1)!;
    expect(entry.authorName).not.toBe(email);
    expect(entry.authorName).toBe(entry.data!.requesterEmail);
    expect(await server.papo.store.tickets.entries(ticket.id).then((all) => all.at(-1)!.authorName)).toBe(email);
  });

  it.each<[string, unknown, string]>([
    ['not an address', 'maria@', 'invalid_email'],
    ['too long', `${'a'.repeat(250)}@b.co`, 'invalid_email'],
  ])('issue 15: a bad address (%s: %s) is refused and changes nothing', async (_what, email, code) => {
    const { v, conversationId, ticket } = await chatBecameTicket();
    const lastSeq = (await stored(server, conversationId)).lastSeq;
    expect(await giveEmail(v.socket, conversationId, email)).toMatchObject({ type: 'error', code });
    expect((await detail(ticket.id)).ticket.requester.email).toBeNull();
    expect((await stored(server, conversationId)).lastSeq).toBe(lastSeq);
  });

  it('issue 15: never for another visitor\'s chat: conversation_not_found', async () => {
    const { conversationId, ticket } = await chatBecameTicket();
    const other = await visitor(server);
    expect(await giveEmail(other.socket, conversationId, 'x@example.com')).toMatchObject({ type: 'error', code: 'conversation_not_found' });
    expect((await detail(ticket.id)).ticket.requester.email).toBeNull();
  });

  it('issue 15: only for a chat that became a ticket: an open one answers conversation_closed', async () => {
    server = await startTestServer({ env: smtp.env });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Oi');
    expect(await giveEmail(v.socket, conversationId, 'x@example.com')).toMatchObject({ type: 'error', code: 'conversation_closed' });
    expect(await allTickets(server)).toEqual([]);
  });
});

describe('issue 15: a visitor named in the offline form stays named', () => {
  it('issue 15: an agent\'s proactive chat with a visitor who left its name in the offline form names it', async () => {
    server = await startTestServer({ env: smtp.env });
    const v = await visitor(server);
    const email = uniqueEmail('bia');
    expectAnswer(await createTicket(v.socket, { name: 'Bia Souza', email, message: 'Quero trocar o tamanho' }), 'ticket');
    const agent = await onlineAgent(server, { queues: [await supportQueueId(server)] });
    await eventually(async () => ((await agent.api.get('/visitors/live')).body.visitors as Array<{ id: string }>).find((l) => l.id === v.session.visitorId), 'the visitor in the live list');

    const res = await agent.api.post(`/visitors/${v.session.visitorId}/conversations`, { clientId: randomUUID(), text: 'Oi! Vi sua mensagem, posso ajudar?' });

    expect(res.status).toBe(200);
    const conversationId = res.body.conversation.id as string;
    expect(await stored(server, conversationId)).toMatchObject({ visitorName: 'Bia Souza', requesterEmail: email });
  });
});
