/**
 * @module The agent's workflow routes (issue 3): availability, lists, the conversation actions, the visitor
 * panel, live visitors and proactive chat. Thin: each validates its input against shared/api.ts, builds
 * the caller's actor and calls a service, which checks roles and state (SPEC R10).
 */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import {
  AvailabilityBody,
  BlockVisitorBody,
  CloseBody,
  LabelsBody,
  PrefsBody,
  PriorityBody,
  ProactiveBody,
  RequestBody,
  RequesterBody,
  type ConversationAnswer,
  type ConversationDetailAnswer,
  type ConversationListAnswer,
  type LiveVisitorsAnswer,
  type MeAnswer,
  type TargetsAnswer,
} from '../../shared/api';
import { parseCidr } from '../domain/blocklist';
import { visitorSites } from '../domain/visitor-sight';
import { canView, type AgentActor } from '../domain/conversation';
import { decodeCursor, encodeCursor, pageOf } from '../domain/list-cursor';
import { may } from '../domain/roles';
import { AppError } from '../errors';
import type { Directory } from '../services/directory';
import type { Safety } from '../services/safety';
import type { MaskingPolicy } from '../services/masking-policy';
import type { SocketRegistry } from '../realtime/registry';
import type { LiveVisitors } from '../services/live-visitors';
import type { WorkflowService } from '../services/workflow';
import type { ConversationSummary } from '../../shared/protocol';
import type { Store } from '../store/store';
import type { ApiEnv } from './context';
import { body, query } from './json';

export interface WorkflowApiDeps {
  store: Store;
  masking: MaskingPolicy;
  safety: Safety;
  registry: SocketRegistry;
  directory: Directory;
  workflow: WorkflowService;
  liveVisitors: LiveVisitors;
}

