/**
 * @module Issue 6 "block and end": the agent holding a conversation (or a supervisor) ends it and blocks its
 * visitor, the visitor's address, and (admins only) a range. The caller closes the visitor's sockets.
 */
import type { BlockVisitorBody } from '../../shared/api';
import type { ConversationSummary } from '../../shared/protocol';
import type * as v from 'valibot';
import { parseCidr } from '../domain/blocklist';
import type { AgentActor } from '../domain/conversation';
import { may } from '../domain/roles';
import { AppError } from '../errors';
import type { Inbox } from './inbox';
import type { LiveVisitors } from './live-visitors';
import type { Safety } from './safety';
import type { WorkflowService } from './workflow';

export interface BlockAndEndDeps {
  inbox: Pick<Inbox, 'visible'>;
  safety: Pick<Safety, 'block'>;
  liveVisitors: Pick<LiveVisitors, 'ipOf'>;
  workflow: Pick<WorkflowService, 'closeBlocked'>;
  /** The addresses agent consoles connect from now (the socket registry's). */
  agentAddresses: () => ReadonlySet<string>;
}

/** The conversation, closed (as stored, not masked). */
export function createBlockAndEnd({ inbox, safety, liveVisitors, workflow, agentAddresses }: BlockAndEndDeps) {
  return async (actor: AgentActor, conversationId: string, input: v.InferOutput<typeof BlockVisitorBody>): Promise<ConversationSummary> => {
    const conversation = await inbox.visible(actor, conversationId);
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
    if (ip && !agentAddresses().has(ip)) await safety.block({ kind: 'ip', value: ip, ...common });
    if (input.cidr) await safety.block({ kind: 'cidr', value: input.cidr, ...common });
    return conversation.status === 'closed' ? conversation : await workflow.closeBlocked(actor, conversation.id);
  };
}

export type BlockAndEnd = ReturnType<typeof createBlockAndEnd>;
