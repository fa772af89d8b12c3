/**
 * SPEC W3 in Chromium: the visitor attaches files by the composer's button, by drag-and-drop and by paste;
 * sees the upload's progress; an allowed image reaches the agent and shows as a thumbnail; a file refused by
 * the server (its bytes are no image) or by the site's limit (before any byte is sent) is said in the
 * visitor's language and nothing is sent; an agent's file shows in the widget.
 */
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Attachment, ServerFrame } from '../../shared/protocol';
import { login, openAgent, type TestSocket } from '../../server/test/clients';
import { waitFrames } from '../../server/test/agents';
import { startTestServer, type TestServer } from '../../server/test/harness';
import { agentOnDuty, browserDescribe, launchChromium, newPage, setWidget, widget } from './browser';

let server: TestServer;
let offDuty: (() => void) | undefined;
let browser: Browser;
let agent: TestSocket;
let cookie: string;

/** A real PNG of `width` x `height` random pixels (incompressible, so its size is about 3 bytes a pixel). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) randomBytes(width * 3).copy(rows, y * (width * 3 + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** Every message event with attachments the agent socket has seen for this conversation. */
const attachmentsSeen = (frames: ServerFrame[], conversationId: string): Attachment[] =>
  frames.flatMap((f) => {
    const events = f.type === 'event' ? [f.event] : f.type === 'history' ? f.events : [];
    return events.filter((e) => e.conversationId === conversationId && e.kind === 'message').flatMap((e) => e.attachments ?? []);
  });

/** Opens the widget, starts a conversation with `text`, and has the agent watch it. Answers its id. */
async function startChat(page: Page, text: string): Promise<string> {
  page.setDefaultTimeout(10_000); // a step that hangs fails by its own name, before the test's timeout
  await page.goto(`${server.url}/`);
  const w = widget(page);
  await w.launcher.click();
  await w.input.fill(text);
  await w.input.press('Enter');
  await w.root.locator('.log li.msg.sent', { hasText: text }).waitFor();
  const conversationId = await waitFrames(
    agent,
    (frames) => frames.flatMap((f) => (f.type === 'conversation' || f.type === 'event') && f.conversation?.firstMessage === text ? [f.conversation.id] : [])[0],
    `the conversation "${text}"`,
  );
  agent.send({ type: 'watch', conversationId, afterSeq: 0 });
  return conversationId;
}

const fileInput = (page: Page) => widget(page).root.locator('.composer input[type=file]');

beforeAll(async () => {
  server = await startTestServer();
  offDuty = await agentOnDuty(server);
  cookie = await login(server);
  ({ socket: agent } = await openAgent(server, cookie));
  browser = await launchChromium();
});
afterAll(async () => {
  agent?.ws.close();
  offDuty?.();
  await browser?.close();
  await server?.stop();
});

