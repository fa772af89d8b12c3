/**
 * The team's rules that used to live in the admin routes: the first site when none is given, one queue name
 * per site (any case), one agent per e-mail, and when an agent's open consoles must reconnect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/store';
import { createDirectory } from './directory';
import { createSites } from './sites';
import { createTeam, type Team } from './team';

const T0 = 1_750_000_000_000;

describe('team', () => {
  let dir: string;
  let store: Store;
  let team: Team;
  let closed: { agentId?: string; tokenHash?: string; why: string }[] = [];
  let clock: number;
  const now = () => clock++;
  const site = (id: string, at: number) => store.sites.create({ id, key: `key-${id}`, name: id, allowedOrigins: ['*'], createdAt: at });
  const make = async () => {
    const directory = await createDirectory(store, now);
    team = createTeam({
      store,
      directory,
      sites: createSites({ store, directory }),
      workflow: { requeueFrom: async () => 0 },
      auth: { setDisabled: async (id, disabled) => void (await store.agents.update(id, { disabled })) },
      sockets: { closeAgent: (match, why = 'session_ended') => (closed.push({ ...match, why }), 1) },
      now,
    });
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'papo-team-'));
    store = createSqliteStore(join(dir, 'papo.db'));
    clock = T0;
    closed = [];
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a queue with no site goes to the first site; an unknown site, or none at all, is not_found', async () => {
    await make();
    await expect(team.createQueue({ name: 'Vendas', strategy: 'round_robin', offerTimeoutMs: 30_000 })).rejects.toMatchObject({ code: 'not_found', message: 'No such site.' });
    await site('s2', T0 + 10);
    await site('s1', T0);
    await make();
    expect(await team.createQueue({ name: 'Vendas', strategy: 'round_robin', offerTimeoutMs: 30_000 })).toMatchObject({ siteId: 's1', name: 'Vendas', agentIds: [] });
    await expect(team.createQueue({ name: 'Suporte', strategy: 'round_robin', offerTimeoutMs: 30_000, siteId: 'nope' })).rejects.toMatchObject({ code: 'not_found', message: 'No such site.' });
  });

  it('a queue naming an unknown agent is not_found and leaves no queue behind (bad input changes nothing)', async () => {
    await site('s1', T0);
    await make();
    const input = { name: 'Vendas', strategy: 'round_robin' as const, offerTimeoutMs: 30_000 };
    await expect(team.createQueue({ ...input, agentIds: ['nobody'] })).rejects.toMatchObject({ code: 'not_found' });
    expect(await store.queues.list()).toEqual([]);
    expect(await team.createQueue(input)).toMatchObject({ name: 'Vendas' });
  });

  it("a site's queue names differ in any case; another site may reuse one", async () => {
    await site('s1', T0);
    await site('s2', T0 + 1);
    await make();
    await team.createQueue({ name: 'Vendas', strategy: 'round_robin', offerTimeoutMs: 30_000, siteId: 's1' });
    await expect(team.createQueue({ name: 'VENDAS', strategy: 'round_robin', offerTimeoutMs: 30_000, siteId: 's1' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await team.createQueue({ name: 'vendas', strategy: 'round_robin', offerTimeoutMs: 30_000, siteId: 's2' })).toMatchObject({ siteId: 's2' });
  });

  it('one agent per e-mail; a role change (only) says its consoles must reconnect', async () => {
    await make();
    const input = { email: 'bia@example.com', name: 'Bia', password: 'correct horse battery', role: 'agent' as const, capacity: 3, queueIds: ['no-such-queue'] };
    const bia = await team.createAgent(input);
    expect(bia).toMatchObject({ email: 'bia@example.com', load: 0, disabled: false, queueIds: [] });
    await expect(team.createAgent({ ...input, name: 'Other' })).rejects.toMatchObject({ code: 'conflict', message: 'An agent with this e-mail exists.' });
    expect(await team.updateAgent(bia.id, { name: 'Beatriz' })).toEqual({ roleChanged: false });
    expect(await team.updateAgent(bia.id, { role: 'agent' })).toEqual({ roleChanged: false });
    expect(closed).toEqual([]);
    expect(await team.updateAgent(bia.id, { role: 'supervisor' })).toEqual({ roleChanged: true });
    expect(closed).toEqual([{ agentId: bia.id, why: 'role_changed' }]);
    expect(await team.agent(bia.id)).toMatchObject({ name: 'Beatriz', role: 'supervisor' });
    await expect(team.updateAgent('nobody', { name: 'X' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('an admin disables another agent, whose consoles close; nobody disables itself; an unknown agent is not_found', async () => {
    await make();
    const input = { name: 'X', password: 'correct horse battery', capacity: 3, queueIds: [] };
    const admin = await team.createAgent({ ...input, email: 'ana@example.com', role: 'admin' });
    const bia = await team.createAgent({ ...input, email: 'bia@example.com', role: 'agent' });
    await expect(team.setDisabled(admin.id, admin.id, true)).rejects.toMatchObject({ code: 'forbidden', message: 'You cannot disable yourself.' });
    await expect(team.setDisabled(admin.id, 'nobody', true)).rejects.toMatchObject({ code: 'not_found' });
    expect(closed).toEqual([]);
    await team.setDisabled(admin.id, bia.id, true);
    expect(closed).toEqual([{ agentId: bia.id, why: 'session_ended' }]);
    expect(await team.agent(bia.id)).toMatchObject({ disabled: true });
    await team.setDisabled(admin.id, bia.id, false);
    expect(closed).toHaveLength(1);
    expect(await team.agent(bia.id)).toMatchObject({ disabled: false });
  });
});
