/**
 * Issue 11 F7 in Chromium (SPEC L6): while someone guesses the admin's password, the console's sign-in page
 * in a browser the admin never used says how long to wait and that a known browser still signs in, and the
 * browser the admin signed in from before does sign in with the right password.
 */
import { expect, it } from 'vitest';
import { ADMIN } from '../../server/test/harness';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium({ server: { env: { TRUST_PROXY: '1', RATE_LOGINS_PER_15_MIN: '10' } } });

browserDescribe('L6: the console sign-in page under a password-guessing attack', () => {
  it('L6: an unknown browser is told to wait (or use a known browser); the admin\'s known browser signs in', async () => {
    // The admin's own browser signed in once (the device cookie is set), then signed out.
    const known = await newPage(e2e.browser);
    await signInToConsole(known.page, e2e.server.url);
    const cookies = await known.context.cookies();
    expect(cookies.find((c) => c.name === 'papo_device')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    await known.page.evaluate(() => fetch('/api/v1/auth/logout', { method: 'POST' }));

    // Someone elsewhere guesses the password ten times.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${e2e.server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: e2e.server.origin, 'x-forwarded-for': '203.0.113.66' },
        body: JSON.stringify({ email: ADMIN.email, password: `guess-${i}` }),
      });
      expect(res.status).toBe(401);
    }

    // A browser the admin never used: the right password waits, and the page says why and what else works.
    const stranger = await newPage(e2e.browser);
    await stranger.page.goto(`${e2e.server.url}/console/`);
    await stranger.page.fill('input[name=email]', ADMIN.email);
    await stranger.page.fill('input[name=password]', ADMIN.password);
    await stranger.page.click('button[type=submit]');
    const notice = stranger.page.locator('.login p.error', { hasText: 'Muitas tentativas erradas' });
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/Tente de novo em \d+ s, ou entre por um navegador em que você já entrou antes\./);
    expect(await stranger.page.locator('button[type=submit]').isDisabled()).toBe(true);

    // The admin's browser signs in with the right password.
    await signInToConsole(known.page, e2e.server.url);
    expect(await known.page.locator('.workspace').count()).toBe(1);
    expect([...known.errors, ...stranger.errors]).toEqual([]);
    await known.context.close();
    await stranger.context.close();
  });
});
