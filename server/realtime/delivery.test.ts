/**
 * Delivery to one socket (delivery.ts) with a recording outbox: sequence order without repeats (SPEC D2),
 * catch-up before live events (D5), what an agent may follow (R10) and signals (W1, W2). The same rules on
 * real sockets are in server/test (resume, routing, live-privileges, typing-seen).
 */
import { describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationSummary, ServerFrame } from '../../shared/protocol';
import type { BusMessage, EventMessage, SignalMessage } from '../bus/bus';
import type { AgentActor, VisitorActor } from '../domain/conversation';
import { silentLogger } from '../log';
import type { CatchUp } from '../services/conversations';
import type { MaskingPolicy } from '../services/masking-policy';
import {
  catchUp,
  deliverToAgent,
  deliverToVisitor,
  reconcile,
  routeToAgent,
  routeToVisitor,
  type AgentDeliveryDeps,
  type AgentDeliveryState,
  type DeliveryState,
  type Outbox,
} from './delivery';

class Recorder implements Outbox {
  readonly sent: unknown[] = [];
  send(frame: ServerFrame): void {
    this.sent.push(JSON.parse(JSON.stringify(frame)));
  }
  sendRaw(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  /** What was sent, as `type:conversationId[:seq]`. */
  get said(): string[] {
    return this.sent.map((f) => {
      const frame = f as { type: string; event?: { conversationId: string; seq: number }; conversation?: { id: string }; conversationId?: string };
      if (frame.event) return `${frame.type}:${frame.event.conversationId}:${frame.event.seq}`;
      return `${frame.type}:${frame.conversationId ?? frame.conversation?.id}`;
    });
  }
}

const visitor: VisitorActor = { kind: 'visitor', visitorId: 'v1', siteId: 's1' };
const agent = (role: AgentActor['role'] = 'agent'): AgentActor => ({ kind: 'agent', id: 'a1', name: 'Ana', role, queueIds: new Set() });
const masking = { modeOf: () => 'off' } as unknown as MaskingPolicy;

/** Delivery's deps with a store that answers `answer` (never called by a test that needs no read). */
function depsWith(answer: (afterSeq: number) => Promise<CatchUp> = () => Promise.reject(new Error('no read expected'))): AgentDeliveryDeps & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    conversations: {
      catchUp: (_actor, _conversation, afterSeq) => {
        reads.push(afterSeq);
        return answer(afterSeq);
      },
    },
    bus: { ready: () => Promise.resolve() },
    log: silentLogger,
    masking,
  };
}
const deps = depsWith();
const ticks = () => new Promise((resolve) => setImmediate(resolve));

function summary(id: string, assignedAgentId: string | null = 'a1'): ConversationSummary {
  return { id, siteId: 's1', visitorId: 'v1', status: 'open', assignedAgentId, queueId: null, bot: false, participants: [] } as unknown as ConversationSummary;
}

function event(conversationId: string, seq: number, kind: ConversationEvent['kind'] = 'message', assignedAgentId: string | null = 'a1'): EventMessage {
  const e = { conversationId, seq, kind, author: { kind: 'visitor', id: 'v1' }, text: 'oi', at: seq, clientId: null } as unknown as ConversationEvent;
  return { siteId: 's1', visitorId: 'v1', event: e, conversation: summary(conversationId, assignedAgentId) };
}

function signal(conversationId: string, type: 'typing' | 'seen', from: string, toVisitor = true): SignalMessage {
  const frame = type === 'typing' ? { type, conversationId, author: { kind: 'agent', id: 'a2', name: 'Bia' }, on: true } : { type, conversationId, by: 'agent', seq: 1 };
  return { signal: true, siteId: 's1', visitorId: 'v1', conversation: summary(conversationId), frame: frame as SignalMessage['frame'], from, toVisitor };
}

const watching = (): DeliveryState => ({ actor: visitor, watches: null });
const agentWatching = (role?: AgentActor['role']): AgentDeliveryState => ({ actor: agent(role), known: null, watches: null });

