/**
 * @module The router: carries out routing decisions (domain/routing.ts) with timers (SPEC R2-R8).
 * - After anything that can change who should get what (a conversation queued or closed, an agent
 *   available, an offer ended) it runs one dispatch pass: sticky returns, then offers in serving order.
 * - Each offer and each transfer/conference request has a timer; when an offer's runs out the agent goes
 *   No-answer (RONA) and the conversation moves on to the next agent; when a request's runs out it is
 *   abandoned and the conversation stays with its holder.
 * Passes never overlap; timers are re-armed from the store at start, so a restart loses none.
 */
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { byQueue, planOffers, stickyAgent, type Candidate, type Waiting } from '../domain/routing';
import { DEFAULT_TICKETING } from '../domain/tickets';
import { decideOffer, decideOfferTimeout, decideRequestExpire, decideSticky } from '../domain/workflow';
import { isAppError } from '../errors';
import type { Logger } from '../log';
import type { Site, Store } from '../store/store';
import type { ConversationService } from './conversations';
import type { Directory } from './directory';
import { systemTimers, type Timers } from './timers';

export interface RouterDeps {
  store: Store;
  directory: Directory;
  conversations: ConversationService;
  log: Logger;
  now: () => number;
  timers?: Timers;
  /** A dispatch pass also runs this often, as a safety net. */
  sweepMs?: number;
  /** SPEC T2: turns a waiting conversation nobody can take (or that waited too long) into a ticket. */
  toTicket?: (conversation: ConversationSummary) => Promise<unknown>;
}

const SYSTEM = { kind: 'system' } as const;

const isWaiting = (c: ConversationSummary | null): c is ConversationSummary =>
  c !== null && c.status === 'open' && c.assignedAgentId === null && !c.bot && c.offer === null;

/** Events after which a dispatch pass may find something new to do. */
const ROUTING_KINDS: ReadonlySet<string> = new Set([
  'queued',
  'no_answer',
  'closed',
  'ended_by_visitor',
  'transfer_accepted',
  'conference_left',
  'returned_to_bot',
  'priority_changed',
  'accepted',
]);

export type Router = ReturnType<typeof createRouter>;

