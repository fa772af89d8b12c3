/**
 * Two tabs of one visitor share the outbox (SPEC D7, issue 11 "Faults" 2), in Chromium: both tabs of one
 * browser context (same origin, same localStorage) call `Papo.sendMessage` at the same moments, in bursts a
 * few milliseconds apart, while the real server process is SIGKILLed, then started again on the same
 * database and port. Every message must be stored exactly once, none lost, each tab's in the order it wrote
 * them; and with the server up too. What is checked is the server's database, then what both tabs show.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../shared/limits';
import { freePort, keepWaitingChats, startChildServer, type ChildServer } from '../../server/test/child-server';
import type { PapoApi } from '../../widget/contract';
import { MAX_OUTBOX } from '../../widget/app/session/outbox';
import { browserDescribe, launchChromium, widget } from './browser';

let browser: Browser;
const children: ChildServer[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const child of children) await child.kill('SIGKILL');
});

/**
 * Each round, both tabs start at the same wall-clock moment and write `count` messages `gapMs` apart: bursts
 * within one millisecond, and paces of a few milliseconds that land the two tabs' writes between each other's.
 */
const ROUNDS: ReadonlyArray<{ count: number; gapMs: number; offsetMs: number }> = [
  { count: 8, gapMs: 0, offsetMs: 0 },
  { count: 8, gapMs: 1, offsetMs: 0 },
  { count: 8, gapMs: 3, offsetMs: 1 },
  { count: 8, gapMs: 7, offsetMs: 3 },
  { count: 8, gapMs: 0, offsetMs: 2 },
  { count: 5, gapMs: 15, offsetMs: 7 },
];
const PER_TAB = ROUNDS.reduce((n, r) => n + r.count, 0);

async function server(): Promise<ChildServer> {
  const dir = mkdtempSync(join(tmpdir(), 'papo-tabs-'));
  const child = await startChildServer({ databasePath: join(dir, 'papo.db'), port: await freePort() });
  children.push(child);
  // Nobody answers in this test.
  await keepWaitingChats(child);
  return child;
}

/** Two tabs of one visitor: the first opens the chat (consent, SPEC W8) and starts the conversation. */
async function twoTabs(child: ChildServer): Promise<{ context: BrowserContext; tabs: [Page, Page]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'pt-BR' });
  const errors: string[] = [];
  const open = async (path: string) => {
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    await page.goto(`${child.url}${path}`);
    return page;
  };
  const one = await open('/');
  // Nobody is on duty: the window may show the leave-a-message form; sendMessage starts the chat all the same.
  await widget(one).launcher.click();
  await widget(one).panel.waitFor();
  await call(one, 'sendMessage', 'início');
  await sent(one, 'início').waitFor();
  // The second tab finds the chat open (stored) and the same conversation.
  const two = await open('/demo/another-page.html');
  await sent(two, 'início').waitFor();
  return { context, tabs: [one, two], errors };
}

const call = (page: Page, method: keyof PapoApi, ...args: unknown[]) =>
  page.evaluate(([m, a]) => ((window as unknown as { Papo: PapoApi }).Papo[m as keyof PapoApi] as (...x: unknown[]) => void)(...(a as unknown[])), [method, args] as const);

const sent = (page: Page, text: string) => widget(page).root.locator('.log li.msg.mine.sent .bubble', { hasText: text });
const mine = (page: Page, state: 'sent' | 'sending' | 'failed') => widget(page).root.locator(`.log li.msg.mine.${state}`);

/**
 * Both tabs write their rounds; each message's text names its tab and number (`A07`). Answers what each tab
 * wrote, in its order.
 */
