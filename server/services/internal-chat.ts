/**
 * @module Issue 15: the agents' internal chat (3CX's team chat): a team channel every signed-in agent reads and
 * writes, and direct channels between two agents that only those two read. Stored as an append-only log per
 * channel (the store's `internalChat`: gap-free seqs, idempotent client ids, read marks only raised) and
 * published on the bus's `internal` topic, so the agents' consoles on every node get it live. Visitors never
 * see any of it (their sockets never subscribe to that topic and are refused its frames). Nothing is masked:
 * it is the agents' own talk, never a visitor's input.
 */
import { INTERNAL_PAGE, peerOf, TEAM_CHANNEL } from '../../shared/internal-chat';
import { messageProblem } from '../../shared/limits';
import type { AgentProfile, InternalChannelInfo, InternalMessage, Participant } from '../../shared/protocol';
import { topics, type Bus, type InternalBusMessage } from '../bus/bus';
import { channelAccess, type ChannelAccess } from '../domain/internal-chat';
import { AppError } from '../errors';
import type { InternalMessageRecord } from '../store/internal-chat';
import type { Store } from '../store/store';

export interface InternalChatDeps {
  store: Pick<Store, 'internalChat' | 'agents'>;
  bus: Pick<Bus, 'publish'>;
  now: () => number;
}

export type InternalChatService = ReturnType<typeof createInternalChat>;

type Granted = Extract<ChannelAccess, { ok: true }>;

function toWire(m: InternalMessageRecord): InternalMessage {
  return { channelId: m.channelId, seq: m.seq, authorId: m.authorId, authorName: m.authorName, clientId: m.clientId, text: m.text, at: m.at };
}

export function createInternalChat({ store, bus, now }: InternalChatDeps) {
  const publish = (message: Omit<InternalBusMessage, 'internal'>) => bus.publish(topics.internal(), { internal: true, ...message });

  /** May `agent` use the channel? Refused with `forbidden` (a direct channel of two others) or `not_found`. */
  async function access(agent: AgentProfile, channelId: string, forWrite: boolean): Promise<Granted> {
    const peerId = peerOf(channelId, agent.id);
    const peer = peerId === null || !forWrite ? null : await store.agents.byId(peerId);
    const granted = channelAccess(channelId, agent.id, () => peer !== null && !peer.disabled, forWrite);
    if (!granted.ok) throw new AppError(granted.code, granted.code === 'forbidden' ? 'Only its two members read a direct chat.' : 'No such chat.');
    return granted;
  }

  async function ensure(channelId: string, granted: Granted) {
    return store.internalChat.ensure({ id: channelId, kind: granted.kind, memberIds: granted.memberIds, createdAt: now() });
  }

  return {
    /** The agent's channels (the team channel always first) and the enabled agents it may start a direct chat with. */
    async list(agent: AgentProfile): Promise<{ channels: InternalChannelInfo[]; agents: Participant[] }> {
      await store.internalChat.ensure({ id: TEAM_CHANNEL, kind: 'team', memberIds: [], createdAt: now() });
      const [channels, everyone] = await Promise.all([store.internalChat.channelsOf(agent.id), store.agents.list()]);
      const names = new Map(everyone.map((a) => [a.id, a.name]));
      return {
        channels: channels.map((c) => {
          const peerId = peerOf(c.id, agent.id);
          return {
            id: c.id,
            kind: c.kind,
            peer: peerId === null ? null : { id: peerId, name: names.get(peerId) ?? '' },
            lastSeq: c.lastSeq,
            seenSeq: Math.min(c.seenSeq, c.lastSeq),
            lastMessageAt: c.lastMessageAt,
          };
        }),
        agents: everyone
          .filter((a) => !a.disabled && a.id !== agent.id)
          .map((a) => ({ id: a.id, name: a.name }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    },

    /**
     * Stores a message (once per client id, as SPEC D3) and publishes it to the channel's members on every
     * node. The author's own read mark moves past it. Answers its seq.
     */
    async send(agent: AgentProfile, input: { channelId: string; clientId: string; text: string }): Promise<{ seq: number }> {
      const problem = messageProblem(input.text);
      if (problem) throw new AppError(problem);
      const granted = await access(agent, input.channelId, true);
      const append = () =>
        store.internalChat.append({ channelId: input.channelId, authorId: agent.id, authorName: agent.name, clientId: input.clientId, text: input.text, at: now() });
      let outcome = await append();
      if (outcome.kind === 'not_found') {
        await ensure(input.channelId, granted);
        outcome = await append();
      }
      if (outcome.kind === 'not_found') throw new AppError('not_found', 'No such chat.');
      if (outcome.kind === 'duplicate') return { seq: outcome.message.seq };
      publish({ to: granted.kind === 'team' ? null : granted.memberIds, frame: { type: 'internal.message', message: toWire(outcome.message) } });
      await store.internalChat.markSeen(input.channelId, agent.id, outcome.message.seq);
      return { seq: outcome.message.seq };
    },

    /**
     * A page of the channel: after `afterSeq` (a console catching up), else the newest before `beforeSeq`
     * (older history; neither: the newest page). `hasMore`: more exist beyond it in that direction.
     */
    async load(agent: AgentProfile, channelId: string, page: { afterSeq?: number | undefined; beforeSeq?: number | undefined }) {
      await access(agent, channelId, false);
      const channel = await store.internalChat.channel(channelId);
      if (!channel) return { messages: [], hasMore: false, lastSeq: 0 };
      const limit = INTERNAL_PAGE;
      const read =
        page.afterSeq !== undefined
          ? await store.internalChat.messages(channelId, { afterSeq: page.afterSeq, limit: limit + 1 })
          : await store.internalChat.messages(channelId, { beforeSeq: page.beforeSeq ?? null, limit: limit + 1 });
      const hasMore = read.length > limit;
      const messages = !hasMore ? read : page.afterSeq !== undefined ? read.slice(0, limit) : read.slice(1);
      return { messages: messages.map(toWire), hasMore, lastSeq: channel.lastSeq };
    },

    /** Raises the agent's read mark (never past the channel's last message) and tells its other consoles. */
    async seen(agent: AgentProfile, channelId: string, seq: number): Promise<void> {
      await access(agent, channelId, false);
      const channel = await store.internalChat.channel(channelId);
      if (!channel) return;
      const mark = await store.internalChat.markSeen(channelId, agent.id, Math.min(seq, channel.lastSeq));
      publish({ to: [agent.id], frame: { type: 'internal.seen', channelId, seq: mark } });
    },
  };
}