describe('delivery of one watched conversation', () => {
  it.each([
    ['visitor', deliverToVisitor],
    ['agent', deliverToAgent],
  ] as const)('D2: the %s gets each sequence once, in order; a repeat is dropped', (_role, deliver) => {
    const out = new Recorder();
    const watch = { lastSent: 1, buffer: null };
    for (const seq of [1, 2, 2, 3, 1]) deliver(out, event('c1', seq), watch);
    expect(out.said).toEqual(['event:c1:2', 'event:c1:3']);
    expect(watch.lastSent).toBe(3);
  });

  it('D11: a visitor never gets a note, though it counts as held', () => {
    const out = new Recorder();
    const watch = { lastSent: 0, buffer: null };
    deliverToVisitor(out, event('c1', 1, 'note'), watch);
    deliverToVisitor(out, event('c1', 2), watch);
    expect(out.said).toEqual(['event:c1:2']);
  });

  it('D5: events that arrive during a catch-up come after its history, without the ones it held', async () => {
    const out = new Recorder();
    const live = watching();
    let answer!: (v: CatchUp) => void;
    const d = depsWith(() => new Promise<CatchUp>((resolve) => (answer = resolve)));
    const done = catchUp(out, live, d, summary('c1'), 1, deliverToVisitor);
    await ticks();
    routeToVisitor(out, live, event('c1', 3), null, d);
    routeToVisitor(out, live, event('c1', 2), null, d);
    expect(out.said).toEqual([]);
    answer({ events: [event('c1', 2).event], hasMore: false, reset: false, lastSeq: 2 });
    await done;
    expect(out.said).toEqual(['history:c1', 'event:c1:3']);
  });

  it('D5 across nodes: a catch-up reads the store only once the bus hears the subscription (bus.ready)', async () => {
    const out = new Recorder();
    const live = watching();
    let heard!: () => void;
    const d = { ...depsWith(() => Promise.resolve({ events: [event('c1', 2).event], hasMore: false, reset: false, lastSeq: 2 })), bus: { ready: () => new Promise<void>((resolve) => (heard = resolve)) } };
    const done = catchUp(out, live, d, summary('c1'), 1, deliverToVisitor);
    await ticks();
    expect(d.reads).toEqual([]);
    routeToVisitor(out, live, event('c1', 3), null, d);
    heard();
    await done;
    expect(d.reads).toEqual([1]);
    expect(out.said).toEqual(['history:c1', 'event:c1:3']);
  });

  it('a catch-up that fails stops watching its conversation', async () => {
    const live = watching();
    const d = depsWith(() => Promise.reject(new Error('disk')));
    await expect(catchUp(new Recorder(), live, d, summary('c1'), 0, deliverToVisitor)).rejects.toThrow('disk');
    expect(live.watches?.has('c1')).toBe(false);
  });
});

describe('a visitor socket', () => {
  it("follows a conversation it did not hold (another tab's) from its first event", () => {
    const out = new Recorder();
    const live = watching();
    routeToVisitor(out, live, event('c2', 1), null, deps);
    routeToVisitor(out, live, event('c2', 1), null, deps);
    expect(out.said).toEqual(['event:c2:1']);
  });

  it('W1, W2: gets the signals meant for it, never its own', () => {
    const out = new Recorder();
    const live = watching();
    routeToVisitor(out, live, signal('c1', 'typing', 'me'), 'me', deps);
    routeToVisitor(out, live, signal('c1', 'typing', 'other', false), 'me', deps);
    routeToVisitor(out, live, signal('c1', 'seen', 'other'), 'me', deps);
    expect(out.said).toEqual(['seen:c1']);
  });

  it('ignores a removed conversation (consoles only)', () => {
    const out = new Recorder();
    routeToVisitor(out, watching(), { removed: true, siteId: 's1', visitorId: 'v1', conversationId: 'c1' }, null, deps);
    expect(out.said).toEqual([]);
  });
});

