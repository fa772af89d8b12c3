/** @module A conversation summary for the console's unit tests, with every field set. Test code only. */
import type { ConversationSummary } from '../shared/protocol';

export function testSummary(patch: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: 'c1',
    siteId: 'site-1',
    visitorId: 'visitor-1',
    visitorName: null,
    status: 'open',
    assignedAgentId: null,
    assignedAgentName: null,
    lastSeq: 2,
    lastMessage: { text: 'Olá', authorKind: 'visitor', at: 1_000 },
    createdAt: 500,
    updatedAt: 1_000,
    queueId: null,
    queuedAt: null,
    priority: 1,
    bot: false,
    offer: null,
    request: null,
    participants: [],
    labels: [],
    requesterEmail: null,
    wrapUpReason: null,
    archived: false,
    firstMessage: 'Olá',
    ...patch,
  };
}
