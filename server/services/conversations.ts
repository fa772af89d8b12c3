/**
 * @module Conversation use cases: send a message, catch a client up, list and page. A write hands the
 * domain rules to the store, which runs them on committed state (SPEC C4); what was committed is then
 * published on the bus.
 */
import type { ConversationEvent, ConversationSummary, PrechatAnswers, SendMessageFrame, WidgetSettings } from '../../shared/protocol';
import { HISTORY_PAGE_EVENTS, MAX_REPLAY_EVENTS } from '../../shared/limits';
import type { Bus } from '../bus/bus';
import { topics } from '../bus/bus';
import { withAttachments } from '../domain/attachments';
import {
  authorOf,
  canReadHistory,
  canView,
  decideMessage,
  givesWork,
  mayKnow,
  refuse,
  VISITOR_VISIBLE_KINDS,
  type Actor,
  type ConversationState,
  type Decision,
  type Entry,
} from '../domain/conversation';
import { planResume } from '../domain/resume';
import { claimRefusal } from '../domain/routing';
import { checkPrechat, decideWithPrechat, prechatEntry, prechatSettings, type PrechatCheck } from '../domain/prechat';
import { VISITOR_DATA_KINDS } from '../domain/tickets';
import type { MaskingPolicy } from './masking-policy';
import type { Verdict } from '../domain/rate-limit';
import { AppError } from '../errors';
import type { Store, WriteReads, WriteRequest } from '../store/store';
import type { Directory } from './directory';

/** R10 history: how many of a visitor's conversations are read to find one the agent may see. */
const HISTORY_ANCHORS = 200;

