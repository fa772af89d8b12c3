/**
 * @module Routes that configure the workflow (issue 3): canned replies and wrap-up reasons (supervisors
 * and admins write, everyone reads), queues, agents and sites (admins). Every write checks the caller's
 * role here, on the server, for each request (SPEC R10).
 */
import { Hono, type Context } from 'hono';
import {
  AgentBody,
  AgentPatchBody,
  AvailabilityBody,
  BlockBody,
  CannedReplyBody,
  CannedReplyQuery,
  DataSubjectQuery,
  DisabledBody,
  QueueBody,
  QueuePatchBody,
  SiteBotBody,
  WrapUpReasonBody,
  type AgentsAnswer,
  type BlockInfo,
  type BlockRecord,
  type BlocksAnswer,
  type BotSettingsAnswer,
  type CannedRepliesAnswer,
  type QueuesAnswer,
  type SitesAnswer,
  type WrapUpReasonsAnswer,
} from '../../shared/api';
import { AppError } from '../errors';
import type { BotService } from '../services/bot';
import type { CannedReplies } from '../services/canned-replies';
import type { Directory } from '../services/directory';
import type { AuthService } from '../services/auth';
import type { DataRights, Subject } from '../services/data-rights';
import type { Safety } from '../services/safety';
import type { SocketRegistry } from '../realtime/registry';
import type { Sites } from '../services/sites';
import type { Team } from '../services/team';
import type { ApiEnv } from './context';
import { body, query, requires } from './json';
import { createSiteWidgetApi } from './widget-api';

export interface AdminApiDeps {
  cannedReplies: CannedReplies;
  team: Team;
  sites: Sites;
  dataRights: DataRights;
  auth: AuthService;
  safety: Safety;
  registry: SocketRegistry;
  directory: Directory;
  bot: BotService;
  now: () => number;
}

export function createAdminApi({ cannedReplies, team, sites, dataRights, auth, safety, registry, directory, bot, now }: AdminApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  const found = <T>(value: T | null | undefined | false): T => {
    if (!value) throw new AppError('not_found');
    return value;
  };

  // Canned replies (SPEC R11): everyone searches, supervisors and admins manage.
  api.get('/canned-replies', async (c) => c.json({ cannedReplies: await cannedReplies.search(query(c, CannedReplyQuery)) } satisfies CannedRepliesAnswer));
  api.post('/canned-replies', requires('manageCannedReplies'), async (c) => c.json({ cannedReply: await cannedReplies.create(await body(c, CannedReplyBody)) }, 201));
  api.put('/canned-replies/:id', requires('manageCannedReplies'), async (c) => {
    const input = await body(c, CannedReplyBody);
    return c.json({ cannedReply: await cannedReplies.update(c.req.param('id'), input) });
  });
  api.delete('/canned-replies/:id', requires('manageCannedReplies'), async (c) => {
    await cannedReplies.remove(c.req.param('id'));
    return c.body(null, 204);
  });

  // Wrap-up reasons (SPEC R8).
  api.get('/wrap-up-reasons', async (c) => c.json({ reasons: await cannedReplies.reasons(query(c, CannedReplyQuery).q ?? '') } satisfies WrapUpReasonsAnswer));
  api.post('/wrap-up-reasons', requires('manageWrapUpReasons'), async (c) => c.json({ reason: await cannedReplies.createReason((await body(c, WrapUpReasonBody)).label) }, 201));
  api.put('/wrap-up-reasons/:id', requires('manageWrapUpReasons'), async (c) => {
    const { label } = await body(c, WrapUpReasonBody);
    return c.json({ reason: await cannedReplies.renameReason(c.req.param('id'), label) });
  });
  api.delete('/wrap-up-reasons/:id', requires('manageWrapUpReasons'), async (c) => {
    await cannedReplies.removeReason(c.req.param('id'));
    return c.body(null, 204);
  });

  // Queues (SPEC R3): everyone reads (transfer lists, filters), admins manage.
  api.get('/queues', (c) => c.json({ queues: team.queues() } satisfies QueuesAnswer));
  api.post('/queues', requires('manageQueues'), async (c) => c.json({ queue: await team.createQueue(await body(c, QueueBody)) }, 201));
  api.patch('/queues/:id', requires('manageQueues'), async (c) => {
    const patch = await body(c, QueuePatchBody);
    return c.json({ queue: await team.updateQueue(c.req.param('id'), patch) });
  });
  api.delete('/queues/:id', requires('manageQueues'), async (c) => {
    await team.deleteQueue(c.req.param('id'));
    return c.body(null, 204);
  });

  // Agents (SPEC R1, R10): supervisors read and steer availability, admins manage.
  api.get('/agents', requires('supervise'), async (c) => c.json({ agents: await team.agents() } satisfies AgentsAnswer));
  api.post('/agents', requires('manageAgents'), async (c) => c.json({ agent: await team.createAgent(await body(c, AgentBody)) }, 201));
  api.patch('/agents/:id', requires('manageAgents'), async (c) => {
    const patch = await body(c, AgentPatchBody);
    const id = c.req.param('id');
    const { roleChanged } = await team.updateAgent(id, patch);
    // Issue 11 F3: an open console acts with the role it said hello with; a new role closes it, and the
    // console reconnects with the new powers. (Queue membership needs no close: the sockets' actors share
    // the directory's queue set, so R10 sight follows at once.)
    if (roleChanged) registry.closeAgent({ agentId: id }, 'role_changed');
    return c.json({ agent: await team.agent(id) });
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
    const q = query(c, DataSubjectQuery);
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
  api.get('/sites', requires('manageSites'), async (c) => c.json({ sites: await sites.list() } satisfies SitesAnswer));
  api.put('/sites/:id/bot', requires('manageSites'), async (c) => {
    const { botWebhookUrl } = await body(c, SiteBotBody);
    const { site, token } = await bot.configure(c.req.param('id'), botWebhookUrl);
    return c.json({ siteId: site.id, botWebhookUrl: site.botWebhookUrl, botToken: token } satisfies BotSettingsAnswer);
  });
  // Issue 5: the site's widget settings and identity secret (SPEC W4-W6).
  api.route('/', createSiteWidgetApi({ sites, registry }));

  return api;
}
