/**
 * @module Conversation use cases: send a message, catch a client up, list and page. A write hands the
 * domain rules to the store, which runs them on committed state (SPEC C4); what was committed is then
 * published on the bus.
 */
import type { ConversationEvent, ConversationSummary, SendMessageFrame } from '../../shared/protocol';
import { HISTORY_PAGE_EVENTS, MAX_REPLAY_EVENTS } from '../../shared/limits';
import type { Bus } from '../bus/bus';
import { topics } from '../bus/bus';
import { canView, decideMessage, VISITOR_VISIBLE_KINDS, type Actor } from '../domain/conversation';
import { planResume } from '../domain/resume';
import { AppError } from '../errors';
import type { Store } from '../store/store';

export interface ConversationDeps {
  store: Store;
  bus: Bus;
  now: () => number;
}

export interface Ack {
  conversationId: string;
  seq: number;
}

export interface CatchUp {
  events: ConversationEvent[];
  reset: boolean;
  lastSeq: number;
  hasMore: boolean;
}

export type ConversationService = ReturnType<typeof createConversationService>;

export function createConversationService({ store, bus, now }: ConversationDeps) {
  function publish(events: readonly ConversationEvent[], conversation: ConversationSummary): void {
    for (const event of events) {
      const message = { siteId: conversation.siteId, visitorId: conversation.visitorId, event, conversation };
      bus.publish(topics.visitor(conversation.visitorId), message);
      bus.publish(topics.site(conversation.siteId), message);
    }
  }

  /** The event kinds `actor` may read (SPEC D11); undefined means all of them. */
  const kindsFor = (actor: Actor) => (actor.kind === 'visitor' ? VISITOR_VISIBLE_KINDS : undefined);

  /** Up to `limit` events before `beforeSeq` (the newest when null), oldest first, and whether older ones exist. */
  async function olderPage(actor: Actor, conversationId: string, beforeSeq: number | null, limit: number) {
    const events = await store.events.before(conversationId, beforeSeq, { kinds: kindsFor(actor), limit: limit + 1 });
    const hasMore = events.length > limit;
    if (hasMore) events.shift();
    return { events, hasMore };
  }

  async function load(actor: Actor, conversationId: string): Promise<ConversationSummary> {
    const conversation = await store.conversations.byId(conversationId);
    // Someone else's conversation answers exactly like a missing one: its existence is not revealed.
    if (!conversation || !canView(actor, conversation)) throw new AppError('conversation_not_found');
    return conversation;
  }

  return {
    load,

    /**
     * Stores one message and answers where it was committed (SPEC D3, D4, C1-C4). The write is queued
     * before this function returns, so calls made in order are stored in that order (SPEC D2). Resending a
     * client id answers the first ack and stores nothing.
     */
    async sendMessage(actor: Actor, frame: Pick<SendMessageFrame, 'clientId' | 'conversationId' | 'text'>): Promise<Ack> {
      const { clientId, text } = frame;
      if (!frame.conversationId && actor.kind !== 'visitor') {
        throw new AppError('invalid_frame', 'conversationId: an agent names the conversation.');
      }
      const outcome = await store.write({
        conversationId: frame.conversationId ?? null,
        visitor: actor.kind === 'visitor' ? { siteId: actor.siteId, visitorId: actor.visitorId } : null,
        clientId,
        at: now(),
        authorize: (state) => canView(actor, state),
        decide: (state) => decideMessage(state, actor, text, clientId),
      });
      switch (outcome.kind) {
        case 'appended':
          publish(outcome.events, outcome.conversation);
          return { conversationId: outcome.conversation.id, seq: outcome.events.at(-1)!.seq };
        case 'duplicate':
          return { conversationId: outcome.conversation.id, seq: outcome.seq };
        case 'refused':
          throw new AppError(outcome.code);
        case 'not_found':
          throw new AppError('conversation_not_found');
      }
    },

    /** The conversation a visitor's widget shows: the one it resumes if it may, else its open one. */
    async visitorConversation(actor: Extract<Actor, { kind: 'visitor' }>, resumeId: string | null): Promise<ConversationSummary | null> {
      if (resumeId) {
        const resumed = await store.conversations.byId(resumeId);
        if (resumed && canView(actor, resumed)) return resumed;
      }
      return store.conversations.openForVisitor(actor.visitorId);
    },

    /** What a client holding events up to `afterSeq` needs next (SPEC D5, D6). */
    async catchUp(actor: Actor, conversation: ConversationSummary, afterSeq: number): Promise<CatchUp> {
      const plan = planResume(afterSeq, conversation.lastSeq);
      if (plan.kind === 'replay') {
        const events = await store.events.after(conversation.id, plan.afterSeq, { kinds: kindsFor(actor), limit: MAX_REPLAY_EVENTS + 1 });
        // More than the bound arrived since the plan was made: a snapshot is the safe answer.
        if (events.length <= MAX_REPLAY_EVENTS) {
          return { events, reset: false, lastSeq: Math.max(conversation.lastSeq, events.at(-1)?.seq ?? 0), hasMore: false };
        }
      }
      const { events, hasMore } = await olderPage(actor, conversation.id, null, HISTORY_PAGE_EVENTS);
      return { events, reset: true, lastSeq: Math.max(conversation.lastSeq, events.at(-1)?.seq ?? 0), hasMore };
    },

    /** One page of older events for an agent's history view, oldest first. */
    async page(actor: Actor, conversationId: string, beforeSeq: number | null, limit: number) {
      const conversation = await load(actor, conversationId);
      return olderPage(actor, conversation.id, beforeSeq, limit);
    },

    /** An agent's inbox: open conversations, newest activity first. */
    async inbox(): Promise<ConversationSummary[]> {
      return store.conversations.list({ status: 'open', limit: 500 });
    },
  };
}

