/**
 * Issue 15 (conversation screen) against the real server: what the console needs to know to show only what
 * is true: `/me` says whether e-mail is on and, per site, whether it has a bot (R12 "Return to bot") and
 * its widget's language; an agent who never signed in is offline "since never" (0), not "for 0 s".
 */
import { describe, expect, it } from 'vitest';
import { adminApi } from './agents';
import { login } from './clients';
import { serverForAll } from './harness';

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
