/**
 * @module Agent workflow use cases (issue 3): accept, take, transfer, conference, wrap-up, priority,
 * labels, archive, delete, proactive chat, the visitor's "end chat". Each checks what needs more than one
 * conversation to decide (the caller's role, presence and capacity, the target's) and hands the rest to a
 * pure decision run on committed state (domain/workflow.ts, SPEC C4).
 */
import type { ConversationSummary, PendingRequest } from '../../shared/protocol';
import type { TargetsAnswer } from '../../shared/api';
import { assignedEvent, canView, isRequestTarget, messageEvent, type AgentActor, type VisitorActor } from '../domain/conversation';
import { may } from '../domain/roles';
import { canTakeWork } from '../domain/routing';
import {
  decideAccept,
  decideArchive,
  decideClose,
  decideLabels,
  decideLeave,
  decideOfferDecline,
  decidePriority,
  decideRequest,
  decideRequestAccept,
  decideRequestDecline,
  decideRequeue,
  decideRequester,
  decideReopen,
  decideResolve,
  decideReturnToBot,
  decideTake,
  decideVisitorEnd,
  decideWrapUp,
  owedWrapUp,
  wrapUpClientId,
  type RequestTarget,
} from '../domain/workflow';
import { AppError } from '../errors';
import type { Store } from '../store/store';
import type { ConversationService } from './conversations';
import type { Directory } from './directory';
import type { MaskingPolicy } from './masking-policy';

export interface WorkflowDeps {
  store: Store;
  /** SPEC M1: the requester's name an agent types is stored masked in a `redact` site. */
  masking: Pick<MaskingPolicy, 'incoming'>;
  directory: Directory;
  conversations: ConversationService;
  /** How long a transfer or an invitation waits for its target (SPEC R6). */
  requestTimeoutMs: number;
}

export type WorkflowService = ReturnType<typeof createWorkflowService>;

/** A transfer's or an invitation's target (exactly one of the ids) and its hand-off note (issue 15). */
export type RequestTo = { agentId?: string; queueId?: string; note?: string };

/** Issue 15: how many of a conversation's hand-over events are read to find an agent's unwrapped part. */
const WRAP_UP_READ = 200;

/**
 * R1 for accept, take, transfer and invitation accepts and proactive chats: an agent (not a supervisor
 * steering) takes new work only when Available and under capacity. The conversation service decides it
 * inside each write, on the load as committed there (SPEC C4): a check here, before the write, let a burst
 * of concurrent requests each see the same room.
 */
