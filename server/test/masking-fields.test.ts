/**
 * Issue 11 F4 and F5, against the real server: every piece of visitor free text, not only messages, is
 * masked before it is stored in a site in `redact` mode (SPEC M1), and masked in everything agents receive,
 * over the socket and over HTTP, in a site in `mask` mode while the store keeps it (SPEC M2). The live
 * visitors list shows an agent only its sites' visitors (SPEC R10, R11).
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET } from '../../shared/api';
import type { ConversationEvent, ServerFrame } from '../../shared/protocol';
import { PNG } from '../domain/file-type.fixtures';
import { uuidv7 } from '../ids';
import { adminApi, createAgent, eventually, onlineAgent, stored, storedEvent, visitor, waitFrames, type OnlineAgent } from './agents';
import { serverForEach } from './harness';
import { createTicket, demoSiteId, expectAnswer, rate, setMasking, setTicketing, supportQueueId } from './tickets-helpers';

const CARD = '4111 1111 1111 1111';
const CARD_MASKED = '**** **** **** 1111';
const CPF = '529.982.247-25';
const CPF_MASKED = '***.***.***-25';
/** A requester address with a CPF in it: an address mail is sent to stays exact in every mode (SPEC M1). */
const EMAIL = 'maria.52998224725@example.com';

const PAGE = {
  url: `https://loja.example/pedido?cpf=${CPF}`,
  title: `Pedido da Maria, cartão ${CARD}`,
  referrer: 'https://busca.example/?q=4111111111111111',
};
const PAGE_MASKED = {
  url: `https://loja.example/pedido?cpf=${CPF_MASKED}`,
  title: `Pedido da Maria, cartão ${CARD_MASKED}`,
  referrer: 'https://busca.example/?q=************1111',
};
const BROWSER = `Mozilla/5.0 (cartão ${CARD})`;
const BROWSER_MASKED = `Mozilla/5.0 (cartão ${CARD_MASKED})`;
const NAME = `Maria ${CPF}`;
const NAME_MASKED = `Maria ${CPF_MASKED}`;

const server = serverForEach();

/** A visitor whose hello carries PAGE and BROWSER and who has written a first message. */
async function chattingVisitor(text = 'Olá') {
  const v = await visitor(server, { page: PAGE, userAgent: BROWSER });
  const { conversationId } = await v.socket.say(text);
  return { ...v, conversationId, visitorId: v.session.visitorId };
}

const record = (visitorId: string) => server.papo.store.visitors.byId(visitorId);

/** The agent's next `event` frame of this kind in this conversation. */
function agentEvent(agent: OnlineAgent, conversationId: string, kind: string): Promise<ConversationEvent> {
  return waitFrames(
    agent.socket,
    (frames) => frames.find((f): f is Extract<ServerFrame, { type: 'event' }> => f.type === 'event' && f.event.conversationId === conversationId && f.event.kind === kind)?.event,
    `the agent's ${kind} event`,
  );
}

