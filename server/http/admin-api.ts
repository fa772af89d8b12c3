/**
 * @module Routes that configure the workflow (issue 3): canned replies and wrap-up reasons (supervisors
 * and admins write, everyone reads), queues, agents and sites (admins). Every write checks the caller's
 * role here, on the server, for each request (SPEC R10).
 */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import {
  AgentBody,
  AgentPatchBody,
  AvailabilityBody,
  BlockBody,
  CannedReplyBody,
  QueueBody,
  SiteBotBody,
  WrapUpReasonBody,
  type AgentsAnswer,
  type BlockInfo,
  type BlocksAnswer,
  type BotSettingsAnswer,
  type CannedRepliesAnswer,
  type QueuesAnswer,
  type SitesAnswer,
  type WrapUpReasonsAnswer,
} from '../../shared/api';
import { AppError } from '../errors';
import { uuidv7 } from '../ids';
import type { BotService } from '../services/bot';
import type { Directory } from '../services/directory';
import type { AuthService } from '../services/auth';
import type { DataRights, Subject } from '../services/data-rights';
import type { Safety } from '../services/safety';
import type { SocketRegistry } from '../realtime/registry';
import type { WorkflowService } from '../services/workflow';
import { hashPassword } from '../services/passwords';
import type { BlockRecord, Store } from '../store/store';
import type { ApiEnv } from './context';
import { body, query, requires } from './json';
import { createSiteWidgetApi } from './widget-api';

export interface AdminApiDeps {
  store: Store;
  dataRights: DataRights;
  auth: AuthService;
  safety: Safety;
  registry: SocketRegistry;
  directory: Directory;
  workflow: WorkflowService;
  bot: BotService;
  now: () => number;
}

const SearchQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(100))),
  category: v.optional(v.pipe(v.string(), v.maxLength(60))),
  language: v.optional(v.pipe(v.string(), v.maxLength(20))),
});

const QueuePatchBody = v.partial(v.omit(QueueBody, ['siteId']));
const DisabledBody = v.object({ disabled: v.boolean() });
const SubjectQuery = v.object({
  visitorId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  email: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email('invalid_email'))),
});

