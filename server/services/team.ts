/**
 * @module The admin's writes to the team (SPEC R1, R3, R10): queues and their members, agents and their
 * queues. Rules that are not the route's: a queue goes to the first site when none is given, a site's queue
 * names differ (any case), an e-mail belongs to one agent, unknown agents and queues are refused or left
 * out, a new role or a disabled account closes the agent's open consoles, an admin cannot disable itself.
 * Each write is re-read into the directory, which announces it.
 */
import type { AgentBody, AgentsAnswer, QueueBody, QueuesAnswer } from '../../shared/api';
import { AppError } from '../errors';
import { uuidv7 } from '../ids';
import type { AgentPatch, QueueRecord, Store } from '../store/store';
import type { AuthService } from './auth';
import type { Directory } from './directory';
import type { LiveSockets } from './live-sockets';
import { hashPassword } from './passwords';
import type { Sites } from './sites';
import type { WorkflowService } from './workflow';

export interface TeamDeps {
  store: Store;
  directory: Directory;
  sites: Pick<Sites, 'resolve'>;
  workflow: Pick<WorkflowService, 'requeueFrom'>;
  auth: Pick<AuthService, 'setDisabled'>;
  sockets: Pick<LiveSockets, 'closeAgent'>;
  now: () => number;
}

export type Team = ReturnType<typeof createTeam>;

type QueueView = QueuesAnswer['queues'][number];
type AgentView = AgentsAnswer['agents'][number];
type QueueInput = Omit<QueueBody, 'siteId'> & { siteId?: string | undefined };

function found<T>(value: T | null | undefined | false): T {
  if (!value) throw new AppError('not_found');
  return value;
}

export function createTeam({ store, directory, sites, workflow, auth, sockets, now }: TeamDeps) {
  async function existingAgents(ids: readonly string[]): Promise<string[]> {
    for (const id of ids) if (!directory.record(id)) throw new AppError('not_found', `No agent ${id.slice(0, 64)}.`);
    return [...new Set(ids)];
  }
  const queueView = (id: string): QueueView => ({ ...found(directory.queue(id)), agentIds: directory.members(id) });
  const strip = ({ createdAt: _c, ...q }: QueueRecord) => q;

  return {
    queues(): QueueView[] {
      return directory.queues().map((q) => ({ ...strip(q), agentIds: directory.members(q.id) }));
    },

    async createQueue(input: QueueInput): Promise<QueueView> {
      const siteId = await sites.resolve(input.siteId);
      if (directory.queues(siteId).some((q) => q.name.toLowerCase() === input.name.toLowerCase())) throw new AppError('conflict', 'This site already has a queue with that name.');
      // Members checked before anything is written: an unknown agent leaves no queue behind.
      const members = input.agentIds ? await existingAgents(input.agentIds) : null;
      const id = uuidv7(now());
      await store.queues.create({ id, siteId, name: input.name, strategy: input.strategy, offerTimeoutMs: input.offerTimeoutMs, createdAt: now() });
      if (members) await store.queues.setMembers(id, members);
      await directory.reload();
      return queueView(id);
    },

    async updateQueue(id: string, { agentIds, ...patch }: Partial<Omit<QueueInput, 'siteId'>>): Promise<QueueView> {
      found(await store.queues.update(id, patch));
      if (agentIds) await store.queues.setMembers(id, await existingAgents(agentIds));
      await directory.reload();
      return queueView(id);
    },

    /** Its open conversations go back to the site's routing (services/workflow.ts). */
    async deleteQueue(id: string): Promise<void> {
      const queue = found(directory.queue(id));
      found(await store.queues.delete(queue.id));
      await directory.reload();
      await workflow.requeueFrom(queue.id, queue.siteId);
    },

    async agents(): Promise<AgentView[]> {
      const loads = await store.conversations.loads();
      return directory.all().map((p) => ({ ...p, email: directory.record(p.id)!.email, load: loads.get(p.id) ?? 0, disabled: directory.record(p.id)!.disabled }));
    },

    /** One agent as the admin screen shows it, with its load now. */
    async agent(id: string): Promise<AgentView> {
      const record = directory.record(id)!;
      return { ...directory.presence(id), email: record.email, load: (await store.conversations.loads()).get(id) ?? 0, disabled: record.disabled };
    },

    async createAgent(input: AgentBody): Promise<AgentView> {
      if (await store.agents.byEmail(input.email)) throw new AppError('conflict', 'An agent with this e-mail exists.');
      const queueIds = input.queueIds.filter((id) => directory.queue(id));
      const id = uuidv7(now());
      await store.agents.create({ id, email: input.email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password), createdAt: now(), capacity: input.capacity });
      await store.queues.setQueuesOf(id, queueIds);
      await directory.reload();
      return { ...directory.presence(id), email: input.email, load: 0, disabled: false };
    },

    /**
     * Issue 11 F3: an open console acts with the role it said hello with; a new role (`roleChanged`) closes
     * it, and the console reconnects with the new powers. (Queue membership needs no close: the sockets'
     * actors share the directory's queue set, so R10 sight follows at once.)
     */
    async updateAgent(id: string, { queueIds, ...patch }: AgentPatch & { queueIds?: readonly string[] | undefined }): Promise<{ roleChanged: boolean }> {
      const roleBefore = directory.record(id)?.role;
      found(await store.agents.update(id, patch));
      if (queueIds) await store.queues.setQueuesOf(id, queueIds.filter((q) => directory.queue(q)));
      await directory.reload();
      const roleChanged = patch.role !== undefined && patch.role !== roleBefore;
      if (roleChanged) sockets.closeAgent({ agentId: id }, 'role_changed');
      return { roleChanged };
    },

    /** Issue 6: a disabled agent cannot sign in, and its sessions and sockets end; nobody disables itself. */
    async setDisabled(by: string, id: string, disabled: boolean): Promise<void> {
      found(directory.record(id));
      if (id === by && disabled) throw new AppError('forbidden', 'You cannot disable yourself.');
      await auth.setDisabled(id, disabled);
      await directory.reload();
      if (disabled) sockets.closeAgent({ agentId: id });
    },
  };
}
