/**
 * @module Conversation fixtures for unit tests: a summary with every field set and the state the server's
 * domain decides on, both with a new conversation's defaults. Test code only.
 */
import type { ConversationSummary } from '../protocol';

/**
 * A conversation summary: open, unassigned, no queue, normal priority, nothing offered or requested, one
 * visitor message. A test names only the fields it is about.
 *
 * @example summaryFixture({ assignedAgentId: 'a1', queueId: 'sales' })
 */
export function summaryFixture(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
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
    proactive: false,
    ...overrides,
  };
}

/**
 * The fields of a summary that server/domain's `ConversationState` holds. Declared here from the summary so
 * that shared/ imports nothing from server/; a field added to the state alone fails to type-check where a
 * domain test assigns this to a `ConversationState`.
 */
export type StateFixture = Omit<
  ConversationSummary,
  'visitorName' | 'assignedAgentName' | 'lastMessage' | 'createdAt' | 'updatedAt' | 'requesterEmail' | 'wrapUpReason' | 'firstMessage' | 'proactive'
>;

/**
 * The state of `summaryFixture`'s conversation, for the domain's decide functions: only the state's fields,
 * so it compares equal to a state the store hands over.
 *
 * @example const waiting: ConversationState = stateFixture({ queueId: 'q1', queuedAt: 0 })
 */
export function stateFixture(overrides: Partial<StateFixture> = {}): StateFixture {
  const {
    visitorName: _visitorName,
    assignedAgentName: _assignedAgentName,
    lastMessage: _lastMessage,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    requesterEmail: _requesterEmail,
    wrapUpReason: _wrapUpReason,
    firstMessage: _firstMessage,
    proactive: _proactive,
    ...state
  } = summaryFixture(overrides);
  return state;
}
