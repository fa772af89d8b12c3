/**
 * Issue 15, the agents' internal chat, against the real server with real agent and visitor sockets: the team
 * channel reaches every agent live, a direct message only its two members, a third agent is refused a direct
 * chat with a typed error, a console catches up by seq after a reconnect, and a visitor's socket receives
 * nothing of any of it (nor may it send the frames).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { directChannelId } from '../../shared/internal-chat';
import type { ServerFrame } from '../../shared/protocol';
import { adminApi, createAgent, onlineAgent, type OnlineAgent } from './agents';
import { openAgent, openVisitor, type TestSocket } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();

/** Sends to a channel; answers the ack or the error frame naming the client id. */
async function send(socket: TestSocket, channelId: string, text: string, clientId = randomUUID()) {
  socket.send({ type: 'internal.send', clientId, channelId, text });
  return Promise.race([
    socket.next('internal.ack', (a) => a.clientId === clientId),
    socket.next('error', (e) => e.clientId === clientId),
  ]);
}

async function load(socket: TestSocket, channelId: string, page: { afterSeq?: number; beforeSeq?: number } = {}) {
  const clientId = randomUUID();
  socket.send({ type: 'internal.load', clientId, channelId, ...page });
  return Promise.race([socket.next('internal.history', (h) => h.clientId === clientId), socket.next('error', (e) => e.clientId === clientId)]);
}

async function list(socket: TestSocket) {
  const clientId = randomUUID();
  socket.send({ type: 'internal.list', clientId });
  return socket.next('internal.channels', (c) => c.clientId === clientId);
}

const internalFrames = (socket: TestSocket) => socket.frames.filter((f: ServerFrame) => f.type.startsWith('internal.'));

