/**
 * A refused claim by first reply in the console, in Chromium (SPEC C2, R1): the reply stays on screen as not
 * sent, with the reason in the agent's language (pt-BR and English), and the conversation stays waiting.
 */
import { expect, it } from 'vitest';
import { adminApi, startConversation, stored } from '../../server/test/agents';
import { supportQueueId } from '../../server/test/tickets-helpers';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();

browserDescribe('a refused claim in the console', () => {
  it.each([
    ['pt-BR', 'Não enviada: Você atingiu o seu limite de conversas simultâneas.', 'Não enviada: Fique Disponível para assumir conversas.'],
    ['en', 'Not sent: You are at your limit of concurrent conversations.', 'Not sent: Set yourself Available to take conversations.'],
  ])('C2/R1 (%s): a reply past capacity, and one while Unavailable, show as not sent with the reason; the conversations stay waiting', async (locale, atCapacity, unavailable) => {
    const agent = { email: `dora-${locale}@example.com`, password: 'dora-password-123', name: `Dora ${locale}` };
    const admin = await adminApi(e2e.server);
    expect((await admin.post('/agents', { ...agent, role: 'agent', capacity: 1, queueIds: [await supportQueueId(e2e.server)] })).status).toBe(201);
    const { page, context, errors } = await newPage(e2e.browser, { locale });
    await signInToConsole(page, e2e.server.url, agent.email, agent.password);

    const texts = [`primeira ${locale}`, `segunda ${locale}`];
    const ids: string[] = [];
    for (const text of texts) {
      ids.push((await startConversation(e2e.server, undefined, text)).conversationId);
      await page.locator('#inbox-waiting ~ ul .item', { hasText: text }).waitFor();
    }

    // The first reply claims the first conversation; the second reply would be a second at capacity 1.
    await page.locator('#inbox-waiting ~ ul .item', { hasText: texts[0] }).click();
    await page.locator('#reply').fill('Olá, já te ajudo.');
    await page.locator('#reply').press('Enter');
    await page.locator('.messages .bubble', { hasText: 'Olá, já te ajudo.' }).waitFor();
    await page.locator('.item', { hasText: texts[1] }).click();
    await page.locator('#reply').fill('E você também?');
    await page.locator('#reply').press('Enter');
    const refused = page.locator('.messages li.msg.failed', { hasText: 'E você também?' });
    await refused.locator('.meta', { hasText: atCapacity }).waitFor();
    expect(await stored(e2e.server, ids[1]!)).toMatchObject({ status: 'open', assignedAgentId: null });

    // Unavailable, with room again (the first closed): the reason says what to do.
    const closeFirst = await admin.post(`/conversations/${ids[0]}/close`, { reasonId: (await admin.get('/wrap-up-reasons')).body.reasons[0].id });
    expect(closeFirst.status).toBe(200);
    await page.selectOption('#availability', 'unavailable');
    await expect.poll(() => page.locator('#availability').inputValue()).toBe('unavailable');
    await refused.getByRole('button', { name: locale === 'en' ? 'Try again' : 'Tentar de novo' }).click();
    await refused.locator('.meta', { hasText: unavailable }).waitFor();
    expect(await stored(e2e.server, ids[1]!)).toMatchObject({ status: 'open', assignedAgentId: null });
    await page.screenshot({ path: `/tmp/claim-refused-${locale}.png` });
    expect(errors).toEqual([]);
    await context.close();
  });
});
