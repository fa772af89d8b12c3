import { describe, expect, it } from 'vitest';
import { HISTORY_PAGE_EVENTS, MAX_REPLAY_EVENTS } from '../../shared/limits';
import { openAgent, openVisitor } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();

describe('resume after a disconnect', () => {
  it('D5: a visitor that reconnects with its last sequence gets exactly the events it missed', async () => {
    const agent = await openAgent(server);
    const visitor = await openVisitor(server);
    const { conversationId, seq } = await visitor.socket.say('primeira');
    await visitor.socket.close();

    // While the visitor is away the agent replies twice.
    await agent.socket.say('resposta 1', conversationId);
    await agent.socket.say('resposta 2', conversationId);

    const back = await openVisitor(server, { token: visitor.session.token, resume: { conversationId, afterSeq: seq } });
    expect(back.session.conversation?.id).toBe(conversationId);
    const history = await back.socket.next('history');
    expect(history.reset).toBe(false);
    expect(history.events.map((e) => e.text ?? e.kind)).toEqual(['assigned', 'resposta 1', 'resposta 2']);
    expect(history.events[0]!.seq).toBe(seq + 1);

    // Live events continue right after the replay, without repeats.
    await agent.socket.say('resposta 3', conversationId);
    const live = await back.socket.next('event');
    expect(live.event.seq).toBe(history.events.at(-1)!.seq + 1);
  });

  it('D5: an agent resumes its open conversation from hello', async () => {
    const visitor = await openVisitor(server);
    const { conversationId, seq } = await visitor.socket.say('oi');
    await visitor.socket.say('tem alguém?');
    const agent = await openAgent(server, undefined, { conversationId, afterSeq: seq });
    const history = await agent.socket.next('history');
    expect(history).toMatchObject({ conversationId, reset: false });
    expect(history.events.map((e) => e.text)).toEqual(['tem alguém?']);
  });

  it('D6: a client holding nothing gets a reset snapshot of the newest page', async () => {
    const visitor = await openVisitor(server);
    await visitor.socket.say('histórico');
    const tab = await openVisitor(server, { token: visitor.session.token });
    const history = await tab.socket.next('history');
    expect(history.reset).toBe(true);
    expect(history.hasMore).toBe(false);
    expect(history.events.map((e) => e.kind)).toEqual(['created', 'message']);
  });

  it('D6: a client too far behind gets a reset with the newest page and hasMore, never a silent gap', async () => {
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('m0');
    // Write past the replay bound straight through the real service path (acks after commit).
    const total = MAX_REPLAY_EVENTS + 5;
    await Promise.all(Array.from({ length: total }, (_, i) => visitor.socket.say(`m${i + 1}`, conversationId)));
    const back = await openVisitor(server, { token: visitor.session.token, resume: { conversationId, afterSeq: 2 } });
    const history = await back.socket.next('history');
    expect(history.reset).toBe(true);
    expect(history.hasMore).toBe(true);
    expect(history.events).toHaveLength(HISTORY_PAGE_EVENTS);
    expect(history.events.at(-1)!.seq).toBe(history.lastSeq);
  });

  it('D6: a client holding a sequence the server never wrote gets a reset', async () => {
    const visitor = await openVisitor(server);
    const { conversationId, seq } = await visitor.socket.say('oi');
    const back = await openVisitor(server, { token: visitor.session.token, resume: { conversationId, afterSeq: seq + 50 } });
    const history = await back.socket.next('history');
    expect(history.reset).toBe(true);
    expect(history.events.at(-1)!.seq).toBe(seq);
  });

  it('D5: an agent watching a conversation while the visitor writes gets no gap and no repeat', async () => {
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('início');
    const agent = await openAgent(server);
    // Writes race with the watch's catch-up read.
    const writes = Array.from({ length: 30 }, (_, i) => visitor.socket.say(`corrida ${i}`, conversationId));
    agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await Promise.all(writes);
    const last = (await server.papo.store.conversations.byId(conversationId))!.lastSeq;
    const history = await agent.socket.next('history', (h) => h.conversationId === conversationId);
    const seqs = history.events.map((e) => e.seq);
    const holds = seqs.at(-1) ?? 0;
    for (let seq = holds + 1; seq <= last; seq++) {
      await agent.socket.next('event', (f) => f.event.conversationId === conversationId && f.event.seq === seq);
    }
    const live = agent.socket.all('event').filter((f) => f.event.conversationId === conversationId).map((f) => f.event.seq);
    expect([...seqs, ...live]).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });
});
