/**
 * Delivery to one socket (delivery.ts) with a recording outbox: sequence order without repeats (SPEC D2),
 * catch-up before live events (D5), what an agent may follow (R10) and signals (W1, W2). The same rules on
 * real sockets are in server/test (resume, routing, live-privileges, typing-seen).
 */
import { describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationSummary, ServerFrame } from '../../shared/protocol';
import type { BusMessage, EventMessage, SignalMessage } from '../bus/bus';
import type { AgentActor, VisitorActor } from '../domain/conversation';
import type { MaskingPolicy } from '../services/masking-policy';
import { catchUp, deliverToAgent, deliverToVisitor, routeToAgent, routeToVisitor, type AgentDeliveryState, type DeliveryState, type Outbox } from './delivery';

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

const watching = (): DeliveryState => ({ watches: null });
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
    let answer!: (v: { events: ConversationEvent[]; hasMore: boolean; reset: boolean }) => void;
    const conversations = { catchUp: () => new Promise<never>((resolve) => (answer = resolve as never)) };
    const done = catchUp(out, live, conversations, visitor, summary('c1'), 1, deliverToVisitor);
    routeToVisitor(out, live, event('c1', 2), null);
    routeToVisitor(out, live, event('c1', 3), null);
    expect(out.said).toEqual([]);
    answer({ events: [event('c1', 2).event], hasMore: false, reset: false });
    await done;
    expect(out.said).toEqual(['history:c1', 'event:c1:3']);
  });

  it('a catch-up that fails stops watching its conversation', async () => {
    const live = watching();
    const conversations = { catchUp: () => Promise.reject(new Error('disk')) };
    await expect(catchUp(new Recorder(), live, conversations, visitor, summary('c1'), 0, deliverToVisitor)).rejects.toThrow('disk');
    expect(live.watches?.has('c1')).toBe(false);
  });
});

describe('a visitor socket', () => {
  it("follows a conversation it did not hold (another tab's) from its first event", () => {
    const out = new Recorder();
    const live = watching();
    routeToVisitor(out, live, event('c2', 1), null);
    routeToVisitor(out, live, event('c2', 1), null);
    expect(out.said).toEqual(['event:c2:1']);
  });

  it('W1, W2: gets the signals meant for it, never its own', () => {
    const out = new Recorder();
    const live = watching();
    routeToVisitor(out, live, signal('c1', 'typing', 'me'), 'me');
    routeToVisitor(out, live, signal('c1', 'typing', 'other', false), 'me');
    routeToVisitor(out, live, signal('c1', 'seen', 'other'), 'me');
    expect(out.said).toEqual(['seen:c1']);
  });

  it('ignores a removed conversation (consoles only)', () => {
    const out = new Recorder();
    routeToVisitor(out, watching(), { removed: true, siteId: 's1', visitorId: 'v1', conversationId: 'c1' }, null);
    expect(out.said).toEqual([]);
  });
});

describe('an agent socket', () => {
  it('gets an unwatched conversation as its summary and a watched one as events', () => {
    const out = new Recorder();
    const live = agentWatching();
    routeToAgent(out, live, event('c1', 1), null, masking);
    live.watches!.set('c1', { lastSent: 1, buffer: null });
    routeToAgent(out, live, event('c1', 2), null, masking);
    expect(out.said).toEqual(['conversation:c1', 'event:c1:2']);
  });

  it('R10: a conversation that leaves its sight is withdrawn once, and is no longer watched', () => {
    const out = new Recorder();
    const live = agentWatching();
    live.watches = new Map([['c1', { lastSent: 1, buffer: null }]]);
    routeToAgent(out, live, event('c1', 2), null, masking);
    routeToAgent(out, live, event('c1', 3, 'message', 'a2'), null, masking);
    routeToAgent(out, live, event('c1', 4, 'message', 'a2'), null, masking);
    expect(out.said).toEqual(['event:c1:2', 'gone:c1']);
    expect(live.watches.has('c1')).toBe(false);
  });

  it('R10: a supervisor sees everything: nothing is tracked, nothing withdrawn', () => {
    const out = new Recorder();
    const live = agentWatching('supervisor');
    routeToAgent(out, live, event('c1', 1, 'message', 'a2'), null, masking);
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
    routeToAgent(out, live, { removed: true, siteId: 's1', visitorId: 'v1', conversationId: 'c1' }, null, masking);
    expect(out.said).toEqual(said);
  });

  it('W1: typing only for a watched conversation, seen for any it may see, never its own', () => {
    const out = new Recorder();
    const live = agentWatching();
    const messages: BusMessage[] = [signal('c1', 'typing', 'other'), signal('c1', 'seen', 'other'), signal('c1', 'seen', 'me')];
    for (const m of messages) routeToAgent(out, live, m, 'me', masking);
    live.watches = new Map([['c1', { lastSent: 0, buffer: null }]]);
    routeToAgent(out, live, signal('c1', 'typing', 'other'), 'me', masking);
    expect(out.said).toEqual(['seen:c1', 'typing:c1']);
  });
});
