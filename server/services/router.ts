/**
 * @module The router: carries out routing decisions (domain/routing.ts) with timers (SPEC R2-R8).
 * - After anything that can change who should get what (a conversation queued or closed, an agent
 *   available, an offer ended) it runs one dispatch pass: sticky returns, then offers in serving order.
 * - Each offer and each transfer/conference request has a timer; when an offer's runs out the agent goes
 *   No-answer (RONA) and the conversation moves on to the next agent; when a request's runs out it is
 *   abandoned and the conversation stays with its holder.
 * Passes never overlap; timers are re-armed from the store at start, so a restart loses none.
 *
 * Issue 14, several nodes: only the routing leader (Store.cluster.lead) runs passes and timers; `start` is
 * its gaining leadership (exactly what a restart does) and `resign` its losing it. A follower tells the leader
 * of its commits that may change routing through the bus's `commit` control message. What a failover loses,
 * and accepts to: the round-robin cursor and each agent's last assignment time (least-busy's tie-break).
 * R4's "next offer goes to someone else" and RONA are rebuilt from the log when leadership is gained. A
 * stale leader for a moment changes nothing: every decision is made on the locked row, and the database
 * refuses a second offer to one agent (conversations_one_offer_per_agent).
 */
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import type { Bus, ControlMessage } from '../bus/bus';
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
  /**
   * Issue 14: the control channel between nodes, where the leader hears the other nodes' commits. Absent
   * (one node, tests of one router): only this node's commits, which are all of them.
   */
  bus?: Pick<Bus, 'nodeId' | 'control'>;
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
  // Issue 15: the offered agent declined: the next offer goes to someone else.
  'offer_declined',
]);

/**
 * Events after which the leader's timers may change (an offer or request made or ended) or it may have a
 * pass to run: what a follower's commit must tell it (the `commit` control message's kinds).
 */
const LEADER_KINDS: ReadonlySet<string> = new Set([
  ...ROUTING_KINDS,
  'offered',
  'assigned',
  'transfer_requested',
  'transfer_abandoned',
  'conference_requested',
  'conference_joined',
  'conference_abandoned',
  'bot_handoff',
]);

/** How many no_answer events of one waiting conversation are read to rebuild R4's "declined" on gaining. */
const DECLINED_READ = 20;

export type Router = ReturnType<typeof createRouter>;

