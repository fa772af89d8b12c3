/**
 * @module The agent's workflow routes (issue 3): availability, lists, the conversation actions, the visitor
 * panel, live visitors and proactive chat. Thin: each validates its input against shared/api.ts, builds
 * the caller's actor and calls a service, which checks roles and state (SPEC R10).
 */
import { Hono, type Context } from 'hono';
import {
  AvailabilityBody,
  BlockVisitorBody,
  CloseBody,
  ConversationListQuery,
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
import type { AgentActor } from '../domain/conversation';
import { may } from '../domain/roles';
import { AppError } from '../errors';
import type { Directory } from '../services/directory';
import type { Inbox } from '../services/inbox';
import type { Safety } from '../services/safety';
import type { MaskingPolicy } from '../services/masking-policy';
import type { SocketRegistry } from '../realtime/registry';
import type { LiveVisitors } from '../services/live-visitors';
import type { WorkflowService } from '../services/workflow';
import type { ConversationSummary } from '../../shared/protocol';
import type { ApiEnv } from './context';
import { body, query } from './json';

export interface WorkflowApiDeps {
  inbox: Inbox;
  masking: MaskingPolicy;
  safety: Safety;
  registry: SocketRegistry;
  directory: Directory;
  workflow: WorkflowService;
  liveVisitors: LiveVisitors;
}

export function createWorkflowApi({ inbox, masking, directory, workflow, liveVisitors, safety, registry }: WorkflowApiDeps): Hono<ApiEnv> {
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

  api.get('/conversations', async (c) => c.json((await inbox.list(actorOf(c), query(c, ConversationListQuery))) satisfies ConversationListAnswer));
  api.get('/conversations/:id', async (c) => c.json((await inbox.detail(actorOf(c), c.req.param('id'))) satisfies ConversationDetailAnswer));

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
    const conversation = await inbox.visible(actor, c.req.param('id'));
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

  api.get('/visitors/live', async (c) => c.json({ visitors: await inbox.liveVisitors(actorOf(c)) } satisfies LiveVisitorsAnswer));

  api.post('/visitors/:id/conversations', async (c) => {
    const { clientId, text } = await body(c, ProactiveBody);
    // A visitor of a site the agent does not serve answers as one who is not there (R10: not revealed).
    const live = await inbox.liveVisitor(actorOf(c), c.req.param('id'));
    if (!live) throw new AppError('not_found', 'This visitor is not on the site now.');
    const { conversation } = await workflow.proactive(actorOf(c), { siteId: live.siteId, visitorId: live.visitorId }, clientId, text);
    return answer(c, conversation);
  });

  return api;
}
