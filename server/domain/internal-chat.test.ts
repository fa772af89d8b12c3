import { describe, expect, it } from 'vitest';
import { directChannelId, parseChannelId, peerOf } from '../../shared/internal-chat';
import { channelAccess } from './internal-chat';

describe('issue 15: internal chat channel names', () => {
  it.each([
    ['team', { kind: 'team' }],
    ['dm:a:b', { kind: 'direct', members: ['a', 'b'] }],
    ['dm:b:a', null], // not sorted: the pair has one name
    ['dm:a:a', null], // with oneself
    ['dm:a', null],
    ['dm:a:b:c', null],
    ['dm::b', null],
    ['Team', null],
    ['', null],
  ])('%j names %j', (id, expected) => {
    expect(parseChannelId(id)).toEqual(expected);
  });

  it('directChannelId sorts the two ids, so both sides name the same channel', () => {
    expect(directChannelId('b', 'a')).toBe('dm:a:b');
    expect(directChannelId('a', 'b')).toBe('dm:a:b');
    expect(peerOf('dm:a:b', 'a')).toBe('b');
    expect(peerOf('dm:a:b', 'b')).toBe('a');
    expect(peerOf('dm:a:b', 'c')).toBeNull();
    expect(peerOf('team', 'a')).toBeNull();
  });
});

describe('issue 15: channelAccess', () => {
  const enabled = (id: string) => id !== 'off';
  it.each([
    // channel, agent, for write, expected
    ['team', 'a', true, { ok: true, kind: 'team', memberIds: [] }],
    ['team', 'a', false, { ok: true, kind: 'team', memberIds: [] }],
    ['dm:a:b', 'a', true, { ok: true, kind: 'direct', memberIds: ['a', 'b'], peerId: 'b' }],
    ['dm:a:b', 'b', false, { ok: true, kind: 'direct', memberIds: ['a', 'b'], peerId: 'a' }],
    ['dm:a:b', 'c', false, { ok: false, code: 'forbidden' }],
    ['dm:a:b', 'c', true, { ok: false, code: 'forbidden' }],
    ['dm:a:off', 'a', true, { ok: false, code: 'not_found' }],
    ['dm:a:off', 'a', false, { ok: true, kind: 'direct', memberIds: ['a', 'off'], peerId: 'off' }],
    ['dm:b:a', 'a', false, { ok: false, code: 'not_found' }],
    ['general', 'a', false, { ok: false, code: 'not_found' }],
  ] as const)('%s for %s (write %s) is %j', (channel, agent, forWrite, expected) => {
    expect(channelAccess(channel, agent, enabled, forWrite)).toEqual(expected);
  });
});