browserDescribe('W3 files in the widget (Chromium)', () => {
  it('an image attached by the button shows its progress, reaches the agent and shows as a thumbnail', async () => {
    await setWidget(server, {});
    const { page, context, errors } = await newPage(browser);
    const conversationId = await startChat(page, 'vou mandar a foto do produto');
    const w = widget(page);
    // The chunk is on demand: nothing of it before the visitor attaches.
    expect(await w.root.locator('.ups').count()).toBe(0);
    // Every progress value the bar shows, recorded in the page as it changes.
    await page.evaluate(() => {
      const root = document.querySelector('papo-widget')!.shadowRoot!;
      const seen: string[] = ((window as unknown as { progress: string[] }).progress = []);
      new MutationObserver(() => {
        const bar = root.querySelector('[role=progressbar]');
        const now = bar?.getAttribute('aria-valuenow');
        if (now !== null && now !== undefined && seen.at(-1) !== now) seen.push(now);
      }).observe(root, { subtree: true, childList: true, attributes: true });
    });
    // Slow uploads down so the bar is there to see (about 3 s for this file).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const image = png(300, 300); // ~270 KB
    await fileInput(page).setInputFiles({ name: 'produto quebrado.png', mimeType: 'image/png', buffer: image });

    const bar = w.root.locator('.up [role=progressbar]');
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuemin')).toBe('0');
    expect(await bar.getAttribute('aria-valuemax')).toBe('100');
    expect(await bar.getAttribute('aria-label')).toContain('produto quebrado.png');
    await w.root.locator('.up').waitFor({ state: 'detached', timeout: 20_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const progress = (await page.evaluate(() => (window as unknown as { progress: string[] }).progress)).map(Number);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // only ever forward
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);

    const [sent] = await waitFrames(agent, (f) => (attachmentsSeen(f, conversationId).length ? attachmentsSeen(f, conversationId) : undefined), 'the attachment at the agent');
    expect(sent).toMatchObject({ name: 'produto quebrado.png', mime: 'image/png', kind: 'image', size: image.length });

    // The thumbnail: the file fetched with the token (never in its address), drawn from an object URL.
    const img = w.root.locator('.log li.msg.mine .thumb img[alt="produto quebrado.png"]');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(300);
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    expect(await w.root.locator('.thumb').getAttribute('target')).toBe('_blank');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a file whose bytes are no image is refused, translated, and nothing is sent', async () => {
    const { page, context } = await newPage(browser);
    const conversationId = await startChat(page, 'segue o arquivo');
    const w = widget(page);
    const exe = Buffer.concat([Buffer.from('MZ'), randomBytes(2000)]);
    await fileInput(page).setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: exe });
    const refused = w.root.locator('.up.failed');
    await refused.locator('.err', { hasText: 'Este tipo de arquivo não é aceito' }).waitFor();
    // Another try cannot fix this one: only "Descartar".
    expect(await refused.locator('button', { hasText: 'Tentar de novo' }).count()).toBe(0);
    await refused.locator('button', { hasText: 'Descartar' }).click();
    await refused.waitFor({ state: 'detached' });
    // An SVG too (markup is never taken), in English this time is the same path: the server's code, translated.
    await fileInput(page).setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') });
    await w.root.locator('.up.failed .err', { hasText: 'Este tipo de arquivo não é aceito' }).waitFor();

    await w.input.fill('e agora?');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'e agora?' }).waitFor();
    await waitFrames(agent, (f) => f.some((x) => x.type === 'event' && x.event.conversationId === conversationId && x.event.text === 'e agora?') || undefined, 'the next message');
    expect(attachmentsSeen(agent.frames, conversationId)).toEqual([]);
    expect(await w.root.locator('.log .atts').count()).toBe(0);
    await context.close();
  });

  it("a file over the site's limit is refused before any byte is sent, with the limit in the visitor's notation", async () => {
    await setWidget(server, { uploads: { enabled: true, maxBytes: 1536 * 1024 } });
    try {
      const { page, context } = await newPage(browser);
      await startChat(page, 'arquivo grande');
      const posts: string[] = [];
      page.on('request', (r) => r.method() === 'POST' && r.url().includes('/api/v1/files') && posts.push(r.url()));
      await fileInput(page).setInputFiles({ name: 'grande.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(2 * 1024 * 1024, 0x25) });
      const w = widget(page);
      await w.root.locator('.up.failed .err', { hasText: 'O arquivo passa do limite de 1,5 MB.' }).waitFor();
      expect(posts).toEqual([]);
      // The refusal belongs to its conversation: once the visitor ends it, the bubble goes with it.
      await w.root.locator('.head button.quit').click();
      await w.root.locator('.confirm button.send').click();
      await w.root.locator('.notice', { hasText: 'Você encerrou a conversa' }).waitFor();
      await w.root.locator('.up').waitFor({ state: 'detached' });
      await context.close();
    } finally {
      await setWidget(server, {});
    }
  });

  it('a file dropped on the window shows the drop overlay, then uploads', async () => {
    const { page, context } = await newPage(browser);
    const conversationId = await startChat(page, 'vou arrastar um arquivo');
    const w = widget(page);
    const chat = w.root.locator('section.chat');
    const bytes = png(4, 4).toString('base64');
    await chat.evaluate((el, b64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'arrastada.png', { type: 'image/png' }));
      (window as unknown as { dropped: DataTransfer }).dropped = data;
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
    }, bytes);
    await w.root.locator('.drop', { hasText: 'Solte o arquivo aqui' }).waitFor();
    await chat.evaluate((el) => {
      const data = (window as unknown as { dropped: DataTransfer }).dropped;
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
    });
    await w.root.locator('.drop').waitFor({ state: 'detached' });
    await w.root.locator('.log li.msg .thumb img[alt="arrastada.png"]').waitFor();
    const [sent] = await waitFrames(agent, (f) => (attachmentsSeen(f, conversationId).length ? attachmentsSeen(f, conversationId) : undefined), 'the dropped file at the agent');
    expect(sent?.name).toBe('arrastada.png');
    await context.close();
  });

  it('a file dropped before the first message waits (the page is not left): write first, then "Tentar de novo"', async () => {
    const { page, context } = await newPage(browser);
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/`);
    const w = widget(page);
    await w.launcher.click();
    await w.input.waitFor();
    // No conversation yet: no attach button, but a drop is still the widget's.
    expect(await fileInput(page).count()).toBe(0);
    const prevented = await w.root.locator('section.chat').evaluate((el, b64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'cedo.png', { type: 'image/png' }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
      const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, composed: true });
      el.dispatchEvent(drop);
      return drop.defaultPrevented;
    }, png(4, 4).toString('base64'));
    expect(prevented).toBe(true);
    const waiting = w.root.locator('.up.failed');
    await waiting.locator('.err', { hasText: 'Envie uma mensagem primeiro' }).waitFor();
    expect(page.url()).toBe(`${server.url}/`);

    await w.input.fill('primeiro a mensagem');
    await w.input.press('Enter');
    await w.root.locator('.log li.msg.sent', { hasText: 'primeiro a mensagem' }).waitFor();
    const conversationId = await waitFrames(
      agent,
      (frames) => frames.flatMap((f) => ((f.type === 'conversation' || f.type === 'event') && f.conversation?.firstMessage === 'primeiro a mensagem' ? [f.conversation.id] : []))[0],
      'the conversation',
    );
    agent.send({ type: 'watch', conversationId, afterSeq: 0 });
    await waiting.getByRole('button', { name: 'Tentar de novo' }).click();
    await w.root.locator('.log li.msg.mine .thumb img[alt="cedo.png"]').waitFor();
    const [sent] = await waitFrames(agent, (f) => (attachmentsSeen(f, conversationId).length ? attachmentsSeen(f, conversationId) : undefined), 'the early file at the agent');
    expect(sent?.name).toBe('cedo.png');
    await context.close();
  });

  it('a file pasted into the composer uploads', async () => {
    const { page, context } = await newPage(browser);
    const conversationId = await startChat(page, 'vou colar um arquivo');
    const w = widget(page);
    await w.input.evaluate((el) => {
      const data = new DataTransfer();
      data.items.add(new File(['Pedido 123\nEndereço: Rua das Flores, 10\n'], 'pedido.txt', { type: 'text/plain' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
    });
    const doc = w.root.locator('.log li.msg.mine .doc', { hasText: 'pedido.txt' });
    await doc.waitFor();
    const [sent] = await waitFrames(agent, (f) => (attachmentsSeen(f, conversationId).length ? attachmentsSeen(f, conversationId) : undefined), 'the pasted file at the agent');
    expect(sent).toMatchObject({ name: 'pedido.txt', kind: 'document' });
    await context.close();
  });

  it("an agent's file shows in the widget: an image as a thumbnail, a document with its size and a download", async () => {
    const { page, context } = await newPage(browser);
    const conversationId = await startChat(page, 'me manda o boleto?');
    const upload = async (name: string, body: Buffer) => {
      const res = await fetch(`${server.url}/api/v1/files?conversation=${conversationId}`, {
        method: 'POST',
        headers: { cookie, origin: server.origin, 'x-file-name': encodeURIComponent(name) },
        body: new Uint8Array(body),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { attachment: Attachment }).attachment;
    };
    const image = await upload('mapa da loja.png', png(40, 30));
    const pdf = await upload('boleto.pdf', Buffer.from(`%PDF-1.7\n${'x'.repeat(1300)}\n%%EOF\n`));
    agent.send({ type: 'message.send', clientId: crypto.randomUUID(), conversationId, text: 'Segue o boleto e o mapa.', attachments: [image.id, pdf.id] });

    const w = widget(page);
    const message = w.root.locator('.log li.msg.theirs', { hasText: 'Segue o boleto' });
    await message.waitFor();
    const img = message.locator('.thumb img[alt="mapa da loja.png"]');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth).catch(() => 0)).toBe(40);
    const doc = message.locator('.doc', { hasText: 'boleto.pdf' });
    expect(await doc.locator('.sz').textContent()).toBe('1,3 KB');
    const download = page.waitForEvent('download');
    await doc.getByRole('button', { name: 'Baixar boleto.pdf' }).click();
    expect((await download).suggestedFilename()).toBe('boleto.pdf');
    await context.close();
  });
});
