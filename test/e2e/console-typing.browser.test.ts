/**
 * SPEC W1, W2 in the agent console, in Chromium: the visitor's typing shows (and goes), the agent's typing
 * and reading reach the visitor, and "Visto" appears under the reply the visitor has seen. The visitor is a
 * real `ws` client speaking the protocol, so this exercises the console alone.
 */
import { expect, it } from 'vitest';
import { openVisitor } from '../../server/test/clients';
import { anonymousName, TABLES } from '../../console/i18n/i18n';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium({ onDuty: true });

browserDescribe('typing and seen in the console', () => {
  it('W1, W2: typing both ways, the agent reads what is on screen, "Visto" under the reply the visitor saw', async () => {
    const visitor = await openVisitor(e2e.server);
    const { conversationId } = await visitor.socket.say('Olá, a loja abre no domingo?');

    const agent = await newPage(e2e.browser);
    await signInToConsole(agent.page, e2e.server.url);
    await agent.page.locator('#inbox-waiting ~ ul .item', { hasText: 'domingo' }).click();
    await agent.page.locator('.messages .bubble', { hasText: 'a loja abre no domingo?' }).waitFor();

    // The visitor types: the console says so in its live region; the visitor's message ends it.
    const indicator = agent.page.locator('.typing-indicator[aria-live=polite]');
    visitor.socket.send({ type: 'typing', conversationId, on: true });
    // Issue 15: by the visitor's name (here its generated one, as the header shows it), never "the visitor".
    const name = anonymousName(visitor.session.visitorId, TABLES['pt-BR']);
    await agent.page.locator('#conversation-title', { hasText: name }).waitFor();
    await indicator.filter({ hasText: `${name} está digitando…` }).waitFor();
    const second = await visitor.socket.say('E no feriado?', conversationId);
    await agent.page.locator('.messages .bubble', { hasText: 'E no feriado?' }).waitFor();
    await expect.poll(() => indicator.textContent()).toBe('');

    // The conversation is on screen in a focused window: the agents' seen reaches the visitor.
    await agent.page.bringToFront();
    const seen = await visitor.socket.next('seen', (s) => s.by === 'agent' && s.seq >= second.seq);
    expect(seen.conversationId).toBe(conversationId);

    // The agent types a reply: the visitor hears it by the agent's name; sending it ends the typing.
    await agent.page.locator('#reply').fill('Abrimos sim, das 10h às 16h.');
    const typing = await visitor.socket.next('typing', (f) => f.on);
    expect(typing.author).toMatchObject({ kind: 'agent', name: 'Ana Admin' });
    await agent.page.locator('#reply').press('Enter');
    await visitor.socket.next('typing', (f) => !f.on);
    const reply = await visitor.socket.next('event', (f) => f.event.text === 'Abrimos sim, das 10h às 16h.');

    // A private note is never typing the visitor could see.
    await agent.page.locator('button.toggle', { hasText: /nota/i }).click();
    await agent.page.locator('#reply').fill('cliente recorrente');
    await agent.page.locator('#reply').press('Enter');
    await agent.page.locator('.messages .msg.note .bubble', { hasText: 'cliente recorrente' }).waitFor();
    expect(visitor.socket.all('typing').filter((f) => f.on)).toHaveLength(1);

    // The visitor reads the reply: "Visto" under it, and only under it.
    const mark = agent.page.locator('.messages li.msg .seen-mark');
    expect(await mark.count()).toBe(0);
    visitor.socket.send({ type: 'seen', conversationId, seq: reply.event.seq });
    await agent.page.locator('.messages li.msg.mine', { hasText: 'Abrimos sim' }).locator('.seen-mark', { hasText: 'Visto' }).waitFor();
    expect(await mark.count()).toBe(1);
    // On the time's line, as in the widget: "10:42 · Visto".
    expect(await mark.locator('xpath=..').textContent()).toMatch(/^\d{1,2}:\d{2} · Visto$/);

    expect(agent.errors).toEqual([]);
    await agent.context.close();
  });
});
