/**
 * Issue 15: the console's internal chat model without UI: the outbox until ack (resent with the same client
 * id after a passing error or a reconnect), catch-up by seq (a gap in live messages, a reconnect), unread
 * counts and read marks.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame, InternalMessage, ServerFrame } from '../../shared/protocol';
import { TeamChat } from './team-chat';

const ME = 'a';
const OTHER = 'b';
const DM = 'dm:a:b';

function setup() {
  const sent: ClientFrame[] = [];
  const team = new TeamChat((f) => sent.push(f), () => ME, () => 1000);
  const last = <T extends ClientFrame['type']>(type: T) => sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type).at(-1)!;
  const frame = (f: ServerFrame) => team.frame(f as Parameters<TeamChat['frame']>[0]);
  const msg = (seq: number, fields: Partial<InternalMessage> = {}): InternalMessage => ({
    channelId: 'team', seq, authorId: OTHER, authorName: 'Bia', clientId: `c${seq}`, text: `m${seq}`, at: 1000 + seq, ...fields,
  });
  /** Connected, listed, and the team channel open on a shown panel with `held` messages. */
  const ready = (held: number) => {
    team.connected();
    frame({
      type: 'internal.channels',
      clientId: last('internal.list').clientId,
      channels: [{ id: 'team', kind: 'team', peer: null, lastSeq: held, seenSeq: held, lastMessageAt: null }],
      agents: [{ id: OTHER, name: 'Bia' }],
    });
    team.shown(true);
    const load = last('internal.load');
    expect(load).toMatchObject({ channelId: 'team' });
    expect(load.afterSeq).toBeUndefined();
    frame({ type: 'internal.history', clientId: load.clientId, channelId: 'team', messages: Array.from({ length: held }, (_, i) => msg(i + 1)), hasMore: false, lastSeq: held });
  };
  return { team, sent, last, frame, msg, ready };
}