export function createRouter({ store, directory, conversations, log, now, timers = systemTimers, sweepMs = 5_000, toTicket, bus }: RouterDeps) {
  const offerTimers = new Map<string, { agentId: string; handle: unknown }>();
  const requestTimers = new Map<string, { expiresAt: number; handle: unknown }>();
  /** Conversations whose offer or request timer fired and whose decision is under way. */
  const expiring = new Set<string>();
  /** R4: agents whose offer of a conversation expired; the next offer goes to someone else. */
  const declined = new Map<string, Set<string>>();
  const cursors = new Map<string, string | null>();
  let running: Promise<void> | null = null;
  /** The next moment a waiting conversation passes its site's maximum wait (SPEC T2). */
  let waitTimer: { at: number; handle: unknown } | null = null;
  let again = false;
  let stopped = false;
  /** Issue 14: this node holds the routing leadership; only then are there passes and timers. */
  let leading = false;
  /** Counts gains and losses of leadership: work begun in an earlier term stops acting. */
  let term = 0;
  /** Timer decisions and reads of other nodes' commits under way (idle waits for them too). */
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    const settled = work.catch((err: unknown) => log.error('routing work failed', { err })).finally(() => inFlight.delete(settled));
    inFlight.add(settled);
  };

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
    if (!leading || !offer || offerTimers.get(c.id)?.agentId === offer.agentId) return;
    clearOffer(c.id);
    timerUntil(
      offer.expiresAt,
      () => track(expireOffer(c.id, offer.agentId)),
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
    if (!leading || !request || requestTimers.get(c.id)?.expiresAt === request.expiresAt) return;
    clearRequest(c.id);
    timerUntil(
      request.expiresAt,
      () => track(expireRequest(c.id)),
      (handle) => requestTimers.set(c.id, { expiresAt: request.expiresAt, handle }),
    );
  }

  function clearRequest(id: string): void {
    const t = requestTimers.get(id);
    if (t) timers.clearTimeout(t.handle);
    requestTimers.delete(id);
  }

  /**
   * A full pass's safety net (issue 14): timers of offers and requests another node made, whose `commit`
   * message never came (Redis lost it), are armed from the pass's read. One whose timer is deciding now is
   * left alone: the read may predate that decision.
   */
  function rearm(c: ConversationSummary): void {
    if (expiring.has(c.id)) return;
    armOffer(c);
    armRequest(c);
  }

  async function expireOffer(conversationId: string, agentId: string): Promise<void> {
    offerTimers.delete(conversationId);
    if (stopped || !leading) return;
    expiring.add(conversationId);
    try {
      await conversations.apply(SYSTEM, conversationId, (state, at) => decideOfferTimeout(state, agentId, at));
      // R4: no answer puts the agent in RONA until it chooses Available again; the offer moves on. (A node
      // killed between the two writes leaves no_answer without RONA: the next leader restores it, `recover`.)
      (declined.get(conversationId) ?? declined.set(conversationId, new Set()).get(conversationId)!).add(agentId);
      await directory.setState(agentId, 'rona');
    } catch (err) {
      if (!isAppError(err)) log.error('offer timeout failed', { conversationId, err });
    } finally {
      expiring.delete(conversationId);
    }
    kick();
  }

  async function expireRequest(conversationId: string): Promise<void> {
    requestTimers.delete(conversationId);
    if (stopped || !leading) return;
    expiring.add(conversationId);
    try {
      await conversations.apply(SYSTEM, conversationId, (state, at) => decideRequestExpire(state, at));
    } catch (err) {
      if (!isAppError(err)) log.error('request timeout failed', { conversationId, err });
    } finally {
      expiring.delete(conversationId);
    }
  }

  /** R4: the agent let this conversation's offer expire or declined it; its next offer goes to someone else. */
  function noteDeclined(conversationId: string, agentId: string): void {
    (declined.get(conversationId) ?? declined.set(conversationId, new Set()).get(conversationId)!).add(agentId);
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

  /**
   * One pass: sticky returns first (R8), then each queue's offers in serving order (R2, R4). A full pass
   * (after a close, a presence change, a timer, the sweep) looks at every waiting conversation; a pass for
   * conversations that just entered a queue looks only at them, so a burst of new chats costs one read each,
   * not a read of every waiting chat each (that made the latency bench's tail 180 times the raw echo's).
   * `t`: the leadership term it runs in; once that ends (resign, stop) it makes no further decision.
   */
  async function dispatch(full: boolean, fresh: ReadonlySet<string>, t: number): Promise<void> {
    const [loads, pending, siteList] = await Promise.all([store.conversations.loads(), store.conversations.withTimers(), store.sites.list()]);
    if (t !== term) return;
    if (full) for (const c of pending) rearm(c);
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
      if (t !== term) return;
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
    if (t !== term) return;
    if (full || nextDeadline < (waitTimer?.at ?? Infinity)) armWaitTimer(nextDeadline);
    for (const [queueId, list] of byQueue(rest)) {
      const queue = directory.queue(queueId);
      if (!queue || queue.strategy === 'broadcast') continue;
      let queued: Waiting[] = list.map((c) => ({ id: c.id, priority: c.priority, queuedAt: c.queuedAt, declinedBy: declined.get(c.id) ?? new Set() }));
      // Issue 14: an offer the database refuses as `conflict` went to an agent that holds another offer (made
      // by another node acting as leader a moment ago): that agent counts as offered and its conversations are
      // planned again, at once, among the others. Each round rules out at least one agent, so this ends.
      for (let round = 0; queued.length > 0 && round <= directory.members(queueId).length; round++) {
        const plan = planOffers(queue.strategy, queued, candidates(directory.members(queueId), loads, offered), cursors.get(queueId) ?? null);
        cursors.set(queueId, plan.cursor);
        const retry = new Set<string>();
        for (const offer of plan.offers) {
          if (t !== term) return;
          offered.add(offer.agentId);
          try {
            const c = await conversations.apply(SYSTEM, offer.conversationId, (state, at) =>
              decideOffer(state, { id: offer.agentId, name: offer.agentName }, at + queue.offerTimeoutMs),
            );
            armOffer(c);
          } catch (err) {
            if (!isAppError(err)) throw err;
            if (err.code === 'conflict') retry.add(offer.conversationId);
          }
        }
        queued = queued.filter((w) => retry.has(w.id));
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
   * at just the conversations that entered a queue; without, it looks at every waiting one. Only the leader
   * runs passes.
   */
  function kick(conversationId?: string): void {
    if (stopped || !leading) return;
    if (conversationId === undefined) fullNext = true;
    else fresh.add(conversationId);
    if (running) {
      again = true;
      return;
    }
    const t = term;
    running = (async () => {
      do {
        again = false;
        const full = fullNext;
        const ids = new Set(fresh);
        fullNext = false;
        fresh.clear();
        try {
          await dispatch(full, ids, t);
        } catch (err) {
          log.error('routing pass failed', { err });
        }
      } while (again && t === term);
      running = null;
      // Leadership lost and gained again while this pass ran: the new term's pass was asked for meanwhile.
      if (again && leading) kick();
    })();
  }

  /** What a commit means to the leader: timers to arm or clear, a pass to run. */
  function noteCommit(kinds: readonly string[], c: ConversationSummary): void {
    if (c.offer) armOffer(c);
    else if (offerTimers.has(c.id)) clearOffer(c.id);
    if (c.request) armRequest(c);
    else if (requestTimers.has(c.id)) clearRequest(c.id);
    if (c.status !== 'open' || c.assignedAgentId !== null) declined.delete(c.id);
    if (kinds.some((k) => ROUTING_KINDS.has(k) && k !== 'queued')) kick();
    else if (kinds.includes('queued')) kick(c.id);
  }

  function onCommit(events: readonly ConversationEvent[], c: ConversationSummary): void {
    // A follower's commits reach the leader as `commit` control messages (conversations.ts publishes them).
    if (!leading) return;
    for (const e of events) {
      if (e.kind === 'assigned' && e.author.id) directory.noteAssigned(e.author.id, e.at);
      if (e.kind === 'offer_declined' && e.author.id) noteDeclined(c.id, e.author.id);
    }
    noteCommit(
      events.map((e) => e.kind),
      c,
    );
  }

  /**
   * Issue 14: another node committed workflow events; the leader reads the conversation as committed now.
   * The read may be older than a later message's (reads on a pool can overtake one another), so it only
   * arms: a timer it should have cleared fires and is refused by its decision, which changes nothing.
   */
  async function remoteCommit(conversationId: string, kinds: readonly string[]): Promise<void> {
    const t = term;
    let c: ConversationSummary | null;
    try {
      c = await store.conversations.byId(conversationId);
    } catch (err) {
      log.warn('could not read a conversation another node committed', { conversationId, err });
      c = null;
    }
    if (t !== term || stopped) return;
    if (c && kinds.includes('offer_declined')) {
      // Issue 15: which agent declined is in the log, not in the control message.
      const [last] = await store.events.before(conversationId, null, { kinds: ['offer_declined'], limit: 1 }).catch(() => []);
      if (t !== term || stopped) return;
      if (last?.author.id) noteDeclined(conversationId, last.author.id);
    }
    if (c) {
      armOffer(c);
      armRequest(c);
      if (c.status !== 'open' || c.assignedAgentId !== null) declined.delete(c.id);
      // Least-busy's tie-break; by the row's time, close enough to the event's.
      if (kinds.includes('assigned') && c.assignedAgentId) directory.noteAssigned(c.assignedAgentId, c.updatedAt);
    }
    if (kinds.some((k) => ROUTING_KINDS.has(k) && k !== 'queued')) kick();
    else if (kinds.includes('queued')) kick(conversationId);
  }

  /**
   * Issue 14, on gaining leadership, from the log: R4's "declined" of each waiting conversation (agents that
   * let its offer expire since it was queued and chose no state since), and RONA for an agent whose latest
   * no_answer came after its last chosen state while it is still Available: the previous leader committed
   * the no_answer and died before setting RONA (two writes; making them one would need the agent's row in
   * the conversation's transaction on both stores, for a window of milliseconds). Reads each waiting
   * conversation's last no_answers: one indexed read each, once per gain. A conversation taken meanwhile is
   * not read: its agent keeps Available, and a missed RONA costs one more offer timeout.
   */
  async function recover(t: number): Promise<void> {
    const lastNoAnswer = new Map<string, number>();
    const noAnswers: Array<{ conversationId: string; agentId: string; at: number }> = [];
    for (const c of await store.conversations.waiting()) {
      const since = c.queuedAt ?? c.createdAt;
      for (const e of await store.events.before(c.id, null, { kinds: ['no_answer'], limit: DECLINED_READ })) {
        const agentId = e.data?.agentId;
        if (typeof agentId !== 'string') continue;
        lastNoAnswer.set(agentId, Math.max(lastNoAnswer.get(agentId) ?? 0, e.at));
        if (e.at >= since) noAnswers.push({ conversationId: c.id, agentId, at: e.at });
      }
    }
    if (t !== term) return;
    const chosenSince = new Map<string, { availability: string; since: number }>();
    for (const agentId of lastNoAnswer.keys()) {
      const record = await store.agents.byId(agentId);
      if (record) chosenSince.set(agentId, { availability: record.availability, since: record.availabilitySince });
    }
    if (t !== term) return;
    for (const { conversationId, agentId, at } of noAnswers) {
      const chosen = chosenSince.get(agentId);
      if (chosen && chosen.since < at) (declined.get(conversationId) ?? declined.set(conversationId, new Set()).get(conversationId)!).add(agentId);
    }
    for (const [agentId, at] of lastNoAnswer) {
      const chosen = chosenSince.get(agentId);
      if (chosen?.availability !== 'available' || chosen.since >= at) continue;
      log.info('no_answer without RONA (the previous routing leader stopped between them): RONA now', { agentId });
      // This node's copy of the agent may lag the store (another node set it): read it, so the write happens.
      await directory.refreshAgent(agentId);
      await directory.setState(agentId, 'rona');
      if (t !== term) return;
    }
  }

  const offCommit = conversations.onCommit(onCommit);
  const offControl = bus?.control.subscribe((message: ControlMessage, fromNode: string) => {
    // This node's own commits came through onCommit already.
    if (message.type !== 'commit' || fromNode === bus.nodeId || !leading || stopped) return;
    if (message.kinds.some((k) => LEADER_KINDS.has(k))) track(remoteCommit(message.conversationId, message.kinds));
  });
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

  /** Clears every timer this node armed (leadership lost, or stopping). */
  function disarm(): void {
    if (waitTimer) timers.clearTimeout(waitTimer.handle);
    waitTimer = null;
    for (const id of [...offerTimers.keys()]) clearOffer(id);
    for (const id of [...requestTimers.keys()]) clearRequest(id);
  }

  return {
    /**
     * This node became the routing leader (at start on one node; Store.cluster.lead's `gained` on several):
     * re-arms the timers of the offers and requests the store holds, restores what a failover may have cut
     * (recover), then routes what waits, exactly as after a restart.
     */
    async start(): Promise<void> {
      if (stopped || leading) return;
      leading = true;
      const t = ++term;
      for (const c of await store.conversations.withTimers()) {
        if (t !== term) return;
        armOffer(c);
        armRequest(c);
      }
      try {
        await recover(t);
      } catch (err) {
        // What recover restores is a refinement; routing goes on without it.
        log.error('could not restore RONA and declined offers from the log', { err });
      }
      if (t !== term) return;
      kick();
    },
    /**
     * This node is no longer the routing leader (Store.cluster.lead's `lost`): its timers stop at once and
     * no new pass runs; a pass under way makes no further decision. What it remembers of declined offers
     * goes; the next leader rebuilds it.
     */
    resign(): void {
      if (!leading) return;
      leading = false;
      term++;
      disarm();
      declined.clear();
      fresh.clear();
      fullNext = true;
    },
    /** Whether this node is the routing leader now (metrics, tests). */
    leading: () => leading,
    kick,
    /** Resolves when no pass, timer decision or read of another node's commit is under way (tests wait for quiet). */
    async idle(): Promise<void> {
      while (running || inFlight.size > 0) await Promise.all([running, ...inFlight]);
    },
    async stop(): Promise<void> {
      stopped = true;
      leading = false;
      term++;
      clearInterval(sweep);
      disarm();
      offCommit();
      offControl?.();
      offPresence();
      offReturn();
      while (running || inFlight.size > 0) await Promise.all([running, ...inFlight]);
    },
  };
}
