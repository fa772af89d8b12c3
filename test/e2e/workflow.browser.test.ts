/**
 * Issue 3 in Chromium: an offer accepted from its popover, a transfer accepted and one abandoned, and the
 * wrap-up that closes a conversation. Two agents (Ana, admin; Beto, agent) and real visitors on the demo page.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN } from '../../server/test/harness';
import { browserDescribe, newPage, serverAndChromium, signInToConsole, visitorSays as visitorSaysOnDemo, widget } from './browser';

const BETO = { email: 'beto@example.com', password: 'beto-password-123', name: 'Beto Lima' };

// A short transfer timer so the abandoned case takes a moment, not a minute.
const e2e = serverAndChromium({ server: { env: { REQUEST_TIMEOUT_MS: '3000' } } });

async function available(page: Page): Promise<void> {
  if ((await page.locator('#availability').inputValue()) !== 'available') await page.selectOption('#availability', 'available');
  await expect.poll(() => page.locator('#availability').inputValue()).toBe('available');
}

const visitorSays = (text: string) => visitorSaysOnDemo(e2e, text);

/** One of the conversation's actions, in the bar or, when it is not there, in its "More" menu. */
async function act(page: Page, id: string): Promise<void> {
  const inBar = page.locator(`.actions > button[data-action=${id}]`);
  if ((await inBar.count()) > 0) return inBar.click();
  await page.locator('.actions .more-button').click();
  await page.locator(`.actions .menu [data-action=${id}]`).click();
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
    // Issue 15: the dialog closes once the request is sent; the banner counts it down, the outcome is a notice.
    await dialog.waitFor({ state: 'detached' });
    await beto.page.locator('.banner.pending [role=timer]').waitFor();
    await ana.page.locator('.popover.request').waitFor();
    await beto.page.locator('.handoff-notice.expired', { hasText: 'Ninguém aceitou a tempo' }).waitFor({ timeout: 10_000 });
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
    // Issue 15: Beto hears it was accepted, and is asked for the wrap-up reason of his part (not modal).
    await beto.page.locator('.handoff-notice.accepted', { hasText: `${ADMIN.name} aceitou a transferência` }).waitFor();
    const wrapCard = beto.page.locator('.popover.wrap-up-card');
    await wrapCard.waitFor();
    expect(await wrapCard.locator('button.primary').isDisabled()).toBe(true);
    await wrapCard.locator('select').selectOption({ index: 1 });
    await wrapCard.locator('button.primary').click();
    await wrapCard.waitFor({ state: 'detached' });

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

  it('issue 15: an invitation says it is one and is declined, the sender sees who declined at once and not in a modal; an accepted transfer is one timeline line with its note', async () => {
    const ana = await newPage(e2e.browser);
    await signInToConsole(ana.page, e2e.server.url);
    await available(ana.page);
    const api = ana.page.request;
    const { queues } = (await (await api.get(`${e2e.server.url}/api/v1/queues`)).json()) as { queues: Array<{ id: string }> };
    const queueId = queues[0]!.id;
    expect((await api.patch(`${e2e.server.url}/api/v1/queues/${queueId}`, { data: { strategy: 'broadcast' } })).ok()).toBe(true);
    const carla = { email: 'carla@example.com', password: 'carla-password-123', name: 'Carla Souza' };
    expect((await api.post(`${e2e.server.url}/api/v1/agents`, { data: { ...carla, role: 'agent', queueIds: [] } })).ok()).toBe(true);
    const agent = await newPage(e2e.browser);
    await signInToConsole(agent.page, e2e.server.url, carla.email, carla.password);
    await available(agent.page);

    const visitor = await visitorSays('Meu pedido não chegou.');
    await ana.page.locator('button.item', { hasText: 'Meu pedido não chegou.' }).first().click();
    await act(ana.page, 'take');
    await ana.page.locator('.conversation-head .sub', { hasText: 'Com você' }).waitFor();

    // The invitation: its own words, the hand-off note, Decline.
    await act(ana.page, 'invite');
    const dialog = ana.page.locator('dialog[open]');
    await dialog.locator('textarea').fill('Pode confirmar o prazo de entrega?');
    await dialog.locator('.pick', { hasText: carla.name }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = agent.page.locator('.popover.request');
    await card.locator('h2', { hasText: 'Convite para conferência' }).waitFor();
    expect(await card.locator('.who').textContent()).toContain(`${ADMIN.name} convida você para a conversa com`);
    expect(await card.locator('.handoff-note').textContent()).toContain('Pode confirmar o prazo de entrega?');
    await card.locator('button.decline').click();
    await card.waitFor({ state: 'detached' });

    // Ana is told at once (not after the timer), in a notice beside her work, and keeps working: no modal.
    await ana.page.locator('.handoff-notice.declined', { hasText: `${carla.name} recusou o convite` }).waitFor({ timeout: 3_000 });
    expect(await ana.page.locator('dialog[open]').count()).toBe(0);
    await ana.page.locator('#reply').fill('Vou verificar com a transportadora.');
    await ana.page.locator('#reply').press('Enter');
    await widget(visitor.page).bubble('Vou verificar com a transportadora.').waitFor();

    // A transfer with a note, accepted: one line in the timeline, with the note; the visitor never sees it.
    await act(ana.page, 'transfer');
    await dialog.locator('textarea').fill('Cliente VIP');
    await dialog.locator('.pick', { hasText: carla.name }).click();
    await agent.page.locator('.popover.request h2', { hasText: 'Pedido de transferência' }).waitFor();
    await agent.page.locator('.popover.request button.primary').click();
    await agent.page.locator('.conversation-head .sub', { hasText: 'Com você' }).waitFor();
    await agent.page.locator('#side-events').click();
    const lines = agent.page.locator('.timeline li');
    await agent.page.locator('.timeline li', { hasText: `${ADMIN.name} transferiu a conversa para você: “Cliente VIP”` }).waitFor();
    expect(await agent.page.locator('.timeline li.k-transferred').count()).toBe(1);
    expect(await agent.page.locator('.timeline li.k-transfer_requested, .timeline li.k-transfer_accepted').count()).toBe(0);
    expect(await lines.filter({ hasText: 'recebeu a conversa por transferência' }).count()).toBe(0);
    expect(await visitor.page.content()).not.toContain('Cliente VIP');

    expect([...ana.errors, ...agent.errors, ...visitor.errors]).toEqual([]);
    for (const p of [ana, agent, visitor]) await p.context.close();
  });
});
