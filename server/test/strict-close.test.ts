/**
 * SPEC W6 with the close spread over turns of the event loop (issue 12): once strict identity is turned on,
 * an anonymous socket whose close waits for a later slice chats no more; only the close itself is spread.
 * The later slices are run by the test (one socket per slice), so the socket is known to be still open.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../shared/errors';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { adminApi, stored } from './agents';
import { closedWithin, openVisitor, TestSocket } from './clients';
import { startTestServer } from './harness';

describe('strict identity turned on, its closes spread', () => {
  it('W6: an anonymous socket waiting for its slice has every frame but ping refused with identity_required, stores nothing, then closes with 4001', async () => {
    const later: Array<() => void> = [];
    const server = await startTestServer({ massClose: { size: 1, defer: (fn) => later.push(fn) } });
    const admin = await adminApi(server);
    const siteId: string = (await admin.get('/sites')).body.sites[0].id;
    const secret: string = (await admin.post(`/sites/${siteId}/identity-secret`)).body.identitySecret;
    const before = (await admin.get(`/sites/${siteId}/widget`)).body;
    const first = await openVisitor(server);
    const waiting = await openVisitor(server);
    const { conversationId } = await waiting.socket.say('antes');
    const userId = `cliente-${randomUUID().slice(0, 8)}`;
    const proven = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
    proven.send({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null, identity: { userId, userHash: createHmac('sha256', secret).update(userId).digest('hex') } });
    await proven.next('welcome');

    expect((await admin.put(`/sites/${siteId}/widget`, { ...before, strictIdentity: true })).status).toBe(200);
    // The first slice ran at once; the second (the waiting socket) has not.
    expect(await closedWithin(first.socket)).toEqual({ code: CLOSE.auth_failed, error: 'identity_required' });
    expect(later).toHaveLength(1);
    const lastSeq = (await stored(server, conversationId)).lastSeq;
    const frames = [
      { type: 'message.send', clientId: randomUUID(), conversationId, text: 'depois do strict' },
      { type: 'conversation.rate', clientId: randomUUID(), conversationId, score: 4 },
      { type: 'conversation.end', conversationId },
    ] as const;
    for (const frame of frames) {
      waiting.socket.send(frame);
      const refused = await waiting.socket.next('error', (e) => e.code === 'identity_required' && ('clientId' in frame ? e.clientId === frame.clientId : e.clientId === undefined));
      expect(refused.code).toBe('identity_required');
    }
    waiting.socket.send({ type: 'ping', id: 3 });
    expect(await waiting.socket.next('pong', (f) => f.id === 3)).toEqual({ type: 'pong', id: 3 });
    expect(waiting.socket.ws.readyState).toBe(WebSocket.OPEN);
    expect(waiting.socket.all('ack').map((a) => a.clientId)).not.toContain(frames[0].clientId);
    expect(await stored(server, conversationId)).toMatchObject({ lastSeq, status: 'open' });
    // The identified visitor chats on.
    await proven.say('sou cliente');

    while (later.length > 0) later.shift()!();
    expect(await closedWithin(waiting.socket)).toEqual({ code: CLOSE.auth_failed, error: 'identity_required' });
    await proven.say('ainda aqui');
    await proven.close();
    await server.stop();
  });
});