/** Lets frames in flight arrive before a test says none came. */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('issue 15: internal chat between agents', () => {
  it('I1, I3: a team message reaches every agent console live, its author included, with one seq and an ack', async () => {
    const [ana, bia, caio] = [await onlineAgent(server, { name: 'Ana' }), await onlineAgent(server, { name: 'Bia' }), await onlineAgent(server, { name: 'Caio', role: 'supervisor' })];
    const ack = await send(ana.socket, 'team', 'Alguém cobre o chat das 14h?');
    expect(ack.type).toBe('internal.ack');
    const seq = ack.type === 'internal.ack' ? ack.seq : -1;
    for (const agent of [ana, bia, caio]) {
      const got = await agent.socket.next('internal.message', (m) => m.message.seq === seq && m.message.channelId === 'team');
      expect(got.message).toMatchObject({ authorId: ana.id, authorName: 'Ana', text: 'Alguém cobre o chat das 14h?' });
    }
    // Bia's list shows it unread; Ana's own message is read by her.
    const team = (await list(bia.socket)).channels.find((c) => c.id === 'team')!;
    expect(team).toMatchObject({ kind: 'team', peer: null, lastSeq: seq });
    expect(team.seenSeq).toBeLessThan(seq);
    expect((await list(ana.socket)).channels.find((c) => c.id === 'team')!.seenSeq).toBe(seq);
  });

  it('I1, I2: a direct message reaches only its two members; the same client id sent twice stores one message', async () => {
    const [ana, bia, caio] = [await onlineAgent(server, { name: 'Ana' }), await onlineAgent(server, { name: 'Bia' }), await onlineAgent(server, { name: 'Caio', role: 'admin' })];
    const dm = directChannelId(ana.id, bia.id);
    const clientId = randomUUID();
    const first = await send(bia.socket, dm, 'Pode me ajudar com um cliente?', clientId);
    expect(first).toMatchObject({ type: 'internal.ack', channelId: dm, seq: 1 });
    const again = await send(bia.socket, dm, 'Pode me ajudar com um cliente?', clientId);
    expect(again).toMatchObject({ type: 'internal.ack', seq: 1 });
    await ana.socket.next('internal.message', (m) => m.message.channelId === dm && m.message.seq === 1);
    await bia.socket.next('internal.message', (m) => m.message.channelId === dm && m.message.seq === 1);
    await settle();
    // Even an admin is not in someone else's direct chat.
    expect(caio.socket.all('internal.message').filter((m) => m.message.channelId === dm)).toEqual([]);
    const history = await load(ana.socket, dm);
    expect(history).toMatchObject({ type: 'internal.history', lastSeq: 1, hasMore: false });
    expect(history.type === 'internal.history' && history.messages.map((m) => m.text)).toEqual(['Pode me ajudar com um cliente?']);
    // Ana's list names Bia as the chat's other side, with one unread message; Caio's has no such chat.
    expect((await list(ana.socket)).channels.find((c) => c.id === dm)).toMatchObject({ kind: 'direct', peer: { id: bia.id, name: 'Bia' }, lastSeq: 1, seenSeq: 0 });
    expect((await list(caio.socket)).channels.map((c) => c.id)).not.toContain(dm);
  });

  it('I1: a third agent is refused reading, writing or marking a direct chat with a typed error, and nothing changes', async () => {
    const [ana, bia, caio] = [await onlineAgent(server), await onlineAgent(server), await onlineAgent(server, { role: 'supervisor' })];
    const dm = directChannelId(ana.id, bia.id);
    await send(ana.socket, dm, 'só entre nós');
    const read = await load(caio.socket, dm);
    expect(read).toMatchObject({ type: 'error', code: 'forbidden' });
    const write = await send(caio.socket, dm, 'posso entrar?');
    expect(write).toMatchObject({ type: 'error', code: 'forbidden' });
    caio.socket.send({ type: 'internal.seen', channelId: dm, seq: 1 });
    expect(await caio.socket.next('error', (e) => e.code === 'forbidden' && e.clientId === undefined)).toBeTruthy();
    expect(await load(ana.socket, dm)).toMatchObject({ type: 'internal.history', lastSeq: 1 });
    expect((await list(bia.socket)).channels.find((c) => c.id === dm)).toMatchObject({ seenSeq: 0 });
    // Not a channel at all, a chat with oneself, and a chat with an agent that does not exist.
    expect(await send(ana.socket, 'general', 'oi')).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await send(ana.socket, `dm:${ana.id}:${ana.id}`, 'oi')).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await send(ana.socket, directChannelId(ana.id, randomUUID()), 'oi')).toMatchObject({ type: 'error', code: 'not_found' });
    // Text limits as for conversation messages.
    expect(await send(ana.socket, 'team', '   ')).toMatchObject({ type: 'error', code: 'message_empty' });
    expect(await send(ana.socket, 'team', 'x'.repeat(1001))).toMatchObject({ type: 'error', code: 'message_too_long' });
  });

  it('I1: a disabled agent is not offered for a direct chat and cannot be written to; what was said stays readable', async () => {
    const ana = await onlineAgent(server);
    const bia = await createAgent(server, { name: 'Bia Desligada' });
    const dm = directChannelId(ana.id, bia.id);
    expect((await list(ana.socket)).agents.map((a) => a.id)).toContain(bia.id);
    expect(await send(ana.socket, dm, 'antes')).toMatchObject({ type: 'internal.ack', seq: 1 });
    expect((await (await adminApi(server)).put(`/agents/${bia.id}/disabled`, { disabled: true })).status).toBe(204);
    expect((await list(ana.socket)).agents.map((a) => a.id)).not.toContain(bia.id);
    expect(await send(ana.socket, dm, 'depois')).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await load(ana.socket, dm)).toMatchObject({ type: 'internal.history', lastSeq: 1 });
  });

  it('I2, I3: a console that reconnects catches up by seq: what it missed, oldest first, and the read mark it left', async () => {
    const [ana, bia] = [await onlineAgent(server), await onlineAgent(server)];
    const dm = directChannelId(ana.id, bia.id);
    await send(ana.socket, dm, 'um');
    await bia.socket.next('internal.message', (m) => m.message.channelId === dm && m.message.seq === 1);
    bia.socket.send({ type: 'internal.seen', channelId: dm, seq: 1 });
    await bia.socket.next('internal.seen', (s) => s.channelId === dm && s.seq === 1);
    await bia.socket.close();
    for (const text of ['dois', 'três', 'quatro']) await send(ana.socket, dm, text);
    const back = await openAgent(server, bia.cookie);
    const channel = (await list(back.socket)).channels.find((c) => c.id === dm)!;
    expect(channel).toMatchObject({ lastSeq: 4, seenSeq: 1 });
    const missed = await load(back.socket, dm, { afterSeq: channel.seenSeq });
    expect(missed.type === 'internal.history' && missed.messages.map((m) => [m.seq, m.text])).toEqual([[2, 'dois'], [3, 'três'], [4, 'quatro']]);
    // Older pages: before a seq, the newest below it.
    const older = await load(back.socket, dm, { beforeSeq: 3 });
    expect(older.type === 'internal.history' && older.messages.map((m) => m.seq)).toEqual([1, 2]);
    // Read marks only rise: an older seen changes nothing.
    back.socket.send({ type: 'internal.seen', channelId: dm, seq: 4 });
    await back.socket.next('internal.seen', (s) => s.channelId === dm && s.seq === 4);
    back.socket.send({ type: 'internal.seen', channelId: dm, seq: 2 });
    await back.socket.next('internal.seen', (s) => s.channelId === dm && s.seq === 4);
    expect((await list(back.socket)).channels.find((c) => c.id === dm)).toMatchObject({ seenSeq: 4 });
  });

  it('I4: a visitor socket receives nothing of the internal chat, and its internal frames are refused', async () => {
    const v = await openVisitor(server);
    v.socket.send({ type: 'message.send', clientId: randomUUID(), text: 'Olá' });
    await v.socket.next('ack');
    const ana: OnlineAgent = await onlineAgent(server);
    const bia: OnlineAgent = await onlineAgent(server);
    await send(ana.socket, 'team', 'recado para a equipe');
    await send(ana.socket, directChannelId(ana.id, bia.id), 'recado só para a Bia');
    await bia.socket.next('internal.message', (m) => m.message.text === 'recado só para a Bia');
    await settle();
    expect(internalFrames(v.socket)).toEqual([]);
    expect(JSON.stringify(v.socket.frames)).not.toContain('recado');
    for (const frame of [
      { type: 'internal.send', clientId: randomUUID(), channelId: 'team', text: 'sou visitante' },
      { type: 'internal.load', clientId: randomUUID(), channelId: 'team' },
      { type: 'internal.list', clientId: randomUUID() },
    ]) {
      v.socket.send(frame);
      expect(await v.socket.next('error', (e) => e.clientId === frame.clientId)).toMatchObject({ code: 'forbidden' });
    }
    v.socket.send({ type: 'internal.seen', channelId: 'team', seq: 1 });
    expect(await v.socket.next('error', (e) => e.clientId === undefined && e.code === 'forbidden')).toBeTruthy();
    const team = await load(ana.socket, 'team');
    expect(team.type === 'internal.history' && team.messages.map((m) => m.text)).not.toContain('sou visitante');
    expect(internalFrames(v.socket)).toEqual([]);
  });
});