const ListQuery = v.object({
  view: v.optional(v.picklist(['open', 'closed', 'archived']), 'open'),
  queue: v.optional(v.pipe(v.string(), v.maxLength(64))),
  agent: v.optional(v.pipe(v.string(), v.maxLength(64))),
  label: v.optional(v.pipe(v.string(), v.maxLength(40))),
  priority: v.optional(v.pipe(v.string(), v.regex(/^[0-3]$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(500)), '200'),
  /** Issue 12: the previous page's nextCursor. */
  cursor: v.optional(v.string()),
});

export function createWorkflowApi({ store, masking, directory, workflow, liveVisitors, safety, registry }: WorkflowApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  const actorOf = (c: Context<ApiEnv>): AgentActor => directory.actor(c.get('agent'));
  // Issue 6: every conversation an agent reads goes through the site's masking.
  const answer = (c: Context<ApiEnv>, conversation: ConversationSummary) => c.json({ conversation: masking.summary(conversation) } satisfies ConversationAnswer);

  const me = (c: Context<ApiEnv>) => {
    const agent = c.get('agent');
    return c.json({ agent, presence: directory.presence(agent.id), prefs: directory.prefs(agent.id) } satisfies MeAnswer);
  };
  api.get('/me', me);
  api.put('/me/availability', async (c) => {
    const { state } = await body(c, AvailabilityBody);
    await directory.setState(c.get('agent').id, state);
    return me(c);
  });
  api.put('/me/prefs', async (c) => {
    const prefs = await body(c, PrefsBody);
    await directory.setPrefs(c.get('agent').id, { ...(prefs.sound === undefined ? {} : { sound: prefs.sound }), ...(prefs.preview === undefined ? {} : { preview: prefs.preview }) });
    return me(c);
  });

  api.get('/conversations', async (c) => {
    const q = query(c, ListQuery);
    const actor = actorOf(c);
    const supervisor = may(actor.role, 'supervise');
    if (q.agent !== undefined && !supervisor && q.agent !== actor.id) throw new AppError('forbidden');
    const after = q.cursor === undefined ? undefined : (decodeCursor(q.cursor) ?? undefined);
    if (q.cursor !== undefined && after === undefined) throw new AppError('invalid_cursor');
    const open = q.view === 'open';
    // Issue 12: every filter is read in SQL, on an index in the list's order for Closed and Archived, one row
    // past the page to know whether another follows. R10: a plain agent sees of a closed conversation only
    // those assigned to it or it joined as a guest (canView), which `heldBy` reads in SQL too, so no page comes back short.
    const rows = await store.conversations.list({
      status: open ? (['open', 'ended'] as const) : 'closed',
      ...(open ? {} : { archived: q.view === 'archived' }),
      ...(q.queue ? { queueId: q.queue } : {}),
      ...(q.agent ? { agentId: q.agent } : {}),
      ...(q.label === undefined ? {} : { label: q.label.toLowerCase() }),
      ...(q.priority === undefined ? {} : { priority: q.priority }),
      ...(!open && !supervisor ? { heldBy: actor.id } : {}),
      ...(after ? { after } : {}),
      limit: q.limit + 1,
    });
    const { page, next } = pageOf(rows, q.limit);
    // The open view's visibility (queues, offers, requests) stays a check on each row: live conversations are
    // few. On a closed row it repeats what heldBy read.
    const conversations = page.filter((x) => canView(actor, x)).map((x) => masking.summary(x));
    return c.json({ conversations, nextCursor: next && encodeCursor(next) } satisfies ConversationListAnswer);
  });

  api.get('/conversations/:id', async (c) => {
    const actor = actorOf(c);
    const conversation = await store.conversations.byId(c.req.param('id'));
    if (!conversation || !canView(actor, conversation)) throw new AppError('conversation_not_found');
    const [visitor, previous] = await Promise.all([
      store.visitors.byId(conversation.visitorId),
      store.conversations.list({ visitorId: conversation.visitorId, limit: 20 }),
    ]);
    const live = liveVisitors.visitor(conversation.visitorId);
    const page = live?.page ?? (visitor?.lastPageUrl ? { url: visitor.lastPageUrl, title: visitor.lastPageTitle, referrer: visitor.referrer } : null);
    // SPEC M2: everything the visitor sent, as this site's agents may see it.
    const shown = (value: string | null) => masking.field(conversation.siteId, value);
    return c.json({
      conversation: masking.summary(conversation),
      visitor: {
        id: conversation.visitorId,
        name: shown(conversation.visitorName ?? visitor?.name ?? null),
        email: shown(conversation.requesterEmail ?? visitor?.email ?? null),
        currentPage: page ? { url: shown(page.url)!, title: shown(page.title) } : null,
        referrer: shown(page?.referrer ?? null),
        browser: shown(visitor?.userAgent ?? null),
        online: live !== null,
        firstSeenAt: visitor?.createdAt ?? conversation.createdAt,
        lastSeenAt: visitor?.lastSeenAt ?? null,
        previous: previous.filter((p) => p.id !== conversation.id && canView(actor, p)).map((p) => masking.summary(p)),
      },
    } satisfies ConversationDetailAnswer);
  });

  api.get('/conversations/:id/targets', async (c) => c.json((await workflow.targets(actorOf(c), c.req.param('id'))) satisfies TargetsAnswer));

  api.post('/conversations/:id/accept', async (c) => answer(c, await workflow.accept(actorOf(c), c.req.param('id'))));
  api.post('/conversations/:id/take', async (c) => answer(c, await workflow.take(actorOf(c), c.req.param('id'))));
  api.post('/conversations/:id/transfer', async (c) => answer(c, await workflow.transfer(actorOf(c), c.req.param('id'), await body(c, RequestBody))));
  api.post('/conversations/:id/conference', async (c) => answer(c, await workflow.conference(actorOf(c), c.req.param('id'), await body(c, RequestBody))));
  api.post('/conversations/:id/request/accept', async (c) => answer(c, await workflow.acceptRequest(actorOf(c), c.req.param('id'))));
  api.post('/conversations/:id/leave', async (c) => answer(c, await workflow.leave(actorOf(c), c.req.param('id'))));
  api.post('/conversations/:id/close', async (c) => answer(c, await workflow.close(actorOf(c), c.req.param('id'), (await body(c, CloseBody)).reasonId)));
  api.put('/conversations/:id/priority', async (c) => answer(c, await workflow.priority(actorOf(c), c.req.param('id'), (await body(c, PriorityBody)).priority)));
  api.put('/conversations/:id/requester', async (c) => {
    const { name, email } = await body(c, RequesterBody);
    return answer(c, await workflow.requester(actorOf(c), c.req.param('id'), name, email));
  });
  api.put('/conversations/:id/labels', async (c) => answer(c, await workflow.labels(actorOf(c), c.req.param('id'), (await body(c, LabelsBody)).labels)));
  api.post('/conversations/:id/archive', async (c) => answer(c, await workflow.archive(actorOf(c), c.req.param('id'), true)));
  api.post('/conversations/:id/unarchive', async (c) => answer(c, await workflow.archive(actorOf(c), c.req.param('id'), false)));
  api.post('/conversations/:id/return-to-bot', async (c) => answer(c, await workflow.returnToBot(actorOf(c), c.req.param('id'))));
  api.delete('/conversations/:id', async (c) => {
    await workflow.remove(actorOf(c), c.req.param('id'));
    return c.body(null, 204);
  });

  // Issue 6 "block and end": the holder (or a supervisor) ends the chat and blocks the visitor and its
  // address; a range needs an admin. The visitor's sockets close with 4004 and its widget says so.
  api.post('/conversations/:id/block', async (c) => {
    const input = await body(c, BlockVisitorBody);
    const actor = actorOf(c);
    const conversation = await store.conversations.byId(c.req.param('id'));
    if (!conversation || !canView(actor, conversation)) throw new AppError('conversation_not_found');
    if (conversation.assignedAgentId !== actor.id && !may(actor.role, 'supervise')) throw new AppError('not_holder');
    if (input.cidr !== undefined && !may(actor.role, 'manageBlocks')) throw new AppError('forbidden', 'Only admins block address ranges.');
    // Checked before anything is blocked: a bad range must not leave the visitor half blocked, chat open.
    if (input.cidr !== undefined && !parseCidr(input.cidr)) throw new AppError('invalid_request', 'cidr: a CIDR range such as 203.0.113.0/24.');
    const expiresAt = input.expiresInMinutes === undefined ? null : Date.now() + input.expiresInMinutes * 60_000;
    const common = { reason: input.reason ?? null, expiresAt, createdBy: actor.id };
    await safety.block({ kind: 'visitor', value: conversation.visitorId, ...common });
    // The visitor's address too, unless an agent console uses it (the same office or NAT, or a proxy not
    // declared in TRUST_PROXY): an address block would lock the team out, so the visitor id has to do.
    const ip = liveVisitors.ipOf(conversation.visitorId);
    if (ip && !registry.agentAddresses().has(ip)) await safety.block({ kind: 'ip', value: ip, ...common });
    if (input.cidr) await safety.block({ kind: 'cidr', value: input.cidr, ...common });
    const closed = conversation.status === 'closed' ? conversation : await workflow.closeBlocked(actor, conversation.id);
    registry.closeVisitor(conversation.visitorId);
    return answer(c, closed);
  });

  /** SPEC R10, R11: the sites whose online visitors this agent sees; null: all of them. */
  const sitesOf = async (actor: AgentActor) => visitorSites(actor, directory.queues(), await store.sites.list());

  api.get('/visitors/live', async (c) => {
    const online = liveVisitors.online((await sitesOf(actorOf(c))) ?? undefined);
    const visitors = await Promise.all(
      online.map(async (x) => {
        const [record, open] = await Promise.all([store.visitors.byId(x.visitorId), store.conversations.list({ visitorId: x.visitorId, status: ['open', 'ended'], limit: 1 })]);
        // SPEC M2: the visitor's name and page as its site's agents may see them.
        const shown = (value: string | null) => masking.field(x.siteId, value);
        return {
          id: x.visitorId,
          siteId: x.siteId,
          name: shown(record?.name ?? null),
          page: x.page ? { url: shown(x.page.url)!, title: shown(x.page.title) } : null,
          since: x.since,
          returning: x.returning,
          conversationId: open[0]?.id ?? null,
        };
      }),
    );
    return c.json({ visitors } satisfies LiveVisitorsAnswer);
  });

  api.post('/visitors/:id/conversations', async (c) => {
    const { clientId, text } = await body(c, ProactiveBody);
    const live = liveVisitors.visitor(c.req.param('id'));
    const sites = await sitesOf(actorOf(c));
    // A visitor of a site the agent does not serve answers as one who is not there (R10: not revealed).
    if (!live || (sites && !sites.has(live.siteId))) throw new AppError('not_found', 'This visitor is not on the site now.');
    const { conversation } = await workflow.proactive(actorOf(c), { siteId: live.siteId, visitorId: live.visitorId }, clientId, text);
    return answer(c, conversation);
  });

  return api;
}
