/**
 * @module Routes that configure the workflow (issue 3): canned replies and wrap-up reasons (supervisors
 * and admins write, everyone reads), queues, agents and sites (admins). Each write's privilege is declared
 * with its route (shared/routes.ts) and checked on the server for each request (SPEC R10); the rules are the
 * services' (team, canned-replies, sites).
 */
import { Hono } from 'hono';
import type { BlockInfo, BlockRecord } from '../../shared/api';
import { ROUTES } from '../../shared/routes';
import { AppError } from '../errors';
import type { BotService } from '../services/bot';
import type { CannedReplies } from '../services/canned-replies';
import type { Directory } from '../services/directory';
import type { DataRights } from '../services/data-rights';
import type { Inbox } from '../services/inbox';
import type { Safety } from '../services/safety';
import type { LiveSockets } from '../services/live-sockets';
import type { Sites } from '../services/sites';
import type { Team } from '../services/team';
import type { ApiEnv } from './context';
import { selfOrigin } from '../domain/origins';
import { route } from './routes';
import { createSiteWidgetApi } from './widget-api';

export interface AdminApiDeps {
  cannedReplies: CannedReplies;
  team: Team;
  sites: Sites;
  dataRights: DataRights;
  safety: Safety;
  registry: LiveSockets;
  directory: Directory;
  bot: BotService;
  now: () => number;
  /** Issue 15: the blocks list names blocked visitors. */
  inbox: Inbox;
  /** Issue 15: PUBLIC_URL's origin (the install snippet's server), or null: the address the request used. */
  publicOrigin?: string | null;
}

export function createAdminApi({ cannedReplies, team, sites, dataRights, safety, registry, directory, bot, now, inbox, publicOrigin = null }: AdminApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  const found = <T>(value: T | null | undefined | false): T => {
    if (!value) throw new AppError('not_found');
    return value;
  };

  // Canned replies (SPEC R11): everyone searches, supervisors and admins manage.
  route(api, ROUTES.cannedReplies, async (_c, { query, answer }) => answer({ cannedReplies: await cannedReplies.search(query()) }));
  route(api, ROUTES.createCannedReply, async (_c, { body, answer }) => answer({ cannedReply: await cannedReplies.create(await body()) }));
  route(api, ROUTES.updateCannedReply, async (c, { body, answer }) => {
    const input = await body();
    return answer({ cannedReply: await cannedReplies.update(c.req.param('id'), input) });
  });
  route(api, ROUTES.deleteCannedReply, async (c, { answer }) => {
    await cannedReplies.remove(c.req.param('id'));
    return answer(null);
  });

  // Wrap-up reasons (SPEC R8).
  route(api, ROUTES.wrapUpReasons, async (_c, { query, answer }) => answer({ reasons: await cannedReplies.reasons(query().q ?? '') }));
  route(api, ROUTES.createWrapUpReason, async (_c, { body, answer }) => answer({ reason: await cannedReplies.createReason((await body()).label) }));
  route(api, ROUTES.renameWrapUpReason, async (c, { body, answer }) => {
    const { label } = await body();
    return answer({ reason: await cannedReplies.renameReason(c.req.param('id'), label) });
  });
  route(api, ROUTES.deleteWrapUpReason, async (c, { answer }) => {
    await cannedReplies.removeReason(c.req.param('id'));
    return answer(null);
  });

  // Queues (SPEC R3): everyone reads (transfer lists, filters), admins manage.
  route(api, ROUTES.queues, (_c, { answer }) => answer({ queues: team.queues() }));
  route(api, ROUTES.createQueue, async (_c, { body, answer }) => answer({ queue: await team.createQueue(await body()) }));
  route(api, ROUTES.updateQueue, async (c, { body, answer }) => {
    const patch = await body();
    return answer({ queue: await team.updateQueue(c.req.param('id'), patch) });
  });
  route(api, ROUTES.deleteQueue, async (c, { answer }) => {
    await team.deleteQueue(c.req.param('id'));
    return answer(null);
  });

  // Agents (SPEC R1, R10): supervisors read and steer availability, admins manage.
  route(api, ROUTES.agents, async (_c, { answer }) => answer({ agents: await team.agents() }));
  route(api, ROUTES.createAgent, async (_c, { body, answer }) => answer({ agent: await team.createAgent(await body()) }));
  route(api, ROUTES.updateAgent, async (c, { body, answer }) => {
    const patch = await body();
    const id = c.req.param('id');
    await team.updateAgent(id, patch);
    return answer({ agent: await team.agent(id) });
  });
  route(api, ROUTES.setAgentAvailability, async (c, { body, answer }) => {
    const { state } = await body();
    found(directory.record(c.req.param('id')));
    return answer({ agent: await directory.setState(c.req.param('id'), state) });
  });

  // Blocks (issue 6): admins list, add and lift them.
  const blockInfo = (b: BlockRecord): BlockInfo => ({ ...b, active: b.expiresAt === null || b.expiresAt > now() });
  route(api, ROUTES.blocks, async (_c, { answer }) => {
    const blocks = safety.list();
    // Issue 15: a visitor block shows who the visitor is, not its id.
    const cards = await inbox.visitorCards(blocks.filter((b) => b.kind === 'visitor').map((b) => b.value));
    return answer({ blocks: blocks.map((b) => ({ ...blockInfo(b), ...(cards.has(b.value) && b.kind === 'visitor' ? { visitor: cards.get(b.value)! } : {}) })) });
  });
  route(api, ROUTES.addBlock, async (c, { body, answer }) => {
    const input = await body();
    const block = await safety.block({ kind: input.kind, value: input.value, reason: input.reason ?? null, expiresAt: input.expiresAt ?? null, createdBy: c.get('agent').id });
    if (block.kind === 'visitor') registry.closeVisitor(block.value);
    return answer({ block: blockInfo(block) });
  });
  route(api, ROUTES.liftBlock, async (c, { answer }) => {
    found(await safety.lift(c.req.param('id')));
    return answer(null);
  });

  // Data rights (issue 6): export or erase everything about a visitor or an e-mail address.
  route(api, ROUTES.exportData, async (c, { query, answer }) => {
    const data = await dataRights.export(query());
    c.header('Content-Disposition', `attachment; filename="papo-export-${data.exportedAt}.json"`);
    return answer(data);
  });
  route(api, ROUTES.eraseData, async (_c, { query, answer }) => answer({ deleted: await dataRights.erase(query()) }));

  // Agents can be disabled (issue 6): no sign-in, sessions and sockets end.
  route(api, ROUTES.setAgentDisabled, async (c, { body, answer }) => {
    const { disabled } = await body();
    await team.setDisabled(c.get('agent').id, c.req.param('id'), disabled);
    return answer(null);
  });

  // Sites: the bot webhook (SPEC R12).
  route(api, ROUTES.sites, async (c, { answer }) => answer({ sites: await sites.list(), serverUrl: selfOrigin(publicOrigin, c.req.header('host')) }));
  route(api, ROUTES.setSiteBot, async (c, { body, answer }) => {
    const { botWebhookUrl } = await body();
    const { site, token } = await bot.configure(c.req.param('id'), botWebhookUrl);
    return answer({ siteId: site.id, botWebhookUrl: site.botWebhookUrl, botToken: token });
  });
  // Issue 5: the site's widget settings and identity secret (SPEC W4-W6).
  api.route('/', createSiteWidgetApi({ sites, registry }));

  return api;
}