describe('an agent socket', () => {
  it('gets an unwatched conversation as its summary and a watched one as events', () => {
    const out = new Recorder();
    const live = agentWatching();
    routeToAgent(out, live, event('c1', 1), null, deps);
    live.watches!.set('c1', { lastSent: 1, buffer: null });
    routeToAgent(out, live, event('c1', 2), null, deps);
    expect(out.said).toEqual(['conversation:c1', 'event:c1:2']);
  });

  it('R10: a conversation that leaves its sight is withdrawn once, and is no longer watched', () => {
    const out = new Recorder();
    const live = agentWatching();
    live.watches = new Map([['c1', { lastSent: 1, buffer: null }]]);
    routeToAgent(out, live, event('c1', 2), null, deps);
    routeToAgent(out, live, event('c1', 3, 'message', 'a2'), null, deps);
    routeToAgent(out, live, event('c1', 4, 'message', 'a2'), null, deps);
    expect(out.said).toEqual(['event:c1:2', 'gone:c1']);
    expect(live.watches.has('c1')).toBe(false);
  });

  it('R10: a supervisor sees everything: nothing is tracked, nothing withdrawn', () => {
    const out = new Recorder();
    const live = agentWatching('supervisor');
    routeToAgent(out, live, event('c1', 1, 'message', 'a2'), null, deps);
    expect(out.said).toEqual(['conversation:c1']);
    expect(live.known).toBe(null);
  });

  it.each([
    ['agent', ['c1'], ['gone:c1']],
    ['agent', [], []],
    ['supervisor', [], ['gone:c1']],
  ] as const)('a deleted conversation: an %s that knew %j is told %j', (role, known, said) => {
    const out = new Recorder();
    const live = agentWatching(role);
    live.known = new Set(known);
    routeToAgent(out, live, { removed: true, siteId: 's1', visitorId: 'v1', conversationId: 'c1' }, null, deps);
    expect(out.said).toEqual(said);
  });

  it('W1: typing only for a watched conversation, seen for any it may see, never its own', () => {
    const out = new Recorder();
    const live = agentWatching();
    const messages: BusMessage[] = [signal('c1', 'typing', 'other'), signal('c1', 'seen', 'other'), signal('c1', 'seen', 'me')];
    for (const m of messages) routeToAgent(out, live, m, 'me', deps);
    live.watches = new Map([['c1', { lastSent: 0, buffer: null }]]);
    routeToAgent(out, live, signal('c1', 'typing', 'other'), 'me', deps);
    expect(out.said).toEqual(['seen:c1', 'typing:c1']);
  });
});

/** A store read the test answers by hand. */
function heldRead() {
  const answers: Array<(v: CatchUp) => void> = [];
  const fails: Array<(err: Error) => void> = [];
  const d = depsWith(
    () =>
      new Promise<CatchUp>((resolve, reject) => {
        answers.push(resolve);
        fails.push(reject);
      }),
  );
  const replay = (from: number, to: number): CatchUp => ({
    events: Array.from({ length: to - from }, (_, i) => event('c1', from + 1 + i).event),
    reset: false,
    lastSeq: to,
    hasMore: false,
  });
  return { d, answers, fails, replay };
}