describe('M1: redact stores every piece of visitor free text masked', () => {
  beforeEach(async () => setMasking(server, 'redact'));

  it('M1: the page URL, title and referrer of the hello and the browser are stored masked, and shown masked in the live list', async () => {
    const v = await chattingVisitor();
    const stored = await eventually(async () => ((await record(v.visitorId))?.lastPageUrl ? record(v.visitorId) : undefined), 'the visit recorded');
    expect(stored).toMatchObject({ lastPageUrl: PAGE_MASKED.url, lastPageTitle: PAGE_MASKED.title, referrer: PAGE_MASKED.referrer, userAgent: BROWSER_MASKED });
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const live = (await supervisor.api.get('/visitors/live')).body.visitors.find((x: { id: string }) => x.id === v.visitorId);
    expect(live.page).toEqual({ url: PAGE_MASKED.url, title: PAGE_MASKED.title });
  });

  it('M1: the pre-chat name is stored masked on the conversation and the visitor; the requester e-mail stays exact', async () => {
    const site = await demoSiteId(server);
    const widget = { ...DEFAULT_WIDGET, prechat: { ...DEFAULT_WIDGET.prechat, enabled: true, name: 'required' as const, email: 'required' as const } };
    expect((await (await adminApi(server)).put(`/sites/${site}/widget`, widget)).status).toBe(200);
    const v = await visitor(server);
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, text: 'Olá', prechat: { name: NAME, email: EMAIL } });
    const { conversationId } = await v.socket.next('ack', (a) => a.clientId === clientId);
    expect(await stored(server, conversationId)).toMatchObject({ visitorName: NAME_MASKED, requesterEmail: EMAIL });
    expect(await record(v.session.visitorId)).toMatchObject({ name: NAME_MASKED, email: EMAIL });
  });

  it('M1: every field of the leave-a-message form is stored masked; the requester e-mail stays exact', async () => {
    await setTicketing(server, {
      offlineFields: [
        { key: 'name', label: 'Nome', type: 'text', required: false },
        { key: 'pedido', label: 'Pedido', type: 'text', required: false },
      ],
    });
    const v = await visitor(server);
    const answer = await createTicket(v.socket, { name: NAME, pedido: `CPF ${CPF}`, email: EMAIL, message: `cartão ${CARD}` });
    expectAnswer(answer, 'ticket');
    const [ticket] = await server.papo.store.tickets.list({ limit: 1 });
    expect(ticket).toMatchObject({
      subject: `cartão ${CARD_MASKED}`,
      description: `cartão ${CARD_MASKED}\n\nPedido: CPF ${CPF_MASKED}`,
      requester: { name: NAME_MASKED, email: EMAIL },
    });
    expect(await record(v.session.visitorId)).toMatchObject({ name: NAME_MASKED, email: EMAIL });
  });

  it('M1: the rating comment is stored masked', async () => {
    const v = await chattingVisitor();
    v.socket.send({ type: 'conversation.end', conversationId: v.conversationId });
    await eventually(async () => ((await stored(server, v.conversationId)).status === 'closed' ? true : undefined), 'the conversation closed');
    expectAnswer(await rate(v.socket, v.conversationId, 2, `me cobraram duas vezes no cartão ${CARD}`), 'done');
    expect((await storedEvent(server, v.conversationId, 'rated')).data).toEqual({ score: 2, comment: `me cobraram duas vezes no cartão ${CARD_MASKED}` });
  });

  it('M1: a requester an agent edits is stored with its name masked (event, conversation, visitor) and its e-mail exact', async () => {
    const v = await chattingVisitor();
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    expect((await supervisor.api.put(`/conversations/${v.conversationId}/requester`, { name: NAME, email: EMAIL })).status).toBe(200);
    expect((await storedEvent(server, v.conversationId, 'requester_edited')).data).toEqual({ name: NAME_MASKED, email: EMAIL });
    expect(await stored(server, v.conversationId)).toMatchObject({ visitorName: NAME_MASKED, requesterEmail: EMAIL });
    expect(await record(v.visitorId)).toMatchObject({ name: NAME_MASKED, email: EMAIL });
  });

  it("M1: an uploaded file's name is stored masked", async () => {
    const v = await chattingVisitor();
    const res = await fetch(`${server.url}/api/v1/files?conversation=${v.conversationId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.session.token}`, origin: server.origin, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(`comprovante ${CARD}.png`) },
      body: PNG,
    });
    expect(res.status).toBe(201);
    const [file] = await server.papo.store.attachments.list(v.conversationId);
    expect(file?.name).toBe(`comprovante ${CARD_MASKED}.png`);
  });
});

