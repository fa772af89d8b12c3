/**
 * What a client that stops reading actually sees (SPEC D13; issue 11 fault 8), measured with a real `ws`
 * client whose TCP socket is paused. The server closes it with 4005 once its unsent data passes
 * MAX_BUFFERED_BYTES, but that close frame is queued behind every byte the client has not read, and the
 * server drops the connection a second later: the client, reading again, gets the frames that were already
 * in flight (whole), then the connection ends without a close frame (1006). It reconnects and resumes like
 * after any drop (D8, D5), and nothing is missing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { CLOSE } from '../../shared/errors';
import { openAgent, openVisitor, TestSocket } from './clients';
import { serverForAll } from './harness';

// The smallest bound; two sockets per address: the visitor and the slow agent, so a third upgrade is
// accepted only once the server has let go of the slow one.
const server = serverForAll({ env: { MAX_BUFFERED_BYTES: '65536', MAX_SOCKETS_PER_IP: '2' } });

/** The most the kernel may hold in flight on one connection (send plus receive buffers), with a margin. */
function kernelBufferBytes(): number {
  const max = (file: string) => Number(readFileSync(file, 'utf8').trim().split(/\s+/).at(-1));
  try {
    return max('/proc/sys/net/ipv4/tcp_rmem') + max('/proc/sys/net/ipv4/tcp_wmem') + 4 * 1024 * 1024;
  } catch {
    return 64 * 1024 * 1024;
  }
}

/** Resolves once the server accepts one more socket from this address: it has let go of the slow one. */
async function slotFreed(): Promise<void> {
  for (;;) {
    try {
      const probe = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
      await probe.close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('D13: a client that stops reading', () => {
  it('D13: never receives the 4005: reading again, it gets the frames already in flight, whole, then 1006; it resumes with nothing missing', async () => {
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('começo');
    const ids = Array.from({ length: 200 }, () => randomUUID());
    for (const clientId of ids) visitor.socket.send({ type: 'message.send', clientId, conversationId, text: `${clientId} ${'x'.repeat(900)}` });
    const acks = await Promise.all(ids.map((clientId) => visitor.socket.next('ack', (a) => a.clientId === clientId, 20_000)));
    const lastSeq = Math.max(...acks.map((a) => a.seq));

    const slow = await openAgent(server);
    slow.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    const page = await slow.socket.next('history', (h) => h.conversationId === conversationId);
    // Stop reading, and ask for more history than the kernel can hold in flight: the rest piles up in the
    // server, past the bound.
    const tcp = (slow.socket.ws as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.pause();
    const asks = Math.ceil(kernelBufferBytes() / JSON.stringify(page).length) + 10;
    for (let i = 0; i < asks; i++) slow.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await slotFreed();
    const before = slow.socket.frames.length;
    tcp.resume();
    const closed = await slow.socket.closed;

    expect(closed.code).toBe(1006);
    expect(closed.code).not.toBe(CLOSE.slow_reader);
    expect(slow.socket.invalid).toEqual([]);
    expect(slow.socket.frames.length).toBeGreaterThan(before);
    expect(slow.socket.all('history').every((h) => h.events.at(-1)?.seq === lastSeq)).toBe(true);
    expect(slow.socket.all('error')).toEqual([]);

    // D8, D5: it reconnects and resumes from what it holds; the visitor was served all along.
    const again = await openAgent(server, undefined, { conversationId, afterSeq: lastSeq - 5 });
    const resumed = await again.socket.next('history', (h) => h.conversationId === conversationId);
    expect(resumed.events.map((e) => e.seq)).toEqual([lastSeq - 4, lastSeq - 3, lastSeq - 2, lastSeq - 1, lastSeq]);
    expect((await visitor.socket.say('fim', conversationId)).seq).toBe(lastSeq + 1);
  }, 120_000);
});
