/**
 * Issue 11, fault 6: what a server keeps per socket must go when the socket goes, however many reconnect and
 * whenever they close (SPEC D8). Measured by the sizes of the server's in-memory state (`papo.sizes()`:
 * sockets, bus subscriptions, availability and presence listeners, per-address counts, live visitors), never
 * by heap bytes or timings, so each test gives the same answer on every run.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import type { PapoSizes } from '../app';
import { eventually } from './agents';
import { login, openAgent, openVisitor, TestSocket } from './clients';
import { startTestServer, type TestServer } from './harness';
import { holdingStore, type Held } from './holding-store';

/** Waits until the server has handled the closes (it holds `open` sockets), then reads its sizes. */
async function settled(server: TestServer, open: number): Promise<PapoSizes> {
  await eventually(() => (server.papo.sizes().sockets === open ? true : undefined), `the server holding ${open} sockets`);
  return server.papo.sizes();
}

describe('reconnect storms', () => {
  it('D8: three storms in which every socket drops and comes back at once leave the per-socket state as it was', async () => {
    const VISITORS = 40;
    const server = await startTestServer();
    try {
      const cookie = await login(server);
      let agent = await openAgent(server, cookie);
      // A site with chats going on: each visitor has a conversation, and the agent's console lists them all.
      const visitors = await Promise.all(
        Array.from({ length: VISITORS }, async (_, i) => {
          const v = await openVisitor(server);
          const ack = await v.socket.say(`olá ${i}`);
          return { socket: v.socket, token: v.session.token, conversationId: ack.conversationId, lastSeq: ack.seq };
        }),
      );
      const base = await settled(server, VISITORS + 1);
      expect(base).toMatchObject({ visitorsOnline: VISITORS, agentConsoles: 1, addressesWithSockets: 1 });

      for (let storm = 1; storm <= 3; storm++) {
        // Every socket drops at once, half of them without a closing handshake (a network change), and comes
        // back at once with its token and resume point, as the widget and the console do (SPEC D5, D8).
        visitors.forEach((v, i) => (i % 2 === 0 ? v.socket.ws.close() : v.socket.ws.terminate()));
        agent.socket.ws.terminate();
        const [again, back] = await Promise.all([
          openAgent(server, cookie),
          Promise.all(visitors.map((v) => openVisitor(server, { token: v.token, resume: { conversationId: v.conversationId, afterSeq: v.lastSeq } }))),
        ]);
        agent = again;
        back.forEach((b, i) => {
          const v = visitors[i]!;
          expect(b.session.conversation?.id).toBe(v.conversationId); // the same visitor, back in its chat
          v.socket = b.socket;
          v.token = b.session.token;
        });
        expect(await settled(server, VISITORS + 1), `after storm ${storm}`).toEqual(base);
      }

      // Visitors passing through (no token: new each time) leave only their visits, which live visitors keep
      // for VISIT_GAP_MS after they leave (SPEC R11).
      const passing = await Promise.all(Array.from({ length: VISITORS }, () => openVisitor(server)));
      await Promise.all(passing.map((p) => p.socket.close()));
      expect(await settled(server, VISITORS + 1)).toEqual({ ...base, visitsRemembered: base.visitsRemembered + VISITORS });
    } finally {
      await server.stop();
    }
  });
});

describe('a socket closed while its hello is answered', () => {
  const cases: Array<{ who: string; held: Held; open: (server: TestServer) => Promise<TestSocket> }> = [
    {
      who: 'a new visitor (closed while its open conversation is read)',
      held: 'conversations.openForVisitor',
      open: async (server) => {
        const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin });
        socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: null });
        return socket;
      },
    },
    {
      who: 'a returning visitor (closed while its record is read)',
      held: 'visitors.byId',
      open: async (server) => {
        const first = await openVisitor(server);
        await first.socket.close();
        const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin });
        socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: first.session.token });
        return socket;
      },
    },
    {
      who: 'an agent (closed while its inbox is read)',
      held: 'conversations.list',
      open: async (server) => {
        const socket = await TestSocket.open(`${server.wsUrl}?role=agent`, { origin: server.origin, cookie: await login(server) });
        socket.send({ type: 'hello', v: PROTOCOL_VERSION });
        return socket;
      },
    },
  ];

  for (const { who, held, open } of cases) {
    it(`D8: ${who} leaves no subscription, listener or presence behind`, async () => {
      const store = holdingStore();
      const server = await startTestServer({ wrapStore: store.wrap });
      try {
        // Someone else stays connected throughout, so the baseline is not an empty server.
        await openVisitor(server);
        const base = await settled(server, 1);
        const hold = store.next(held);
        const socket = await open(server);
        await hold.reached;
        socket.ws.terminate();
        await settled(server, 1); // the server has handled the close
        hold.release();
        // The rest of the hello runs in promise callbacks (the SQLite store answers synchronously): all of it
        // has run before the next turn of the event loop.
        await new Promise((resolve) => setImmediate(resolve));
        const after = server.papo.sizes();
        // A returning visitor's first socket left a visit behind (SPEC R11): that one is expected.
        expect(after).toEqual(held === 'visitors.byId' ? { ...base, visitsRemembered: base.visitsRemembered + 1 } : base);
      } finally {
        await server.stop();
      }
    });
  }
});
