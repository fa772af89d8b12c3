/**
 * @module The agent's workflow routes (issue 3): availability, lists, the conversation actions, the visitor
 * panel, live visitors and proactive chat. Thin: each validates its input against its route in
 * shared/routes.ts, builds the caller's actor and calls a service, which checks roles and state (SPEC R10).
 */
import { Hono, type Context } from 'hono';
import { ROUTES } from '../../shared/routes';
import type { AgentActor } from '../domain/conversation';
import { AppError } from '../errors';
import type { BlockAndEnd } from '../services/block-and-end';
import type { Directory } from '../services/directory';
import type { Inbox } from '../services/inbox';
import type { MaskingPolicy } from '../services/masking-policy';
import type { LiveSockets } from '../services/live-sockets';
import type { WorkflowService } from '../services/workflow';
import type { Sites } from '../services/sites';
import type { TicketService } from '../services/tickets';
import type { ConversationSummary } from '../../shared/protocol';
import type { ApiEnv } from './context';
import { route } from './routes';

export interface WorkflowApiDeps {
  inbox: Inbox;
  blockAndEnd: BlockAndEnd;
  masking: MaskingPolicy;
  registry: LiveSockets;
  directory: Directory;
  workflow: WorkflowService;
  /** Issue 15: the console's facts in /me (which sites have a bot, their language, whether e-mail is on). */
  sites: Sites;
  tickets: TicketService;
}

export function createWorkflowApi({ inbox, blockAndEnd, masking, directory, workflow, registry, sites, tickets }: WorkflowApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  const actorOf = (c: Context<ApiEnv>): AgentActor => directory.actor(c.get('agent'));
  // Issue 6: every conversation an agent reads goes through the site's masking.
  const shown = (conversation: ConversationSummary) => ({ conversation: masking.summary(conversation) });

  const me = async (c: Context<ApiEnv>) => {
    const agent = c.get('agent');
    const facts = { mail: tickets.mailOn(), sites: (await sites.all()).map((s) => ({ id: s.id, bot: s.botWebhookUrl !== null, language: s.widget?.locale ?? null })) };
    return { agent, presence: directory.presence(agent.id), prefs: directory.prefs(agent.id), facts };
  };
  route(api, ROUTES.me, async (c, { answer }) => answer(await me(c)));
  route(api, ROUTES.setAvailability, async (c, { body, answer }) => {
    const { state } = await body();
    await directory.setState(c.get('agent').id, state);
    return answer(await me(c));
  });
  route(api, ROUTES.setPrefs, async (c, { body, answer }) => {
    const prefs = await body();
    await directory.setPrefs(c.get('agent').id, { ...(prefs.sound === undefined ? {} : { sound: prefs.sound }), ...(prefs.preview === undefined ? {} : { preview: prefs.preview }) });
    return answer(await me(c));
  });

  route(api, ROUTES.conversations, async (c, { query, answer }) => answer(await inbox.list(actorOf(c), query())));
  route(api, ROUTES.conversation, async (c, { answer }) => answer(await inbox.detail(actorOf(c), c.req.param('id'))));

  route(api, ROUTES.targets, async (c, { answer }) => answer(await workflow.targets(actorOf(c), c.req.param('id'))));

  route(api, ROUTES.accept, async (c, { answer }) => answer(shown(await workflow.accept(actorOf(c), c.req.param('id')))));
  route(api, ROUTES.take, async (c, { answer }) => answer(shown(await workflow.take(actorOf(c), c.req.param('id')))));
  route(api, ROUTES.transfer, async (c, { body, answer }) => answer(shown(await workflow.transfer(actorOf(c), c.req.param('id'), await body()))));
  route(api, ROUTES.conference, async (c, { body, answer }) => answer(shown(await workflow.conference(actorOf(c), c.req.param('id'), await body()))));
  route(api, ROUTES.acceptRequest, async (c, { answer }) => answer(shown(await workflow.acceptRequest(actorOf(c), c.req.param('id')))));
  route(api, ROUTES.leave, async (c, { answer }) => answer(shown(await workflow.leave(actorOf(c), c.req.param('id')))));
  route(api, ROUTES.close, async (c, { body, answer }) => answer(shown(await workflow.close(actorOf(c), c.req.param('id'), (await body()).reasonId))));
  // Issue 15 (flow): decline a transfer or an invitation; the wrap-up after a transfer or a conference.
  route(api, ROUTES.declineRequest, async (c, { answer }) => {
    await workflow.declineRequest(actorOf(c), c.req.param('id'));
    return answer(null);
  });
  route(api, ROUTES.declineOffer, async (c, { answer }) => {
    await workflow.declineOffer(actorOf(c), c.req.param('id'));
    return answer(null);
  });
  route(api, ROUTES.wrapUp, async (c, { body, answer }) => {
    await workflow.wrapUp(actorOf(c), c.req.param('id'), (await body()).reasonId);
    return answer(null);
  });
  route(api, ROUTES.setPriority, async (c, { body, answer }) => answer(shown(await workflow.priority(actorOf(c), c.req.param('id'), (await body()).priority))));
  route(api, ROUTES.setRequester, async (c, { body, answer }) => {
    const { name, email } = await body();
    return answer(shown(await workflow.requester(actorOf(c), c.req.param('id'), name, email)));
  });
  route(api, ROUTES.setLabels, async (c, { body, answer }) => answer(shown(await workflow.labels(actorOf(c), c.req.param('id'), (await body()).labels))));
  route(api, ROUTES.archive, async (c, { answer }) => answer(shown(await workflow.archive(actorOf(c), c.req.param('id'), true))));
  route(api, ROUTES.unarchive, async (c, { answer }) => answer(shown(await workflow.archive(actorOf(c), c.req.param('id'), false))));
  route(api, ROUTES.returnToBot, async (c, { answer }) => answer(shown(await workflow.returnToBot(actorOf(c), c.req.param('id')))));
  // Issue 15: resolve (SPEC R8a) and reopen (R8b).
  route(api, ROUTES.resolve, async (c, { body, answer }) => answer(shown(await workflow.resolve(actorOf(c), c.req.param('id'), (await body()).reasonId))));
  route(api, ROUTES.reopen, async (c, { answer }) => answer(shown(await workflow.reopen(actorOf(c), c.req.param('id')))));
  route(api, ROUTES.deleteConversation, async (c, { answer }) => {
    await workflow.remove(actorOf(c), c.req.param('id'));
    return answer(null);
  });

  // Issue 6 "block and end": the holder (or a supervisor) ends the chat and blocks the visitor and its
  // address; a range needs an admin. The visitor's sockets close with 4004 and its widget says so.
  route(api, ROUTES.blockVisitor, async (c, { body, answer }) => {
    const input = await body();
    const closed = await blockAndEnd(actorOf(c), c.req.param('id'), input);
    registry.closeVisitor(closed.visitorId);
    return answer(shown(closed));
  });

  route(api, ROUTES.liveVisitors, async (c, { answer }) => answer({ visitors: await inbox.liveVisitors(actorOf(c)) }));

  route(api, ROUTES.proactive, async (c, { body, answer }) => {
    const { clientId, text } = await body();
    // A visitor of a site the agent does not serve answers as one who is not there (R10: not revealed).
    const live = await inbox.liveVisitor(actorOf(c), c.req.param('id'));
    if (!live) throw new AppError('not_found', 'This visitor is not on the site now.');
    const { conversation } = await workflow.proactive(actorOf(c), { siteId: live.siteId, visitorId: live.visitorId }, clientId, text);
    return answer(shown(conversation));
  });

  return api;
}