describe('M2: mask shows agents every visitor field masked; the store keeps it', () => {
  beforeEach(async () => setMasking(server, 'mask'));

  it('M2: the live visitors list shows the name, page URL and title masked', async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const v = await visitor(server, { page: PAGE });
    expectAnswer(await createTicket(v.socket, { name: NAME, email: EMAIL, message: 'Olá' }), 'ticket');
    const live = await eventually(async () => {
      const list = await supervisor.api.get('/visitors/live');
      return (list.body.visitors as Array<{ id: string; name: string | null }>).find((x) => x.id === v.session.visitorId && x.name !== null);
    }, 'the named visitor in the live list');
    expect(live).toMatchObject({ name: NAME_MASKED, page: { url: PAGE_MASKED.url, title: PAGE_MASKED.title } });
    expect((await record(v.session.visitorId))?.name).toBe(NAME);
  });

  it("M2: the visitor panel's page, referrer and browser are masked", async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const v = await chattingVisitor();
    const panel = (await supervisor.api.get(`/conversations/${v.conversationId}`)).body.visitor;
    expect(panel).toMatchObject({ currentPage: { url: PAGE_MASKED.url, title: PAGE_MASKED.title }, referrer: PAGE_MASKED.referrer });
    // The browser is read from the visit the first message recorded.
    await eventually(async () => ((await record(v.visitorId))?.userAgent ? true : undefined), 'the visit recorded');
    expect((await supervisor.api.get(`/conversations/${v.conversationId}`)).body.visitor.browser).toBe(BROWSER_MASKED);
    expect(await record(v.visitorId)).toMatchObject({ lastPageUrl: PAGE.url, lastPageTitle: PAGE.title, referrer: PAGE.referrer, userAgent: BROWSER });
  });

  it('M2: requester_edited data reaches agents masked live, in history and in the events page; stored raw', async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const v = await chattingVisitor();
    // Live events go to the consoles that watch the conversation (the others get its summary).
    supervisor.socket.send({ type: 'watch', conversationId: v.conversationId, afterSeq: 0 });
    await supervisor.socket.next('history', (h) => h.conversationId === v.conversationId);
    expect((await supervisor.api.put(`/conversations/${v.conversationId}/requester`, { name: NAME, email: EMAIL })).status).toBe(200);
    const masked = { name: NAME_MASKED, email: 'm****************@example.com' };
    expect((await agentEvent(supervisor, v.conversationId, 'requester_edited')).data).toEqual(masked);
    const page = await supervisor.api.get(`/conversations/${v.conversationId}/events`);
    expect(page.body.events.find((e: ConversationEvent) => e.kind === 'requester_edited').data).toEqual(masked);
    supervisor.socket.send({ type: 'watch', conversationId: v.conversationId, afterSeq: 0 });
    const history = await supervisor.socket.next('history', (h) => h.conversationId === v.conversationId && h.events.some((e) => e.kind === 'requester_edited'));
    expect(history.events.find((e) => e.kind === 'requester_edited')?.data).toEqual(masked);
    expect((await storedEvent(server, v.conversationId, 'requester_edited')).data).toEqual({ name: NAME, email: EMAIL });
  });

  it("M2: a rating comment, an attachment's name and the visitor's name on its typing reach agents masked", async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const v = await chattingVisitor();
    expect((await supervisor.api.put(`/conversations/${v.conversationId}/requester`, { name: NAME, email: null })).status).toBe(200);
    supervisor.socket.send({ type: 'watch', conversationId: v.conversationId, afterSeq: 0 });
    await supervisor.socket.next('history', (h) => h.conversationId === v.conversationId);
    v.socket.send({ type: 'typing', conversationId: v.conversationId, on: true });
    const typing = await supervisor.socket.next('typing', (t) => t.conversationId === v.conversationId);
    expect(typing.author.name).toBe(NAME_MASKED);

    const upload = await fetch(`${server.url}/api/v1/files?conversation=${v.conversationId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.session.token}`, origin: server.origin, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(`comprovante ${CARD}.png`) },
      body: PNG,
    });
    const { attachment } = (await upload.json()) as { attachment: { id: string } };
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, conversationId: v.conversationId, text: '', attachments: [attachment.id] });
    await v.socket.next('ack', (a) => a.clientId === clientId);
    const withFile = await waitFrames(
      supervisor.socket,
      (frames) => frames.find((f): f is Extract<ServerFrame, { type: 'event' }> => f.type === 'event' && f.event.clientId === clientId)?.event,
      'the message with the file',
    );
    expect(withFile.attachments?.[0]?.name).toBe(`comprovante ${CARD_MASKED}.png`);

    v.socket.send({ type: 'conversation.end', conversationId: v.conversationId });
    await agentEvent(supervisor, v.conversationId, 'ended_by_visitor');
    expectAnswer(await rate(v.socket, v.conversationId, 2, `cartão ${CARD}`), 'done');
    expect((await agentEvent(supervisor, v.conversationId, 'rated')).data).toEqual({ score: 2, comment: `cartão ${CARD_MASKED}` });
    expect((await storedEvent(server, v.conversationId, 'rated')).data).toEqual({ score: 2, comment: `cartão ${CARD}` });
    const [file] = await server.papo.store.attachments.list(v.conversationId);
    expect(file?.name).toBe(`comprovante ${CARD}.png`);
  });
});

