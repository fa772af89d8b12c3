/**
 * Issue 15 in Chromium: two agents chat in the console's Team section, in the team channel and in a direct
 * chat one of them starts; messages arrive live, unread badges count what the other has not read (on the
 * chat in the list and on the Team section), and Enter sends.
 */
import axe from 'axe-core';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { adminApi } from '../../server/test/agents';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();

/** axe-core's WCAG 2.0/2.1 A and AA violations in the Team section, as "rule: target" lines. */
async function violations(page: Page): Promise<string[]> {
  // The console's CSP refuses inline scripts; the DevTools protocol's evaluate is not a page script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run({ include: [['.team']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return [
      ...(result.passes.length === 0 ? ['axe checked nothing in .team'] : []),
      ...result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`)),
    ];
  });
}

browserDescribe('issue 15: internal chat between agents in the console', () => {
  it('two agents chat in the team channel and in a direct chat, live, with unread badges', async () => {
    const password = 'bruno-password-long-enough';
    const created = await (await adminApi(e2e.server)).post('/agents', { email: 'bruno@example.com', name: 'Bruno Lima', password, role: 'agent', capacity: 3, queueIds: [] });
    expect(created.status).toBe(201);

    const ana = await newPage(e2e.browser);
    const bruno = await newPage(e2e.browser, { locale: 'en' });
    await signInToConsole(ana.page, e2e.server.url);
    await signInToConsole(bruno.page, e2e.server.url, 'bruno@example.com', password);

    // Ana opens the Team section: the team channel is on screen, and she writes with Enter.
    await ana.page.getByRole('button', { name: 'Equipe' }).click();
    await ana.page.getByRole('heading', { name: 'Chat da equipe' }).waitFor();
    await ana.page.locator('.team-head h3', { hasText: 'Toda a equipe' }).waitFor();
    const anaInput = ana.page.getByLabel('Mensagem para a equipe');
    await anaInput.fill('Bom dia, equipe! Quem cobre o chat das 14h?');
    await anaInput.press('Enter');
    await ana.page.locator('.team .msg.mine .bubble', { hasText: 'Quem cobre o chat das 14h?' }).waitFor();
    await expect.poll(() => ana.page.locator('.team .msg.sending').count()).toBe(0);

    // Bruno is elsewhere in the console: the Team section counts the unread message.
    const brunoTeam = bruno.page.locator('.topbar .section', { hasText: 'Team' });
    await brunoTeam.locator('.badge', { hasText: '1' }).waitFor();
    expect(await brunoTeam.locator('.badge').getAttribute('aria-label')).toBe('1 unread message');
    await brunoTeam.click();
    await bruno.page.locator('.team .msg.theirs', { hasText: 'Ana Admin' }).locator('.bubble', { hasText: 'Quem cobre o chat das 14h?' }).waitFor();
    // Read on screen: the badge goes.
    await expect.poll(() => brunoTeam.locator('.badge').count()).toBe(0);

    // Bruno starts a direct chat with Ana and writes there.
    await bruno.page.getByLabel('New direct message').selectOption({ label: 'Ana Admin' });
    await bruno.page.locator('.team-head h3', { hasText: 'Ana Admin' }).waitFor();
    await bruno.page.getByText('Only you and Ana Admin see this chat.').waitFor();
    const brunoInput = bruno.page.getByLabel('Message to Ana Admin');
    await brunoInput.fill('Posso cobrir, Ana. Te aviso às 13h50.');
    await brunoInput.press('Enter');
    await bruno.page.locator('.team .msg.mine .bubble', { hasText: 'Te aviso às 13h50.' }).waitFor();

    // Ana, on the team channel, sees the new direct chat in her list with one unread message, live.
    const dm = ana.page.locator('.team-list .team-channel', { hasText: 'Bruno Lima' });
    await dm.locator('.badge', { hasText: '1' }).waitFor();
    expect(await dm.locator('.badge').getAttribute('aria-label')).toBe('1 mensagem não lida');
    await dm.click();
    await ana.page.locator('.team .msg.theirs .bubble', { hasText: 'Te aviso às 13h50.' }).waitFor();
    await expect.poll(() => dm.locator('.badge').count()).toBe(0);
    // The chat on screen has its own address (the colleague's id): a reload comes back to it, Back goes to
    // the team channel, Forward to the chat again.
    const brunoId = (created.body as { agent: { id: string } }).agent.id;
    await expect.poll(() => new URL(ana.page.url()).pathname).toBe(`/console/team/${brunoId}`);
    await ana.page.reload();
    await ana.page.locator('.team-head h3', { hasText: 'Bruno Lima' }).waitFor();
    await ana.page.locator('.team .msg.theirs .bubble', { hasText: 'Te aviso às 13h50.' }).waitFor();
    await ana.page.goBack();
    await ana.page.locator('.team-head h3', { hasText: 'Toda a equipe' }).waitFor();
    await ana.page.goForward();
    await ana.page.locator('.team-head h3', { hasText: 'Bruno Lima' }).waitFor();
    const reply = ana.page.getByLabel('Mensagem para Bruno Lima');
    await reply.fill('Combinado, obrigada!');
    await reply.press('Enter');
    await bruno.page.locator('.team .msg.theirs .bubble', { hasText: 'Combinado, obrigada!' }).waitFor();
    // The team channel did not get the direct messages.
    await bruno.page.locator('.team-list .team-channel', { hasText: 'Whole team' }).click();
    await bruno.page.locator('.team .msg .bubble', { hasText: 'Quem cobre o chat das 14h?' }).waitFor();
    expect(await bruno.page.locator('.team .msg .bubble', { hasText: 'Combinado' }).count()).toBe(0);

    // Accessible, with unread badges, messages both ways and the composer (WCAG A/AA by axe-core).
    expect(await violations(ana.page)).toEqual([]);
    expect(await violations(bruno.page)).toEqual([]);

    expect(ana.errors).toEqual([]);
    expect(bruno.errors).toEqual([]);
    await ana.context.close();
    await bruno.context.close();
  });
});
