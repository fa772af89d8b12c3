import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../shared/protocol';
import type { Store } from '../store/store';
import { CLOSE } from '../../shared/errors';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { openAgent, openVisitor, TestSocket } from './clients';
import { serverForAll, startTestServer } from './harness';

const READ_DELAY_MS = 150;

/** Catch-up reads take their snapshot at once but answer late, as a remote database would. */
function slowCatchUpReads(store: Store): Store {
  const late = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), READ_DELAY_MS));
  return {
    ...store,
    events: {
      ...store.events,
      after: (...args) => store.events.after(...args).then(late),
      before: (...args) => store.events.before(...args).then(late),
    },
  };
}

const server = serverForAll({ wrapStore: slowCatchUpReads });

/** The frames of one conversation on a socket, in arrival order, as [kind, seqs]. */
function stream(frames: ServerFrame[], conversationId: string): Array<['history' | 'event', number[]]> {
  return frames.flatMap((f): Array<['history' | 'event', number[]]> => {
    if (f.type === 'history' && f.conversationId === conversationId) return [['history', f.events.map((e) => e.seq)]];
    if (f.type === 'event' && f.event.conversationId === conversationId) return [['event', [f.event.seq]]];
    return [];
  });
}

describe('races between live events and catch-up reads', () => {
  it('D5: events committed while a watch catch-up read is in flight come after the history, with no gap or repeat', async () => {
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('m0');
    const agent = await openAgent(server);

    agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await new Promise((r) => setTimeout(r, 20)); // the read has taken its snapshot; its answer is still on its way
    for (let i = 1; i <= 10; i++) await visitor.socket.say(`m${i}`, conversationId);
    const last = (await server.papo.store.conversations.byId(conversationId))!.lastSeq;
    await agent.socket.next('event', (f) => f.event.conversationId === conversationId && f.event.seq === last);

    const frames = stream(agent.socket.frames, conversationId);
    expect(frames[0]![0]).toBe('history'); // nothing overtook the history
    expect(frames.flatMap(([, seqs]) => seqs)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });

  it('D5: a visitor resuming from hello while messages arrive gets history then the rest, in order', async () => {
    const visitor = await openVisitor(server);
    const { conversationId, seq } = await visitor.socket.say('primeira');
    const agent = await openAgent(server);
    const tab = openVisitor(server, { token: visitor.session.token, resume: { conversationId, afterSeq: seq } });
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 5; i++) await agent.socket.say(`resposta ${i}`, conversationId);
    const { socket } = await tab;
    const last = (await server.papo.store.conversations.byId(conversationId))!.lastSeq;
    await socket.next('event', (f) => f.event.seq === last).catch(() => undefined); // the last may be in the history
    await socket.next('history');
    const frames = stream(socket.frames, conversationId);
    expect(frames[0]![0]).toBe('history');
    expect(frames.flatMap(([, seqs]) => seqs)).toEqual(Array.from({ length: last - seq }, (_, i) => seq + i + 1));
  });

  it('a hello resuming a conversation that does not exist answers gone (the console drops it) and the socket still gets live events', async () => {
    const agent = await openAgent(server, undefined, { conversationId: 'does-not-exist', afterSeq: 3 });
    expect((await agent.socket.next('gone')).conversationId).toBe('does-not-exist');
    const visitor = await openVisitor(server);
    await visitor.socket.say('ainda chega?');
    await agent.socket.next('conversation', (f) => f.conversation.lastMessage?.text === 'ainda chega?');
  });
});

describe('pipelining', () => {
  it('D2: messages queued behind a control frame are not made to wait for one commit each', async () => {
    // Count the turns of the event loop in which writes reach the store.
    let turns = 0;
    let markedThisTurn = false;
    const server = await startTestServer({
      wrapStore: (store) => ({
        ...store,
        write(request) {
          if (!markedThisTurn) {
            turns++;
            markedThisTurn = true;
            setImmediate(() => (markedThisTurn = false));
          }
          return store.write(request);
        },
      }),
    });
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('primeira');
    turns = 0;
    visitor.socket.send({ type: 'ping', id: 1 }); // a control frame first: the messages queue behind it
    const acks = Array.from({ length: 30 }, (_, i) => visitor.socket.say(`rajada ${i}`, conversationId));
    await Promise.all(acks);
    // One commit per message would take 30 turns; queued in arrival order, they take a handful.
    expect(turns).toBeLessThanOrEqual(5);
    const stored = await server.papo.store.events.after(conversationId, 0, { limit: 100 });
    expect(stored.slice(3).map((e) => e.text)).toEqual(Array.from({ length: 30 }, (_, i) => `rajada ${i}`));
    await server.stop();
  });
});

describe('a failed hello', () => {
  it('answers internal and closes with 1011, so the client reconnects instead of waiting for ever', async () => {
    let failing = true;
    const server = await startTestServer({
      wrapStore: (store) => ({
        ...store,
        conversations: {
          ...store.conversations,
          openForVisitor: (id) => (failing ? Promise.reject(new Error('disk on fire')) : store.conversations.openForVisitor(id)),
        },
      }),
    });
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin });
    socket.send({ type: 'hello', v: PROTOCOL_VERSION });
    expect((await socket.next('error')).code).toBe('internal');
    expect((await socket.closed).code).toBe(CLOSE.internal);
    expect(server.problems.join('')).toContain('disk on fire'); // logged with context, not swallowed
    server.problems.length = 0;
    failing = false;
    const again = await openVisitor(server);
    expect(again.session.conversation).toBeNull();
    await server.stop();
  });
});
