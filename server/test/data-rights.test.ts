/**
 * Issue 6, data rights: an admin exports and erases everything held about a visitor or an e-mail address
 * (visitor records, conversations with their events, tickets with their history), through the API.
 */
import { describe, expect, it } from 'vitest';
import { adminApi, createAgent, gone, onlineAgent, storedEvents, visitor } from './agents';
import { login } from './clients';
import { serverForEach } from './harness';
import { createTicket } from './tickets-helpers';

const server = serverForEach();

/** A visitor who chatted and then left a message with its e-mail; another visitor who only chatted. */
async function twoVisitors() {
  const maria = await visitor(server);
  const { conversationId: mariaChat } = await maria.socket.say('Meu pedido 123 não chegou');
  const answer = await createTicket(maria.socket, { name: 'Maria', email: 'Maria@Example.com', message: 'Ainda sem resposta' });
  if (answer.type !== 'ticket') throw new Error(`no ticket: ${JSON.stringify(answer)}`);
  const other = await visitor(server);
  const { conversationId: otherChat } = await other.socket.say('Outra pessoa');
  return { maria, mariaChat, ticketNumber: answer.number, other, otherChat };
}

describe('data rights', () => {
  it('an admin exports everything held about an e-mail address: visitor, conversations with events, tickets', async () => {
    const { maria, mariaChat, ticketNumber, otherChat } = await twoVisitors();
    const admin = await adminApi(server);
    const res = await admin.get(`/data/export?email=${encodeURIComponent('maria@example.com')}`);
    expect(res.status).toBe(200);
    expect(res.body.visitors.map((v: { id: string }) => v.id)).toEqual([maria.session.visitorId]);
    expect(res.body.conversations.map((c: { conversation: { id: string } }) => c.conversation.id)).toEqual([mariaChat]);
    expect(res.body.conversations[0].events.map((e: { text: string | null }) => e.text)).toContain('Meu pedido 123 não chegou');
    expect(res.body.tickets.map((t: { ticket: { number: number } }) => t.ticket.number)).toEqual([ticketNumber]);
    // Nothing of anyone else.
    expect(JSON.stringify(res.body)).not.toContain(otherChat);
    expect(JSON.stringify(res.body)).not.toContain('Outra pessoa');
  });

  it('an export by visitor id holds the same, and the download is named as an attachment', async () => {
    const { maria, mariaChat } = await twoVisitors();
    const res = await fetch(`${server.url}/api/v1/data/export?visitorId=${maria.session.visitorId}`, { headers: { cookie: await login(server) } });
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="papo-export-\d+\.json"$/);
    const body = (await res.json()) as { conversations: Array<{ conversation: { id: string } }> };
    expect(body.conversations.map((c) => c.conversation.id)).toEqual([mariaChat]);
  });

  it('erasing by e-mail removes visitor, conversations and tickets; consoles drop them; others stay', async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const { mariaChat, otherChat } = await twoVisitors();
    const admin = await adminApi(server);
    const res = await admin.delete(`/data?email=maria@example.com`);
    expect(res.status).toBe(200);
    expect(res.body.deleted).toEqual({ visitors: 1, conversations: 1, tickets: 1 });
    await gone(supervisor.socket, mariaChat);
    expect(await storedEvents(server, mariaChat)).toEqual([]);
    expect((await admin.get(`/tickets?q=maria@example.com`)).body.tickets).toEqual([]);
    expect((await admin.get(`/data/export?email=maria@example.com`)).status).toBe(404);
    // The other visitor's conversation is untouched.
    expect((await storedEvents(server, otherChat)).map((e) => e.text)).toContain('Outra pessoa');
  });

  it.each([
    ['agent', 403],
    ['supervisor', 403],
  ] as const)('a %s may not export or erase (%i)', async (role, status) => {
    await twoVisitors();
    const someone = await createAgent(server, { role });
    expect((await someone.api.get('/data/export?email=maria@example.com')).status).toBe(status);
    expect((await someone.api.delete('/data?email=maria@example.com')).status).toBe(status);
    expect((await (await adminApi(server)).get('/data/export?email=maria@example.com')).status).toBe(200);
  });

  it.each([
    ['neither visitorId nor email', '', 400, 'invalid_request'],
    ['both', '?visitorId=x&email=a@b.co', 400, 'invalid_request'],
    ['a bad e-mail', '?email=not-an-email', 400, 'invalid_email'],
    ['nobody known', '?email=nobody@example.com', 404, 'not_found'],
  ])('%s: a typed error', async (_name, query, status, code) => {
    const res = await (await adminApi(server)).get(`/data/export${query}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});
