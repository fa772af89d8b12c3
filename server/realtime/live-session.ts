/**
 * @module What visitor and agent sockets keep and do alike once welcomed: the session data both roles have,
 * and the frames both handle the same way (typing, seen, unwatch).
 */
import type { ClientFrame } from '../../shared/protocol';
import type { Actor } from '../domain/conversation';
import { TypingThrottle } from '../domain/typing';
import { uuidv7 } from '../ids';
import type { Signals } from '../services/presence-signals';
import { watchesOf, type DeliveryState } from './delivery';
import type { LiveState } from './socket-state';

/**
 * A welcomed socket's session: the live state of socket-state.ts. Issue 12 (idle socket memory): what only
 * some sockets use is made on first use (the null fields), not with every socket.
 */
export interface LiveSession<A extends Actor = Actor> extends LiveState, DeliveryState {
  readonly actor: A;
  /**
   * This socket as the sender of its typing and seen (SPEC W1, W2), made at the first one: delivery drops
   * the bus's copy of them for this socket (routeToVisitor, routeToAgent), so they never come back to it.
   */
  senderId: string | null;
  typing: TypingThrottle | null;
  /** Issue 6: the key of this socket's sender in the messages-per-second limit, made at its first message. */
  messageKey: string | null;
}

type Frame<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

function senderIdOf(live: LiveSession): string {
  return (live.senderId ??= uuidv7());
}

/** SPEC W1: a chatty client is thinned out silently, never refused. */
export function relayTyping(deps: { signals: Signals; now: () => number }, live: LiveSession, frame: Frame<'typing'>): Promise<void> | undefined {
  if (!(live.typing ??= new TypingThrottle()).admit(frame.conversationId, frame.on, deps.now())) return;
  return deps.signals.typing(live.actor, senderIdOf(live), frame.conversationId, frame.on);
}

export function relaySeen(signals: Signals, live: LiveSession, frame: Frame<'seen'>): Promise<void> {
  return signals.seen(live.actor, senderIdOf(live), frame.conversationId, frame.seq);
}

export function unwatch(live: LiveSession, frame: Frame<'unwatch'>): void {
  watchesOf(live).delete(frame.conversationId);
}