describe("M2: a file's name in a mask site's download", () => {
  beforeEach(async () => setMasking(server, 'mask'));

  /** The name a download is saved under: Content-Disposition's UTF-8 `filename*`, and its ASCII fallback. */
  function savedAs(res: Response): { name: string; fallback: string } {
    const disposition = res.headers.get('content-disposition') ?? '';
    return { name: decodeURIComponent(/filename\*=UTF-8''([^;]*)/.exec(disposition)?.[1] ?? ''), fallback: /filename="([^"]*)"/.exec(disposition)?.[1] ?? '' };
  }

  it("M2: an agent downloads a visitor's file under its masked name; the visitor downloads it under the name it gave", async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const v = await chattingVisitor();
    const upload = await fetch(`${server.url}/api/v1/files?conversation=${v.conversationId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.session.token}`, origin: server.origin, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(`comprovante ${CARD}.png`) },
      body: PNG,
    });
    expect(upload.status).toBe(201);
    const { attachment } = (await upload.json()) as { attachment: { id: string } };
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, conversationId: v.conversationId, text: '', attachments: [attachment.id] });
    await v.socket.next('ack', (a) => a.clientId === clientId);

    for (const download of ['', '?download=1']) {
      const byAgent = await fetch(`${server.url}/api/v1/files/${attachment.id}${download}`, { headers: { cookie: supervisor.cookie, origin: server.origin } });
      expect(byAgent.status).toBe(200);
      expect(savedAs(byAgent)).toEqual({ name: `comprovante ${CARD_MASKED}.png`, fallback: `comprovante ${CARD_MASKED}.png` });
      expect(byAgent.headers.get('content-disposition')).not.toMatch(/4111(%20| )1111/);
      const byVisitor = await fetch(`${server.url}/api/v1/files/${attachment.id}${download}`, { headers: { authorization: `Bearer ${v.session.token}`, origin: server.origin } });
      expect(byVisitor.status).toBe(200);
      expect(savedAs(byVisitor).name).toBe(`comprovante ${CARD}.png`);
      await Promise.all([byAgent.arrayBuffer(), byVisitor.arrayBuffer()]);
    }
    const [file] = await server.papo.store.attachments.list(v.conversationId);
    expect(file?.name).toBe(`comprovante ${CARD}.png`);
  });
});

describe('R10/R11: the live visitors list shows an agent the visitors of its sites only', () => {
  it("R10/R11: an agent of another site's queue neither sees a visitor in the live list nor starts a chat with it; the site's own agent and a supervisor do", async () => {
    const otherSite = uuidv7();
    await server.papo.store.sites.create({ id: otherSite, key: `other-${randomUUID()}`, name: 'Outra loja', allowedOrigins: ['self'], createdAt: Date.now() });
    const made = await (await adminApi(server)).post('/queues', { siteId: otherSite, name: 'Outra fila', strategy: 'broadcast', offerTimeoutMs: 30_000, agentIds: [] });
    expect(made.status).toBe(201);
    await server.papo.store.sites.update(otherSite, { defaultQueueId: made.body.queue.id });
    const stranger = await createAgent(server, { queues: [made.body.queue.id] });
    const own = await createAgent(server, { queues: [await supportQueueId(server)] });
    const supervisor = await createAgent(server, { role: 'supervisor' });
    const v = await visitor(server, { page: PAGE });

    const listed = async (who: typeof own) => ((await who.api.get('/visitors/live')).body.visitors as Array<{ id: string }>).some((x) => x.id === v.session.visitorId);
    await eventually(async () => ((await listed(own)) ? true : undefined), "the visitor in its site's agent's list");
    expect(await listed(supervisor)).toBe(true);
    expect(await listed(stranger)).toBe(false);
    const refused = await stranger.api.post(`/visitors/${v.session.visitorId}/conversations`, { clientId: randomUUID(), text: 'Posso ajudar?' });
    expect(refused.status).toBe(404);
  });
});
