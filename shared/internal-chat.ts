/**
 * @module Issue 15, the agents' internal chat: how a channel is named, for the server and the console alike.
 * The team channel is 'team' (every agent); a direct channel between two agents is 'dm:<a>:<b>' with the two
 * agent ids sorted, so both sides name it the same.
 */

export const TEAM_CHANNEL = 'team';

/** Messages one `internal.load` answers at most. */
export const INTERNAL_PAGE = 50;

/**
 * The direct channel of two different agents.
 *
 * @example directChannelId('b', 'a') // 'dm:a:b'
 */
export function directChannelId(one: string, other: string): string {
  const [a, b] = one < other ? [one, other] : [other, one];
  return `dm:${a}:${b}`;
}

export type ChannelName = { kind: 'team' } | { kind: 'direct'; members: [string, string] };

/**
 * What a channel id names, or null when it is no channel (a direct id must have its two ids different and
 * sorted, so each pair has one channel).
 *
 * @example parseChannelId('dm:a:b') // { kind: 'direct', members: ['a', 'b'] }
 */
export function parseChannelId(id: string): ChannelName | null {
  if (id === TEAM_CHANNEL) return { kind: 'team' };
  const parts = id.split(':');
  if (parts.length !== 3 || parts[0] !== 'dm') return null;
  const [, a, b] = parts as [string, string, string];
  if (a === '' || b === '' || !(a < b)) return null;
  return { kind: 'direct', members: [a, b] };
}

/** The other member of a direct channel, seen from `me`; null for the team channel or one `me` is not in. */
export function peerOf(id: string, me: string): string | null {
  const name = parseChannelId(id);
  if (name?.kind !== 'direct') return null;
  const [a, b] = name.members;
  return a === me ? b : b === me ? a : null;
}
