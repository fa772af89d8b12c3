/**
 * @module Committed bus events to one welcomed socket (SPEC D2, D5, D6, R10, W1, W2): each conversation's
 * events in sequence order without gaps or repeats, a catch-up's history before the live events that arrived
 * during it, an agent's conversations withdrawn when they leave its sight. Each event's JSON is made once
 * and shared by every socket that sends it.
 *
 * Issue 14: across nodes the bus may lose a message or deliver it out of commit order (bus.ts). A live event
 * that skips a seq puts its watch into buffering mode and fills the gap from the store, as a catch-up does;
 * `reconcile` does the same for a watch the store is ahead of (a lost last event). On one node's memory bus
 * there is never a gap: the hot path's cost is one comparison.
 */
import type { ConversationSummary, ServerFrame } from '../../shared/protocol';
import type { Bus, BusMessage, EventMessage } from '../bus/bus';
import { canView, visibleToVisitor, type Actor, type AgentActor } from '../domain/conversation';
import { noticeFor } from '../domain/workflow';
import type { Logger } from '../log';
import { forVisitor, type CatchUp, type ConversationService } from '../services/conversations';
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
  /**
   * While a catch-up or a gap fill reads the store, live events wait here (SPEC D5: subscribe, read, then
   * drain). One read at a time per watch: a gap seen meanwhile waits here too.
   */
  buffer: EventMessage[] | null;
}

/** What delivery keeps on a welcomed socket (issue 12: what only some sockets use is made on first use). */
export interface DeliveryState {
  /** Who the socket's reads are for (its audience: SPEC D11, R10, issue 6 masking). */
  readonly actor: Actor;
  /** Made at the first watch or bus event (issue 12: a visitor with no conversation yet never needs one). */
  watches: Map<string, Watch> | null;
}

/** What delivery reads the store and waits on the bus through (ConnectionDeps has them). */
export interface DeliveryDeps {
  conversations: Pick<ConversationService, 'catchUp'>;
  bus: Pick<Bus, 'ready'>;
  log: Pick<Logger, 'warn'>;
}

