/**
 * @module What the signed-in API's handlers find on their Hono context: the agent the session belongs to.
 * A leaf (it imports no http file), so every router and helper can name it without importing api.ts,
 * which imports them all.
 */
import type { AgentProfile } from '../../shared/protocol';

export type ApiEnv = { Variables: { agent: AgentProfile } };
