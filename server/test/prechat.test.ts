/**
 * SPEC W5 against the real server: a site's pre-chat form is answered with the message that starts a
 * conversation; refusals name the clientId and store nothing; valid answers name the visitor, the requester
 * e-mail and the queue the agents see; identified visitors skip it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET, type SiteWidget } from '../../shared/api';
import { PROTOCOL_VERSION, type PrechatAnswers } from '../../shared/protocol';
import { adminApi, makeQueue, onlineAgent, storedEvents, summary, waitFrames, type OnlineAgent } from './agents';
import { openVisitor, TestSocket } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();
let siteId: string;
let sales: { id: string; name: string };
let support: { id: string; name: string };
let unoffered: { id: string; name: string };
let supervisor: OnlineAgent;
const CONSENT = 'Aceito que meus dados sejam usados para este atendimento.';

const form = (prechat: Partial<SiteWidget['prechat']>): SiteWidget => ({
  ...DEFAULT_WIDGET,
  prechat: { enabled: true, name: 'required', email: 'required', queues: [sales.id, support.id], consent: CONSENT, ...prechat },
});

async function setForm(widget: SiteWidget) {
  const res = await (await adminApi(server)).put(`/sites/${siteId}/widget`, widget);
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  siteId = (await server.papo.store.sites.byKey(server.siteKey))!.id;
  sales = await makeQueue(server, { name: 'Vendas' });
  support = await makeQueue(server, { name: 'Suporte' });
  unoffered = await makeQueue(server, { name: 'Interna' });
  supervisor = await onlineAgent(server, { role: 'supervisor' });
  await setForm(form({}));
});

/** Sends a first message with these answers; answers its ack or its error frame. */
async function first(socket: TestSocket, prechat: PrechatAnswers | undefined, text = 'Quero saber do meu pedido') {
  const clientId = randomUUID();
  socket.send({ type: 'message.send', clientId, text, ...(prechat ? { prechat } : {}) });
  return waitFrames(
    socket,
    (frames) => frames.find((f) => (f.type === 'ack' || f.type === 'error') && 'clientId' in f && f.clientId === clientId),
    `the answer to ${clientId}`,
  );
}

const valid = (): PrechatAnswers => ({ name: 'Joana Lima', email: 'Joana@Example.com.br', queue: support.id, consent: true });

describe('W5: refusals name the clientId and store nothing', () => {
  const cases: Array<[string, () => PrechatAnswers | undefined, string]> = [
    ['no answers at all', () => undefined, 'field_required'],
    ['the required name missing', () => ({ ...valid(), name: undefined }), 'field_required'],
    ['the required name blank', () => ({ ...valid(), name: '   ' }), 'field_required'],
    ['the required e-mail missing', () => ({ ...valid(), email: undefined }), 'field_required'],
    ['a malformed e-mail', () => ({ ...valid(), email: 'joana@' }), 'invalid_email'],
    ['a queue the form does not offer', () => ({ ...valid(), queue: unoffered.id }), 'invalid_request'],
    ['an unknown queue', () => ({ ...valid(), queue: 'no-such-queue' }), 'invalid_request'],
    ['consent not ticked', () => ({ ...valid(), consent: false }), 'field_required'],
    ['consent left out', () => ({ ...valid(), consent: undefined }), 'field_required'],
  ];
  it.each(cases)('%s', async (_name, answers, code) => {
    const { socket, session } = await openVisitor(server);
    const answer = await first(socket, answers());
    expect(answer).toMatchObject({ type: 'error', code });
    expect(await server.papo.store.conversations.openForVisitor(session.visitorId)).toBeNull();
    expect(await server.papo.store.visitors.byId(session.visitorId)).toBeNull();
    await socket.close();
  });
});

describe('W5: valid answers', () => {
  it('name the visitor, the requester e-mail and the queue the agents see; consent is on the first message', async () => {
    const { socket, session } = await openVisitor(server);
    const answer = await first(socket, valid());
    expect(answer.type).toBe('ack');
    const conversationId = (answer as { conversationId: string }).conversationId;

    const seen = await summary(supervisor.socket, conversationId);
    expect(seen).toMatchObject({ visitorName: 'Joana Lima', requesterEmail: 'joana@example.com.br', queueId: support.id });
    expect(await server.papo.store.visitors.byId(session.visitorId)).toMatchObject({ name: 'Joana Lima', email: 'joana@example.com.br' });
    const events = await storedEvents(server, conversationId);
    expect(events.find((e) => e.kind === 'queued')?.data).toMatchObject({ queueId: support.id, queueName: 'Suporte' });
    expect(events.find((e) => e.kind === 'message')?.data).toEqual({ consent: CONSENT });
    // The visitor's own copy carries no workflow data.
    const own = await socket.next('event', (f) => f.event.kind === 'message');
    expect(own.event.data).toBeUndefined();

    // Later messages of the conversation need no answers.
    expect(await first(socket, undefined, 'Mais uma coisa')).toMatchObject({ type: 'ack', conversationId });
    await socket.close();
  });

  it('optional fields may be left out; no queue chosen goes where the site sends it', async () => {
    await setForm(form({ name: 'optional', email: 'optional', consent: null }));
    try {
      const { socket } = await openVisitor(server);
      const answer = await first(socket, {});
      expect(answer.type).toBe('ack');
      const c = (await server.papo.store.conversations.byId((answer as { conversationId: string }).conversationId))!;
      const site = (await server.papo.store.sites.byId(siteId))!;
      expect(c).toMatchObject({ visitorName: null, requesterEmail: null, queueId: site.defaultQueueId });
      await socket.close();
    } finally {
      await setForm(form({}));
    }
  });

  it('a site with pre-chat off asks nothing', async () => {
    await setForm({ ...form({}), prechat: { ...form({}).prechat, enabled: false } });
    try {
      const { socket } = await openVisitor(server);
      expect((await first(socket, undefined)).type).toBe('ack');
      await socket.close();
    } finally {
      await setForm(form({}));
    }
  });
});

describe('W5: identified visitors skip the form', () => {
  it('an identified visitor starts a conversation without answers', async () => {
    const secret = (await (await adminApi(server)).post(`/sites/${siteId}/identity-secret`)).body.identitySecret as string;
    const userId = `user-${randomUUID().slice(0, 8)}`;
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
    socket.send({
      type: 'hello',
      v: PROTOCOL_VERSION,
      token: null,
      identity: { userId, userHash: createHmac('sha256', secret).update(userId).digest('hex'), name: 'Carlos', email: 'carlos@example.com' },
    });
    const welcome = await socket.next('welcome');
    expect(welcome.session.role === 'visitor' && welcome.session.identity?.userId).toBe(userId);
    const answer = await first(socket, undefined);
    expect(answer.type).toBe('ack');
    await socket.close();
  });
});