async function writeRounds(tabs: [Page, Page]): Promise<[string[], string[]]> {
  const written: [string[], string[]] = [[], []];
  let n = 0;
  for (const round of ROUNDS) {
    const start = Date.now() + 200; // the same clock for both tabs: they start together
    await Promise.all(
      tabs.map((page, t) => {
        const texts = Array.from({ length: round.count }, (_, i) => `${t === 0 ? 'A' : 'B'}${String(n + i).padStart(2, '0')}`);
        written[t]!.push(...texts);
        return page.evaluate(
          async ({ texts, at, gapMs }) => {
            const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
            while (Date.now() < at) await sleep(1);
            for (const text of texts) {
              (window as unknown as { Papo: PapoApi }).Papo.sendMessage(text);
              if (gapMs) await sleep(gapMs);
            }
          },
          { texts, at: start + (t === 1 ? round.offsetMs : 0), gapMs: round.gapMs },
        );
      }),
    );
    n += round.count;
  }
  return written;
}

/** The visitor's messages as the server stored them, in the order it stored them. */
function storedTexts(child: ChildServer): string[] {
  const db = new Database(child.databasePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT text FROM events WHERE kind = 'message' AND author_kind = 'visitor' ORDER BY conversation_id, seq")
      .all() as Array<{ text: string }>;
    return rows.map((r) => r.text);
  } finally {
    db.close();
  }
}

/** Every message written is stored exactly once, and each tab's in the order that tab wrote them (D2, D3, D7). */
function expectStoredOnce(child: ChildServer, written: [string[], string[]]): void {
  const stored = storedTexts(child);
  const expected = ['início', ...written[0], ...written[1]];
  const missing = expected.filter((t) => !stored.includes(t));
  const twice = stored.filter((t, i) => stored.indexOf(t) !== i);
  expect({ missing, twice }).toEqual({ missing: [], twice: [] });
  expect([...stored].sort()).toEqual([...expected].sort());
  expect(stored.filter((t) => t.startsWith('A'))).toEqual(written[0]);
  expect(stored.filter((t) => t.startsWith('B'))).toEqual(written[1]);
}

browserDescribe('D7: two tabs of one visitor share the outbox (issue 11, Faults 2)', () => {
  it('D7: two tabs writing at the same moments while the server is down (SIGKILL, restart): every message stored once, none lost', async () => {
    expect(2 * PER_TAB).toBeLessThanOrEqual(MAX_OUTBOX); // what waits is within the outbox's bound: none dropped by design
    let child = await server();
    const { context, tabs, errors } = await twoTabs(child);

    const killed = await child.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const written = await writeRounds(tabs);

    child = await startChildServer({ databasePath: child.databasePath, port: child.port });
    children.push(child);
    // The browser's `online` event makes the widget reconnect at once instead of after its backoff (SPEC D8).
    for (const page of tabs) await page.evaluate(() => window.dispatchEvent(new Event('online')));
    // Both tabs' outboxes drain: whatever was in storage went out after the welcome and was acked.
    for (const page of tabs) {
      await expect.poll(() => mine(page, 'sending').count(), { timeout: 20_000 }).toBe(0);
    }

    expectStoredOnce(child, written);
    // Both tabs show every message as sent, once; nothing left pending or failed.
    for (const page of tabs) {
      await expect.poll(() => mine(page, 'sent').count(), { timeout: 20_000 }).toBe(1 + 2 * PER_TAB);
      expect(await mine(page, 'failed').count()).toBe(0);
    }
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('D7: two tabs writing at the same moments with the server up: every message stored once; a failed one shows in both tabs until discarded in either', async () => {
    const child = await server();
    const { context, tabs, errors } = await twoTabs(child);
    const written = await writeRounds(tabs);
    for (const page of tabs) await expect.poll(() => mine(page, 'sent').count(), { timeout: 20_000 }).toBe(1 + 2 * PER_TAB);
    expectStoredOnce(child, written);

    // A message the server refuses for good (too long) is failed in the tab that sent it and in the other.
    await call(tabs[0], 'sendMessage', 'x'.repeat(MAX_MESSAGE_CHARS + 1));
    for (const page of tabs) await mine(page, 'failed').waitFor();
    // Discarded in the other tab: gone from both.
    await mine(tabs[1], 'failed').locator('button.link').nth(1).click();
    for (const page of tabs) await expect.poll(() => mine(page, 'failed').count()).toBe(0);
    for (const page of tabs) expect(await mine(page, 'sending').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
