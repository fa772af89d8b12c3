/**
 * Issue 12: the console's Closed and Archived lists come in pages (GET /conversations with `cursor`, answering
 * `nextCursor`), on a real server and database: every conversation the agent may see comes exactly once,
 * pages are full whatever the agent may not see (R10), and a cursor the server did not make is a typed 400.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationListAnswer } from '../../shared/api';
import type { StatePatch } from '../domain/conversation';
import { patchedConversation } from '../store/store-fixture';
import { adminApi, createAgent, type Answer, type Api, type TestAgent } from './agents';
import { serverForAll } from './harness';

const T0 = 1_780_000_000_000;

const server = serverForAll();
let siteId: string;
beforeAll(async () => {
  siteId = (await server.papo.store.sites.byKey(server.siteKey))!.id;
});

/** A conversation a new visitor started, then given `patch` at `at` (its activity time), through the store. */
async function conversation(patch: StatePatch, at: number): Promise<string> {
  return (await patchedConversation(server.papo.store, siteId, patch, at, { startedAt: T0 })).id;
}

/** Every page of the list at `path` (a query without cursor), `limit` rows at a time: ids and page sizes. */
async function pages(api: Api, path: string): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const answer: Answer<ConversationListAnswer> = await api.get<ConversationListAnswer>(`${path}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(answer.status).toBe(200);
    ids.push(...answer.body.conversations.map((c) => c.id));
    sizes.push(answer.body.conversations.length);
    cursor = answer.body.nextCursor;
  } while (cursor !== null && sizes.length < 50);
  return { ids, sizes };
}

describe('issue 12: GET /conversations pages', () => {
  let x: TestAgent;
  let y: TestAgent;
  /** Newest first: what x may see of the closed ones (held, or joined as a guest), then all of them. */
  let xSees: string[];
  let all: string[];
  let ySees: string[];

  beforeAll(async () => {
    [x, y] = [await createAgent(server), await createAgent(server)];
    const held = (agent: TestAgent, more: StatePatch = {}): StatePatch => ({ status: 'closed', assignedAgentId: agent.id, assignedAgentName: agent.name, ...more });
    // Made oldest first; several share an activity time, so pages end inside runs of equal times.
    const made: { id: string; at: number; xSees: boolean; y: boolean }[] = [];
    for (let i = 0; i < 9; i++) {
      const mine = i % 3 !== 1;
      const guest = i === 4 ? { participants: [{ id: x.id, name: x.name }] } : {};
      const at = T0 + 10 * Math.floor(i / 3);
      made.push({ id: await conversation(held(mine ? x : y, guest), at), at, xSees: mine || i === 4, y: !mine });
    }
    // An archived one of x's: never on the Closed list.
    await conversation(held(x, { archived: true }), T0 + 100);
    // The lists' order: newest activity first, then the greater id.
    const order = (list: typeof made) => [...list].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((c) => c.id);
    all = order(made);
    xSees = order(made.filter((c) => c.xSees));
    ySees = order(made.filter((c) => c.y));
  });

  it('R14, R10: a plain agent pages through the closed conversations assigned to it or joined: each once, in order, every page full', async () => {
    const { ids, sizes } = await pages(x.api, '/conversations?view=closed&limit=2');
    expect(ids).toEqual(xSees);
    expect(xSees).toHaveLength(7);
    // Seven rows, two a page: three full pages, then the last one.
    expect(sizes).toEqual([2, 2, 2, 1]);
  });

  it('R14: an admin pages through them all, and through one agent’s', async () => {
    const admin = await adminApi(server);
    expect((await pages(admin, '/conversations?view=closed&limit=4')).ids.filter((id) => all.includes(id))).toEqual(all);
    const { ids, sizes } = await pages(admin, `/conversations?view=closed&agent=${y.id}&limit=1`);
    expect(ids).toEqual(ySees);
    expect(sizes).toEqual([1, 1, 1]);
  });

  it('R14: the last page answers nextCursor null; a page that exactly fills the limit does too when nothing follows', async () => {
    const answer = await x.api.get<ConversationListAnswer>('/conversations?view=closed&limit=7');
    expect(answer.body.conversations).toHaveLength(7);
    expect(answer.body.nextCursor).toBeNull();
    expect((await x.api.get<ConversationListAnswer>('/conversations?view=archived&limit=5')).body).toMatchObject({ nextCursor: null });
  });

  it.each([
    ['not base64url', 'not a cursor!'],
    ['base64url of something else', Buffer.from('{"page":2}').toString('base64url')],
    ['a time that is not a number', Buffer.from('["soon","c"]').toString('base64url')],
  ])('R14: a cursor that is %s is a 400 invalid_cursor', async (_name, cursor) => {
    const answer = await x.api.get(`/conversations?view=closed&cursor=${encodeURIComponent(cursor)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_cursor');
  });
});
