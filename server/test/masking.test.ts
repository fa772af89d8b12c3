/**
 * Issue 6, masking of sensitive data per site: off, mask in agent views (live frames, lists, history pages,
 * panels, ticket transcripts), or redact before storing (the raw value never reaches the database).
 */
import { describe, expect, it } from 'vitest';
import { adminApi, onlineAgent, storedEvents, summary, visitor, waitFrames } from './agents';
import { serverForEach } from './harness';
import { createTicket, demoSiteId, setMasking } from './tickets-helpers';

const SECRET = 'Meu CPF é 529.982.247-25 e o cartão 4111 1111 1111 1111, e-mail maria@gmail.com 👋';
const MASKED = 'Meu CPF é ***.***.***-25 e o cartão **** **** **** 1111, e-mail m****@gmail.com 👋';

const server = serverForEach();

/** A supervisor online, a visitor who writes SECRET: what each side got. */
async function chat() {
  const supervisor = await onlineAgent(server, { role: 'supervisor' });
  const v = await visitor(server);
  const { conversationId } = await v.socket.say(SECRET);
  const live = await waitFrames(
    supervisor.socket,
    (frames) => frames.find((f) => (f.type === 'event' || f.type === 'conversation') && f.conversation?.id === conversationId && f.conversation.lastMessage !== null),
    'the supervisor hears the message',
  );
  return { supervisor, v, conversationId, live };
}

describe('issue 6: masking per site', () => {
  it('mask: agents see masked previews, live events and history; the store and the visitor keep the text', async () => {
    await setMasking(server, 'mask');
    const { supervisor, v, conversationId } = await chat();
    const s = await summary(supervisor.socket, conversationId, (c) => c.lastMessage !== null);
    expect(s.lastMessage?.text).toBe(MASKED);
    expect(s.firstMessage).toBe(MASKED);
    // History page and the watch snapshot.
    const page = await supervisor.api.get(`/conversations/${conversationId}/events`);
    expect(page.body.events.find((e: { kind: string }) => e.kind === 'message').text).toBe(MASKED);
    supervisor.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    const history = await supervisor.socket.next('history', (h) => h.conversationId === conversationId);
    expect(history.events.find((e) => e.kind === 'message')?.text).toBe(MASKED);
    // Lists and the panel.
    expect((await supervisor.api.get('/conversations')).body.conversations.find((c: { id: string }) => c.id === conversationId).lastMessage.text).toBe(MASKED);
    expect((await supervisor.api.get(`/conversations/${conversationId}`)).body.conversation.firstMessage).toBe(MASKED);
    // Stored as written; the visitor sees its own text.
    expect((await storedEvents(server, conversationId)).find((e) => e.kind === 'message')?.text).toBe(SECRET);
    const own = v.socket.frames.find((f) => f.type === 'event' && f.event.kind === 'message');
    expect(own?.type === 'event' && own.event.text).toBe(SECRET);
  });

  it('redact: the raw value never reaches the database; everyone sees the masked text', async () => {
    await setMasking(server, 'redact');
    const { supervisor, conversationId } = await chat();
    expect((await storedEvents(server, conversationId)).find((e) => e.kind === 'message')?.text).toBe(MASKED);
    expect((await summary(supervisor.socket, conversationId, (c) => c.lastMessage !== null)).lastMessage?.text).toBe(MASKED);
    expect(server.problems.join('\n')).not.toContain('4111 1111 1111 1111');
  });

  it('redact: a leave-a-message form is redacted before it is stored', async () => {
    await setMasking(server, 'redact');
    const v = await visitor(server);
    const answer = await createTicket(v.socket, { email: 'maria@example.com', message: SECRET });
    expect(answer.type).toBe('ticket');
    const [ticket] = await server.papo.store.tickets.list({ limit: 1 });
    expect(ticket?.description).toBe(MASKED);
  });

  it('off (the default): nothing is masked', async () => {
    const { supervisor, conversationId } = await chat();
    expect((await summary(supervisor.socket, conversationId, (c) => c.lastMessage !== null)).lastMessage?.text).toBe(SECRET);
  });

  it('only admins set the mode, and only to a known one', async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const siteId = await demoSiteId(server);
    expect((await supervisor.api.put(`/sites/${siteId}/masking`, { mode: 'off' })).status).toBe(403);
    const bad = await (await adminApi(server)).put(`/sites/${siteId}/masking`, { mode: 'hide' });
    expect(bad.status).toBe(400);
  });
});