export function createAdminApi({ store, dataRights, auth, safety, registry, directory, workflow, bot, now }: AdminApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  const found = <T>(value: T | null | undefined | false): T => {
    if (!value) throw new AppError('not_found');
    return value;
  };

  // Canned replies (SPEC R11): everyone searches, supervisors and admins manage.
  const toReply = ({ id, title, text, category, language }: { id: string; title: string; text: string; category: string; language: string }) => ({ id, title, text, category, language });
  api.get('/canned-replies', async (c) => {
    const q = query(c, SearchQuery);
    const list = await store.cannedReplies.list({ ...(q.q ? { text: q.q } : {}), ...(q.category ? { category: q.category } : {}), ...(q.language ? { language: q.language } : {}) });
    return c.json({ cannedReplies: list.map(toReply) } satisfies CannedRepliesAnswer);
  });
  api.post('/canned-replies', requires('manageCannedReplies'), async (c) => {
    const input = await body(c, CannedReplyBody);
    const at = now();
    const reply = { id: uuidv7(at), ...input, createdAt: at, updatedAt: at };
    await store.cannedReplies.create(reply);
    return c.json({ cannedReply: toReply(reply) }, 201);
  });
  api.put('/canned-replies/:id', requires('manageCannedReplies'), async (c) => {
    const input = await body(c, CannedReplyBody);
    return c.json({ cannedReply: toReply(found(await store.cannedReplies.update(c.req.param('id'), input, now()))) });
  });
  api.delete('/canned-replies/:id', requires('manageCannedReplies'), async (c) => {
    found(await store.cannedReplies.delete(c.req.param('id')));
    return c.body(null, 204);
  });

  // Wrap-up reasons (SPEC R8).
  api.get('/wrap-up-reasons', async (c) => {
    const q = (query(c, SearchQuery).q ?? '').trim().toLowerCase();
    const reasons = (await store.wrapUpReasons.list()).filter((r) => r.label.toLowerCase().includes(q)).map(({ id, label }) => ({ id, label }));
    return c.json({ reasons } satisfies WrapUpReasonsAnswer);
  });
  api.post('/wrap-up-reasons', requires('manageWrapUpReasons'), async (c) => {
    const { label } = await body(c, WrapUpReasonBody);
    const reason = { id: uuidv7(now()), label, createdAt: now() };
    await store.wrapUpReasons.create(reason);
    return c.json({ reason: { id: reason.id, label } }, 201);
  });
  api.put('/wrap-up-reasons/:id', requires('manageWrapUpReasons'), async (c) => {
    const { label } = await body(c, WrapUpReasonBody);
    const reason = found(await store.wrapUpReasons.update(c.req.param('id'), label));
    return c.json({ reason: { id: reason.id, label: reason.label } });
  });
  api.delete('/wrap-up-reasons/:id', requires('manageWrapUpReasons'), async (c) => {
    found(await store.wrapUpReasons.delete(c.req.param('id')));
    return c.body(null, 204);
  });

  // Queues (SPEC R3): everyone reads (transfer lists, filters), admins manage.
  const queuesAnswer = async (c: Context<ApiEnv>) => {
    const queues = directory.queues().map(({ createdAt: _c, ...q }) => ({ ...q, agentIds: directory.members(q.id) }));
    return c.json({ queues } satisfies QueuesAnswer);
  };
  api.get('/queues', queuesAnswer);
  api.post('/queues', requires('manageQueues'), async (c) => {
    const input = await body(c, QueueBody);
    const siteId = input.siteId ?? (await store.sites.list())[0]?.id;
    if (!siteId || !(await store.sites.byId(siteId))) throw new AppError('not_found', 'No such site.');
    if (directory.queues(siteId).some((q) => q.name.toLowerCase() === input.name.toLowerCase())) throw new AppError('conflict', 'This site already has a queue with that name.');
    const id = uuidv7(now());
    await store.queues.create({ id, siteId, name: input.name, strategy: input.strategy, offerTimeoutMs: input.offerTimeoutMs, createdAt: now() });
    if (input.agentIds) await store.queues.setMembers(id, await existingAgents(input.agentIds));
    await directory.reload();
    return c.json({ queue: { ...found(directory.queue(id)), agentIds: directory.members(id) } }, 201);
  });
  api.patch('/queues/:id', requires('manageQueues'), async (c) => {
    const { agentIds, ...patch } = await body(c, QueuePatchBody);
    const id = c.req.param('id');
    found(await store.queues.update(id, patch));
    if (agentIds) await store.queues.setMembers(id, await existingAgents(agentIds));
    await directory.reload();
    return c.json({ queue: { ...found(directory.queue(id)), agentIds: directory.members(id) } });
  });
  api.delete('/queues/:id', requires('manageQueues'), async (c) => {
    const queue = found(directory.queue(c.req.param('id')));
    found(await store.queues.delete(queue.id));
    await directory.reload();
    await workflow.requeueFrom(queue.id, queue.siteId);
    return c.body(null, 204);
  });

  async function existingAgents(ids: readonly string[]): Promise<string[]> {
    for (const id of ids) if (!directory.record(id)) throw new AppError('not_found', `No agent ${id.slice(0, 64)}.`);
    return [...new Set(ids)];
  }

  // Agents (SPEC R1, R10): supervisors read and steer availability, admins manage.
  api.get('/agents', requires('supervise'), async (c) => {
    const loads = await store.conversations.loads();
    const agents = directory.all().map((p) => ({ ...p, email: directory.record(p.id)!.email, load: loads.get(p.id) ?? 0, disabled: directory.record(p.id)!.disabled }));
    return c.json({ agents } satisfies AgentsAnswer);
  });
  api.post('/agents', requires('manageAgents'), async (c) => {
    const input = await body(c, AgentBody);
    if (await store.agents.byEmail(input.email)) throw new AppError('conflict', 'An agent with this e-mail exists.');
    const queueIds = input.queueIds.filter((id) => directory.queue(id));
    const id = uuidv7(now());
    await store.agents.create({ id, email: input.email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password), createdAt: now(), capacity: input.capacity });
    await store.queues.setQueuesOf(id, queueIds);
    await directory.reload();
    return c.json({ agent: { ...directory.presence(id), email: input.email, load: 0, disabled: false } }, 201);
  });
  api.patch('/agents/:id', requires('manageAgents'), async (c) => {
    const { queueIds, ...patch } = await body(c, AgentPatchBody);
    const id = c.req.param('id');
    const roleBefore = directory.record(id)?.role;
    found(await store.agents.update(id, patch));
    if (queueIds) await store.queues.setQueuesOf(id, queueIds.filter((q) => directory.queue(q)));
    await directory.reload();
    // Issue 11 F3: an open console acts with the role it said hello with; a new role closes it, and the
    // console reconnects with the new powers. (Queue membership needs no close: the sockets' actors share
    // the directory's queue set, so R10 sight follows at once.)
    if (patch.role !== undefined && patch.role !== roleBefore) registry.closeAgent({ agentId: id }, 'role_changed');
    const record = directory.record(id)!;
    return c.json({ agent: { ...directory.presence(id), email: record.email, load: (await store.conversations.loads()).get(id) ?? 0, disabled: record.disabled } });
  });
  api.put('/agents/:id/availability', requires('supervise'), async (c) => {
    const { state } = await body(c, AvailabilityBody);
    found(directory.record(c.req.param('id')));
    return c.json({ agent: await directory.setState(c.req.param('id'), state) });
  });

  // Blocks (issue 6): admins list, add and lift them.
  const blockInfo = (b: BlockRecord): BlockInfo => ({ ...b, active: b.expiresAt === null || b.expiresAt > now() });
  api.get('/blocks', requires('manageBlocks'), (c) => c.json({ blocks: safety.list().map(blockInfo) } satisfies BlocksAnswer));
  api.post('/blocks', requires('manageBlocks'), async (c) => {
    const input = await body(c, BlockBody);
    const block = await safety.block({ kind: input.kind, value: input.value, reason: input.reason ?? null, expiresAt: input.expiresAt ?? null, createdBy: c.get('agent').id });
    if (block.kind === 'visitor') registry.closeVisitor(block.value);
    return c.json({ block: blockInfo(block) }, 201);
  });
  api.delete('/blocks/:id', requires('manageBlocks'), async (c) => {
    found(await safety.lift(c.req.param('id')));
    return c.body(null, 204);
  });

  // Data rights (issue 6): export or erase everything about a visitor or an e-mail address.
  const subjectOf = (c: Context<ApiEnv>): Subject => {
    const q = query(c, SubjectQuery);
    if ((q.visitorId === undefined) === (q.email === undefined)) throw new AppError('invalid_request', 'Name exactly one of visitorId and email.');
    return q.visitorId !== undefined ? { visitorId: q.visitorId } : { email: q.email! };
  };
  api.get('/data/export', requires('manageDataRights'), async (c) => {
    const data = await dataRights.export(subjectOf(c));
    c.header('Content-Disposition', `attachment; filename="papo-export-${data.exportedAt}.json"`);
    return c.json(data);
  });
  api.delete('/data', requires('manageDataRights'), async (c) => c.json({ deleted: await dataRights.erase(subjectOf(c)) }));

  // Agents can be disabled (issue 6): no sign-in, sessions and sockets end.
  api.put('/agents/:id/disabled', requires('manageAgents'), async (c) => {
    const { disabled } = await body(c, DisabledBody);
    const id = c.req.param('id');
    found(directory.record(id));
    if (id === c.get('agent').id && disabled) throw new AppError('forbidden', 'You cannot disable yourself.');
    await auth.setDisabled(id, disabled);
    await directory.reload();
    if (disabled) registry.closeAgent({ agentId: id });
    return c.body(null, 204);
  });

  // Sites: the bot webhook (SPEC R12).
  api.get('/sites', requires('manageSites'), async (c) => {
    const sites = (await store.sites.list()).map((s) => ({ id: s.id, name: s.name, key: s.key, defaultQueueId: s.defaultQueueId, botWebhookUrl: s.botWebhookUrl }));
    return c.json({ sites } satisfies SitesAnswer);
  });
  api.put('/sites/:id/bot', requires('manageSites'), async (c) => {
    const { botWebhookUrl } = await body(c, SiteBotBody);
    const { site, token } = await bot.configure(c.req.param('id'), botWebhookUrl);
    return c.json({ siteId: site.id, botWebhookUrl: site.botWebhookUrl, botToken: token } satisfies BotSettingsAnswer);
  });
  // Issue 5: the site's widget settings and identity secret (SPEC W4-W6).
  api.route('/', createSiteWidgetApi({ store, directory, registry }));

  return api;
}
