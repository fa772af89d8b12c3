/**
 * Issue 11 F9 in Chromium (SPEC W3): a visitor attaches a text file named fatura.hta. The widget and the
 * console show it as fatura.txt, and both browsers download it under that name: nothing the saving system
 * would run as an HTML application.
 */
import { expect, it } from 'vitest';
import { browserDescribe, newPage, serverAndChromium, signInToConsole, widget } from './browser';

const e2e = serverAndChromium({ onDuty: true });

browserDescribe('W3: served file names in the browsers', () => {
  it('W3: a text file named fatura.hta is fatura.txt in the widget and the console, and downloads so in both', async () => {
    const visitor = await newPage(e2e.browser);
    const page = visitor.page;
    page.setDefaultTimeout(10_000);
    await page.goto(`${e2e.server.url}/`);
    const w = widget(page);
    await w.launcher.click();
    await w.input.fill('Segue a fatura');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'Segue a fatura' }).waitFor();
    await w.root.locator('.composer input[type=file]').setInputFiles({ name: 'fatura.hta', mimeType: 'application/hta', buffer: Buffer.from('Fatura 123\nTotal: R$ 10,00\n') });

    const doc = w.root.locator('.log li.msg.mine .doc', { hasText: 'fatura.txt' });
    await doc.waitFor();
    expect(await w.root.locator('.log', { hasText: 'fatura.hta' }).count()).toBe(0);
    const fromWidget = page.waitForEvent('download');
    await doc.getByRole('button', { name: 'Baixar fatura.txt' }).click();
    expect((await fromWidget).suggestedFilename()).toBe('fatura.txt');

    const agent = await newPage(e2e.browser);
    agent.page.setDefaultTimeout(10_000);
    await signInToConsole(agent.page, e2e.server.url);
    // The only conversation (its last message is the file, so it is not found by the text).
    await agent.page.locator('.inbox .item').first().click();
    const link = agent.page.locator('.messages .attachment.document a', { hasText: 'fatura.txt' });
    await link.waitFor();
    const fromConsole = agent.page.waitForEvent('download');
    await link.click();
    expect((await fromConsole).suggestedFilename()).toBe('fatura.txt');
    expect([...visitor.errors, ...agent.errors]).toEqual([]);
  });
});
