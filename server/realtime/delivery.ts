/**
 * @module Committed bus events to one welcomed socket (SPEC D2, D5, D6, R10, W1, W2): each conversation's
 * events in sequence order without gaps or repeats, a catch-up's history before the live events that arrived
 * during it, an agent's conversations withdrawn when they leave its sight. Each event's JSON is made once
 * and shared by every socket that sends it.
 */
import type { ConversationSummary, ServerFrame } from '../../shared/protocol';
import type { BusMessage, EventMessage } from '../bus/bus';
import { canView, visibleToVisitor, type Actor, type AgentActor } from '../domain/conversation';
import { forVisitor, type ConversationService } from '../services/conversations';
import type { MaskingPolicy } from '../services/masking-policy';

/** Where delivery sends: the socket's transport (connection.ts). */
export interface Outbox {
  send(frame: ServerFrame): void;
  /** A frame already serialised (the shared frame text below). */
  sendRaw(data: string): void;
}

/** Delivery state of one conversation on this socket. */
export interface Watch {
  /** Highest sequence this client holds; a bus event at or below it is a repeat and is dropped. */
  lastSent: number;
  /** While a catch-up read is in flight, live events wait here (SPEC D5: subscribe, read, then drain). */
  buffer: EventMessage[] | null;
}

/** What delivery keeps on a welcomed socket (issue 12: what only some sockets use is made on first use). */
export interface DeliveryState {
  /** Made at the first watch or bus event (issue 12: a visitor with no conversation yet never needs one). */
  watches: Map<string, Watch> | null;
}

export interface AgentDeliveryState extends DeliveryState {
  readonly actor: AgentActor;
  /** Conversations this console was shown; one that leaves its sight gets a `gone` frame. */
  known: Set<string> | null;
}

export function watchesOf(live: DeliveryState): Map<string, Watch> {
  return (live.watches ??= new Map());
}

export function knownOf(live: AgentDeliveryState): Set<string> {
  return (live.known ??= new Set());
}

/**
 * Bus events are serialised once and shared by every socket that sends them: the event's JSON is made once
 * and spliced into the visitor's and the agent's frame (both are `EventFrame`s of shared/protocol.ts).
 * A bus delivers one message to all its subscribers before the next, so one slot is enough; a WeakMap here
 * made every minor GC slower (an ephemeron per event) and showed up in the latency tail.
 */
let cachedFor: EventMessage | null = null;
let cached: { event?: string; visitorEvent?: string; summary?: string; visitor?: string; agent?: string; conversation?: string } = {};

function frameText(message: EventMessage, form: 'visitor' | 'agent' | 'conversation'): string {
  if (cachedFor !== message) {
    cachedFor = message;
    cached = {};
  }
  const hit = cached[form];
  if (hit !== undefined) return hit;
  const event = (cached.event ??= JSON.stringify(message.event));
  const summary = form === 'visitor' ? '' : (cached.summary ??= JSON.stringify(message.conversation));
  return (cached[form] =
    form === 'visitor'
      ? `{"type":"event","event":${message.event.data === undefined ? event : (cached.visitorEvent ??= JSON.stringify(forVisitor(message.event)))}}`
      : form === 'agent'
        ? `{"type":"event","event":${event},"conversation":${summary}}`
        : `{"type":"conversation","conversation":${summary}}`);
}

/**
 * Issue 6 `mask`: the agents' copy of a bus message, made once per message and shared by every agent
 * socket (single slot, like the frame cache: the bus hands one message to all subscribers before the next).
 * A text the event and its summary share is masked once (issue 11 F2).
 */
let maskedFor: EventMessage | null = null;
let masked: EventMessage | null = null;

function agentMessage(message: EventMessage, policy: MaskingPolicy): EventMessage {
  if (policy.modeOf(message.siteId) !== 'mask') return message;
  if (maskedFor !== message) {
    maskedFor = message;
    masked = policy.message(message);
  }
  return masked!;
}

/** Sends one event of a watched conversation, unless the client already holds it. */
export type Deliver = (out: Outbox, message: EventMessage, watch: Watch) => void;

export function deliverToVisitor(out: Outbox, message: EventMessage, watch: Watch): void {
  const { seq, kind } = message.event;
  if (seq <= watch.lastSent) return;
  watch.lastSent = seq;
  if (visibleToVisitor(kind)) out.sendRaw(frameText(message, 'visitor'));
}