describe('issue 15: TeamChat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a message waits in the outbox until its ack; its own live copy takes its place', () => {
    const { team, last, frame, ready } = setup();
    ready(2);
    team.post('Quem cobre as 14h?');
    const send = last('internal.send');
    expect(send).toMatchObject({ channelId: 'team', text: 'Quem cobre as 14h?' });
    expect(team.view.pending).toEqual([{ clientId: send.clientId, channelId: 'team', text: 'Quem cobre as 14h?', at: 1000, failed: null }]);
    frame({ type: 'internal.message', message: { channelId: 'team', seq: 3, authorId: ME, authorName: 'Ana', clientId: send.clientId, text: 'Quem cobre as 14h?', at: 2000 } });
    frame({ type: 'internal.ack', clientId: send.clientId, channelId: 'team', seq: 3 });
    expect(team.view.pending).toEqual([]);
    expect(team.view.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(team.view.unreadTotal).toBe(0);
  });

  it('a passing error sends the same message again after the pause; a final one marks it not sent until retried', () => {
    const { team, sent, last, frame, ready } = setup();
    ready(0);
    team.post('um');
    const first = last('internal.send');
    frame({ type: 'error', code: 'storage_unavailable', message: '', clientId: first.clientId, retryAfterMs: 500 });
    expect(team.view.pending[0]!.failed).toBeNull();
    vi.advanceTimersByTime(500);
    expect(sent.filter((f) => f.type === 'internal.send')).toHaveLength(2);
    expect(last('internal.send').clientId).toBe(first.clientId);
    frame({ type: 'error', code: 'forbidden', message: '', clientId: first.clientId });
    expect(team.view.pending[0]!.failed).toBe('forbidden');
    team.retry(first.clientId);
    expect(last('internal.send').clientId).toBe(first.clientId);
    expect(team.view.pending[0]!.failed).toBeNull();
    team.discard(first.clientId);
    expect(team.view.pending).toEqual([]);
  });

  it('a live message that skips a seq asks for what comes after the last one held, and merges it in order', () => {
    const { team, last, frame, msg, ready } = setup();
    ready(2);
    frame({ type: 'internal.message', message: msg(4) });
    expect(team.view.messages.map((m) => m.seq)).toEqual([1, 2]);
    const fill = last('internal.load');
    expect(fill).toMatchObject({ channelId: 'team', afterSeq: 2 });
    frame({ type: 'internal.history', clientId: fill.clientId, channelId: 'team', messages: [msg(3), msg(4)], hasMore: false, lastSeq: 4 });
    expect(team.view.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    // A repeat changes nothing.
    frame({ type: 'internal.message', message: msg(4) });
    expect(team.view.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('after a reconnect: the list again, the channel on screen from its last seq, and the outbox resent', () => {
    const { team, sent, last, ready } = setup();
    ready(3);
    team.post('enviada offline');
    team.disconnected();
    const before = sent.length;
    team.connected();
    const again = sent.slice(before).map((f) => f.type);
    expect(again).toEqual(['internal.list', 'internal.load', 'internal.send']);
    expect(last('internal.load')).toMatchObject({ channelId: 'team', afterSeq: 3 });
    expect(last('internal.send').text).toBe('enviada offline');
  });

  it('unread counts: a direct chat that is not on screen counts; the one on screen of a shown panel is read and says so', () => {
    const { team, sent, last, frame, msg, ready } = setup();
    ready(1);
    frame({ type: 'internal.message', message: msg(1, { channelId: DM, text: 'oi' }) });
    frame({ type: 'internal.message', message: msg(2, { channelId: DM, text: 'tudo bem?' }) });
    expect(team.view.channels.find((c) => c.id === DM)).toMatchObject({ kind: 'direct', peer: { id: OTHER, name: 'Bia' }, unread: 2 });
    expect(team.view.unreadTotal).toBe(2);
    frame({ type: 'internal.message', message: msg(2) });
    // The team channel is on screen: read at once.
    expect(last('internal.seen')).toEqual({ type: 'internal.seen', channelId: 'team', seq: 2 });
    team.open(DM);
    const load = last('internal.load');
    frame({ type: 'internal.history', clientId: load.clientId, channelId: DM, messages: [msg(1, { channelId: DM }), msg(2, { channelId: DM })], hasMore: false, lastSeq: 2 });
    expect(last('internal.seen')).toEqual({ type: 'internal.seen', channelId: DM, seq: 2 });
    expect(team.view.unreadTotal).toBe(0);
    // Hidden: nothing more is marked read; another console's read mark still lowers the count.
    team.shown(false);
    const seenBefore = sent.filter((f) => f.type === 'internal.seen').length;
    frame({ type: 'internal.message', message: msg(3, { channelId: DM }) });
    expect(sent.filter((f) => f.type === 'internal.seen')).toHaveLength(seenBefore);
    expect(team.view.unreadTotal).toBe(1);
    frame({ type: 'internal.seen', channelId: DM, seq: 3 });
    expect(team.view.unreadTotal).toBe(0);
  });

  it('opening a direct chat with a colleague names it by the colleague before its first message', () => {
    const { team, last, ready } = setup();
    ready(0);
    team.openDirect(OTHER);
    expect(team.view.currentId).toBe(DM);
    expect(team.view.channels.find((c) => c.id === DM)).toMatchObject({ peer: { id: OTHER, name: 'Bia' }, unread: 0 });
    expect(last('internal.load')).toMatchObject({ channelId: DM });
  });

  it('a direct chat opened by a link before the welcome is named by the colleague once the list comes', () => {
    const sent: ClientFrame[] = [];
    let me: string | null = null; // before the welcome, the session does not know who it is
    const team = new TeamChat((f) => sent.push(f), () => me);
    const last = <T extends ClientFrame['type']>(type: T) => sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type).at(-1)!;
    team.open(DM);
    me = ME;
    team.connected();
    team.frame({ type: 'internal.channels', clientId: last('internal.list').clientId, channels: [], agents: [{ id: OTHER, name: 'Bia' }] });
    expect(team.view.channels.find((c) => c.id === DM)).toMatchObject({ kind: 'direct', peer: { id: OTHER, name: 'Bia' } });
    expect(last('internal.load')).toMatchObject({ channelId: DM });
  });
});
