/**
 * Issue 15 (lists, names, words) in Chromium: the offer card says whom it is for and when it arrived (as Webex's
 * card), an anonymous visitor has a friendly generated name and its initials beside its messages, Mine puts an
 * urgent conversation on top whatever its activity, and the blocks list names a blocked visitor instead of
 * showing its id. Visitors are real `ws` clients; the console is the built one.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { anonymousName, initials, TABLES } from '../../console/i18n/i18n';
import { openVisitor } from '../../server/test/clients';
import { ADMIN } from '../../server/test/harness';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();
const pt = TABLES['pt-BR'];
const BIA = { email: 'bia@example.com', password: 'bia-password-123', name: 'Bia Souza' };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

async function available(page: Page): Promise<void> {
  if ((await page.locator('#availability').inputValue()) !== 'available') await page.selectOption('#availability', 'available');
  await expect.poll(() => page.locator('#availability').inputValue()).toBe('available');
}

/** A visitor's first message, offered to the console's agent and accepted from the card. */
async function offeredAndAccepted(page: Page, text: string) {
  const v = await openVisitor(e2e.server);
  await v.socket.say(text);
  const card = page.locator('.popover.offer', { hasText: text });
  await card.waitFor();
  return { ...v, card, name: anonymousName(v.session.visitorId, pt) };
}

