/**
 * Issue 12, SPEC S1-S3: GET /api/v1/search on the real server: accents and case, visibility as the lists
 * (R10, D11), masking (M2, S3), paging, and typed errors for bad input.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SearchAnswer, SearchHit } from '../../shared/api';
import { adminApi, createAgent, makeQueue, startConversation, visitor } from './agents';
import { createTicket } from './tickets-helpers';
import { startTestServer, type TestServer } from './harness';

let server: TestServer;
afterEach(async () => {
  await server?.stop();
});

const path = (q: string, extra = '') => `/search?q=${encodeURIComponent(q)}${extra}`;

function conversationIds(answer: SearchAnswer): string[] {
  return answer.hits.flatMap((h) => (h.kind === 'conversation' ? [h.conversation.id] : []));
}

/** The marked words of a hit's snippet. */
const marked = (hit: SearchHit) => hit.snippet.marks.map(([s, e]) => hit.snippet.text.slice(s, e));

describe('S1-S3 search', () => {
  it('S1, R10: an agent finds, without accents or case, only the conversations it may see; a supervisor finds all', async () => {
    server = await startTestServer();
    const vendas = await makeQueue(server, { name: 'Vendas' });
    const suporte = await makeQueue(server, { name: 'Suporte' });
    const seller = await createAgent(server, { queues: [vendas.id] });
    const helper = await createAgent(server, { queues: [suporte.id] });
    const supervisor = await createAgent(server, { role: 'supervisor' });
    const sale = await startConversation(server, 'Vendas', 'Preciso de uma AÇÃO urgente no pedido');
    const help = await startConversation(server, 'Suporte', 'Qual ação devo tomar?');

    const sellerAnswer = (await seller.api.get<SearchAnswer>(path('acao'))).body;
    expect(conversationIds(sellerAnswer)).toEqual([sale.conversationId]);
    const hit = sellerAnswer.hits[0]!;
    expect(hit).toMatchObject({ kind: 'conversation', field: 'message' });
    expect(hit.snippet.text).toBe('Preciso de uma AÇÃO urgente no pedido');
    expect(marked(hit)).toEqual(['AÇÃO']);
    expect(JSON.stringify(sellerAnswer)).not.toContain('Qual ação');

    expect(conversationIds((await helper.api.get<SearchAnswer>(path('AÇÃO'))).body)).toEqual([help.conversationId]);
    expect(new Set(conversationIds((await supervisor.api.get<SearchAnswer>(path('acao'))).body))).toEqual(
      new Set([sale.conversationId, help.conversationId]),
    );
    // The last word matches the start of a word: typing "urg" finds "urgente".
    expect(conversationIds((await seller.api.get<SearchAnswer>(path('pedido urg'))).body)).toEqual([sale.conversationId]);
    // The hit's seq opens the conversation at the matching message.
    const page = await seller.api.get(`/conversations/${sale.conversationId}/events?limit=50`);
    const message = page.body.events.find((e: { kind: string; text: string }) => e.kind === 'message' && e.text === 'Preciso de uma AÇÃO urgente no pedido');
    expect(hit.kind === 'conversation' && hit.seq).toBe(message.seq);
  });

  it('S1: tickets are found by subject, requester and entries, by every agent', async () => {
    server = await startTestServer();
    const agent = await createAgent(server);
    const created = await agent.api.post('/tickets', {
      subject: 'Segunda via do boleto',
      description: 'O cliente não recebeu',
      requesterName: 'Joana Lima',
      requesterEmail: 'joana.lima@example.com',
    });
    expect(created.status).toBe(201);
    const ticketId = created.body.ticket.id as string;
    expect((await agent.api.post(`/tickets/${ticketId}/notes`, { text: 'Ligar amanhã cedo' })).status).toBe(200);

    const fields = async (q: string) =>
      (await agent.api.get<SearchAnswer>(path(q))).body.hits.map((h) => (h.kind === 'ticket' ? [h.ticket.id, h.field] : [h.conversation.id, h.field]));
    expect(await fields('boleto')).toEqual([[ticketId, 'subject']]);
    expect(await fields('joana')).toEqual([[ticketId, 'requester']]);
    expect(await fields('amanha')).toEqual([[ticketId, 'entry']]);
  });

  it('S3, M2: in mask mode a masked value never shows in a snippet, and searching for it finds nothing', async () => {
    server = await startTestServer();
    const admin = await adminApi(server);
    const site = (await server.papo.store.sites.byKey(server.siteKey))!;
    expect((await admin.put(`/sites/${site.id}/masking`, { mode: 'mask' })).status).toBe(200);
    const { conversationId } = await startConversation(server, undefined, 'Meu cartão é 5500 0000 0000 0004, pode cobrar');

    expect((await admin.get<SearchAnswer>(path('5500'))).body).toEqual({ hits: [], nextCursor: null });
    expect((await admin.get<SearchAnswer>(path('cartao 5500'))).body.hits).toEqual([]);
    const answer = (await admin.get<SearchAnswer>(path('cartao'))).body;
    expect(conversationIds(answer)).toEqual([conversationId]);
    expect(answer.hits[0]!.snippet.text).toBe('Meu cartão é **** **** **** 0004, pode cobrar');
    expect(marked(answer.hits[0]!)).toEqual(['cartão']);
    expect(JSON.stringify(answer)).not.toContain('5500');
  });

  it('S1: erasing a visitor (data rights) takes its messages, name, e-mail and tickets out of the search at once', async () => {
    server = await startTestServer();
    const admin = await adminApi(server);
    const maria = await visitor(server);
    const { conversationId: mariaChat } = await maria.socket.say('Meu pedido 123 não chegou');
    const ticket = await createTicket(maria.socket, { name: 'Maria', email: 'maria@example.com', message: 'Pedido ainda sem resposta' });
    if (ticket.type !== 'ticket') throw new Error(`no ticket: ${JSON.stringify(ticket)}`);
    const other = await startConversation(server, undefined, 'Outro pedido');
    const ids = async (q: string) => (await admin.get<SearchAnswer>(path(q))).body.hits.map((h) => (h.kind === 'ticket' ? h.ticket.id : h.conversation.id));
    expect(new Set(await ids('pedido'))).toContain(mariaChat);
    expect((await ids('maria')).length).toBeGreaterThan(0);

    expect((await admin.delete('/data?email=maria@example.com')).status).toBe(200);
    expect(await ids('pedido')).toEqual([other.conversationId]);
    expect(await ids('maria')).toEqual([]);
  });

  it('S2: pages follow the opaque cursor without repeats; the last page has no cursor', async () => {
    server = await startTestServer();
    const admin = await adminApi(server);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await startConversation(server, undefined, `Entrega número ${i} atrasada`)).conversationId);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: SearchAnswer } = await admin.get<SearchAnswer>(path('entrega', `&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(res.status).toBe(200);
      expect(res.body.hits.length).toBeLessThanOrEqual(2);
      seen.push(...conversationIds(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    // Equal scores: the newest first.
    expect(seen).toEqual([...ids].reverse());
  });

  it('S2: bad input is a typed 400 (invalid_request) and a stranger is not_authenticated', async () => {
    server = await startTestServer();
    const admin = await adminApi(server);
    for (const bad of [path(''), path('   '), path('"*:() -^'), path('x'.repeat(201)), path('ok', '&limit=0'), path('ok', '&limit=51'), path('ok', '&cursor=bm90IGEgY3Vyc29y'), path('ok', '&cursor=%25%25')]) {
      const res = await admin.get(bad);
      expect([bad, res.status, res.body.error.code]).toEqual([bad, 400, 'invalid_request']);
    }
    expect((await admin.get('/search')).status).toBe(400);
    const stranger = await fetch(`${server.url}/api/v1${path('ok')}`);
    expect(stranger.status).toBe(401);
    expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe('not_authenticated');
  });
});
