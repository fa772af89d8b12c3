/**
 * Issue 12 (SPEC S1, S4) in the console, in Chromium: the agent types "acao" in the top bar's search, finds the
 * visitor's "ação" with the word marked, pages through "more results", and a click opens the conversation at
 * that message, scrolled into view and highlighted, although it is older than the first page of history
 * the console loads. A ticket hit opens the ticket. The same on a phone's width.
 *
 * PAPO_SHOTS_DIR=<folder> also saves screenshots of the results and the opened message (desktop and phone).
 */
import axe from 'axe-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { SearchAnswer } from '../../shared/api';
import { HISTORY_PAGE_EVENTS } from '../../shared/limits';
import { adminApi } from '../../server/test/agents';
import { openVisitor } from '../../server/test/clients';
import { browserDescribe, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();
const SHOTS = process.env.PAPO_SHOTS_DIR;
const DEEP = 'Preciso de uma ação no pedido 4471, por favor';
/** Messages after the deep one: it is not in the console's first page of history. */
const AFTER = HISTORY_PAGE_EVENTS + 30;
/** Other "ação" messages, enough for more than one page of hits (20 a page). */
const OTHERS = 24;

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The element lies wholly inside the message log's visible box and the window. */
function inView(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = el.closest('.messages')!.getBoundingClientRect();
    return r.top >= Math.max(0, box.top) - 1 && r.bottom <= Math.min(innerHeight, box.bottom) + 1 && r.height > 0;
  });
}

/**
 * A console page in pt-BR at `viewport`. Without the console's CSP: axe-core is injected inline, and markup a
 * visitor wrote would run if it ever became HTML, so the test would see it.
 */