export function deliverToAgent(out: Outbox, message: EventMessage, watch: Watch): void {
  if (message.event.seq <= watch.lastSent) return;
  watch.lastSent = message.event.seq;
  out.sendRaw(frameText(message, 'agent'));
}

/** SPEC D5/D6: one history frame, then the live events that arrived meanwhile, without repeats. */
export async function catchUp(
  out: Outbox,
  live: DeliveryState,
  conversations: Pick<ConversationService, 'catchUp'>,
  actor: Actor,
  conversation: ConversationSummary,
  afterSeq: number,
  deliver: Deliver,
): Promise<void> {
  const watches = watchesOf(live);
  const watch: Watch = { lastSent: afterSeq, buffer: [] };
  watches.set(conversation.id, watch);
  let result;
  try {
    result = await conversations.catchUp(actor, conversation, afterSeq);
  } catch (err) {
    if (watches.get(conversation.id) === watch) watches.delete(conversation.id);
    throw err;
  }
  out.send({ type: 'history', conversationId: conversation.id, ...result });
  const newest = result.events.at(-1)?.seq ?? 0;
  watch.lastSent = result.reset ? newest : Math.max(afterSeq, newest);
  const buffered = watch.buffer ?? [];
  watch.buffer = null;
  for (const message of buffered) deliver(out, message, watch);
}

/**
 * A visitor's bus message (its topic is its own): an event of a conversation it did not hold yet (another
 * tab started it) is followed from here; a typing or seen is sent if it is for the visitor (SPEC W1, W2) and
 * did not come from this socket (`ownSenderId`: this socket as a sender, LiveSession.senderId).
 */
export function routeToVisitor(out: Outbox, live: DeliveryState, received: BusMessage, ownSenderId: string | null): void {
  if ('removed' in received) return;
  if ('signal' in received) {
    if (ownSenderId !== null && received.from === ownSenderId) return;
    if (received.toVisitor) out.send(received.frame);
    return;
  }
  let watch = watchesOf(live).get(received.event.conversationId);
  if (!watch) watchesOf(live).set(received.event.conversationId, (watch = { lastSent: 0, buffer: null }));
  if (watch.buffer) watch.buffer.push(received);
  else deliverToVisitor(out, received, watch);
}

/**
 * An agent's bus message (its sites' topics), masked as agents see it (issue 6). A conversation it does not
 * watch comes as its summary; SPEC R10: an agent follows only what it may see, and what leaves its sight is
 * withdrawn once (supervisors and admins see everything: nothing to track).
 */
export function routeToAgent(out: Outbox, live: AgentDeliveryState, received: BusMessage, ownSenderId: string | null, masking: MaskingPolicy): void {
  if ('removed' in received) return removed(out, live, received.conversationId);
  if ('signal' in received) {
    // SPEC W1, W2: for a conversation it may see, and typing only for one it watches (nothing in the lists
    // shows typing); never one this socket sent (`ownSenderId`, as for visitors).
    if (ownSenderId !== null && received.from === ownSenderId) return;
    if (!canView(live.actor, received.conversation)) return;
    if (received.frame.type === 'typing' && !watchesOf(live).has(received.conversation.id)) return;
    return out.send(received.frame);
  }
  const message = agentMessage(received, masking);
  const id = message.event.conversationId;
  const watch = watchesOf(live).get(id);
  if (live.actor.role === 'agent') {
    if (!canView(live.actor, message.conversation)) {
      if (knownOf(live).delete(id) || watch) {
        watchesOf(live).delete(id);
        out.send({ type: 'gone', conversationId: id });
      }
      return;
    }
    knownOf(live).add(id);
  }
  if (!watch) return out.sendRaw(frameText(message, 'conversation'));
  if (watch.buffer) watch.buffer.push(message);
  else deliverToAgent(out, message, watch);
}

/** A deleted conversation leaves every console that could list it. */
function removed(out: Outbox, live: AgentDeliveryState, conversationId: string): void {
  watchesOf(live).delete(conversationId);
  if (live.actor.role !== 'agent' || knownOf(live).delete(conversationId)) out.send({ type: 'gone', conversationId });
}
