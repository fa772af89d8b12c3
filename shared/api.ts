/**
 * @module Request bodies of Papo's HTTP API, as runtime schemas. Answers are typed here too so the console
 * and the server cannot drift.
 */
import * as v from 'valibot';
import { MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS } from './limits';
import type { AgentProfile, ConversationEvent, ConversationSummary } from './protocol';

export const LoginBody = v.object({
  email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(MAX_EMAIL_CHARS), v.email()),
  password: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PASSWORD_CHARS)),
});
export type LoginBody = v.InferOutput<typeof LoginBody>;

export interface LoginAnswer {
  agent: AgentProfile;
}

export interface ConversationListAnswer {
  conversations: ConversationSummary[];
}

export interface EventPageAnswer {
  events: ConversationEvent[];
  /** Older events exist before the first one in this page. */
  hasMore: boolean;
}

export interface ErrorAnswer {
  error: { code: string; message: string };
}
