import { expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../shared/limits';
import { browserDescribe, newPage, serverAndChromium, signInToConsole, widget } from './browser';

const e2e = serverAndChromium({ onDuty: true });

browserDescribe('a visitor and an agent in Chromium', () => {
  it('exchange messages both ways, live', async () => {
    const agent = await newPage(e2e.browser);
    await signInToConsole(agent.page, e2e.server.url);

    const visitor = await newPage(e2e.browser);
    await visitor.page.goto(`${e2e.server.url}/`);
    const w = widget(visitor.page);
    await w.launcher.click();
    await w.input.fill('Olá! Vocês entregam em Curitiba?');
    await w.input.press('Enter');
    await expect.poll(() => w.bubble('Olá! Vocês entregam em Curitiba?').count()).toBe(1);
    await w.root.locator('.log li.msg.sent', { hasText: 'Curitiba' }).waitFor();

    // The waiting conversation appears in the console without a reload.
    const item = agent.page.locator('#inbox-waiting ~ ul .item', { hasText: 'Curitiba' });
    await item.waitFor();
    await item.click();
    await agent.page.locator('.messages .bubble', { hasText: 'Vocês entregam em Curitiba?' }).waitFor();
    await agent.page.locator('#reply').fill('Entregamos sim, em 2 dias úteis.');
    await agent.page.locator('#reply').press('Enter');

    await w.bubble('Entregamos sim, em 2 dias úteis.').waitFor();
    await w.root.locator('.notice', { hasText: 'Ana Admin' }).waitFor();

    // The visitor's next message shows on the agent's open conversation at once.
    await w.input.fill('Perfeito, obrigado!');
    await w.send.click();
    await agent.page.locator('.messages .bubble', { hasText: 'Perfeito, obrigado!' }).waitFor();
    expect([...agent.errors, ...visitor.errors]).toEqual([]);
    await agent.context.close();
    await visitor.context.close();
  });

  it('Enter sends, Shift+Enter is a new line, and the counter stops sending past 1000 characters', async () => {
    const { page, context } = await newPage(e2e.browser);
    await page.goto(`${e2e.server.url}/`);
    const w = widget(page);
    await w.launcher.click();
    // 16px or more, so iOS does not zoom into the composer.
    expect(await w.input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    await w.input.click();
    await page.keyboard.type('linha 1');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('linha 2');
    expect(await w.input.inputValue()).toBe('linha 1\nlinha 2');
    expect(await w.messages.count()).toBe(1); // only the greeting: nothing was sent
    await expect.poll(() => w.counter.textContent()).toContain('15/1000');
    await page.keyboard.press('Enter');
    await w.root.locator('.log li.msg.sent .bubble', { hasText: 'linha 1' }).waitFor();
    expect(await w.root.locator('.log li.msg.sent .bubble').last().textContent()).toBe('linha 1\nlinha 2');
    expect(await w.input.inputValue()).toBe('');

    await w.input.fill('x'.repeat(MAX_MESSAGE_CHARS + 1));
    await expect.poll(() => w.counter.textContent()).toContain(`${MAX_MESSAGE_CHARS + 1}/${MAX_MESSAGE_CHARS}`);
    expect(await w.root.locator('.counter.over').count()).toBe(1);
    expect(await w.send.isDisabled()).toBe(true);
    await w.input.press('Enter');
    await w.input.fill('x'.repeat(MAX_MESSAGE_CHARS));
    expect(await w.send.isDisabled()).toBe(false);
    expect(await w.root.locator('.log li.msg.mine').count()).toBe(1); // the 1001 one never left
    await context.close();
  });

  it('a reload, another page of the site, and a second tab all show the same conversation', async () => {
    const { page, context } = await newPage(e2e.browser);
    await page.goto(`${e2e.server.url}/`);
    const w = widget(page);
    await w.launcher.click();
    await w.input.fill('primeira mensagem');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'primeira mensagem' }).waitFor();

    await page.reload();
    // The chat was open: it opens again by itself with the history.
    await widget(page).bubble('primeira mensagem').waitFor();

    await page.goto(`${e2e.server.url}/demo/another-page.html`);
    await widget(page).bubble('primeira mensagem').waitFor();

    const tab = await context.newPage();
    await tab.goto(`${e2e.server.url}/`);
    const second = widget(tab);
    await second.bubble('primeira mensagem').waitFor();
    await second.input.fill('escrito na segunda aba');
    await second.input.press('Enter');
    await widget(page).bubble('escrito na segunda aba').waitFor();
    await context.close();
  });

  it('D7/D8: after a server restart the widget reconnects by itself and delivers what was typed while it was down', async () => {
    const agent = await newPage(e2e.browser);
    await signInToConsole(agent.page, e2e.server.url);
    const { page, context } = await newPage(e2e.browser);
    await page.goto(`${e2e.server.url}/`);
    const w = widget(page);
    await w.launcher.click();
    await w.input.fill('antes da queda');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'antes da queda' }).waitFor();

    await e2e.server.stop();
    await w.root.locator('.banner').waitFor(); // the visitor is told the connection is gone
    await w.input.fill('durante a queda');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sending', { hasText: 'durante a queda' }).waitFor();

    e2e.server = await e2e.server.restart();
    await w.root.locator('.log li.msg.sent', { hasText: 'durante a queda' }).waitFor({ timeout: 20_000 });
    expect(await w.root.locator('.banner').count()).toBe(0);

    // The agent console reconnected too and sees the message that was written during the outage.
    await agent.page.locator('.workspace .status.online').waitFor({ timeout: 20_000 });
    await agent.page.locator('.item', { hasText: 'durante a queda' }).click();
    await agent.page.locator('.messages .bubble', { hasText: 'durante a queda' }).waitFor();
    expect(await agent.page.locator('.messages .bubble', { hasText: 'durante a queda' }).count()).toBe(1);
    await context.close();
    await agent.context.close();
  });
});
