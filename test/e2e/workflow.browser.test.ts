/**
 * Issue 3 in Chromium: an offer accepted from its popover, a transfer accepted and one abandoned, and the
 * wrap-up that closes a conversation. Two agents (Ana, admin; Beto, agent) and real visitors on the demo page.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN } from '../../server/test/harness';
import { browserDescribe, newPage, serverAndChromium, signInToConsole, widget } from './browser';

const BETO = { email: 'beto@example.com', password: 'beto-password-123', name: 'Beto Lima' };

// A short transfer timer so the abandoned case takes a moment, not a minute.
const e2e = serverAndChromium({ server: { env: { REQUEST_TIMEOUT_MS: '3000' } } });

async function available(page: Page): Promise<void> {
  if ((await page.locator('#availability').inputValue()) !== 'available') await page.selectOption('#availability', 'available');
  await expect.poll(() => page.locator('#availability').inputValue()).toBe('available');
}

async function visitorSays(text: string) {
  const visitor = await newPage(e2e.browser);
  await visitor.page.goto(`${e2e.server.url}/`);
  const w = widget(visitor.page);
  await w.launcher.click();
  await w.input.fill(text);
  await w.input.press('Enter');
  await w.root.locator('.log li.msg.sent', { hasText: text }).waitFor();
  return visitor;
}

browserDescribe('the agent workflow in Chromium', () => {
  it('R4, R6, R8: offer accepted, transfer accepted, transfer abandoned, wrap-up', async () => {
    const ana = await newPage(e2e.browser);
    await signInToConsole(ana.page, e2e.server.url);
    await available(ana.page);
    const api = ana.page.request;
    const { queues } = (await (await api.get(`${e2e.server.url}/api/v1/queues`)).json()) as { queues: Array<{ id: string }> };
    const queueId = queues[0]!.id;
    expect((await api.post(`${e2e.server.url}/api/v1/agents`, { data: { ...BETO, role: 'agent', queueIds: [queueId] } })).ok()).toBe(true);
    // Offers: round-robin; Ana steps away so the offer goes to Beto.
    expect((await api.patch(`${e2e.server.url}/api/v1/queues/${queueId}`, { data: { strategy: 'round_robin', offerTimeoutMs: 30_000 } })).ok()).toBe(true);
    await ana.page.selectOption('#availability', 'unavailable');

    const beto = await newPage(e2e.browser);
    await signInToConsole(beto.page, e2e.server.url, BETO.email, BETO.password);
    await available(beto.page);

    const first = await visitorSays('Quero trocar um produto.');
    const offer = beto.page.locator('.popover.offer', { hasText: 'Quero trocar um produto.' });
    await offer.waitFor();
    expect(await offer.locator('[role=timer]').first().getAttribute('aria-label')).toMatch(/\d:\d\d/);
    await offer.locator('button.primary').click();
    await beto.page.locator('#conversation-title').waitFor();
    await beto.page.locator('.conversation-head .sub', { hasText: 'Com você' }).waitFor();
    await beto.page.locator('#reply').fill('Claro! Qual produto?');
    await beto.page.locator('#reply').press('Enter');
    await widget(first.page).bubble('Claro! Qual produto?').waitFor();

    // Transfer to Ana, who lets the timer run out: abandoned, with an event, and Beto keeps it (R6).
    await available(ana.page);
    await beto.page.locator('.actions button', { hasText: 'Transferir' }).click();
    const dialog = beto.page.locator('dialog[open]');
    await dialog.locator('.pick', { hasText: ADMIN.name }).click();
    await dialog.locator('.pending [role=timer]').waitFor();
    await ana.page.locator('.popover.request').waitFor();
    await dialog.locator('.error', { hasText: 'abandonada' }).waitFor({ timeout: 10_000 });
    await dialog.locator('button.primary').click();
    await beto.page.locator('.notice.k-transfer_abandoned').waitFor();
    await beto.page.locator('.conversation-head .sub', { hasText: 'Com você' }).waitFor();
    await ana.page.locator('.popover.request').waitFor({ state: 'detached' });

    // Transfer to Ana again: she accepts from the banner; Beto loses sight of it.
    await beto.page.locator('.actions button', { hasText: 'Transferir' }).click();
    await dialog.locator('.pick', { hasText: ADMIN.name }).click();
    const request = ana.page.locator('.popover.request');
    await request.waitFor();
    await request.locator('button.primary').click();
    await ana.page.locator('.conversation-head .sub', { hasText: 'Com você' }).waitFor();
    await beto.page.locator('.pane .empty').waitFor();

    // Wrap-up: a reason is required to close.
    await ana.page.locator('.actions button', { hasText: /^Encerrar$/ }).click();
    const wrap = ana.page.locator('dialog[open]');
    expect(await wrap.locator('button[type=submit]').isDisabled()).toBe(true);
    await wrap.locator('.radio').first().click();
    await wrap.locator('button[type=submit]').click();
    await ana.page.locator('.banner.closed').waitFor();
    await ana.page.locator('.notice.k-closed').waitFor();

    expect([...ana.errors, ...beto.errors, ...first.errors]).toEqual([]);
    for (const p of [ana, beto, first]) await p.context.close();
  });
});
