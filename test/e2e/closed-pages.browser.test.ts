/**
 * Issue 12 in Chromium: the Closed list shows a page of CLOSED_PAGE conversations and a Load more button
 * that brings the rest, each once, and is gone on the last page; the Archived list pages on its own.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { CLOSED_PAGE } from '../../console/inbox/use-closed-list';
import type { StatePatch } from '../../server/domain/conversation';
import { patchedConversation } from '../../server/store/store-fixture';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();
const T0 = 1_780_000_000_000;

/** A closed conversation a new visitor started, last active at `at`, written through the server's store. */
async function closedConversation(at: number, patch: StatePatch = {}): Promise<string> {
  const store = e2e.server.papo.store;
  const siteId = (await store.sites.byKey(e2e.server.siteKey))!.id;
  const text = `Pedido ${randomUUID()}`;
  return (await patchedConversation(store, siteId, { status: 'closed', ...patch }, at, { text, startedAt: T0 })).id;
}

browserDescribe('issue 12: stored lists in pages', () => {
  it('R14: Closed shows a page, Load more brings the rest once each and goes away; Archived has no Load more when it fits', async () => {
    // A page and a bit, several at each activity time so a page ends inside a run of equal times.
    const extra = 7;
    for (let i = 0; i < CLOSED_PAGE + extra; i++) await closedConversation(T0 + 1_000 + Math.floor(i / 4));
    await closedConversation(T0 + 5_000, { archived: true });

    const { page } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await page.locator('#tab-closed').click();
    const items = page.locator('#inbox-panel li');
    const more = page.locator('#inbox-panel button', { hasText: 'Carregar mais' });
    await expect.poll(() => items.count()).toBe(CLOSED_PAGE);
    await more.click();
    await expect.poll(() => items.count()).toBe(CLOSED_PAGE + extra);
    await more.waitFor({ state: 'detached' });
    const texts = await items.allInnerTexts();
    expect(new Set(texts).size).toBe(CLOSED_PAGE + extra);

    await page.locator('#tab-archived').click();
    await expect.poll(() => items.count()).toBe(1);
    expect(await more.count()).toBe(0);
  });
  it('R14: another view whose first page fails shows neither the old rows nor their Load more', async () => {
    for (let i = 0; i <= CLOSED_PAGE; i++) await closedConversation(T0 + 9_000 + i);
    const { page } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await page.locator('#tab-closed').click();
    const items = page.locator('#inbox-panel li');
    const more = page.locator('#inbox-panel button', { hasText: 'Carregar mais' });
    await expect.poll(() => items.count()).toBe(CLOSED_PAGE);
    await more.waitFor();
    await page.route(/\/api\/v1\/conversations\?.*view=archived/, (route) => route.abort());
    await page.locator('#tab-archived').click();
    await page.locator('#inbox-panel .error[role=alert]').waitFor();
    expect(await items.count()).toBe(0);
    expect(await more.count()).toBe(0);
  });
});
