/**
 * @module Test fixtures for VisitorSession (test code only): frames checked against the protocol, an
 * injected socket client that records what is sent, a recording host, and a session set up around them.
 */
import {
  parseServerFrame,
  PROTOCOL_VERSION,
  type Author,
  type ClientFrame,
  type ConversationEvent,
  type ConversationStatus,
  type EventData,
  type SiteStatus,
  type ServerFrame,
} from '../../../shared/protocol';
import type { SocketClient, SocketClientOptions, SocketStatus } from '../../../shared/socket-client';
import { storageKeys, type PapoEvents, type WidgetConfig, type WidgetHost } from '../../contract';
import { Outbox, type OutboxItem } from './outbox';
import { VisitorSession } from './session';
import { memoryStorage, type KeyValue } from '../storage';

export const CONFIG: WidgetConfig = { siteKey: 'site-1', server: 'https://chat.example', locale: 'en' };
export const KEYS = storageKeys(CONFIG.siteKey);
export const RETRY_AFTER_MS = 2000; // resend.ts, not exported

export const VISITOR: Author = { kind: 'visitor', id: 'visitor-1', name: null };
export const ANA: Author = { kind: 'agent', id: 'agent-1', name: 'Ana' };
export const SYSTEM: Author = { kind: 'system', id: null, name: null };

export const STORED = { token: 'token-1', visitorId: 'visitor-1', conversationId: 'conv-1' };

// ---------------------------------------------------------------------------------------------------------
// Frames, checked against the protocol so that every frame the session sees is one the server could send.

export function real(frame: ServerFrame): ServerFrame {
  const parsed = parseServerFrame(JSON.stringify(frame));
  if (!parsed.ok) throw new Error(`not a valid server frame: ${parsed.message}`);
  return parsed.value;
}

export const ONLINE: SiteStatus = { online: true, offlineFields: [] };

export function welcome(
  conversation: { id: string; lastSeq?: number; status?: ConversationStatus } | null,
  token = 'token-2',
  site: SiteStatus = ONLINE,
): ServerFrame {
  return {
    type: 'welcome',
    v: PROTOCOL_VERSION,
    session: {
      role: 'visitor',
      visitorId: 'visitor-1',
      token,
      tokenExpiresAt: 1_800_000_000_000,
      conversation: conversation && { id: conversation.id, status: conversation.status ?? 'open', lastSeq: conversation.lastSeq ?? 0 },
      site,
    },
  };
}

export function ev(
  seq: number,
  init: { conversationId?: string; kind?: string; author?: Author; text?: string | null; clientId?: string | null; data?: EventData } = {},
): ConversationEvent {
  return {
    ...(init.data ? { data: init.data } : {}),
    conversationId: init.conversationId ?? 'conv-1',
    seq,
    kind: init.kind ?? 'message',
    author: init.author ?? ANA,
    clientId: init.clientId ?? null,
    text: init.text === undefined ? `text ${seq}` : init.text,
    at: 50_000 + seq,
  };
}

export const range = (from: number, to: number, conversationId = 'conv-1') =>
  Array.from({ length: to - from + 1 }, (_, i) => ev(from + i, { conversationId }));

export function history(conversationId: string, events: ConversationEvent[], reset: boolean, lastSeq = events.at(-1)?.seq ?? 0): ServerFrame {
  return { type: 'history', conversationId, events, reset, lastSeq, hasMore: false };
}

export const eventFrame = (event: ConversationEvent): ServerFrame => ({ type: 'event', event });
export const ack = (clientId: string, conversationId: string, seq: number): ServerFrame => ({ type: 'ack', clientId, conversationId, seq });
export const error = (code: string, clientId?: string): ServerFrame => ({
  type: 'error',
  code,
  message: `error ${code}`,
  ...(clientId === undefined ? {} : { clientId }),
});

export function item(n: number, patch: Partial<OutboxItem> = {}): OutboxItem {
  return { clientId: `0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a${String(n).padStart(2, '0')}`, text: `queued ${n}`, conversationId: 'conv-1', at: 1_000 + n, failed: null, ...patch };
}

// ---------------------------------------------------------------------------------------------------------
// The injected socket factory and a recording host.

export interface FakeClient extends SocketClient {
  status: SocketStatus;
  /** Frames sent while online (what went onto the wire). */
  readonly sent: ClientFrame[];
  stops: number;
  /** Called on every send, before anything else. */
  onSend: ((frame: ClientFrame) => void) | null;
}

/** The frames of one type a session sent, in order (typed by that type). */
export const sentOf = <T extends ClientFrame['type']>(t: { client: { sent: ClientFrame[] } }, type: T) =>
  t.client.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);

/** `storage`: another tab's view of the site's storage (storage.fixtures.ts); a fresh memory by default. */
export function setup(init: { stored?: unknown; outbox?: OutboxItem[]; status?: SocketStatus; start?: boolean; storage?: KeyValue } = {}) {
  const storage = init.storage ?? memoryStorage();
  if (init.stored !== undefined) storage.set(KEYS.session, typeof init.stored === 'string' ? init.stored : JSON.stringify(init.stored));
  // What an earlier page of this visitor left: each message under its own key (SPEC D7).
  for (const queued of init.outbox ?? []) storage.set(`${KEYS.outbox}:${queued.clientId}`, JSON.stringify(queued));

  const emitted: Array<[keyof PapoEvents, unknown]> = [];
  const host: Pick<WidgetHost, 'emit'> = {
    emit: (event, payload) => void emitted.push([event, payload]),
  };

  const client: FakeClient = {
    status: init.status ?? 'online',
    sent: [],
    stops: 0,
    onSend: null,
    send(frame) {
      this.onSend?.(frame);
      if (this.status !== 'online') return false;
      this.sent.push(frame);
      return true;
    },
    wake() {},
    stop() {
      this.stops++;
    },
  };
  const connects: SocketClientOptions[] = [];
  const connect = (options: SocketClientOptions): SocketClient => {
    connects.push(options);
    return client;
  };

  const session = new VisitorSession(CONFIG, storage, host, connect);
  if (init.start !== false) session.start();

  const options = (): SocketClientOptions => {
    const o = connects[0];
    if (!o) throw new Error('the session has not connected');
    return o;
  };
  return {
    storage,
    session,
    client,
    connects,
    emitted,
    options,
    deliver: (frame: ServerFrame) => options().onFrame(real(frame)),
    hello: () => options().hello(),
    messages: () => sentOf({ client }, 'message.send'),
    /** The outbox as another tab (or the next page) reads it from storage. */
    storedOutbox: () => new Outbox(storage, KEYS.outbox).list(),
    /** Every key the outbox's messages are stored under. */
    outboxKeys: () => storage.keys(KEYS.outbox),
    storedSession: () => JSON.parse(storage.get(KEYS.session) ?? 'null') as unknown,
    seqs: () => session.view.events.map((e) => e.seq),
  };
}

export type Harness = ReturnType<typeof setup>;

/** A returning visitor in conv-1 holding events 1..n. */
export function holding(n: number, init: Parameters<typeof setup>[0] = {}): Harness {
  const t = setup({ stored: STORED, ...init });
  t.deliver(welcome({ id: 'conv-1', lastSeq: n }));
  t.deliver(history('conv-1', range(1, n), true));
  return t;
}

