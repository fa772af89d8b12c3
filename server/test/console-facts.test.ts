/**
 * Issue 15 (conversation screen) against the real server: what the console needs to know to show only what
 * is true: `/me` says whether e-mail is on and, per site, whether it has a bot (R12 "Return to bot") and
 * its widget's language; an agent who never signed in is offline "since never" (0), not "for 0 s".
 */
import { describe, expect, it } from 'vitest';
import { adminApi, eventually } from './agents';
import { login, openAgent } from './clients';
import { serverForAll, startTestServer } from './harness';

const server = serverForAll();

describe('issue 15: the console facts', () => {
  it('/me: e-mail off without SMTP, every site with its bot flag and language', async () => {
    const admin = await adminApi(server);
    const me = await admin.get('/me');
    expect(me.status).toBe(200);
    const { sites } = (await admin.get('/sites')).body as { sites: Array<{ id: string; botWebhookUrl: string | null }> };
    expect(me.body.facts.mail).toBe(false);
    expect(me.body.facts.sites).toEqual(sites.map((s) => ({ id: s.id, bot: s.botWebhookUrl !== null, language: null })));
    // Changing availability answers the same shape.
    const changed = await admin.put('/me/availability', { state: 'unavailable' });
    expect(changed.body.facts.mail).toBe(false);
  });

  it('R13/issue 15: an agent created but never signed in is offline since 0; its first sign-in marks it', async () => {
    const admin = await adminApi(server);
    const email = 'never@example.com';
    const created = await admin.post('/agents', { email, name: 'Nunca', password: 'never-password-123', role: 'agent', capacity: 2, queueIds: [] });
    expect(created.status).toBe(201);
    const before = ((await admin.get('/agents')).body.agents as Array<{ id: string; state: string; since: number }>).find((a) => a.id === created.body.agent.id)!;
    expect(before).toMatchObject({ state: 'offline', since: 0 });

    await login(server, email, 'never-password-123');
    expect((await server.papo.store.agents.byId(created.body.agent.id))!.availabilitySince).toBeGreaterThan(0);
  });
});

describe('issue 15: since 0 is only ever "never signed in"', () => {
  it('R13: an agent who never chose a state but whose console is connected is present since a real time, not 0', async () => {
    const admin = await adminApi(server);
    const email = 'present@example.com';
    const created = await admin.post('/agents', { email, name: 'Presente', password: 'present-password-123', role: 'agent', capacity: 2, queueIds: [] });
    expect(created.status).toBe(201);
    const cookie = await login(server, email, 'present-password-123');
    const { socket } = await openAgent(server, cookie);
    const row = await eventually(async () => {
      const found = ((await admin.get('/agents')).body.agents as Array<{ id: string; state: string; since: number }>).find((a) => a.id === created.body.agent.id);
      return found?.state === 'available' ? found : undefined;
    }, 'the agent present');
    expect(row.since).toBeGreaterThan(0);
    socket.ws.close();
  });
});

describe('issue 15: the first-start admin', () => {
  it('R13: its console back within the start-up grace, it is present since a real time, not since 0 ("20795 d")', async () => {
    const fresh = await startTestServer({ env: { PRESENCE_GRACE_MS: '60000' } });
    try {
      const admin = await adminApi(fresh);
      const me = (await admin.get('/me')).body as { agent: { id: string } };
      const { socket } = await openAgent(fresh, await login(fresh));
      const row = ((await admin.get('/agents')).body.agents as Array<{ id: string; state: string; since: number }>).find((a) => a.id === me.agent.id)!;
      expect(row.state).toBe('available');
      expect(row.since).toBeGreaterThan(0);
      socket.ws.close();
    } finally {
      await fresh.stop();
    }
  });
});
