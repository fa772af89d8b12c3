/**
 * Issue 11 F4, against the real server: every piece of visitor free text, not only messages, is masked
 * before it is stored in a site in `redact` mode (SPEC M1).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET } from '../../shared/api';
import { PNG } from '../domain/file-type.fixtures';
import { adminApi, eventually, onlineAgent, stored, storedEvent, visitor } from './agents';
import { startTestServer, type TestServer } from './harness';
import { createTicket, demoSiteId, expectAnswer, rate, setTicketing } from './tickets-helpers';

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

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.stop();
});

async function setMode(mode: 'off' | 'mask' | 'redact') {
  const res = await (await adminApi(server)).put(`/sites/${await demoSiteId(server)}/masking`, { mode });
  expect(res.status).toBe(200);
}

/** A visitor whose hello carries PAGE and BROWSER and who has written a first message. */
async function chattingVisitor(text = 'Olá') {
  const v = await visitor(server, { page: PAGE, userAgent: BROWSER });
  const { conversationId } = await v.socket.say(text);
  return { ...v, conversationId, visitorId: v.session.visitorId };
}

const record = (visitorId: string) => server.papo.store.visitors.byId(visitorId);

describe('M1: redact stores every piece of visitor free text masked', () => {
  beforeEach(async () => setMode('redact'));

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
