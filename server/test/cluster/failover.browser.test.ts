/**
 * Issue 14 in Chromium: the demo page and the widget reached through the small round-robin proxy of
 * examples/cluster (PUBLIC_URL is the proxy's), an agent console on another node; they chat; the visitor's
 * node is SIGKILLed; the widget reconnects through the proxy to a live node and the conversation goes on,
 * with nothing lost or shown twice on either side.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startProxy, type Proxy } from '../../../examples/cluster/proxy';
import { browserDescribe, launchChromium, newPage, widget } from '../../../test/e2e/browser';
import { send, summaryOf, waitFrames } from '../agents';
import { freePort } from '../child-server';
import { login, openAgent, type TestSocket } from '../clients';
import { apiAs, eventually, expectStatus, startCluster, storedLog, type Cluster, type ClusterNode } from './harness';
import { gauge } from './metrics-text';

let cluster: Cluster;
let proxy: Proxy;
let browser: Browser;
beforeAll(async () => {
  const port = await freePort();
  cluster = await startCluster({ name: 'browser', nodes: 3, publicUrl: `http://127.0.0.1:${port}` });
  proxy = await startProxy(
    cluster.nodes.map((n) => `127.0.0.1:${n.port}`),
    port,
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await cluster?.stop();
});

/** The node holding the widget's socket, from each node's own count of visitor sockets. */
async function visitorNode(): Promise<ClusterNode> {
  return eventually(async () => {
    const holding: ClusterNode[] = [];
    for (const node of cluster.live()) if ((gauge(await node.metrics(), 'papo_open_sockets', { kind: 'visitor' }) ?? 0) > 0) holding.push(node);
    return holding.length === 1 ? holding[0] : undefined;
  }, 'exactly one node holding the widget\'s socket');
}

browserDescribe('issue 14: the widget through a round-robin proxy, its node killed', () => {
  it('visitor and agent on different nodes chat; the visitor\'s node dies; the widget reconnects to another and the conversation goes on', async () => {
    // The admin on duty (SPEC T1: the widget offers its chat only while someone can answer), its console
    // straight on node 3.
    const cookie = await login(cluster.nodes[0]!.asTestServer());
    const admin = apiAs(cookie);
    const me = expectStatus(await admin.call(cluster.nodes[0]!, 'GET', '/me'), 200, 'me') as { agent: { id: string } };
    expectStatus(await admin.call(cluster.nodes[0]!, 'PATCH', `/agents/${me.agent.id}`, { capacity: 50 }), 200, 'capacity');
    expectStatus(await admin.call(cluster.nodes[0]!, 'PUT', '/me/availability', { state: 'available' }), 200, 'available');
    let agentNode = cluster.nodes[2]!;
    let agent: TestSocket = (await openAgent(agentNode.asTestServer(), cookie)).socket;

    const { page, context, errors } = await newPage(browser);
    const w = widget(page);
    await page.goto(`${proxy.url}/`);
    await w.launcher.click();
    await w.input.waitFor();
    let visitorOn = await visitorNode();
    if (visitorOn === agentNode) {
      // The proxy put the widget where the console is: the console moves to another node instead.
      agentNode = cluster.nextLive(agentNode);
      const moved = (await openAgent(agentNode.asTestServer(), cookie)).socket;
      agent.ws.close();
      agent = moved;
    }
    expect(visitorOn).not.toBe(agentNode);

    const say = async (text: string) => {
      await w.input.fill(text);
      await w.input.press('Enter');
      await w.root.locator('.log li.msg.sent', { hasText: text }).waitFor({ timeout: 20_000 });
    };
    const first = 'Olá, estou no nó que vai cair';
    await say(first);
    const conversationId = await waitFrames(agent, (frames) => frames.map(summaryOf).find((s) => s?.firstMessage === first)?.id, 'the visitor\'s conversation');
    agent.send({ type: 'watch', conversationId, afterSeq: 0 });
    expect((await send(agent, conversationId, 'Olá! Sou de outro nó.')).type).toBe('ack');
    await w.bubble('Sou de outro nó').waitFor({ timeout: 20_000 });

    // --- The visitor's node dies.
    expect((await visitorOn.kill('SIGKILL')).signal).toBe('SIGKILL');
    const before = visitorOn;
    visitorOn = await visitorNode();
    expect(visitorOn).not.toBe(before);

    // The conversation goes on both ways.
    await say('Ainda está aí?');
    await waitFrames(agent, (frames) => frames.find((f) => f.type === 'event' && f.event.conversationId === conversationId && f.event.text === 'Ainda está aí?'), 'the message sent after the kill', 20_000);
    expect((await send(agent, conversationId, 'Sim, continuo aqui.')).type).toBe('ack');
    await w.bubble('continuo aqui').waitFor({ timeout: 20_000 });

    // Each message once, on both sides and in the database.
    const texts = ['Olá, estou no nó que vai cair', 'Olá! Sou de outro nó.', 'Ainda está aí?', 'Sim, continuo aqui.'];
    const log = (await storedLog(cluster, [conversationId])).get(conversationId)!;
    expect(log.filter((e) => e.kind === 'message').map((e) => e.text)).toEqual(texts);
    // The widget shows them once each, in order, after its greeting (which is the widget's own, not an event).
    const shown = await w.root.locator('.log li.msg .bubble').allTextContents();
    expect(shown.filter((t) => texts.includes(t))).toEqual(texts);
    expect(shown.slice(-texts.length)).toEqual(texts);
    expect(errors).toEqual([]);
    await context.close();
    agent.ws.close();
  }, 120_000);
});
