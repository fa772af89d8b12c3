/**
 * @module Test code only: the database each Store contract test runs on (store.case.test.ts,
 * tickets.case.test.ts), the SQLite one, and a site to store in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { uuidv7 } from '../ids';
import { createSqliteStore } from './sqlite/store';
import type { ConversationSummary } from '../../shared/protocol';
import { canView, decideMessage, type StatePatch, type VisitorActor } from '../domain/conversation';
import type { Site, Store } from './store';

const T0 = 1_750_000_000_000;

/**
 * A fresh, empty database. `open` answers a store on it; after that store's `close()`, `open` may be called
 * again and must see the same data. `destroy` removes the database once every store on it is closed.
 */
export interface StoreFixture {
  open(): Store;
  destroy(): void;
}

/**
 * Inside a `describe`: a new database from `makeStore` before each test, and after it every store still
 * open on it closed and the database removed.
 *
 * @example const db = databasePerTest(makeStore); beforeEach(() => { store = db.reopen(); });
 */
export function databasePerTest(makeStore: () => StoreFixture): { reopen(): Store; close(s: Store): Promise<void> } {
  let fixture: StoreFixture;
  let open: Store[] = [];

  beforeEach(() => {
    fixture = makeStore();
    open = [];
  });

  afterEach(async () => {
    for (const s of open) await s.close();
    fixture.destroy();
  });

  return {
    /** Opens a store on this test's database and closes it after the test. */
    reopen() {
      const s = fixture.open();
      open.push(s);
      return s;
    },
    async close(s: Store) {
      await s.close();
      open = open.filter((o) => o !== s);
    },
  };
}

/** A SQLite database file in a new temporary folder whose name starts with `prefix`. */
export function sqliteStoreFixture(prefix: string): StoreFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'papo.db');
  return {
    open: () => createSqliteStore(path),
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A new site named Loja with a fresh id and key, created at the contracts' T0, with no queue, bot, ticketing
 * or masking. A test names only the fields it is about.
 *
 * @example await store.sites.create(siteRecord({ allowedOrigins: ['self'] }))
 */
export function siteRecord(overrides: Partial<Site> = {}): Site {
  return {
    id: uuidv7(),
    key: `key-${uuidv7()}`,
    name: 'Loja',
    allowedOrigins: ['self'],
    createdAt: T0,
    defaultQueueId: null,
    botWebhookUrl: null,
    botTokenHash: null,
    ticketing: null,
    masking: 'off',
    widget: null,
    identitySecret: null,
    ...overrides,
  };
}

/**
 * A conversation a new visitor starts with `text` at `startedAt`, then given `patch` at `at` (its activity time,
 * which orders the lists), through the store as the services write it. For list and paging tests.
 *
 * @example const closed = await patchedConversation(store, site.id, { status: 'closed' }, T0 + 1_000)
 */
export async function patchedConversation(
  store: Store,
  siteId: string,
  patch: StatePatch,
  at: number,
  { text = 'Olá', startedAt = T0 }: { text?: string; startedAt?: number } = {},
): Promise<ConversationSummary> {
  const visitor: VisitorActor = { kind: 'visitor', visitorId: uuidv7(), siteId };
  const clientId = uuidv7();
  const first = await store.write({
    conversationId: null,
    visitor: { siteId, visitorId: visitor.visitorId },
    clientId,
    at: startedAt,
    authorize: (s) => canView(visitor, s),
    decide: (s) => decideMessage(s, visitor, text, clientId),
  });
  if (first.kind !== 'appended') throw new Error(first.kind);
  const out = await store.write({ conversationId: first.conversation.id, visitor: null, clientId: null, at, authorize: () => true, decide: () => ({ ok: true, events: [], patch }) });
  if (out.kind !== 'appended') throw new Error(out.kind);
  return out.conversation;
}
