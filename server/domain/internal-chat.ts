/**
 * @module Issue 15: who may read and write which internal chat channel. Pure; services/internal-chat.ts asks
 * before every read and write. The team channel is every signed-in agent's; a direct channel only its two
 * members', and a new one only with an agent that exists and is enabled.
 */
import { parseChannelId } from '../../shared/internal-chat';

export type ChannelAccess =
  | { ok: true; kind: 'team'; memberIds: [] }
  | { ok: true; kind: 'direct'; memberIds: [string, string]; peerId: string }
  | { ok: false; code: 'not_found' | 'forbidden' };

/**
 * Whether `agentId` may read and write `channelId`. `peer` says whether the other member of a direct channel
 * is an agent that exists and is enabled (asked only for a direct channel the agent is in): writing to a
 * disabled colleague is refused, reading what was said before stays allowed (`forWrite: false`).
 *
 * @example channelAccess('team', 'a', () => false, true) // { ok: true, kind: 'team', memberIds: [] }
 */
export function channelAccess(channelId: string, agentId: string, peerEnabled: (peerId: string) => boolean, forWrite: boolean): ChannelAccess {
  const name = parseChannelId(channelId);
  if (!name) return { ok: false, code: 'not_found' };
  if (name.kind === 'team') return { ok: true, kind: 'team', memberIds: [] };
  const [a, b] = name.members;
  if (agentId !== a && agentId !== b) return { ok: false, code: 'forbidden' };
  const peerId = agentId === a ? b : a;
  if (forWrite && !peerEnabled(peerId)) return { ok: false, code: 'not_found' };
  return { ok: true, kind: 'direct', memberIds: [a, b], peerId };
}
