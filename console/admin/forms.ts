/**
 * @module The admin forms' checks before sending: required fields and the plain ranges of shared/api.ts,
 * so an obvious slip is named next to its field without a round trip. The server checks everything again
 * and its answer is what counts.
 */
import { countChars, MAX_MESSAGE_CHARS } from '../../shared/limits';

export type Problem = 'required' | 'email' | 'too_short' | 'too_long' | 'range' | 'url' | 'language' | 'ip' | 'cidr';
export type Problems<F extends string> = Partial<Record<F, Problem>>;

/** The tag CannedReplyBody accepts, e.g. `pt-BR`, `en`. */
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
/** Loose on purpose: the server parses the address; this catches a missing `@` or domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const OFFER_TIMEOUT_SECONDS = { min: 5, max: 600 } as const;
export const CAPACITY = { min: 1, max: 50 } as const;
export const MIN_PASSWORD_CHARS = 10;

const blank = (s: string) => s.trim() === '';

export function hasProblems<F extends string>(problems: Problems<F>): boolean {
  return Object.keys(problems).length > 0;
}

export interface CannedReplyForm {
  title: string;
  text: string;
  category: string;
  language: string;
}

export function cannedReplyProblems(f: CannedReplyForm): Problems<keyof CannedReplyForm> {
  const p: Problems<keyof CannedReplyForm> = {};
  if (blank(f.title)) p.title = 'required';
  else if (f.title.trim().length > 120) p.title = 'too_long';
  if (blank(f.text)) p.text = 'required';
  else if (countChars(f.text.trim()) > MAX_MESSAGE_CHARS) p.text = 'too_long';
  if (f.category.trim().length > 60) p.category = 'too_long';
  if (blank(f.language)) p.language = 'required';
  else if (!LANGUAGE_TAG.test(f.language.trim())) p.language = 'language';
  return p;
}

export function labelProblem(label: string): Problem | null {
  if (blank(label)) return 'required';
  return label.trim().length > 80 ? 'too_long' : null;
}

/** Seconds as typed (comma or point) to whole milliseconds, or null when it is not a number. */
export function secondsToMs(text: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '' || !/^\d+(\.\d+)?$/.test(trimmed)) return null;
  return Math.round(Number(trimmed) * 1000);
}

/** Milliseconds as seconds for a form field: `30`, `0.05`. */
export function msToSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

export interface QueueForm {
  name: string;
  timeoutSeconds: string;
}

/**
 * `timeoutChanged`: an existing queue keeps a timeout outside the form's range (tests set 50 ms) unless the
 * field was edited, so saving its name does not trip over it.
 */
export function queueProblems(f: QueueForm, timeoutChanged: boolean): Problems<keyof QueueForm> {
  const p: Problems<keyof QueueForm> = {};
  if (blank(f.name)) p.name = 'required';
  else if (f.name.trim().length > 60) p.name = 'too_long';
  if (timeoutChanged) {
    const ms = secondsToMs(f.timeoutSeconds);
    if (ms === null) p.timeoutSeconds = blank(f.timeoutSeconds) ? 'required' : 'range';
    else if (ms < OFFER_TIMEOUT_SECONDS.min * 1000 || ms > OFFER_TIMEOUT_SECONDS.max * 1000) p.timeoutSeconds = 'range';
  }
  return p;
}

export interface AgentForm {
  email: string;
  name: string;
  password: string;
  capacity: string;
}

/** `creating`: e-mail, name and password are asked only when the agent is created. */
export function agentProblems(f: AgentForm, creating: boolean): Problems<keyof AgentForm> {
  const p: Problems<keyof AgentForm> = {};
  if (creating) {
    if (blank(f.email)) p.email = 'required';
    else if (!EMAIL.test(f.email.trim())) p.email = 'email';
    if (blank(f.name)) p.name = 'required';
    if (f.password === '') p.password = 'required';
    else if (f.password.length < MIN_PASSWORD_CHARS) p.password = 'too_short';
  }
  const capacity = Number(f.capacity);
  if (blank(f.capacity)) p.capacity = 'required';
  else if (!Number.isInteger(capacity) || capacity < CAPACITY.min || capacity > CAPACITY.max) p.capacity = 'range';
  return p;
}

/** An empty address turns the bot off (null); anything else must be an http(s) URL. */
export function webhookValue(text: string): { ok: true; value: string | null } | { ok: false; problem: Problem } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  try {
    const url = new URL(trimmed);
    if (url.protocol === 'http:' || url.protocol === 'https:') return { ok: true, value: trimmed };
  } catch {
    // not a URL at all: the same problem as a wrong scheme
  }
  return { ok: false, problem: 'url' };
}

/** The first message of a proactive chat: the same rule as every message (not blank, at most the limit). */
export function messageTextProblem(text: string): Problem | null {
  if (blank(text)) return 'required';
  return countChars(text) > MAX_MESSAGE_CHARS ? 'too_long' : null;
}

/** Toggles one id in a list of ids (member checkboxes). */
export function toggled(ids: readonly string[], id: string, on: boolean): string[] {
  const rest = ids.filter((x) => x !== id);
  return on ? [...rest, id] : rest;
}