export function createWorkflowService({ store, directory, conversations, requestTimeoutMs, masking }: WorkflowDeps) {
  /** The agents and queues that can take a conversation now, besides those already in it. */
  async function targets(actor: AgentActor, conversationId: string): Promise<TargetsAnswer> {
    const c = await conversations.load(actor, conversationId);
    const loads = await store.conversations.loads();
    const inIt = new Set([c.assignedAgentId, ...c.participants.map((p) => p.id)]);
    const agents = directory.all().flatMap((p) => {
      const load = loads.get(p.id) ?? 0;
      // SPEC R13: an agent in its presence grace (no console) is no target.
      const state = directory.workState(p.id);
      return !inIt.has(p.id) && canTakeWork({ state, load, capacity: p.capacity }) ? [{ id: p.id, name: p.name, load, capacity: p.capacity }] : [];
    });
    const queues = directory.queues(c.siteId).flatMap((q) => {
      const available = agents.filter((a) => directory.presence(a.id).queueIds.includes(q.id)).length;
      return available > 0 ? [{ id: q.id, name: q.name, available }] : [];
    });
    return { agents, queues };
  }

  async function request(actor: AgentActor, conversationId: string, kind: PendingRequest['kind'], to: RequestTo) {
    const current = await conversations.load(actor, conversationId);
    const available = await targets(actor, conversationId);
    let target: RequestTarget;
    if (to.agentId !== undefined) {
      const agent = available.agents.find((a) => a.id === to.agentId);
      if (!agent) throw new AppError('target_unavailable');
      target = { agentId: agent.id, queueId: null, name: agent.name };
    } else {
      const queue = available.queues.find((q) => q.id === to.queueId);
      if (!queue || directory.queue(queue.id)?.siteId !== current.siteId) throw new AppError('target_unavailable');
      target = { agentId: null, queueId: queue.id, name: queue.name };
    }
    return conversations.apply(actor, conversationId, (state, at) => decideRequest(state, actor, kind, target, at + requestTimeoutMs, to.note ?? null));
  }

  return {
    targets,

    /** R1/R4: accepting is taking new work: the agent may have filled its capacity since the offer was made. */
    accept: (actor: AgentActor, id: string) => conversations.apply(actor, id, (state, at) => decideAccept(state, actor, at)),

    take: (actor: AgentActor, id: string) => conversations.apply(actor, id, (state) => decideTake(state, actor)),

    transfer: (actor: AgentActor, id: string, to: RequestTo) => request(actor, id, 'transfer', to),
    conference: (actor: AgentActor, id: string, to: RequestTo) => request(actor, id, 'conference', to),

    /** R6/R7: the named agent, or an Available member of the named queue with room, accepts. */
    async acceptRequest(actor: AgentActor, id: string): Promise<ConversationSummary> {
      const c = await conversations.load(actor, id);
      if (!c.request) throw new AppError('request_not_found');
      return conversations.apply(actor, id, (state, at) =>
        decideRequestAccept(state, actor, state.request !== null && isRequestTarget(state.request, actor), at),
      );
    },

    leave: (actor: AgentActor, id: string) => conversations.apply(actor, id, (state) => decideLeave(state, actor)),

    // Issue 15 (flow).
    /** R4: the offered agent declines; routing offers it to someone else. */
    declineOffer: (actor: AgentActor, id: string) => conversations.apply(actor, id, (state, at) => decideOfferDecline(state, actor, at)),

    /** R6/R7: the named agent, or a member of the named queue, declines: the sender is told at once. */
    async declineRequest(actor: AgentActor, id: string): Promise<void> {
      const c = await conversations.load(actor, id);
      if (!c.request) throw new AppError('request_not_found');
      await conversations.apply(actor, id, (state, at) => decideRequestDecline(state, actor, state.request !== null && isRequestTarget(state.request, actor), at));
    },

    /**
     * R8 (issue 15): the wrap-up reason of the agent's part that a transfer it handed over, or its leaving a
     * conference, ended. The agent may no longer see the conversation: its own part in the log is what
     * allows it (a conversation it never had answers like a missing one), and the write is the server's.
     */
    async wrapUp(actor: AgentActor, id: string, reasonId: string): Promise<void> {
      const reason = await store.wrapUpReasons.byId(reasonId);
      if (!reason) throw new AppError('wrap_up_required', 'Choose a wrap-up reason from the list.');
      const events = await store.events.before(id, null, { kinds: ['transfer_accepted', 'conference_left', 'wrapped_up'], limit: WRAP_UP_READ });
      const owed = owedWrapUp(events, actor.id);
      const mine = events.some((e) => e.author.id === actor.id || e.data?.previousAgentId === actor.id);
      if (!mine) await conversations.load(actor, id); // one it never had answers like a missing one
      await conversations.write(
        { kind: 'system' },
        { conversationId: id, visitor: null, clientId: owed ? wrapUpClientId(actor.id, owed.seq) : null },
        () => decideWrapUp(actor, reason.label, owed),
      );
    },

    /** R8: closes with a wrap-up reason from the configured list. */
    async close(actor: AgentActor, id: string, reasonId: string): Promise<ConversationSummary> {
      const reason = await store.wrapUpReasons.byId(reasonId);
      if (!reason) throw new AppError('wrap_up_required', 'Choose a wrap-up reason from the list.');
      return conversations.apply(actor, id, (state) => decideClose(state, actor, reason.label));
    },

    priority: (actor: AgentActor, id: string, priority: number) => conversations.apply(actor, id, (state) => decidePriority(state, actor, priority)),

    async requester(actor: AgentActor, id: string, name: string | null, email: string | null): Promise<ConversationSummary> {
      // SPEC M1: the name is the visitor's free text (masked in `redact`); the e-mail is an address, kept exact.
      const summary = await conversations.apply(actor, id, (state) => decideRequester(state, actor, masking.incoming(state.siteId, name), email));
      await store.visitors.touch({ id: summary.visitorId, siteId: summary.siteId, name: summary.visitorName, email }, Date.now());
      return summary;
    },

    labels: (actor: AgentActor, id: string, labels: string[]) =>
      conversations.apply(actor, id, (state) => decideLabels(state, actor, [...new Set(labels)])),

    archive: (actor: AgentActor, id: string, archived: boolean) => conversations.apply(actor, id, (state) => decideArchive(state, actor, archived)),

    async returnToBot(actor: AgentActor, id: string): Promise<ConversationSummary> {
      const c = await conversations.load(actor, id);
      const site = await store.sites.byId(c.siteId);
      if (!site?.botWebhookUrl) throw new AppError('no_bot');
      return conversations.apply(actor, id, (state) => decideReturnToBot(state, actor));
    },

    /** Admin only, and the conversation must be visible to the caller (it always is to an admin). */
    async remove(actor: AgentActor, id: string): Promise<ConversationSummary> {
      if (!may(actor.role, 'deleteConversations')) throw new AppError('forbidden');
      const c = await conversations.load(actor, id);
      await conversations.remove(c);
      return c;
    },

    /**
     * R11 proactive chat: the agent writes first to a visitor on the site. The message goes into the
     * visitor's open conversation (which the agent must be allowed to write into) or opens one assigned
     * to the agent.
     */
    async proactive(actor: AgentActor, visitor: { siteId: string; visitorId: string }, clientId: string, text: string) {
      // Issue 15: a visitor who gave its name (the offline form, a pre-chat) is named in the chat it is offered.
      const known = await store.visitors.byId(visitor.visitorId);
      const named = { ...(known?.name ? { visitorName: known.name } : {}), ...(known?.email ? { requesterEmail: known.email } : {}) };
      return conversations.write(actor, { conversationId: null, visitor, clientId }, (state, at) => {
        if (state.lastSeq > 0) {
          if (!canView(actor, state)) return { ok: false, code: 'conversation_not_found' };
          if (state.assignedAgentId !== null && state.assignedAgentId !== actor.id && actor.role === 'agent') return { ok: false, code: 'conversation_taken' };
          const events = state.assignedAgentId === null ? [assignedEvent(actor, 'proactive'), messageEvent(actor, text, clientId)] : [messageEvent(actor, text, clientId)];
          return { ok: true, events, patch: state.assignedAgentId === null ? { assignedAgentId: actor.id, assignedAgentName: actor.name, offer: null } : null };
        }
        return {
          ok: true,
          events: [assignedEvent(actor, 'proactive'), messageEvent(actor, text, clientId)],
          patch: { assignedAgentId: actor.id, assignedAgentName: actor.name, queuedAt: at, proactive: true, ...named },
        };
      });
    },

    /** R3: after a queue is deleted, its waiting conversations wait in the site's default queue (or none). */
    async requeueFrom(queueId: string, siteId: string): Promise<number> {
      const site = await store.sites.byId(siteId);
      const target = directory.queue(site?.defaultQueueId ?? null);
      const stranded = await store.conversations.list({ queueId, status: 'open', limit: 10_000 });
      let moved = 0;
      for (const c of stranded) {
        if (c.assignedAgentId !== null || c.bot) continue;
        try {
          await conversations.apply({ kind: 'system' }, c.id, (state) => decideRequeue(state, { id: target?.id ?? null, name: target?.name ?? null }));
          moved++;
        } catch (err) {
          if (!(err instanceof AppError)) throw err; // taken meanwhile: nothing to move
        }
      }
      return moved;
    },

    /** Issue 6: "block and end" closes the chat without a wrap-up list entry: the reason is the block. */
    closeBlocked: (actor: AgentActor, id: string) => conversations.apply(actor, id, (state) => decideClose(state, actor, 'Blocked')),

    /** R8: the visitor's "End chat" on its own conversation. */
    visitorEnd: (actor: VisitorActor, id: string) => conversations.apply(actor, id, (state) => decideVisitorEnd(state, actor)),

    // Issue 15, conversation screen.

    /** R8a: close with a reason from the list and archive, one write; a closed one needs no reason. */
    async resolve(actor: AgentActor, id: string, reasonId: string | undefined): Promise<ConversationSummary> {
      let label: string | null = null;
      if (reasonId !== undefined) {
        const reason = await store.wrapUpReasons.byId(reasonId);
        if (!reason) throw new AppError('wrap_up_required', 'Choose a wrap-up reason from the list.');
        label = reason.label;
      }
      return conversations.apply(actor, id, (state) => decideResolve(state, actor, label));
    },

    /** R8b: a closed conversation opens again with the agent who reopens it; C3: not beside another open one. */
    async reopen(actor: AgentActor, id: string): Promise<ConversationSummary> {
      const c = await conversations.load(actor, id);
      const open = await store.conversations.list({ visitorId: c.visitorId, status: 'open', limit: 2 });
      const other = open.some((o) => o.id !== id);
      return conversations.apply(actor, id, (state) => decideReopen(state, actor, other));
    },
  };
}
