/**
 * Issue 15 (site owners) against the real server: admins create, rename and delete sites. Only admins; bad
 * input is a typed error that changes nothing; the last site cannot be deleted; deleting a site removes its
 * conversations (consoles are told), tickets, visitors, queues and refused origins, and its key stops working.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteAnswer, SitesAnswer } from '../../shared/api';
import { adminApi, createAgent, gone, summaryOf, waitFrames, type Api } from './agents';
import { openAgent, openVisitor } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();
let admin: Api;

beforeAll(async () => {
  admin = await adminApi(server);
});

const sites = async () => (await admin.get<SitesAnswer>('/sites')).body.sites;

describe('issue 15: sites', () => {
  it('an admin creates a site: its own id and pk_ key, its pages start as self, its widget settings answer', async () => {
    const res = await admin.post<SiteAnswer>('/sites', { name: '  Loja da Ana  ' });
    expect(res.status).toBe(200);
    expect(res.body.site).toMatchObject({ name: 'Loja da Ana', defaultQueueId: null, botWebhookUrl: null });
    expect(res.body.site.key).toMatch(/^pk_/);
    expect((await sites()).map((s) => s.id)).toContain(res.body.site.id);
    expect((await admin.get(`/sites/${res.body.site.id}/origins`)).body).toEqual({ allowedOrigins: ['self'] });
    const settings = await fetch(`${server.url}/api/v1/widget/settings?site=${res.body.site.key}`, { headers: { origin: server.origin } });
    expect(settings.status).toBe(200);
    // A visitor on the server's own pages may chat with it at once.
    const { socket, session } = await openVisitor(server, { siteKey: res.body.site.key });
    expect(session.role).toBe('visitor');
    await socket.close();
  });

  it('a console open before a site is created hears the new site\'s first conversation without reconnecting', async () => {
    const console = await openAgent(server);
    const { site } = (await admin.post<SiteAnswer>('/sites', { name: 'Nova loja' })).body;
    const { socket: visitorSocket } = await openVisitor(server, { siteKey: site.key });
    visitorSocket.send({ type: 'message.send', clientId: crypto.randomUUID(), conversationId: null, text: 'Oi, alguém aí?' });
    const { conversationId } = await visitorSocket.next('ack');
    const heard = await waitFrames(console.socket, (frames) => frames.find((f) => summaryOf(f)?.id === conversationId), `the new site's conversation ${conversationId}`);
    expect(summaryOf(heard)?.siteId).toBe(site.id);
    await visitorSocket.close();
    await console.socket.close();
  });

  it('an admin renames a site; the console path in the refused-origin line follows', async () => {
    const { site } = (await admin.post<SiteAnswer>('/sites', { name: 'Antigo' })).body;
    const renamed = await admin.patch<SiteAnswer>(`/sites/${site.id}`, { name: 'Novo nome' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.site).toEqual({ ...site, name: 'Novo nome' });
    expect((await sites()).find((s) => s.id === site.id)?.name).toBe('Novo nome');
    const refused = (await (await fetch(`${server.url}/api/v1/widget/settings?site=${site.key}`, { headers: { origin: 'https://elsewhere.example' } })).json()) as { refused: { message: string } };
    expect(refused.refused.message).toContain('Administration → Sites and widget → Novo nome → Allowed pages');
  });

  it.each([
    ['an empty name', { name: '   ' }],
    ['a name over 80 characters', { name: 'x'.repeat(81) }],
    ['no name', {}],
    ['a name that is not text', { name: 42 }],
  ])('%s is 400 invalid_request and changes nothing', async (_what, body) => {
    const before = await sites();
    const created = await admin.post('/sites', body);
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe('invalid_request');
    const renamed = await admin.patch(`/sites/${before[0]!.id}`, body);
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.code).toBe('invalid_request');
    expect(await sites()).toEqual(before);
  });

  it('an unknown site is 404 not_found for rename and delete', async () => {
    expect((await admin.patch('/sites/nope', { name: 'X' })).body.error.code).toBe('not_found');
    expect((await admin.delete('/sites/nope')).body.error.code).toBe('not_found');
  });

  it('agents and supervisors may not create, rename or delete sites (403 forbidden), and nothing changes', async () => {
    const before = await sites();
    for (const role of ['agent', 'supervisor'] as const) {
      const { api } = await createAgent(server, { role });
      for (const res of [await api.post('/sites', { name: 'Minha' }), await api.patch(`/sites/${before[0]!.id}`, { name: 'Minha' }), await api.delete(`/sites/${before[0]!.id}`)]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    expect(await sites()).toEqual(before);
  });

  it('deleting a site removes its conversations (the consoles are told), tickets, visitors, queues and refused origins; its key stops working', async () => {
    const { site } = (await admin.post<SiteAnswer>('/sites', { name: 'Para excluir' })).body;
    const queue = await admin.post<{ queue: { id: string } }>('/queues', { name: 'Fila da loja', strategy: 'broadcast', offerTimeoutMs: 30_000, agentIds: [], siteId: site.id });
    expect(queue.status).toBe(201);
    // The admin's console, opened after the site exists, watches it.
    const console = await openAgent(server);
    const { socket: visitorSocket, session } = await openVisitor(server, { siteKey: site.key });
    visitorSocket.send({ type: 'message.send', clientId: crypto.randomUUID(), conversationId: null, text: 'Olá, meu pedido atrasou' });
    const { conversationId } = await visitorSocket.next('ack');
    await fetch(`${server.url}/api/v1/widget/settings?site=${site.key}`, { headers: { origin: 'https://refused.example.com' } });
    expect((await admin.get(`/sites/${site.id}/refused-origins`)).body.refused).toHaveLength(1);
    await server.papo.store.tickets.create({
      id: crypto.randomUUID(),
      siteId: site.id,
      status: 'open',
      type: 'question',
      priority: 1,
      subject: 'Pedido atrasado',
      description: 'Meu pedido atrasou',
      requester: { name: null, email: 'ana@example.com', visitorId: session.visitorId },
      assigneeId: null,
      assigneeName: null,
      conversationId,
      source: 'agent',
      clientId: null,
      createdAt: Date.now(),
    });

    const res = await admin.delete<{ deleted: { conversations: number; tickets: number } }>(`/sites/${site.id}`);
    expect(res.status).toBe(200);
    expect(res.body.deleted).toEqual({ conversations: 1, tickets: 1 });

    await gone(console.socket, conversationId);
    expect(await server.papo.store.sites.byId(site.id)).toBeNull();
    expect(await server.papo.store.conversations.byId(conversationId)).toBeNull();
    expect(await server.papo.store.visitors.byId(session.visitorId)).toBeNull();
    expect(await server.papo.store.queues.byId(queue.body.queue.id)).toBeNull();
    expect(await server.papo.store.refusedOrigins.list(site.id, 0)).toEqual([]);
    expect(await server.papo.store.tickets.list({ siteIds: [site.id], limit: 5 })).toEqual([]);
    expect((await sites()).map((s) => s.id)).not.toContain(site.id);
    const settings = await fetch(`${server.url}/api/v1/widget/settings?site=${site.key}`);
    expect(settings.status).toBe(404);
    await visitorSocket.close();
    await console.socket.close();
  });

  it('the last site cannot be deleted: 409 last_site, and it stays', async () => {
    const all = await sites();
    for (const extra of all.slice(1)) expect((await admin.delete(`/sites/${extra.id}`)).status).toBe(200);
    const [last] = await sites();
    const res = await admin.delete(`/sites/${last!.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('last_site');
    expect(await sites()).toEqual([last]);
  });
});