async function consolePage(viewport = { width: 1280, height: 800 }) {
  const context = await e2e.browser.newContext({ viewport, locale: 'pt-BR', bypassCSP: true, hasTouch: viewport.width < 500 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await signInToConsole(page, e2e.server.url);
  return { context, page, errors };
}

/** axe-core's WCAG 2.0/2.1 A and AA violations in the search field and its answer. */
async function searchViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run({ include: [['.search']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} (${n.failureSummary ?? ''})`));
  });
}

let deep!: { conversationId: string; seq: number };
let ticketNumber = 0;

beforeAll(async () => {
  const admin = await adminApi(e2e.server);
  const joana = await openVisitor(e2e.server);
  const first = await joana.socket.say(DEEP);
  deep = { conversationId: first.conversationId, seq: first.seq };
  await admin.put(`/conversations/${deep.conversationId}/requester`, { name: 'Joana Lima', email: null });
  await Promise.all(Array.from({ length: AFTER }, (_, i) => joana.socket.say(`mensagem ${i + 1}`, deep.conversationId)));

  const rui = await openVisitor(e2e.server);
  const other = await rui.socket.say('Oi, sobre a <b>ação</b> <img src=x onerror="window.pwned=1"> de ontem');
  await admin.put(`/conversations/${other.conversationId}/requester`, { name: 'Rui Prado', email: null });
  await Promise.all(Array.from({ length: OTHERS }, (_, i) => rui.socket.say(`Outra ação, número ${i + 1}`, other.conversationId)));

  const ticket = await admin.post('/tickets', { subject: 'Cobrança indevida no cartão', description: 'Cliente pede estorno', requesterName: 'Marta Reis' });
  expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
  ticketNumber = ticket.body.ticket.number;
  const note = await admin.post(`/tickets/${ticket.body.ticket.id}/notes`, { text: 'Estorno liberado pelo setor Financeiro' });
  expect(note.status, JSON.stringify(note.body)).toBeLessThan(300);

  // The deep message really is older than the first page the console loads.
  const conversation = (await e2e.server.papo.store.conversations.byId(deep.conversationId))!;
  expect(conversation.lastSeq - deep.seq).toBeGreaterThan(HISTORY_PAGE_EVENTS);
  const answer = (await admin.get<SearchAnswer>('/search?q=acao&limit=50')).body;
  expect(answer.hits.length).toBeGreaterThan(20);
});

/** Searches from the top bar, reached with the "/" shortcut from outside any field. */
async function search(page: Page, q: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('/');
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('search');
  await page.keyboard.type(q);
  await page.keyboard.press('Enter');
  await page.locator('#search-panel .search-head [role=status]', { hasText: /resultado/ }).waitFor();
}

/** "Mais resultados" until `hit` shows, checking that each page adds hits and repeats none. */
async function moreUntil(page: Page, hit: Locator): Promise<number> {
  let pages = 1;
  while ((await hit.count()) === 0) {
    const before = await page.locator('#search-panel .hit').count();
    const more = page.locator('#search-panel button', { hasText: 'Mais resultados' });
    if ((await more.count()) === 0) throw new Error(`no hit ${hit.toString()} in ${before} hits`);
    await more.click();
    await expect.poll(() => page.locator('#search-panel .hit').count()).toBeGreaterThan(before);
    pages++;
  }
  const keys = await page.locator('#search-panel .hit').allTextContents();
  expect(new Set(keys).size).toBe(keys.length);
  return pages;
}

async function openDeepHit(page: Page, name: string): Promise<void> {
  await search(page, 'acao');
  const panel = page.locator('#search-panel');
  expect(await panel.locator('.hit').count()).toBe(20);
  await shot(page, `${name}-results-first`);
  expect(await searchViolations(page)).toEqual([]);
  const hit = panel.locator('.hit', { hasText: 'Joana Lima' });
  expect(await moreUntil(page, hit)).toBeGreaterThan(1);
  // Marked words, as text: the visitor's markup is shown, never run.
  const markup = panel.locator('.hit', { hasText: 'Rui Prado' }).filter({ hasText: '<img' });
  await moreUntil(page, markup);
  expect(await markup.locator('.snippet').textContent()).toContain('<b>ação</b> <img src=x');
  expect(await markup.locator('mark').allTextContents()).toEqual(['ação']);
  expect(await panel.locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();

  await hit.scrollIntoViewIfNeeded();
  expect(await hit.locator('.kind').textContent()).toBe('Mensagem');
  expect(await hit.locator('mark').allTextContents()).toEqual(['ação']);
  await shot(page, `${name}-results`);
  await hit.click();
  await panel.waitFor({ state: 'detached' });
  await page.locator('#conversation-title', { hasText: 'Joana Lima' }).waitFor();
  const found = page.locator('.messages li.msg.found');
  await found.waitFor();
  expect(await found.getAttribute('data-seq')).toBe(String(deep.seq));
  expect(await found.locator('.bubble').textContent()).toBe(DEEP);
  expect(await found.locator('.bubble mark').allTextContents()).toEqual(['ação']);
  expect(await page.locator('.messages li.msg.found').count()).toBe(1);
  await expect.poll(() => inView(found)).toBe(true);
  // Older pages were read to reach it: the log holds more than the first page.
  expect(await page.locator('.messages li[data-seq]').count()).toBeGreaterThan(HISTORY_PAGE_EVENTS);
  await shot(page, `${name}-opened`);
}

browserDescribe('search in the console (issue 12)', () => {
  it('S1, S4: "acao" finds "ação", pages with "more results", and a click opens the conversation at the message, older than the first page', async () => {
    const agent = await consolePage();
    await openDeepHit(agent.page, 'desktop');

    // Found again while its conversation is on screen and scrolled away: back into view.
    await agent.page.locator('.messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
    expect(await inView(agent.page.locator('.messages li.msg.found'))).toBe(false);
    // "/" and the down arrow bring back the answer as it was (every page read).
    await agent.page.keyboard.press('/');
    await agent.page.keyboard.press('ArrowDown');
    await agent.page.locator('#search-panel .hit', { hasText: 'Joana Lima' }).click();
    await expect.poll(() => inView(agent.page.locator('.messages li.msg.found'))).toBe(true);

    expect(agent.errors).toEqual([]);
    await agent.context.close();
  });

  it('S1, S4: a ticket hit opens the ticket, at the entry that matched; the keyboard is enough; no hit and a refusal are said', async () => {
    const agent = await consolePage();
    const { page } = agent;
    await search(page, 'cobranca');
    const hit = page.locator('#search-panel .hit', { hasText: 'Cobrança indevida' });
    expect(await hit.locator('.kind').textContent()).toBe(`Chamado #${ticketNumber}`);
    expect(await hit.locator('mark').allTextContents()).toEqual(['Cobrança']);
    await hit.click();
    await page.locator('#ticket-title', { hasText: 'Cobrança indevida no cartão' }).waitFor();
    expect(await page.locator('.entry.found').count()).toBe(0);

    // An entry's words: down to the hit, Enter, and the ticket shows with that entry ringed.
    await search(page, 'financeiro');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('hit');
    expect(await page.locator('#search-panel .hit:focus mark').allTextContents()).toEqual(['Financeiro']);
    await page.keyboard.press('Enter');
    await page.locator('.entry.found', { hasText: 'Estorno liberado pelo setor Financeiro' }).waitFor();
    await shot(page, 'desktop-ticket-entry');

    await search(page, 'xyzzy');
    await page.locator('#search-panel .search-empty', { hasText: 'Nada encontrado para “xyzzy”.' }).waitFor();
    await shot(page, 'desktop-empty');
    // Nothing to search for in the query: said, with no "try again" that could not help.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('!!!');
    await page.keyboard.press('Enter');
    await page.locator('#search-panel [role=alert]', { hasText: 'Digite ao menos uma palavra (letras ou números).' }).waitFor();
    expect(await page.locator('#search-panel button', { hasText: 'Tentar de novo' }).count()).toBe(0);
    await shot(page, 'desktop-error');
    await page.keyboard.press('Escape');
    await page.locator('#search-panel').waitFor({ state: 'detached' });

    expect(agent.errors).toEqual([]);
    await agent.context.close();
  });

  it('S1, S4 on a phone (375x740): search, results and the opened message fit the screen', async () => {
    const { context, page, errors } = await consolePage({ width: 375, height: 740 });
    await openDeepHit(page, 'phone');
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(errors).toEqual([]);
    await context.close();
  });
});
