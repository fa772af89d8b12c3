/**
 * @module Search in the console (issue 12), without UI: a snippet's marks as text segments (never HTML), the
 * paging state of one search (first page, "more results", answers that arrive after the query changed),
 * and what a hit shows: its kind, title, status and where a click leads.
 */
import type { SearchAnswer, SearchHit, SearchSnippet } from '../../shared/api';
import { t as defaultStrings, visitorLabel, type Strings } from '../i18n/i18n';

// ---------------------------------------------------------------------------------------------------------
// Marks

/** A run of snippet text, marked (a matched word) or not. */
export interface Segment {
  text: string;
  mark: boolean;
}

/**
 * The marks a snippet can show: whole numbers clamped to the text, empty and inverted ones dropped, sorted,
 * and overlapping or touching ones merged. The server's marks are trusted for nothing: a bad one must not
 * cut a character in two or repeat text.
 *
 * @example normaliseMarks(5, [[3, 9], [0, 1], [1, 2]]) // [[0, 2], [3, 5]]
 */
export function normaliseMarks(length: number, marks: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const clamp = (n: number) => (Number.isFinite(n) ? Math.min(length, Math.max(0, Math.trunc(n))) : Number.NaN);
  const valid = marks
    .map(([a, b]): [number, number] => [clamp(a), clamp(b)])
    .filter(([a, b]) => !Number.isNaN(a) && !Number.isNaN(b) && b > a)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of valid) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/**
 * The snippet as segments in order, marked and not; joined they give back `text` exactly.
 *
 * @example markSegments({ text: 'a ação b', marks: [[2, 6]] }) // [{ 'a ', false }, { 'ação', true }, { ' b', false }]
 */
export function markSegments(snippet: SearchSnippet): Segment[] {
  const { text } = snippet;
  const segments: Segment[] = [];
  let at = 0;
  for (const [a, b] of normaliseMarks(text.length, snippet.marks ?? [])) {
    if (a > at) segments.push({ text: text.slice(at, a), mark: false });
    segments.push({ text: text.slice(a, b), mark: true });
    at = b;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at), mark: false });
  return segments;
}

// ---------------------------------------------------------------------------------------------------------
// Paging

export interface SearchFailure {
  code: string;
  message: string;
}

/**
 * One search and its pages. `request` numbers the call in flight: an answer for an older number (the agent
 * typed another query, or searched again) is dropped.
 */
export interface SearchState {
  /** The query the hits answer (trimmed); '' before the first search. */
  q: string;
  hits: SearchHit[];
  nextCursor: string | null;
  /** idle: nothing asked; loading: the first page; more: a next page; ready: answered; error: the last call failed. */
  status: 'idle' | 'loading' | 'more' | 'ready' | 'error';
  error: SearchFailure | null;
  request: number;
}

export const IDLE_SEARCH: SearchState = { q: '', hits: [], nextCursor: null, status: 'idle', error: null, request: 0 };

/** What to ask the server next: the first page of a query, or the page after the cursor. */
export interface PageCall {
  request: number;
  q: string;
  cursor: string | null;
}

/** A new query (or the same one again): its first page replaces whatever was shown. Null for a blank query. */
export function startSearch(state: SearchState, input: string): { state: SearchState; call: PageCall } | null {
  const q = input.trim();
  if (q === '') return null;
  const request = state.request + 1;
  return { state: { q, hits: [], nextCursor: null, status: 'loading', error: null, request }, call: { request, q, cursor: null } };
}

/** "More results": the page after the last one shown, unless there is none or a call is in flight. */
export function startMore(state: SearchState): { state: SearchState; call: PageCall } | null {
  if (state.nextCursor === null || state.status === 'loading' || state.status === 'more') return null;
  const request = state.request + 1;
  return { state: { ...state, status: 'more', error: null, request }, call: { request, q: state.q, cursor: state.nextCursor } };
}

/** A stable key for a hit: a page may repeat one the page before held (new writes between calls). */
export function hitKey(hit: SearchHit): string {
  return hit.kind === 'conversation'
    ? `c:${hit.conversation.id}:${hit.field}:${hit.seq ?? ''}`
    : `t:${hit.ticket.id}:${hit.field}:${hit.entryId ?? ''}`;
}

/** The answer to `call`: a first page replaces, a next page appends what is not shown yet. Stale answers change nothing. */
export function pageArrived(state: SearchState, call: PageCall, answer: SearchAnswer): SearchState {
  if (call.request !== state.request) return state;
  const shown = call.cursor === null ? [] : state.hits;
  const keys = new Set(shown.map(hitKey));
  const fresh = answer.hits.filter((h) => {
    const key = hitKey(h);
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  });
  return { ...state, hits: [...shown, ...fresh], nextCursor: answer.nextCursor, status: 'ready', error: null };
}

/** The call failed: the hits shown stay (a failed "more" loses nothing), the cursor too, so it can be tried again. */
export function pageFailed(state: SearchState, call: PageCall, error: SearchFailure): SearchState {
  if (call.request !== state.request) return state;
  return { ...state, status: 'error', error };
}

/** The call to repeat after an error: the first page if nothing was shown, else the next one. */
export function retrySearch(state: SearchState): { state: SearchState; call: PageCall } | null {
  if (state.status !== 'error') return null;
  return state.hits.length === 0 ? startSearch(state, state.q) : startMore({ ...state, status: 'ready' });
}

// ---------------------------------------------------------------------------------------------------------
// What a hit shows

/** The kind tag: which part matched. */
export function hitKind(hit: SearchHit, s: Strings = defaultStrings): string {
  if (hit.kind === 'conversation') return s.searchAll.kinds[hit.field];
  return s.searchAll.ticketKind(hit.ticket.number);
}

/** The line's title: the visitor (conversations) or the ticket's subject. */
export function hitTitle(hit: SearchHit, s: Strings = defaultStrings): string {
  if (hit.kind === 'conversation') return visitorLabel(hit.conversation.visitorId, hit.conversation.visitorName, s);
  return hit.ticket.subject || s.searchAll.noSubject;
}

/** The status tag: the conversation's (open, ended by the visitor, closed, archived) or the ticket's. */
export function hitStatus(hit: SearchHit, s: Strings = defaultStrings): string {
  if (hit.kind === 'ticket') return s.tk.statuses[hit.ticket.status] ?? hit.ticket.status;
  const c = hit.conversation;
  if (c.archived) return s.searchAll.statuses.archived;
  return s.searchAll.statuses[c.status];
}

/** Where a click leads: a conversation (at a message when `seq` is set) or a ticket. */
export type HitTarget =
  | { kind: 'conversation'; conversationId: string; seq: number | null }
  | { kind: 'ticket'; ticketId: string; entryId: string | null };

/** A ticket entry a search hit opened; `n` grows with every hit chosen, so choosing it again scrolls to it again. */
export interface FoundEntry {
  id: string;
  n: number;
}

export function hitTarget(hit: SearchHit): HitTarget {
  if (hit.kind === 'ticket') return { kind: 'ticket', ticketId: hit.ticket.id, entryId: hit.field === 'entry' ? hit.entryId : null };
  return { kind: 'conversation', conversationId: hit.conversation.id, seq: hit.field === 'message' ? hit.seq : null };
}

/** The keys that focus the search field: "/" outside a text field, and Ctrl+K / Cmd+K anywhere. */
export function isSearchShortcut(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; inField: boolean }): boolean {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') return true;
  return e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.inField;
}
