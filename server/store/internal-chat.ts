/**
 * @module The Store port's internal chat part (issue 15): the agents' team channel and their direct messages,
 * each channel an append-only log with a gap-free seq (as a conversation's, SPEC D1) and an idempotent client
 * id per author (as SPEC D3), and each agent's read mark per channel, only ever raised. Visitors never see any
 * of it. Both stores pass the contract in internal-chat.case.test.ts.
 */

export type InternalChannelKind = 'team' | 'direct';

export interface InternalChannel {
  /** 'team', or 'dm:<agentA>:<agentB>' with the two ids sorted (domain/internal-chat.ts). */
  id: string;
  kind: InternalChannelKind;
  /** The two agents of a direct channel; empty for the team channel (every agent). */
  memberIds: string[];
  /** The newest message's seq; 0 while empty. */
  lastSeq: number;
  lastMessageAt: number | null;
  createdAt: number;
}

/** A channel as one agent lists it: with the highest seq that agent has seen of it. */
export interface InternalChannelOf extends InternalChannel {
  seenSeq: number;
}

export interface InternalMessageRecord {
  channelId: string;
  seq: number;
  authorId: string;
  authorName: string;
  clientId: string;
  text: string;
  at: number;
}

export interface InternalAppend {
  channelId: string;
  authorId: string;
  authorName: string;
  /** The sender's UUID: a second append with the same (channel, author, client id) stores nothing. */
  clientId: string;
  text: string;
  at: number;
}

export type InternalAppendOutcome =
  | { kind: 'appended'; message: InternalMessageRecord; channel: InternalChannel }
  | { kind: 'duplicate'; message: InternalMessageRecord }
  /** No channel has this id (`ensure` it first). */
  | { kind: 'not_found' };

/** One page of a channel: after a seq (catch-up, oldest first from there) or before one (older history). */
export type InternalPage = { afterSeq: number; limit: number } | { beforeSeq: number | null; limit: number };

export interface StoreInternalChat {
  channel(id: string): Promise<InternalChannel | null>;
  /** The team channel (when it exists) and the direct channels `agentId` is a member of, with its read marks. */
  channelsOf(agentId: string): Promise<InternalChannelOf[]>;
  /** Creates the channel when missing (any number of nodes may race); answers the stored one. */
  ensure(channel: Pick<InternalChannel, 'id' | 'kind' | 'memberIds' | 'createdAt'>): Promise<InternalChannel>;
  /** Takes the channel's next seq atomically with every other writer, on every node. */
  append(message: InternalAppend): Promise<InternalAppendOutcome>;
  /** Messages oldest first: seq > afterSeq (the first `limit`), or seq < beforeSeq (the newest `limit`; null: the newest). */
  messages(channelId: string, page: InternalPage): Promise<InternalMessageRecord[]>;
  /** Raises the agent's read mark to `seq` (never lowers it); answers the mark now. */
  markSeen(channelId: string, agentId: string, seq: number): Promise<number>;
}
