/**
 * Issue 11 F3 in Chromium: an admin changes the role of an agent whose console is open. The server closes
 * the console's socket (4007); the console reads the agent again, says what happened, shows only the new
 * role's sections and lists, and drops the other agent's conversation it had on screen.
 */
import { beforeAll, expect, it } from 'vitest';
import { adminApi, makeQueue, onlineAgent, startConversation, type Api } from '../../server/test/agents';
import { browserDescribe, newPage, serverAndChromium, signInToConsole } from './browser';

const e2e = serverAndChromium();
let admin: Api;

beforeAll(async () => {
  admin = await adminApi(e2e.server);
});

browserDescribe('a role change on an open console', () => {
  it("R10: a supervisor demoted while it reads another agent's conversation sees the notice, loses the supervisor sections and the conversation; promoted again, it gets them back", async () => {
    const q = await makeQueue(e2e.server);
    const holder = await onlineAgent(e2e.server, { queues: [q.id], name: 'Xavier Holder' });
    const text = `Preciso de ajuda ${crypto.randomUUID().slice(0, 8)}`;
    const { conversationId } = await startConversation(e2e.server, q.name, text);
    expect((await holder.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);

    const sol = { email: 'sol@example.com', password: 'sol-password-long', name: 'Sol Supervisora' };
    const created = await admin.post('/agents', { ...sol, role: 'supervisor', capacity: 3, queueIds: [] });
    expect(created.status).toBe(201);
    const solId: string = created.body.agent.id;
    const { page, errors } = await newPage(e2e.browser);
    // A wait that fails names its locator instead of the test's own timeout.
    page.setDefaultTimeout(10_000);
    // The console's sockets go through a gate: while it is shut, a new socket waits before reaching the
    // server (its hello held), so a role can change while the console has no socket to close.
    let openGate: () => void = () => {};
    let gate: Promise<void> = Promise.resolve();
    const shutGate = () => (gate = new Promise<void>((resolve) => (openGate = resolve)));
    await page.routeWebSocket(/\/ws\?role=agent/, (ws) => {
      const held: Array<string | Buffer> = [];
      let upstream: ReturnType<typeof ws.connectToServer> | null = null;
      ws.onMessage((m) => (upstream ? upstream.send(m) : held.push(m)));
      void gate.then(() => {
        upstream = ws.connectToServer();
        for (const m of held) upstream.send(m);
      });
    });
    await signInToConsole(page, e2e.server.url, sol.email, sol.password);
    const nav = page.locator('nav.sections button');
    await expect.poll(() => nav.count()).toBe(6); // with Team (issue 15)
    await page.locator('#tab-others').click();
    await page.locator('.inbox .item', { hasText: text }).click();
    await page.locator('.messages li', { hasText: text }).first().waitFor();

    expect((await admin.patch(`/agents/${solId}`, { role: 'agent' })).status).toBe(200);

    await page.locator('.role-notice', { hasText: 'Agente' }).waitFor();
    await expect.poll(() => nav.count()).toBe(4); // with Team (issue 15)
    await page.locator('#tab-others').waitFor({ state: 'detached' });
    await page.locator('.pane .empty', { hasText: 'não tem acesso a esta conversa' }).waitFor();
    await page.locator('.workspace .status.online').waitFor();
    expect(await page.locator('.inbox .item', { hasText: text }).count()).toBe(0);

    // Promoted to supervisor, then to admin while its console is reconnecting: no socket to close, so the
    // console learns the role from the welcome of its reconnect.
    await page.locator('.role-notice button').click();
    shutGate();
    expect((await admin.patch(`/agents/${solId}`, { role: 'supervisor' })).status).toBe(200);
    await page.locator('.role-notice', { hasText: 'Supervisor' }).waitFor();
    await expect.poll(() => nav.count()).toBe(6); // with Team (issue 15)
    // Its new socket is held at the gate, with no socket at the server: this change closes nothing.
    await page.locator('.role-notice button').click();
    expect((await admin.patch(`/agents/${solId}`, { role: 'admin' })).status).toBe(200);
    openGate();
    await page.locator('.role-notice', { hasText: 'Administrador' }).waitFor();
    await expect.poll(() => nav.count()).toBe(6); // with Team (issue 15)
    await nav.last().click();
    await page.locator('.workspace.section-admin').waitFor();
    expect((await admin.patch(`/agents/${solId}`, { role: 'agent' })).status).toBe(200);
    await page.locator('.workspace.section-conversations').waitFor();
    await expect.poll(() => nav.count()).toBe(4); // with Team (issue 15)
    expect(errors).toEqual([]);
  }, 60_000);
});