browserDescribe('issue 15: lists, names and words in the console', () => {
  it('the offer card shows the agent and the date; the visitor has a generated name and initials; Mine puts urgent first', async () => {
    const { page, context, errors } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    const api = page.request;
    const { queues } = (await (await api.get(`${e2e.server.url}/api/v1/queues`)).json()) as { queues: Array<{ id: string }> };
    expect((await api.patch(`${e2e.server.url}/api/v1/queues/${queues[0]!.id}`, { data: { strategy: 'round_robin', offerTimeoutMs: 60_000 } })).ok()).toBe(true);
    await available(page);

    // The offer card (Webex): the visitor, the first message, whom it is for and the date and time it arrived.
    const first = await offeredAndAccepted(page, 'Primeira conversa');
    await first.card.locator('.offered-to', { hasText: `Para ${ADMIN.name}` }).waitFor();
    expect(await first.card.locator('.offer-line time').textContent()).toMatch(/^\d{2}\/\d{2},? \d{2}:\d{2}$/);
    expect(await first.card.locator('.who strong').textContent()).toBe(first.name);
    await first.card.locator('button.primary').click();

    // The conversation: the generated name in the header, and its initials beside the visitor's message.
    await page.locator('#conversation-title', { hasText: first.name }).waitFor();
    const bubble = page.locator('.messages li.msg.theirs', { hasText: 'Primeira conversa' });
    expect(await bubble.locator('.avatar').textContent()).toBe(initials(first.name));
    expect(initials(first.name)).toMatch(/^\p{Lu}{2}$/u);
    expect(await page.locator('.conversation-head .avatar').textContent()).toBe(initials(first.name));
    // The agent's reply has the agent's initials.
    await page.locator('#reply').fill('Olá! Já vou ver.');
    await page.locator('#reply').press('Enter');
    expect(await page.locator('.messages li.msg.mine', { hasText: 'Já vou ver' }).locator('.avatar').textContent()).toBe('AA');

    const second = await offeredAndAccepted(page, 'Segunda conversa');
    await second.card.locator('button.primary').click();
    await page.locator('#conversation-title', { hasText: second.name }).waitFor();

    // Mine: the visitor waiting for an answer first; then the second made urgent goes on top.
    await page.locator('#tab-mine').click();
    const names = () => page.locator('#inbox-panel .item .name').allTextContents();
    await expect.poll(names).toEqual([second.name, first.name]);
    await second.socket.say('Alguém aí?');
    await first.socket.say('Mais uma coisa');
    // Both wait for an answer now: the longest waiting (the second's "Alguém aí?") first.
    await expect.poll(names).toEqual([second.name, first.name]);
    const firstConversation = (await (await api.get(`${e2e.server.url}/api/v1/conversations?view=open`)).json()) as { conversations: Array<{ id: string; visitorId: string }> };
    const firstId = firstConversation.conversations.find((c) => c.visitorId === first.session.visitorId)!.id;
    expect((await api.put(`${e2e.server.url}/api/v1/conversations/${firstId}/priority`, { data: { priority: 3 } })).ok()).toBe(true);
    await expect.poll(names).toEqual([first.name, second.name]);
    await page.locator('#inbox-panel .item').first().locator('.priority').waitFor();

    expect(errors).toEqual([]);
    await context.close();
  });

  it('the blocks list names a blocked visitor, never its id', async () => {
    const { page, context, errors } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    const v = await openVisitor(e2e.server);
    await v.socket.say('Mensagem de spam');
    const res = await page.request.post(`${e2e.server.url}/api/v1/blocks`, { data: { kind: 'visitor', value: v.session.visitorId, reason: 'spam' } });
    expect(res.ok()).toBe(true);
    await page.locator('.topbar .sections button', { hasText: 'Administração' }).click();
    await page.locator('#adm-tab-blocks').click();
    const row = page.locator('.adm-blocks tr', { hasText: 'spam' });
    await row.locator('.adm-visitor strong', { hasText: anonymousName(v.session.visitorId, pt) }).waitFor();
    expect(await page.locator('.adm-blocks').textContent()).not.toMatch(UUID);
    expect(errors).toEqual([]);
    await context.close();
  });
  it("R10 history: a plain agent opens the visitor's past conversation with another agent from the panel: masked, read-only", async () => {
    const admin = await newPage(e2e.browser);
    await signInToConsole(admin.page, e2e.server.url);
    const api = admin.page.request;
    const base = `${e2e.server.url}/api/v1`;
    const site = (await (await api.get(`${base}/sites`)).json()) as { sites: Array<{ id: string }> };
    expect((await api.put(`${base}/sites/${site.sites[0]!.id}/masking`, { data: { mode: 'mask' } })).ok()).toBe(true);
    const { queues } = (await (await api.get(`${base}/queues`)).json()) as { queues: Array<{ id: string }> };
    expect((await api.post(`${base}/agents`, { data: { ...BIA, role: 'agent', queueIds: [queues[0]!.id] } })).ok()).toBe(true);

    // The visitor's first conversation, with the admin, closed.
    const v = await openVisitor(e2e.server);
    const old = (await v.socket.say('Meu cartão é 4111 1111 1111 1111')).conversationId;
    expect((await api.post(`${base}/conversations/${old}/take`)).ok()).toBe(true);
    const reasons = (await (await api.get(`${base}/wrap-up-reasons`)).json()) as { reasons: Array<{ id: string }> };
    expect((await api.post(`${base}/conversations/${old}/close`, { data: { reasonId: reasons.reasons[0]!.id } })).ok()).toBe(true);
    await admin.context.close();

    // It comes back; Bia (a plain agent) takes the new one and opens the old one from the visitor panel.
    const now = (await v.socket.say('Voltei', null)).conversationId;
    const bia = await newPage(e2e.browser);
    await signInToConsole(bia.page, e2e.server.url, BIA.email, BIA.password);
    await available(bia.page);
    expect((await bia.page.request.post(`${base}/conversations/${now}/take`)).ok()).toBe(true);
    await bia.page.locator('#tab-mine').click();
    await bia.page.locator('#inbox-panel .item', { hasText: 'Voltei' }).click();
    const previous = bia.page.locator('.visitor-panel .previous .link-row');
    await previous.first().waitFor();
    await previous.first().click();
    await bia.page.locator('.messages .bubble', { hasText: '**** **** **** 1111' }).waitFor();
    expect(await bia.page.locator('.messages').textContent()).not.toContain('4111 1111 1111 1111');
    // Read-only: no composer, no action that writes.
    expect(await bia.page.locator('#reply').count()).toBe(0);
    expect(await bia.page.locator('.actions button', { hasText: /Encerrar|Transferir|Etiquetas|Arquivar|Bloquear/ }).count()).toBe(0);
    expect(bia.errors).toEqual([]);
    await bia.context.close();
  });

  it('issue 15: a chat an agent started shows the "Iniciada por um agente" mark in the list and the header; a visitor\'s does not', async () => {
    const { page, context, errors } = await newPage(e2e.browser);
    await signInToConsole(page, e2e.server.url);
    await available(page);
    const base = `${e2e.server.url}/api/v1`;
    const asking = await openVisitor(e2e.server);
    const own = (await asking.socket.say('Eu que chamei')).conversationId;
    expect((await page.request.post(`${base}/conversations/${own}/take`)).ok()).toBe(true);
    const offered = await openVisitor(e2e.server);
    await expect
      .poll(async () => ((await (await page.request.get(`${base}/visitors/live`)).json()) as { visitors: Array<{ id: string }> }).visitors.some((x) => x.id === offered.session.visitorId))
      .toBe(true);
    const started = await page.request.post(`${base}/visitors/${offered.session.visitorId}/conversations`, { data: { clientId: crypto.randomUUID(), text: 'Posso ajudar?' } });
    expect(started.ok()).toBe(true);

    await page.locator('#tab-mine').click();
    const mark = page.getByRole('img', { name: pt.proactiveChat, exact: true });
    const proactiveItem = page.locator('#inbox-panel .item', { hasText: 'Posso ajudar?' });
    await proactiveItem.getByRole('img', { name: pt.proactiveChat, exact: true }).waitFor();
    expect(await page.locator('#inbox-panel .item', { hasText: 'Eu que chamei' }).locator('.proactive-mark').count()).toBe(0);
    await proactiveItem.click();
    await page.locator('.conversation-head').getByRole('img', { name: pt.proactiveChat, exact: true }).waitFor();
    expect(await mark.count()).toBe(2); // the list item and the header, nothing else
    expect(errors).toEqual([]);
    await context.close();
  });
});