describe('issue 14: a bus that loses or reorders events', () => {
  it.each([
    ['visitor', watching, routeToVisitor],
    ['agent', agentWatching, routeToAgent],
  ] as const)('D2, D6: a live event that skips a seq fills the gap from the store (%s), then sends what it held, in order', async (_role, state, route) => {
    const out = new Recorder();
    const live = state();
    live.watches = new Map([['c1', { lastSent: 2, buffer: null }]]);
    const { d, answers, replay } = heldRead();
    const send = (seq: number) => route(out, live as never, event('c1', seq), null, d);
    send(5);
    send(7);
    send(4);
    send(6);
    expect(d.reads).toEqual([2]); // one fill at a time
    expect(out.said).toEqual([]);
    answers[0]!(replay(2, 5));
    await ticks();
    expect(out.said).toEqual(['history:c1', 'event:c1:6', 'event:c1:7']);
    expect((out.sent[0] as { events: Array<{ seq: number }> }).events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(live.watches.get('c1')).toEqual({ lastSent: 7, buffer: null });
  });

  it('one memory bus never shows a gap: the next seq is sent at once, with no read', () => {
    const out = new Recorder();
    const live = watching();
    live.watches = new Map([['c1', { lastSent: 0, buffer: null }]]);
    for (const seq of [1, 2, 2, 3]) routeToVisitor(out, live, event('c1', seq), null, deps);
    expect(out.said).toEqual(['event:c1:1', 'event:c1:2', 'event:c1:3']);
  });

  it('a gap still open after a fill (an event lost after the read) is filled by another read', async () => {
    const out = new Recorder();
    const live = watching();
    live.watches = new Map([['c1', { lastSent: 1, buffer: null }]]);
    const { d, answers, replay } = heldRead();
    routeToVisitor(out, live, event('c1', 3), null, d);
    routeToVisitor(out, live, event('c1', 6), null, d);
    answers[0]!(replay(1, 3));
    await ticks();
    expect(d.reads).toEqual([1, 3]);
    answers[1]!(replay(3, 6));
    await ticks();
    expect(out.said).toEqual(['history:c1', 'history:c1']);
    expect(live.watches.get('c1')!.lastSent).toBe(6);
  });

  it('a fill that fails drops what it held; the next event finds the gap again and fills it', async () => {
    const out = new Recorder();
    const live = watching();
    live.watches = new Map([['c1', { lastSent: 1, buffer: null }]]);
    const { d, answers, fails, replay } = heldRead();
    routeToVisitor(out, live, event('c1', 3), null, d);
    fails[0]!(new Error('store away'));
    await ticks();
    expect(live.watches.get('c1')).toEqual({ lastSent: 1, buffer: null });
    routeToVisitor(out, live, event('c1', 4), null, d);
    answers[1]!(replay(1, 4));
    await ticks();
    expect(out.said).toEqual(['history:c1']);
    expect(live.watches.get('c1')!.lastSent).toBe(4);
  });

  it('a conversation unwatched or watched anew while its gap is read: the read sends nothing', async () => {
    const out = new Recorder();
    const live = watching();
    live.watches = new Map([['c1', { lastSent: 1, buffer: null }]]);
    const { d, answers, replay } = heldRead();
    routeToVisitor(out, live, event('c1', 3), null, d);
    live.watches.set('c1', { lastSent: 3, buffer: null });
    answers[0]!(replay(1, 3));
    await ticks();
    expect(out.said).toEqual([]);
    expect(live.watches.get('c1')).toEqual({ lastSent: 3, buffer: null });
  });

  it("a visitor's conversation first seen on the bus past seq 1 is followed from there, not filled (the widget asks for its history)", () => {
    const out = new Recorder();
    const live = watching();
    routeToVisitor(out, live, event('c2', 7), null, deps);
    routeToVisitor(out, live, event('c2', 8), null, deps);
    expect(out.said).toEqual(['event:c2:7', 'event:c2:8']);
  });

  it('a gap of notes only: the visitor is sent no history frame, and holds the seq past them', async () => {
    const out = new Recorder();
    const live = watching();
    live.watches = new Map([['c1', { lastSent: 1, buffer: null }]]);
    const { d, answers } = heldRead();
    routeToVisitor(out, live, event('c1', 4, 'note'), null, d);
    answers[0]!({ events: [], reset: false, lastSeq: 4, hasMore: false });
    await ticks();
    routeToVisitor(out, live, event('c1', 5), null, d);
    expect(out.said).toEqual(['event:c1:5']);
    expect(d.reads).toEqual([1]);
  });

  it('reconcile: a watch the store is ahead of is filled; one in step, or reading already, is left alone', async () => {
    const out = new Recorder();
    const live = watching();
    live.watches = new Map([
      ['behind', { lastSent: 2, buffer: null }],
      ['level', { lastSent: 3, buffer: null }],
      ['reading', { lastSent: 1, buffer: [] }],
      ['unread', { lastSent: 1, buffer: null }],
    ]);
    const { d, answers } = heldRead();
    const at = (id: string, lastSeq: number) => ({ ...summary(id), lastSeq }) as ConversationSummary;
    reconcile(out, live, d, new Map([['behind', at('behind', 4)], ['level', at('level', 3)], ['reading', at('reading', 9)]]), deliverToVisitor);
    expect(d.reads).toEqual([2]);
    answers[0]!({ events: [event('behind', 3).event, event('behind', 4).event], reset: false, lastSeq: 4, hasMore: false });
    await ticks();
    expect(out.said).toEqual(['history:behind']);
    expect(live.watches.get('behind')!.lastSent).toBe(4);
  });

  it('reconcile, R10: an agent is withdrawn what was deleted or left its sight; a visitor stops watching a deleted one', () => {
    const out = new Recorder();
    const live = agentWatching();
    live.watches = new Map([
      ['deleted', { lastSent: 1, buffer: null }],
      ['taken', { lastSent: 1, buffer: null }],
    ]);
    live.known = new Set(['deleted', 'taken']);
    reconcile(out, live, deps, new Map([['deleted', null], ['taken', { ...summary('taken', 'a2'), lastSeq: 1 } as ConversationSummary]]), deliverToAgent);
    expect(out.said).toEqual(['gone:deleted', 'gone:taken']);
    expect([...live.watches.keys(), ...live.known]).toEqual([]);
    const visitorLive = watching();
    visitorLive.watches = new Map([['deleted', { lastSent: 1, buffer: null }]]);
    reconcile(out, visitorLive, deps, new Map([['deleted', null]]), deliverToVisitor);
    expect(visitorLive.watches.size).toBe(0);
  });
});
