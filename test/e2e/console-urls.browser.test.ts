/**
 * Issue 15 in Chromium: every console screen has its URL (Back, Forward, reload and a deep link before
 * signing in all land on it), and on a 390 px phone the console is one column: the list, then the
 * conversation with a way back to the list, nothing wider than the screen.
 *
 * PAPO_SHOTS_DIR=<folder> also saves screenshots of each screen at 1280 px and 390 px, in pt-BR and English.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { visitor } from '../../server/test/agents';
import { login } from '../../server/test/clients';
import { ADMIN } from '../../server/test/harness';
import { patchedConversation } from '../../server/store/store-fixture';
import { TABLES } from '../../console/i18n/i18n';
import { browserDescribe, newPage as openPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();
const SHOTS = process.env.PAPO_SHOTS_DIR;
const PHONE = { width: 390, height: 844 };

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A visitor's conversation, unassigned in the New list. */
async function conversation(text: string): Promise<string> {
  const v = await visitor(e2e.server);
  const ack = await v.socket.say(text);
  return ack.conversationId;
}

/** A ticket made over the API; answers its number. */
async function ticket(subject: string): Promise<number> {
  const cookie = await login(e2e.server);
  const res = await fetch(`${e2e.server.url}/api/v1/tickets`, {
    method: 'POST',
    headers: { cookie, origin: e2e.server.origin, 'content-type': 'application/json' },
    body: JSON.stringify({ subject, description: 'A segunda via não chegou.', requesterName: 'Carla Dias', requesterEmail: 'carla@example.com' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { ticket: { number: number } }).ticket.number;
}

/** A page whose waits fail after 10 s, so a failure names the step rather than the test's timeout. */
async function newPage(...args: Parameters<typeof openPage>) {
  const opened = await openPage(...args);
  opened.page.setDefaultTimeout(10_000);
  return opened;
}

const path = (page: Page) => {
  const u = new URL(page.url());
  return u.pathname + u.search;
};

/** The element is on screen: inside the window, not hidden, not zero-sized. */
function inViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= innerWidth + 1 && r.top >= -1 && r.bottom <= innerHeight + 1;
  });
}

/** Nothing is wider than the window (no sideways scrolling of the page). */
function noSidewaysScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth);
}

/** Signs in at the login form the page shows (the URL stays what it was). */
async function signInHere(page: Page): Promise<void> {
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await page.click('button[type=submit]');
  await page.locator('.workspace .status.online').waitFor();
}

