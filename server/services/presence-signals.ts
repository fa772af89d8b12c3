/**
 * @module Typing and seen (SPEC W1, W2) and the visitor's list of its conversations (SPEC W7). Typing is
 * relayed on the bus and never stored; seen raises a column of the conversation row and is then relayed.
 */
import type { Author, VisitorConversation } from '../../shared/protocol';
import { topics, type Bus, type SignalMessage } from '../bus/bus';
import { authorOf, canView, decideMessage, type Actor, type VisitorActor } from '../domain/conversation';
import { AppError } from '../errors';
import type { Store } from '../store/store';
import type { MaskingPolicy } from './masking-policy';

/** Most conversations a visitor's list answers (SPEC W7). */
export const MAX_VISITOR_CONVERSATIONS = 50;

export interface SignalDeps {
  store: Store;
  bus: Bus;
  /** SPEC M2: a visitor's typing goes to agents only, with its name as agents may see it. */
  masking?: Pick<MaskingPolicy, 'field'>;
}

export type Signals = ReturnType<typeof createSignals>;

export function createSignals({ store, bus, masking }: SignalDeps) {
  function publish(message: SignalMessage): void {
    if (message.toVisitor) bus.publish(topics.visitor(message.visitorId), message);
    bus.publish(topics.site(message.siteId), message);
  }

  /** The conversation, if `actor` may see it; else `conversation_not_found`, as for a missing one (SPEC D11). */
  async function visible(actor: Actor, conversationId: string) {
    const conversation = await store.conversations.byId(conversationId);
    if (!conversation || !canView(actor, conversation)) throw new AppError('conversation_not_found');
    return conversation;
  }

  return {
    /**
     * SPEC W1: relays `actor`'s typing to the conversation's other side and the agents watching it. Whoever
     * may send a message there may type there: message.send's own rule decides (decideMessage), so an agent
     * who may not reply gets that refusal (`conversation_taken`, `conversation_not_found`...). A conversation
     * that is no longer open is ignored without an error: typing races the close, and an error frame there
     * would reach a widget that is waiting for the answer to its own `conversation.end`.
     * `from` is the sending socket, which does not receive it back.
     */
    async typing(actor: Actor, from: string, conversationId: string, on: boolean): Promise<void> {
      const conversation = await store.conversations.byId(conversationId);
      if (!conversation) throw new AppError('conversation_not_found');
      const decision = decideMessage(conversation, actor, '', 'typing');
      if (!decision.ok) {
        if (decision.code === 'conversation_closed') return;
        throw new AppError(decision.code);
      }
      // Agents see the visitor under the name it gave (if any); visitors see agents by name.
      const author: Author =
        actor.kind === 'visitor' ? { ...authorOf(actor), name: masking ? masking.field(conversation.siteId, conversation.visitorName) : conversation.visitorName } : authorOf(actor);
      publish({
        signal: true,
        siteId: conversation.siteId,
        visitorId: conversation.visitorId,
        conversation,
        frame: { type: 'typing', conversationId, author, on },
        from,
        // A visitor's typing is for the agents, not for its own other tabs.
        toVisitor: actor.kind === 'agent',
      });
    },

    /**
     * SPEC W2: the visitor (its own conversation, any status) or an agent who may see it has seen it up to
     * `seq`. Raises that side's mark, clamped to the last sequence; a lower or equal one changes and sends
     * nothing. A raise goes to the visitor's sockets and the agents', but not back to `from`.
     */
    async seen(actor: Actor, from: string, conversationId: string, seq: number): Promise<void> {
      await visible(actor, conversationId);
      const raised = await store.conversations.markSeen(conversationId, actor.kind, seq);
      if (!raised) return;
      const { conversation } = raised;
      publish({
        signal: true,
        siteId: conversation.siteId,
        visitorId: conversation.visitorId,
        conversation,
        frame: { type: 'seen', conversationId, by: actor.kind, seq: raised.seq },
        from,
        toVisitor: true,
      });
    },

    /** SPEC W7: the visitor's own conversations, newest activity first, with last message and unread count. */
    conversationsOf(actor: VisitorActor): Promise<VisitorConversation[]> {
      return store.conversations.forVisitor(actor.siteId, actor.visitorId, MAX_VISITOR_CONVERSATIONS);
    },
  };
}
