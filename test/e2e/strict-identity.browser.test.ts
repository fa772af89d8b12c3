/**
 * Issue 11 F11 in Chromium (SPEC W6): an anonymous visitor is chatting when an admin turns strict identity
 * on. Its widget is told at once (identity_required): it says to sign in to the site and offers no
 * composer; what it wrote before stays on screen.
 */
import { expect, it } from 'vitest';
import { adminApi } from '../../server/test/agents';
import { browserDescribe, newPage, serverAndChromium, widget } from './browser';

const e2e = serverAndChromium({ onDuty: true });

browserDescribe('W6: strict identity turned on while a visitor chats (Chromium)', () => {
  it('W6: the anonymous widget shows the sign-in notice instead of the composer; what was said stays', async () => {
    const { page, errors } = await newPage(e2e.browser);
    page.setDefaultTimeout(10_000);
    await page.goto(`${e2e.server.url}/`);
    const w = widget(page);
    await w.launcher.click();
    await w.input.fill('Olá, ainda sem login');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'Olá, ainda sem login' }).waitFor();

    const admin = await adminApi(e2e.server);
    const siteId: string = (await admin.get('/sites')).body.sites[0].id;
    await admin.post(`/sites/${siteId}/identity-secret`);
    const current = (await admin.get(`/sites/${siteId}/widget`)).body;
    expect((await admin.put(`/sites/${siteId}/widget`, { ...current, strictIdentity: true })).status).toBe(200);

    await w.root.locator('.card', { hasText: 'Faça login no site para conversar.' }).waitFor();
    expect(await w.input.isVisible()).toBe(false);
    // Nothing says the messages will go out later, nor offers to end a chat it can no longer reach.
    expect(await w.root.locator('.banner').count()).toBe(0);
    expect(await w.root.locator('.head button.quit').count()).toBe(0);
    await w.root.locator('.log li.msg', { hasText: 'Olá, ainda sem login' }).waitFor();
    expect(errors).toEqual([]);
  }, 30_000);
});