browserDescribe('issue 15: console URLs', () => {
  it('a conversation opened changes the URL; a reload lands in it; Back returns to the list and Forward to the conversation', async () => {
    const text = 'Meu pedido 7781 ainda não chegou';
    const id = await conversation(text);
    const { page, errors } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    expect(path(page)).toBe('/console/');

    await page.locator('.inbox .item', { hasText: text }).click();
    await page.locator('.messages', { hasText: text }).waitFor();
    expect(path(page)).toBe(`/console/conversations/${id}`);
    expect(await page.title()).toMatch(/^(\(\d+\) )?\S.* · Conversas · Papo$/);
    await shot(page, 'desktop-pt-conversation');

    await page.reload();
    await page.locator('.workspace .status.online').waitFor();
    await page.locator('.messages', { hasText: text }).waitFor();
    expect(path(page)).toBe(`/console/conversations/${id}`);
    await page.locator('.inbox .item.current', { hasText: text }).waitFor();

    await page.goBack();
    await page.locator('.pane .empty').waitFor();
    expect(path(page)).toBe('/console/');
    expect(await page.locator('.inbox .item.current').count()).toBe(0);

    await page.goForward();
    await page.locator('.messages', { hasText: text }).waitFor();
    expect(path(page)).toBe(`/console/conversations/${id}`);

    // Another section and another list are screens of their own too.
    await page.locator('.topbar .section', { hasText: 'Chamados' }).click();
    await page.waitForURL('**/console/tickets');
    await page.goBack();
    await page.locator('.messages', { hasText: text }).waitFor();
    await page.locator('.inbox [role=tab]', { hasText: 'Minhas' }).click();
    await page.waitForURL(`**/console/conversations/${id}?list=mine`);
    await page.reload();
    await page.locator('.inbox [role=tab][aria-selected=true]', { hasText: 'Minhas' }).waitFor();
    await page.locator('.messages', { hasText: text }).waitFor();
    expect(errors).toEqual([]);
  });

  it('a link to a ticket and to an admin section, followed before signing in, lands there after signing in', async () => {
    const number = await ticket('Segunda via do boleto de março');
    const { page, errors } = await newPage(e2e.browser);
    await page.goto(`${e2e.server.url}/console/tickets/${number}`);
    await signInHere(page);
    await page.locator('#ticket-title', { hasText: 'Segunda via do boleto de março' }).waitFor();
    expect(path(page)).toBe(`/console/tickets/${number}`);
    expect(await page.title()).toMatch(new RegExp(`^(\\(\\d+\\) )?#${number} · Chamados · Papo$`));
    await shot(page, 'desktop-pt-ticket');
    // The ticket's Back goes back to the list it came from (here: none, so the list replaces it).
    await page.locator('.ticket .back').click();
    await page.waitForURL('**/console/tickets');
    await page.locator('.tickets-list, table', { hasText: 'Segunda via do boleto de março' }).first().waitFor();
    await page.locator('tr', { hasText: 'Segunda via do boleto de março' }).locator('.row-link').click();
    await page.waitForURL(`**/console/tickets/${number}`);
    await page.goBack();
    await page.waitForURL('**/console/tickets');

    const admin = await newPage(e2e.browser, { locale: 'en' });
    await admin.page.goto(`${e2e.server.url}/console/admin/agents`);
    await signInHere(admin.page);
    await admin.page.locator('#adm-tab-agents[aria-selected=true]').waitFor();
    expect(path(admin.page)).toBe('/console/admin/agents');
    await admin.page.locator('#adm-tab-queues').click();
    await admin.page.waitForURL('**/console/admin/queues');
    await admin.page.goBack();
    await admin.page.locator('#adm-tab-agents[aria-selected=true]').waitFor();
    await shot(admin.page, 'desktop-en-admin-agents');
    // One site of the Sites tab has its own URL too.
    const site = (await e2e.server.papo.store.sites.byKey(e2e.server.siteKey))!;
    await admin.page.goto(`${e2e.server.url}/console/admin/sites/${site.id}`);
    await admin.page.locator(`#adm-site-${site.id}`, { hasText: site.name }).waitFor();
    await admin.page.locator('#adm-tab-sites[aria-selected=true]').waitFor();
    // A supervisor has no Agents tab: its link shows the supervisor's first tab, under that tab's URL.
    const adminCookie = await login(e2e.server);
    await fetch(`${e2e.server.url}/api/v1/agents`, {
      method: 'POST',
      headers: { cookie: adminCookie, origin: e2e.server.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Sara Souza', email: 'sara@example.com', password: 'sara-password-123', role: 'supervisor' }),
    }).then((res) => expect(res.status).toBe(201));
    const sara = await newPage(e2e.browser);
    await sara.page.goto(`${e2e.server.url}/console/admin/agents`);
    await sara.page.fill('input[name=email]', 'sara@example.com');
    await sara.page.fill('input[name=password]', 'sara-password-123');
    await sara.page.click('button[type=submit]');
    await sara.page.locator('#adm-tab-canned[aria-selected=true]').waitFor();
    await sara.page.waitForURL('**/console/admin');
    expect(await sara.page.locator('#adm-tab-agents').count()).toBe(0);
    expect([...errors, ...admin.errors]).toEqual([]);
  });

  it('a search is a URL: asking writes /console/search?q=, a hit opens its own URL, Back shows the answer again, a reload asks again', async () => {
    const text = 'Quero trocar o tamanho da camiseta azul';
    const id = await conversation(text);
    const { page, errors } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('/');
    await page.keyboard.type('camiseta');
    await page.keyboard.press('Enter');
    const hit = page.locator('#search-panel .hit', { hasText: 'camiseta' });
    await hit.first().waitFor();
    expect(path(page)).toBe('/console/search?q=camiseta');
    await hit.first().click();
    await page.locator('.messages', { hasText: text }).waitFor();
    expect(path(page)).toBe(`/console/conversations/${id}`);
    await page.goBack();
    await hit.first().waitFor();
    expect(path(page)).toBe('/console/search?q=camiseta');
    await page.reload();
    await hit.first().waitFor();
    expect(await page.locator('#search').inputValue()).toBe('camiseta');
    // Put away (Escape), the answer leaves its URL: back where it was asked from.
    await page.keyboard.press('Escape');
    await page.locator('#search-panel').waitFor({ state: 'detached' });
    expect(path(page)).toBe('/console/');
    expect(errors).toEqual([]);
  });

  it('a closed conversation (in no live list) opened from the Closed list comes back on a reload, read over HTTP', async () => {
    const store = e2e.server.papo.store;
    const siteId = (await store.sites.byKey(e2e.server.siteKey))!.id;
    const text = 'Obrigada, já resolvi por telefone';
    const { id } = await patchedConversation(store, siteId, { status: 'closed' }, Date.now(), { text, startedAt: Date.now() - 60_000 });
    const { page, errors } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await page.locator('#tab-closed').click();
    await page.waitForURL('**/console/conversations?list=closed');
    await page.locator('.inbox .item', { hasText: text }).click();
    await page.waitForURL(`**/console/conversations/${id}?list=closed`);
    await page.locator('#conversation-title').waitFor();
    await page.reload();
    await page.locator('.workspace .status.online').waitFor();
    await page.locator('#conversation-title').waitFor();
    await page.locator('.messages', { hasText: text }).waitFor();
    await page.locator('#tab-closed[aria-selected=true]').waitFor();
    expect(errors).toEqual([]);
  });

  it('a conversation the live lists do not hold (a colleague\'s link to an unknown one) says it cannot be shown', async () => {
    const { page } = await newPage(e2e.browser);
    await page.goto(`${e2e.server.url}/console/conversations/3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f`);
    await signInHere(page);
    await page.locator('.pane .empty', { hasText: TABLES['pt-BR'].goneNotice }).waitFor();
  });
});

browserDescribe('issue 15: the console on a 390 px phone', () => {
  it('one column: the list, then the conversation, then back to the list; nothing wider than the screen', async () => {
    const text = 'Oi! Vocês entregam em Niterói?';
    const id = await conversation(text);
    const context = await e2e.browser.newContext({ viewport: PHONE, locale: 'pt-BR', hasTouch: true, isMobile: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signInToConsole(page, e2e.server.url);

    const item = page.locator('.inbox .item', { hasText: text });
    await item.waitFor();
    expect(await inViewport(item)).toBe(true);
    expect(await noSidewaysScroll(page)).toBe(true);
    await shot(page, 'phone-pt-inbox');

    await item.click();
    await page.locator('.messages', { hasText: text }).waitFor();
    expect(path(page)).toBe(`/console/conversations/${id}`);
    // The conversation takes the screen: its title, its messages and the composer; the list is out of the way.
    expect(await page.locator('.inbox').isVisible()).toBe(false);
    expect(await inViewport(page.locator('#conversation-title'))).toBe(true);
    expect(await inViewport(page.locator('.messages .msg', { hasText: text }))).toBe(true);
    expect(await inViewport(page.locator('.pane-back'))).toBe(true);
    expect(await noSidewaysScroll(page)).toBe(true);
    await shot(page, 'phone-pt-conversation');

    await page.locator('.pane-back').click();
    await item.waitFor();
    expect(path(page)).toBe('/console/');
    // The focus lands on the list's tab, not the page's top.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('tab-new');
    expect(await inViewport(item)).toBe(true);
    expect(await page.locator('.pane').isVisible()).toBe(false);
    await page.goForward();
    await page.locator('.messages', { hasText: text }).waitFor();
    expect(await page.locator('.inbox').isVisible()).toBe(false);

    // The other sections fit too, and administration scrolls.
    for (const [url, name] of [
      ['/console/tickets', 'phone-pt-tickets'],
      ['/console/admin/agents', 'phone-pt-admin-agents'],
      ['/console/admin/sites', 'phone-pt-admin-sites'],
    ] as const) {
      await page.goto(`${e2e.server.url}${url}`);
      await page.locator('.workspace .status.online').waitFor();
      await page.locator('.page').waitFor();
      await page.waitForTimeout(300);
      expect(await noSidewaysScroll(page), url).toBe(true);
      await shot(page, name);
    }
    // The site's settings are longer than the screen: the page scrolls to their end.
    const scrolled = await page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('.page')!;
      box.scrollTop = box.scrollHeight;
      return { top: box.scrollTop, overflow: box.scrollHeight - box.clientHeight };
    });
    expect(scrolled.overflow).toBeGreaterThan(0);
    expect(scrolled.top).toBeGreaterThan(0);
    expect(await noSidewaysScroll(page)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
