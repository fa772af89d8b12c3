/**
 * @module What the visitor's session shows (`VisitorView`, read by the components through `useView`), and
 * what its parts share to change it (`SessionCore`).
 */
import type { Author, ClientFrame, ConversationEvent, ConversationStatus, SiteStatus, VisitorConversation, WaitFrame } from '../../../shared/protocol';
import type { SocketStatus } from '../../../shared/socket-client';
import type { storageKeys } from '../../contract';
import type { KeyValue } from '../storage';
import type { OutboxItem } from './outbox';

export interface VisitorView {
  /** The socket's status, except that after a drop it stays `offline` through the reconnect attempts (SPEC R13). */
  connection: SocketStatus;
  conversationId: string | null;
  /** Committed events of the current conversation, ascending `seq`. */
  events: ConversationEvent[];
  /** Messages not confirmed yet (this tab's and other tabs'), oldest first. */
  outbox: OutboxItem[];
  /** Whether someone can answer, and the leave-a-message form's fields (SPEC T1); null before the welcome. */
  site: SiteStatus | null;
  /** The current conversation's status: from the welcome, then from its events; null when unknown. */
  status: ConversationStatus | null;
  /** `conversation.end` was asked for and its event has not come yet. */
  ending: boolean;
  /** The leave-a-message form's last submission; `number` comes with the `ticket` frame (SPEC T1). */
  ticket: (Request & { number: number | null }) | null;
  /** The rating of the current conversation (SPEC T5). */
  rating: (Request & { score: number }) | null;
  /** The transcript e-mail asked for the current conversation (SPEC T6). */
  mail: (Request & { email: string }) | null;
  /** The socket closed with 4004: the visitor was blocked, the chat is over and nothing reconnects. */
  blocked: boolean;
  /** An agent or bot writing in the current conversation (SPEC W1): until `on: false`, their message or TYPING_TTL_MS. */
  typing: Author | null;
  /** How far the agents, and the visitor in any tab, have seen the current conversation (SPEC W2). */
  agentSeen: number;
  visitorSeen: number;
  /** The newest agent or bot message that arrived live (not replayed): announced, maybe chimed. */
  latest: ConversationEvent | null;
  /** The visitor's conversations (SPEC W7) once `listConversations` is answered. */
  list: VisitorConversation[] | null;
  /** Another conversation of the visitor's, shown read-only with its events (SPEC W7); null: the current one. */
  past: { id: string; events: ConversationEvent[] } | null;
  /** Who the site says the visitor is (the welcome's identity, SPEC W6). */
  identity: { userId: string; name: string | null; email: string | null } | null;
  /** The server refused the visitor's identity (identity_required, _invalid, _expired): nothing connects until `identify`. */
  refused: string | null;
  /** The opt-in sound for new agent messages (SPEC W2). */
  sound: boolean;
  /** Issue 15: the waiting conversation's place in its queue and the usual first-response time (the last `wait` frame). */
  wait?: WaitFrame;
}

/** A request answered by `ticket`, `done` or an `error` naming its clientId. */
export interface Request {
  clientId: string;
  state: 'sending' | 'done' | 'failed';
  /** The error's code and message when failed. */
  code: string | null;
  message: string | null;
}

/** The conversation ended (by the visitor) or was closed: no more messages go to it. */
export const isOver = (view: Pick<VisitorView, 'status'>): boolean => view.status === 'ended' || view.status === 'closed';

export const sending = (clientId: string): Request => ({ clientId, state: 'sending', code: null, message: null });

/** The view before the first welcome: what storage kept of an earlier page, and nothing else yet. */
export const initialView = (kept: Pick<VisitorView, 'conversationId' | 'outbox' | 'ticket' | 'sound'>): VisitorView => ({
  connection: 'connecting',
  conversationId: kept.conversationId,
  events: [],
  outbox: kept.outbox,
  site: null,
  status: null,
  ending: false,
  ticket: kept.ticket,
  rating: null,
  mail: null,
  blocked: false,
  typing: null,
  agentSeen: 0,
  visitorSeen: 0,
  latest: null,
  list: null,
  past: null,
  identity: null,
  refused: null,
  sound: kept.sound,
});

/**
 * What the session's parts (its messages, its requests, its conversation) share: the view and the one way
 * to change it, the socket (a frame sent while it is down is dropped: messages and requests are resent after
 * the next welcome, typing and seen marks are not), and the site's storage.
 */
export interface SessionCore {
  readonly view: VisitorView;
  update(patch: Partial<VisitorView>): void;
  send(frame: ClientFrame): void;
  readonly storage: KeyValue;
  readonly keys: ReturnType<typeof storageKeys>;
}