export interface ConversationDeps {
  store: Store;
  bus: Bus;
  now: () => number;
  /**
   * Issue 6: masking in agent views; none applies nothing. (Redaction before storing happens where visitor
   * input arrives: a visitor's frames reach this service already redacted, SPEC M1.)
   */
  masking?: Pick<MaskingPolicy, 'events' | 'summary'>;
  /** SPEC R1/C2: the agents' state and capacity, for claims; absent (tests of other parts): not checked. */
  agents?: Pick<Directory, 'workState' | 'record'>;
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

/** Told about every committed append, after it is published (the router, the bot webhook). */
export type CommitListener = (events: readonly ConversationEvent[], conversation: ConversationSummary) => void;

/** What a decision run through `apply` may act as: a person, the bot, or the server itself. */
export type Writer = Actor | { kind: 'bot'; siteId: string } | { kind: 'system' };

export type ConversationService = ReturnType<typeof createConversationService>;

/** Visitors never see workflow detail (wrap-up reason, who was offered): their events carry no `data`. */
export function forVisitor(event: ConversationEvent): ConversationEvent {
  if (event.data === undefined) return event;
  // T2: of its ticket the visitor learns the number only, and (issue 15) the address replies go to: its own.
  if (event.kind === 'ticket_created') return { ...event, data: { number: event.data.number ?? null, email: event.data.email ?? null } };
  if (VISITOR_DATA_KINDS.has(event.kind)) return event;
  const { data: _hidden, ...rest } = event;
  return rest;
}

/** Reads of a reconcile's `summaries` in flight at once. */
const SUMMARY_READS = 8;

/** No limit on starting a conversation (a frozen constant: a default parameter's literal is made per call). */
const PASS: Verdict = Object.freeze({ ok: true });

/**
 * Issue 14: the kinds of a commit that has workflow events, which every node hears (the routing leader may
 * have timers to arm or a pass to run); null for messages and notes alone, the hot path, which stay local.
 */
function workflowKinds(events: readonly ConversationEvent[]): string[] | null {
  let kinds: string[] | null = null;
  for (const e of events) {
    if (e.kind === 'message' || e.kind === 'note') continue;
    kinds ??= [];
    if (!kinds.includes(e.kind)) kinds.push(e.kind);
  }
  return kinds;
}

/** The seq the message with this client id was stored at (the last event's when none has it). */
function seqOf(events: readonly ConversationEvent[], clientId: string): number {
  for (const e of events) if (e.clientId === clientId) return e.seq;
  return events.at(-1)!.seq;
}

export function createConversationService({ store, bus, now, masking, agents }: ConversationDeps) {
  /** What an agent reads of these events (issue 6 masking); visitors read their own text as stored. */
  const agentView = (actor: Actor, events: ConversationEvent[], siteId: string) =>
    actor.kind === 'agent' && masking ? masking.events(events, siteId) : events;
  const listeners = new Set<CommitListener>();
  const removeListeners = new Set<(conversation: ConversationSummary) => void>();

  function publish(events: readonly ConversationEvent[], conversation: ConversationSummary): void {
    const visitorTopic = topics.visitor(conversation.visitorId);
    const siteTopic = topics.site(conversation.siteId);
    for (const event of events) {
      const message = { siteId: conversation.siteId, visitorId: conversation.visitorId, event, conversation };
      bus.publish(visitorTopic, message);
      bus.publish(siteTopic, message);
    }
    for (const listener of listeners) listener(events, conversation);
    const kinds = workflowKinds(events);
    if (kinds) bus.control.publish({ type: 'commit', siteId: conversation.siteId, conversationId: conversation.id, kinds });
  }

  /** The event kinds `actor` may read (SPEC D11); undefined means all of them. */
  const kindsFor = (actor: Actor) => (actor.kind === 'visitor' ? VISITOR_VISIBLE_KINDS : undefined);

  /** Up to `limit` events before `beforeSeq` (the newest when null), oldest first, and whether older ones exist. */
  async function olderPage(actor: Actor, conversation: Pick<ConversationSummary, 'id' | 'siteId'>, beforeSeq: number | null, limit: number) {
    const events = await store.events.before(conversation.id, beforeSeq, { kinds: kindsFor(actor), limit: limit + 1 });
    const hasMore = events.length > limit;
    if (hasMore) events.shift();
    return { events: actor.kind === 'visitor' ? events.map(forVisitor) : agentView(actor, events, conversation.siteId), hasMore };
  }

  const mayWrite = (writer: Writer, state: ConversationState) =>
    writer.kind === 'system' || (writer.kind === 'bot' ? writer.siteId === state.siteId : mayKnow(writer, state));

  /**
   * SPEC R1, C2, C4: a decision that gives an agent a conversation it did not hold (first reply, take,
   * accept, transfer, invitation, proactive chat, a sticky return) is refused when that agent may not take
   * new work now: decided inside the write, on its load as committed there, so concurrent claims never pass
   * its capacity. An agent's own action is checked for that agent alone (the holder leaving a conference
   * hands it to a guest already in it, R7); routing's (the system) for every agent it gives work to.
   * Supervisors and admins acting themselves are exempt, as on take.
   */
  function claimChecked(writer: Writer, state: ConversationState, decision: Decision, reads: WriteReads): Decision {
    if (!agents || !decision.ok || decision.patch === null) return decision;
    const { assignedAgentId, participants } = decision.patch;
    const given = writer.kind === 'agent' ? [writer.id] : writer.kind === 'system' ? [assignedAgentId, ...(participants ?? []).map((p) => p.id)] : [];
    for (const id of given) {
      if (!id || !givesWork(decision, state, id)) continue;
      const room = { state: agents.workState(id), load: reads.loadOf(id), capacity: agents.record(id)?.capacity ?? 0 };
      const code = claimRefusal(room, writer.kind === 'agent' && writer.role !== 'agent');
      if (code) return refuse(code);
    }
    return decision;
  }

  /**
   * Runs one decision and publishes what it appended. `target.visitor` names whose open conversation when
   * there is no id (a proactive chat, a bot reply): the rule then sees a fresh one (lastSeq 0) if it has none.
   * A writer who may not see the conversation gets `conversation_not_found` (SPEC D11); a refusal throws its
   * code; a decision that appends nothing answers the conversation unchanged.
   */
  async function write(
    writer: Writer,
    target: { conversationId: string | null; visitor: { siteId: string; visitorId: string } | null; clientId: string | null },
    decide: (state: ConversationState, at: number, reads: WriteReads) => Decision,
  ): Promise<{ conversation: ConversationSummary; seq: number }> {
    const at = now();
    const outcome = await store.write({
      ...target,
      at,
      authorize: (state) => mayWrite(writer, state),
      decide: (state, _files, reads) => claimChecked(writer, state, decide(state, at, reads), reads),
    });
    switch (outcome.kind) {
      case 'appended':
        if (outcome.events.length > 0) publish(outcome.events, outcome.conversation);
        return { conversation: outcome.conversation, seq: outcome.events.at(-1)?.seq ?? outcome.conversation.lastSeq };
      case 'duplicate':
        return { conversation: outcome.conversation, seq: outcome.seq };
      case 'refused':
        throw new AppError(outcome.code);
      case 'not_found':
        throw new AppError('conversation_not_found');
    }
  }

  async function load(actor: Actor, conversationId: string): Promise<ConversationSummary> {
    const conversation = await store.conversations.byId(conversationId);
    // Someone else's conversation answers exactly like a missing one: its existence is not revealed.
    if (!conversation || !canView(actor, conversation)) throw new AppError('conversation_not_found');
    return conversation;
  }

  /**
   * SPEC R10 history: the conversation when the actor may read it: one it may see, or (a plain agent) a closed
   * conversation of a visitor it has a conversation with. Reading only: every write still goes through
   * `load` or the write's own check. Anything else answers like a missing one.
   */
  async function readable(actor: Actor, conversationId: string): Promise<ConversationSummary> {
    const conversation = await store.conversations.byId(conversationId);
    if (conversation && canView(actor, conversation)) return conversation;
    if (conversation && actor.kind === 'agent' && conversation.status === 'closed') {
      const sameVisitor = await store.conversations.list({ visitorId: conversation.visitorId, limit: HISTORY_ANCHORS });
      if (canReadHistory(actor, conversation, sameVisitor)) return conversation;
    }
    throw new AppError('conversation_not_found');
  }

  return {
    load,
    readable,

    /** Deletes a conversation (admins, SPEC R10) and tells the consoles. */
    async remove(conversation: ConversationSummary): Promise<void> {
      await store.conversations.delete(conversation.id);
      bus.publish(topics.site(conversation.siteId), { removed: true, siteId: conversation.siteId, visitorId: conversation.visitorId, conversationId: conversation.id });
      for (const listener of removeListeners) listener(conversation);
    },

    /** Told after a conversation is deleted (an agent's load may have dropped). */
    onRemove(listener: (conversation: ConversationSummary) => void): () => void {
      removeListeners.add(listener);
      return () => removeListeners.delete(listener);
    },

    onCommit(listener: CommitListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Runs one workflow decision on a conversation, as committed (SPEC C4): `write` by id. */
    async apply(writer: Writer, conversationId: string, decide: (state: ConversationState, at: number, reads: WriteReads) => Decision): Promise<ConversationSummary> {
      return (await write(writer, { conversationId, visitor: null, clientId: null }, decide)).conversation;
    },

    write,

    /**
     * Stores one message and answers where it was committed (SPEC D3, D4, C1-C4). The write is queued
     * before this function returns, so calls made in order are stored in that order (SPEC D2). Resending a
     * client id answers the first ack and stores nothing. Bad input rejects the promise; it never throws.
     *
     * Issue 12: not an async function. A suspended async call keeps its whole register file and an await's
     * promises per message; this one hands `store.write`'s promise one continuation, a closure on the same
     * context as the write's own two.
     */
    sendMessage(
      actor: Actor,
      frame: Pick<SendMessageFrame, 'clientId' | 'conversationId' | 'text' | 'note' | 'attachments'>,
      entry?: Entry,
      /** Issue 6: whether the sender's address may start another conversation now, and if not, when. */
      startLimit: Verdict = PASS,
      /**
       * Who names a conversation this message starts: the site's pre-chat form and its answers, for a visitor
       * who must answer it (SPEC W5); or the verified identity's name and e-mail (SPEC W6). Absent: nobody.
       */
      opening?: { form: WidgetSettings['prechat']; answers: PrechatAnswers | undefined } | { identified: { name: string | null; email: string | null } },
    ): Promise<Ack & { created: boolean }> {
      const { clientId, text } = frame;
      if (!frame.conversationId && actor.kind !== 'visitor') {
        return Promise.reject(new AppError('invalid_frame', 'conversationId: an agent names the conversation.'));
      }
      // SPEC W5: checked up front (it reads no state); it counts only if this message starts a conversation.
      const prechat = opening && 'form' in opening && opening.form.enabled ? opening : null;
      let form: PrechatCheck | null;
      try {
        form =
          actor.kind !== 'visitor' || !opening
            ? null
            : 'identified' in opening
              ? { ok: true, answers: { ...opening.identified, queueId: null, consent: null } }
              : prechat && checkPrechat(prechatSettings(prechat.form), prechat.answers);
        if (form?.ok && prechat) entry = prechatEntry(entry, form.answers, prechat.form.queues);
      } catch (err) {
        return Promise.reject(err);
      }
      const at = now();
      // Issue 12: the message hot path allocates what it must and no more (no spreads of conditional objects).
      const options = entry ? { note: frame.note ?? false, entry, at } : { note: frame.note ?? false, at };
      const request: WriteRequest = {
        conversationId: frame.conversationId ?? null,
        visitor: actor.kind === 'visitor' ? { siteId: actor.siteId, visitorId: actor.visitorId } : null,
        clientId,
        at,
        authorize: (state) => mayKnow(actor, state),
        decide: decideWithPrechat(form, (state, found, reads) =>
          state.lastSeq === 0 && !startLimit.ok
            ? { ok: false, code: 'rate_limited' }
            : withAttachments(
                // SPEC C2: a first reply claims only for an agent who may take new work (R1).
                claimChecked(actor, state, decideMessage(state, actor, text, clientId, options), reads),
                state,
                authorOf(actor),
                clientId,
                frame.attachments,
                found,
              ),
        ),
      };
      if (frame.attachments?.length) request.attachmentIds = frame.attachments;
      return store.write(request).then((outcome): Ack & { created: boolean } | Promise<Ack & { created: boolean }> => {
        switch (outcome.kind) {
          case 'appended': {
            publish(outcome.events, outcome.conversation);
            const ack = { conversationId: outcome.conversation.id, seq: seqOf(outcome.events, clientId), created: outcome.events[0]?.kind === 'created' };
            if (ack.created && form?.ok && prechat && actor.kind === 'visitor') {
              // SPEC W5: the answers name the visitor too (its panel, later conversations, data rights).
              const { name, email } = form.answers;
              if (name !== null || email !== null) {
                return store.visitors
                  .touch({ id: actor.visitorId, siteId: actor.siteId, ...(name !== null ? { name } : {}), ...(email !== null ? { email } : {}) }, at)
                  .then(() => ack);
              }
            }
            return ack;
          }
          case 'duplicate':
            return { conversationId: outcome.conversation.id, seq: outcome.seq, created: false };
          case 'refused':
            if (outcome.code === 'rate_limited' && !startLimit.ok) {
              throw new AppError('rate_limited', 'Too many new conversations from this address; try again shortly.', { retryAfterMs: startLimit.retryAfterMs });
            }
            if (form && !form.ok && outcome.code === form.code) throw new AppError(form.code, form.message);
            throw new AppError(outcome.code);
          case 'not_found':
            throw new AppError('conversation_not_found');
        }
      });
    },

    /** The conversation a visitor's widget shows: the one it resumes if it may, else its open one. */
    async visitorConversation(actor: Extract<Actor, { kind: 'visitor' }>, resumeId: string | null): Promise<ConversationSummary | null> {
      if (resumeId) {
        const resumed = await store.conversations.byId(resumeId);
        if (resumed && canView(actor, resumed)) return resumed;
      }
      return store.conversations.openForVisitor(actor.visitorId);
    },

    /**
     * Issue 14: the conversations as the store holds them now (null: deleted), for a node's reconcile of
     * what its sockets watch (realtime/reconcile.ts). Unfiltered: each socket then applies its own audience.
     * One read per id, a few at a time, so a run never floods the store's connections.
     */
    async summaries(ids: readonly string[]): Promise<Map<string, ConversationSummary | null>> {
      const found = new Map<string, ConversationSummary | null>();
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          found.set(id, await store.conversations.byId(id));
        }
      };
      await Promise.all(Array.from({ length: Math.min(SUMMARY_READS, ids.length) }, worker));
      return found;
    },

    /** What a client holding events up to `afterSeq` needs next (SPEC D5, D6). */
    async catchUp(actor: Actor, conversation: ConversationSummary, afterSeq: number): Promise<CatchUp> {
      const plan = planResume(afterSeq, conversation.lastSeq);
      if (plan.kind === 'replay') {
        let events = await store.events.after(conversation.id, plan.afterSeq, { kinds: kindsFor(actor), limit: MAX_REPLAY_EVENTS + 1 });
        events = actor.kind === 'visitor' ? events.map(forVisitor) : agentView(actor, events, conversation.siteId);
        // More than the bound arrived since the plan was made: a snapshot is the safe answer.
        if (events.length <= MAX_REPLAY_EVENTS) {
          return { events, reset: false, lastSeq: Math.max(conversation.lastSeq, events.at(-1)?.seq ?? 0), hasMore: false };
        }
      }
      const { events, hasMore } = await olderPage(actor, conversation, null, HISTORY_PAGE_EVENTS);
      return { events, reset: true, lastSeq: Math.max(conversation.lastSeq, events.at(-1)?.seq ?? 0), hasMore };
    },

    /** One page of older events for an agent's history view, oldest first. */
    async page(actor: Actor, conversationId: string, beforeSeq: number | null, limit: number) {
      const conversation = await readable(actor, conversationId);
      return olderPage(actor, conversation, beforeSeq, limit);
    },

    /** An agent's inbox: the open and ended conversations it may see, newest activity first (SPEC R10). */
    async inbox(actor: Actor): Promise<ConversationSummary[]> {
      const all = await store.conversations.list({ status: ['open', 'ended'], limit: 1000 });
      const mine = all.filter((c) => canView(actor, c));
      return masking ? mine.map((c) => masking.summary(c)) : mine;
    },
  };
}

