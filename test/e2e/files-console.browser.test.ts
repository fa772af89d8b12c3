/**
 * SPEC W3 in Chromium, the console side: a visitor's photo shows as a thumbnail the agent's browser loads
 * with its cookie; the agent attaches a document with the button (progress, then ready), sends it without
 * text, and the visitor receives it; a refused type is said in pt-BR; files dropped on the composer upload.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Attachment } from '../../shared/protocol';
import * as f from '../../server/domain/file-type.fixtures';
import { visitor } from '../../server/test/agents';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();

browserDescribe('W3: files in the console', () => {
  it('W3: thumbnail of the visitor\'s photo, the agent sends a PDF by the attach button, a refused type is explained, a drop uploads', async () => {
    // The visitor (a real socket and HTTP, as the widget speaks them) sends a photo with a line of text.
    const v = await visitor(e2e.server);
    const { conversationId } = await v.socket.say('Olá, segue a foto do defeito');
    const up = await fetch(`${e2e.server.url}/api/v1/files?conversation=${conversationId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.session.token}`, origin: e2e.server.origin, 'x-file-name': encodeURIComponent('defeito.png') },
      body: f.PNG,
    });
    const photo = ((await up.json()) as { attachment: Attachment }).attachment;
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, conversationId, text: 'Olha aqui', attachments: [photo.id] });
    await v.socket.next('ack', (a) => a.clientId === clientId);

    const agent = await newPage(e2e.browser);
    await signInToConsole(agent.page, e2e.server.url);
    await agent.page.locator('.item', { hasText: 'Olha aqui' }).click();
    const thumb = agent.page.locator('.messages .attachment.image img');
    await thumb.waitFor();
    expect(await thumb.getAttribute('alt')).toBe('defeito.png');
    // Loaded: same origin, the session cookie, allowed by the console's CSP.
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

    // The attach button: the file uploads, shows as ready, and goes with an empty text.
    const attach = agent.page.locator('.composer button.attach');
    expect(await attach.getAttribute('aria-label')).toBe('Anexar arquivo');
    const chooser = agent.page.waitForEvent('filechooser');
    await attach.click();
    await (await chooser).setFiles({ name: 'guia de troca.pdf', mimeType: 'application/pdf', buffer: Buffer.from(f.PDF) });
    await agent.page.locator('.uploads .upload.done', { hasText: 'guia de troca.pdf' }).waitFor();
    await agent.page.locator('.composer button.send').click();
    const sent = await v.socket.next('event', (e) => e.event.attachments !== undefined && e.event.author.kind === 'agent');
    expect(sent.event.attachments).toEqual([expect.objectContaining({ name: 'guia de troca.pdf', mime: 'application/pdf', kind: 'document' })]);
    expect(sent.event.text).toBe('');
    const link = agent.page.locator('.messages .attachment.document a', { hasText: 'guia de troca.pdf' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/api/v1/files/${sent.event.attachments![0]!.id}?download=1`);
    expect(await agent.page.locator('.uploads li').count()).toBe(0);

    // Enough messages that the log scrolls; the agent reads the newest one, at the bottom.
    for (let i = 1; i <= 20; i++) await v.socket.say(`mensagem ${i}`, conversationId);
    await agent.page.locator('.messages .bubble', { hasText: 'mensagem 20' }).waitFor();
    const log = agent.page.locator('.messages');
    const gap = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight + 100)).toBe(true);
    await expect.poll(gap).toBeLessThan(2);

    // A program is refused, and the console says why in its language; nothing can be sent for it.
    await agent.page.locator('.composer input[type=file]').setInputFiles({ name: 'foto.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(f.EXE) });
    await agent.page.locator('.uploads .upload.failed .upload-error', { hasText: 'Este tipo de arquivo não é aceito.' }).waitFor();
    // The composer grew by the upload's row: the log stays at its newest message.
    await expect.poll(gap).toBeLessThan(2);
    expect(await agent.page.locator('.composer button.send').isDisabled()).toBe(true);
    await agent.page.locator('.uploads button', { hasText: '×' }).click();
    expect(await agent.page.locator('.uploads li').count()).toBe(0);

    // Files dropped on the composer upload too.
    await agent.page.locator('form.composer').evaluate((form, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'planilha.png', { type: 'image/png' }));
      for (const type of ['dragenter', 'dragover', 'drop']) form.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [...f.PNG]);
    await agent.page.locator('.uploads .upload.done', { hasText: 'planilha.png' }).waitFor();
    await agent.page.locator('#reply').fill('E a planilha');
    await agent.page.locator('#reply').press('Enter');
    const second = await v.socket.next('event', (e) => e.event.text === 'E a planilha');
    expect(second.event.attachments?.map((a) => a.mime)).toEqual(['image/png']);
    expect(agent.errors).toEqual([]);
  });
});