export interface AgentDeliveryDeps extends DeliveryDeps {
  masking: MaskingPolicy;
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

/**
 * A live event of a watched conversation: held while the watch reads the store, sent when it is the next
 * seq or a repeat (dropped), and a gap to fill when it skips one (issue 14: lost or out of order on the bus).
 */
function follow(out: Outbox, live: DeliveryState, deps: DeliveryDeps, message: EventMessage, watch: Watch, deliver: Deliver): void {
  if (watch.buffer) watch.buffer.push(message);
  else if (message.event.seq > watch.lastSent + 1) void fill(out, live, deps, message.conversation, watch, deliver, message);
  else deliver(out, message, watch);
}

/**
 * Reads what the client lacks of a watched conversation from the store, the way a catch-up does, and sends
 * it as a `history` frame the client merges (reset only past MAX_REPLAY_EVENTS, SPEC D6), then the live
 * events held meanwhile. `conversation`: the conversation as committed at least up to the seq that showed
 * the gap (the gap's event summary, or the store's at a reconcile). A failed read drops what it held: the
 * next live event or reconcile finds the gap again and fills it from the store, which keeps everything.
 */
async function fill(out: Outbox, live: DeliveryState, deps: DeliveryDeps, conversation: ConversationSummary, watch: Watch, deliver: Deliver, gap?: EventMessage): Promise<void> {
  watch.buffer = gap ? [gap] : [];
  const from = watch.lastSent;
  let result: CatchUp;
  try {
    result = await deps.conversations.catchUp(live.actor, conversation, from);
  } catch (err) {
    watch.buffer = null;
    deps.log.warn('could not fill a gap in a conversation from the store', { conversationId: conversation.id, err });
    return;
  }
  // Unwatched, or watched anew (its own catch-up answers it), while the store was read.
  if (live.watches?.get(conversation.id) !== watch) return;
  if (result.reset || result.events.length > 0) out.send({ type: 'history', conversationId: conversation.id, ...result });
  drain(out, live, deps, watch, from, result, deliver);
}

/**
 * After a read of the store: the client holds everything up to the read's `lastSeq` (the conversation's last
 * seq when the read began, or the newest event read: every event up to it was committed before the read, so
 * the read returned it if the client may see it), then the held live events go out in seq order.
 */
function drain(out: Outbox, live: DeliveryState, deps: DeliveryDeps, watch: Watch, from: number, result: CatchUp, deliver: Deliver): void {
  watch.lastSent = result.reset ? result.lastSeq : Math.max(from, result.lastSeq);
  const held = watch.buffer ?? [];
  watch.buffer = null;
  // Out of commit order on the bus (two publishers): sorted, they need no second fill.
  if (held.length > 1) held.sort((a, b) => a.event.seq - b.event.seq);
  for (const message of held) follow(out, live, deps, message, watch, deliver);
}

/** SPEC D5/D6: one history frame, then the live events that arrived meanwhile, without repeats. */
export async function catchUp(out: Outbox, live: DeliveryState, deps: DeliveryDeps, conversation: ConversationSummary, afterSeq: number, deliver: Deliver): Promise<void> {
  const watches = watchesOf(live);
  const watch: Watch = { lastSent: afterSeq, buffer: [] };
  watches.set(conversation.id, watch);
  let result;
  try {
    // Across nodes the subscription hears other nodes' events only once Redis acknowledged it (issue 14).
    await deps.bus.ready();
    result = await deps.conversations.catchUp(live.actor, conversation, afterSeq);
  } catch (err) {
    if (watches.get(conversation.id) === watch) watches.delete(conversation.id);
    throw err;
  }
  out.send({ type: 'history', conversationId: conversation.id, ...result });
  drain(out, live, deps, watch, afterSeq, result, deliver);
}

/**
 * Issue 14: the store's view of what this socket watches (`current`: the conversations as read now; null:
 * deleted; absent: not read), after the bus may have lost messages (a reconnect, a node killed between its
 * commit and its publish) or periodically. A watch the store is ahead of is filled; one whose read is in
 * flight already reads the store. Agents: what was deleted or left their sight is withdrawn (SPEC R10).
 */
export function reconcile(out: Outbox, live: DeliveryState, deps: DeliveryDeps, current: ReadonlyMap<string, ConversationSummary | null>, deliver: Deliver): void {
  if (!live.watches) return;
  const agent = live.actor.kind === 'agent' ? (live as AgentDeliveryState) : null;
  for (const [id, watch] of live.watches) {
    const conversation = current.get(id);
    if (conversation === undefined || watch.buffer) continue;
    if (conversation === null) {
      if (agent) removed(out, agent, id);
      else live.watches.delete(id);
    } else if (agent && agent.actor.role === 'agent' && !canView(agent.actor, conversation)) {
      live.watches.delete(id);
      knownOf(agent).delete(id);
      out.send({ type: 'gone', conversationId: id });
    } else if (conversation.lastSeq > watch.lastSent) void fill(out, live, deps, conversation, watch, deliver);
  }
}

/**
 * A visitor's bus message (its topic is its own): an event of a conversation it did not hold yet (another
 * tab started it) is followed from here; a typing or seen is sent if it is for the visitor (SPEC W1, W2) and
 * did not come from this socket (`ownSenderId`: this socket as a sender, LiveSession.senderId).
 */
export function routeToVisitor(out: Outbox, live: DeliveryState, received: BusMessage, ownSenderId: string | null, deps: DeliveryDeps): void {
  if ('removed' in received || 'internal' in received) return; // issue 15: internal chat is never a visitor's
  if ('signal' in received) {
    if (ownSenderId !== null && received.from === ownSenderId) return;
    if (received.toVisitor) out.send(received.frame);
    return;
  }
  let watch = watchesOf(live).get(received.event.conversationId);
  // Followed from this event on, as on one node: its first (another tab started it), or a later one of an
  // older conversation, which the widget watches itself when it wants its history. Not a gap to fill.
  if (!watch) watchesOf(live).set(received.event.conversationId, (watch = { lastSent: received.event.seq - 1, buffer: null }));
  follow(out, live, deps, received, watch, deliverToVisitor);
}

/**
 * An agent's bus message (its sites' topics), masked as agents see it (issue 6). A conversation it does not
 * watch comes as its summary; SPEC R10: an agent follows only what it may see, and what leaves its sight is
 * withdrawn once (supervisors and admins see everything: nothing to track).
 */
export function routeToAgent(out: Outbox, live: AgentDeliveryState, received: BusMessage, ownSenderId: string | null, deps: AgentDeliveryDeps): void {
  if ('removed' in received) return removed(out, live, received.conversationId);
  if ('internal' in received) return; // issue 15: agent-handler.ts delivers it
  if ('signal' in received) {
    // SPEC W1, W2: for a conversation it may see, and typing only for one it watches (nothing in the lists
    // shows typing); never one this socket sent (`ownSenderId`, as for visitors).
    if (ownSenderId !== null && received.from === ownSenderId) return;
    if (!canView(live.actor, received.conversation)) return;
    if (received.frame.type === 'typing' && !watchesOf(live).has(received.conversation.id)) return;
    return out.send(received.frame);
  }
  const message = agentMessage(received, deps.masking);
  const id = message.event.conversationId;
  const watch = watchesOf(live).get(id);
  // Issue 15: how this agent's request ended, or that its part ended (a wrap-up is asked), also when the
  // same event takes the conversation out of its sight.
  const notice = noticeFor(message.event, live.actor.id);
  if (notice) out.send({ type: 'workflow.notice', conversationId: id, visitorId: message.conversation.visitorId, visitorName: message.conversation.visitorName, ...notice });
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
  follow(out, live, deps, message, watch, deliverToAgent);
}

/** A deleted conversation leaves every console that could list it. */
function removed(out: Outbox, live: AgentDeliveryState, conversationId: string): void {
  watchesOf(live).delete(conversationId);
  if (live.actor.role !== 'agent' || knownOf(live).delete(conversationId)) out.send({ type: 'gone', conversationId });
}