export function createRouter({ store, directory, conversations, log, now, timers = systemTimers, sweepMs = 5_000, toTicket }: RouterDeps) {
  const offerTimers = new Map<string, { agentId: string; handle: unknown }>();
  const requestTimers = new Map<string, { expiresAt: number; handle: unknown }>();
  /** R4: agents whose offer of a conversation expired; the next offer goes to someone else. */
  const declined = new Map<string, Set<string>>();
  const cursors = new Map<string, string | null>();
  let running: Promise<void> | null = null;
  /** The next moment a waiting conversation passes its site's maximum wait (SPEC T2). */
  let waitTimer: { at: number; handle: unknown } | null = null;
  let again = false;
  let stopped = false;

  /**
   * Runs `due` once `now()` reaches `expiresAt`; `keep` is handed each timer's handle, to clear it. A timer
   * may fire a moment before `expiresAt` by the clock the decision reads (Node's can, by a millisecond): the
   * decision would refuse and the offer or request would stay for ever, so it waits out the rest.
   */
  function timerUntil(expiresAt: number, due: () => void, keep: (handle: unknown) => void): void {
    const fire = (): void => {
      const left = expiresAt - now();
      if (left > 0) keep(timers.setTimeout(fire, left));
      else due();
    };
    keep(timers.setTimeout(fire, Math.max(0, expiresAt - now())));
  }

  function armOffer(c: ConversationSummary): void {
    const offer = c.offer;
    if (!offer || offerTimers.get(c.id)?.agentId === offer.agentId) return;
    clearOffer(c.id);
    timerUntil(
      offer.expiresAt,
      () => void expireOffer(c.id, offer.agentId),
      (handle) => offerTimers.set(c.id, { agentId: offer.agentId, handle }),
    );
  }

  function clearOffer(id: string): void {
    const t = offerTimers.get(id);
    if (t) timers.clearTimeout(t.handle);
    offerTimers.delete(id);
  }

  function armRequest(c: ConversationSummary): void {
    const request = c.request;
    if (!request || requestTimers.get(c.id)?.expiresAt === request.expiresAt) return;
    clearRequest(c.id);
    timerUntil(
      request.expiresAt,
      () => void expireRequest(c.id),
      (handle) => requestTimers.set(c.id, { expiresAt: request.expiresAt, handle }),
    );
  }

  function clearRequest(id: string): void {
    const t = requestTimers.get(id);
    if (t) timers.clearTimeout(t.handle);
    requestTimers.delete(id);
  }

  async function expireOffer(conversationId: string, agentId: string): Promise<void> {
    offerTimers.delete(conversationId);
    if (stopped) return;
    try {
      await conversations.apply(SYSTEM, conversationId, (state, at) => decideOfferTimeout(state, agentId, at));
      // R4: no answer puts the agent in RONA until it chooses Available again; the offer moves on.
      (declined.get(conversationId) ?? declined.set(conversationId, new Set()).get(conversationId)!).add(agentId);
      await directory.setState(agentId, 'rona');
    } catch (err) {
      if (!isAppError(err)) log.error('offer timeout failed', { conversationId, err });
    }
    kick();
  }

  async function expireRequest(conversationId: string): Promise<void> {
    requestTimers.delete(conversationId);
    if (stopped) return;
    try {
      await conversations.apply(SYSTEM, conversationId, (state, at) => decideRequestExpire(state, at));
    } catch (err) {
      if (!isAppError(err)) log.error('request timeout failed', { conversationId, err });
    }
  }

  function candidates(agentIds: readonly string[], loads: Map<string, number>, offered: ReadonlySet<string>): Candidate[] {
    return agentIds.flatMap((id) => {
      const record = directory.record(id);
      if (!record) return [];
      return [
        {
          id,
          name: record.name,
          // SPEC R13: an agent in its presence grace counts for T2 (canAnswer) but is offered nothing.
          state: directory.workState(id),
          load: loads.get(id) ?? 0,
          capacity: record.capacity,
          offered: offered.has(id),
          lastAssignedAt: directory.lastAssignedAt(id),
        },
      ];
    });
  }

  /** One pass: sticky returns first (R8), then each queue's offers in serving order (R2, R4). */
  /**
   * One pass. A full pass (after a close, a presence change, a timer, the sweep) looks at every waiting
   * conversation; a pass for conversations that just entered a queue looks only at them, so a burst of new
   * chats costs one read each, not a read of every waiting chat each (that made the latency bench's tail
   * 180 times the raw echo's).
   */
  async function dispatch(full: boolean, fresh: ReadonlySet<string>): Promise<void> {
    const [loads, pending, siteList] = await Promise.all([store.conversations.loads(), store.conversations.withTimers(), store.sites.list()]);
    const offered = new Set(pending.flatMap((c) => (c.offer ? [c.offer.agentId] : [])));
    const sites = new Map(siteList.map((s) => [s.id, s]));
    // A full pass reads every waiting conversation only when one of them may need something: an offer, a
    // deadline, or a ticket because nobody is left. In a broadcast queue with someone on duty, waiting is
    // all there is to do, and reading a thousand rows every sweep showed in the latency tail.
    const readAll = full && needsWork(siteList, loads);
    const waiting = readAll
      ? await store.conversations.waiting()
      : (await Promise.all([...fresh].map((id) => store.conversations.byId(id)))).filter(isWaiting);
    const rest: ConversationSummary[] = [];
    let nextDeadline = Infinity;
    for (const c of waiting) {
      // R8: a returning visitor goes back to its agent when its conversation enters the queue.
      const previous = fresh.has(c.id) ? await store.conversations.stickyAgentFor(c.visitorId, c.id) : null;
      const agent = previous === null ? null : stickyAgent(previous, candidates([previous], loads, new Set()));
      if (!agent) {
        // SPEC T2: nobody left who could take it, or it has waited past the site's limit: a ticket.
        const ticketing = sites.get(c.siteId)?.ticketing ?? DEFAULT_TICKETING;
        const someone = directory.canAnswer({ ticketing }, c.queueId, loads, now());
        const deadline = ticketing.maxWaitMs === null ? Infinity : (c.queuedAt ?? c.createdAt) + ticketing.maxWaitMs;
        if (toTicket && ((ticketing.ticketWhenNoAgents && !someone) || now() >= deadline)) {
          await toTicket(c);
          continue;
        }
        nextDeadline = Math.min(nextDeadline, deadline);
        rest.push(c);
        continue;
      }
      try {
        // R1/C4: the agent's room is decided again inside the write, on its committed load (the conversation
        // service checks every agent a system write gives work to): a claim by reply or a take since this pass
        // read the loads must not take it past its capacity.
        await conversations.apply(SYSTEM, c.id, (state) => decideSticky(state, agent));
        loads.set(agent.id, (loads.get(agent.id) ?? 0) + 1);
      } catch (err) {
        if (!isAppError(err)) throw err;
      }
    }
    if (full || nextDeadline < (waitTimer?.at ?? Infinity)) armWaitTimer(nextDeadline);
    for (const [queueId, list] of byQueue(rest)) {
      const queue = directory.queue(queueId);
      if (!queue || queue.strategy === 'broadcast') continue;
      const queued: Waiting[] = list.map((c) => ({ id: c.id, priority: c.priority, queuedAt: c.queuedAt, declinedBy: declined.get(c.id) ?? new Set() }));
      const plan = planOffers(queue.strategy, queued, candidates(directory.members(queueId), loads, offered), cursors.get(queueId) ?? null);
      cursors.set(queueId, plan.cursor);
      for (const offer of plan.offers) {
        offered.add(offer.agentId);
        try {
          const c = await conversations.apply(SYSTEM, offer.conversationId, (state, at) =>
            decideOffer(state, { id: offer.agentId, name: offer.agentName }, at + queue.offerTimeoutMs),
          );
          armOffer(c);
        } catch (err) {
          if (!isAppError(err)) throw err;
        }
      }
    }
  }

  /** Whether any queue of any site may have work for a waiting conversation (see dispatch). */
  function needsWork(siteList: readonly Site[], loads: Map<string, number>): boolean {
    for (const site of siteList) {
      const ticketing = site.ticketing ?? DEFAULT_TICKETING;
      if (ticketing.maxWaitMs !== null) return true;
      for (const queue of [...directory.queues(site.id), null]) {
        if (queue && queue.strategy !== 'broadcast') return true;
        if (toTicket && ticketing.ticketWhenNoAgents && !directory.canAnswer({ ticketing }, queue?.id ?? null, loads, now())) return true;
      }
    }
    return false;
  }

  function armWaitTimer(at: number): void {
    if (waitTimer && waitTimer.at === at) return;
    if (waitTimer) timers.clearTimeout(waitTimer.handle);
    waitTimer = at === Infinity ? null : { at, handle: timers.setTimeout(kick, Math.max(0, at - now()) + 1) };
  }

  /** Conversations that entered a queue since the last pass, and whether the next pass must be full. */
  const fresh = new Set<string>();
  let fullNext = true;

  /**
   * Runs a pass now, or once more right after the one running. With a conversation id, the pass may look
   * at just the conversations that entered a queue; without, it looks at every waiting one.
   */
  function kick(conversationId?: string): void {
    if (stopped) return;
    if (conversationId === undefined) fullNext = true;
    else fresh.add(conversationId);
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        const full = fullNext;
        const ids = new Set(fresh);
        fullNext = false;
        fresh.clear();
        try {
          await dispatch(full, ids);
        } catch (err) {
          log.error('routing pass failed', { err });
        }
      } while (again && !stopped);
      running = null;
    })();
  }

  function onCommit(events: readonly ConversationEvent[], c: ConversationSummary): void {
    if (c.offer) armOffer(c);
    else if (offerTimers.has(c.id)) clearOffer(c.id);
    if (c.request) armRequest(c);
    else if (requestTimers.has(c.id)) clearRequest(c.id);
    if (c.status !== 'open' || c.assignedAgentId !== null) declined.delete(c.id);
    for (const e of events) {
      if (e.kind === 'assigned' && e.author.id) directory.noteAssigned(e.author.id, e.at);
    }
    if (events.some((e) => ROUTING_KINDS.has(e.kind) && e.kind !== 'queued')) kick();
    else if (events.some((e) => e.kind === 'queued')) kick(c.id);
  }

  const offCommit = conversations.onCommit(onCommit);
  const offPresence = directory.onPresence((p) => {
    // Someone left: a waiting conversation may have nobody left to take it (SPEC T2).
    if (p.state !== 'available') return kick();
    // Back from RONA (or away): the offers it let expire no longer bar it, or a conversation nobody else
    // can take would wait for ever while this agent is Available with room (R1, R4).
    for (const agents of declined.values()) agents.delete(p.id);
    kick();
  });
  // SPEC R13: a console back within its grace changes nothing visible, but its agent takes work again.
  const offReturn = directory.onReturn(() => kick());
  const sweep = setInterval(kick, sweepMs);
  sweep.unref();

  return {
    /** Re-arms the timers of offers and requests that survived a restart, then routes what waits. */
    async start(): Promise<void> {
      for (const c of await store.conversations.withTimers()) {
        armOffer(c);
        armRequest(c);
      }
      kick();
    },
    kick,
    /** Resolves when no pass is running (tests wait for quiet). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(sweep);
      if (waitTimer) timers.clearTimeout(waitTimer.handle);
      offCommit();
      offPresence();
      offReturn();
      for (const id of [...offerTimers.keys()]) clearOffer(id);
      for (const id of [...requestTimers.keys()]) clearRequest(id);
      while (running) await running;
    },
  };
}
