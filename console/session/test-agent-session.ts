/**
 * @module Fixtures of the AgentSession tests (test code only). AgentSession has no injection point: start()
 * reads `location.origin` and builds its socket with createSocketClient's browser environment
 * (globalThis.WebSocket, setTimeout, window and document listeners). `useBrowserFakes()` provides those few
 * globals as fakes (no DOM library) and vitest's fake timers around every test of the file that calls it.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import {
  parseServerFrame,
  PROTOCOL_VERSION,
  type AgentPresence,
  type AgentProfile,
  type ClientFrame,
  type ConversationEvent,
  type ConversationSummary,
  type QueueInfo,
  type ServerFrame,
} from '../../shared/protocol';
import { fakeWebSocketClass, type FakeSocket } from '../../shared/test/fake-websocket';
import { summaryFixture } from '../../shared/test/summary';
import { AgentSession } from './agent-session';
import type { Alert } from './notifications';

// ---------------------------------------------------------------------------------------------------------
// Browser fakes

export class FakeEventTarget {
  readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  count(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
  dispatch(type: string): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }
}

export const sockets: FakeSocket[] = [];
/** Every frame a test feeds in must be a valid server frame. */
const FakeWebSocket = fakeWebSocketClass(sockets, (text) => {
  if (!parseServerFrame(text).ok) throw new Error(`not a valid server frame: ${text}`);
});

/** The fake window and document of the running test. */
export const browser = {
  win: new FakeEventTarget(),
  doc: Object.assign(new FakeEventTarget(), { visibilityState: 'visible' }),
};

/** Registers the fakes around each test of the calling file. */
export function useBrowserFakes(): void {
  beforeEach(() => {
    sockets.length = 0;
    browser.win = new FakeEventTarget();
    browser.doc = Object.assign(new FakeEventTarget(), { visibilityState: 'visible' });
    vi.useFakeTimers();
    vi.stubGlobal('location', { origin: 'https://console.example' });
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.stubGlobal('window', browser.win);
    vi.stubGlobal('document', browser.doc);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
}

// ---------------------------------------------------------------------------------------------------------
// Frames

export const AGENT: AgentProfile = { id: 'agent-1', name: 'Ana', email: 'ana@example.com', role: 'agent' };
export const SUPERVISOR: AgentProfile = { id: 'sup-1', name: 'Sara', email: 'sara@example.com', role: 'supervisor' };

export function summary(id: string, patch: Partial<ConversationSummary> = {}): ConversationSummary {
  return summaryFixture({ id, visitorId: `visitor-${id}`, ...patch });
}

export function presenceOf(agent: AgentProfile, patch: Partial<AgentPresence> = {}): AgentPresence {
  return { id: agent.id, name: agent.name, role: agent.role, state: 'available', capacity: 3, queueIds: [], since: 0, ...patch };
}

export interface WelcomeOptions {
  agent?: AgentProfile;
  presence?: AgentPresence[];
  queues?: QueueInfo[];
}

export const welcome = (conversations: ConversationSummary[], o: WelcomeOptions = {}): ServerFrame => ({
  type: 'welcome',
  v: PROTOCOL_VERSION,
  session: { role: 'agent', agent: o.agent ?? AGENT, conversations, presence: o.presence ?? [presenceOf(o.agent ?? AGENT)], queues: o.queues ?? [] },
});

export function ev(conversationId: string, seq: number, patch: Partial<ConversationEvent> = {}): ConversationEvent {
  return {
    conversationId,
    seq,
    kind: 'message',
    author: { kind: 'visitor', id: 'visitor-1', name: null },
    clientId: null,
    text: `text ${seq}`,
    at: 10_000 + seq,
    ...patch,
  };
}

export const range = (conversationId: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(conversationId, from + i));

export const history = (conversationId: string, events: ConversationEvent[], reset: boolean): ServerFrame => ({
  type: 'history',
  conversationId,
  events,
  reset,
  lastSeq: events.at(-1)?.seq ?? 0,
  hasMore: false,
});

// ---------------------------------------------------------------------------------------------------------

/** A started session with its fake socket: `online()` opens it and sends the welcome. */
export function started(
  conversations: ConversationSummary[] = [summary('c1'), summary('c2')],
  fetchOlder: ConstructorParameters<typeof AgentSession>[1] = () => Promise.reject(new Error('no HTTP in this test')),
  welcomeOptions: WelcomeOptions = {},
) {
  const refused = vi.fn();
  const session = new AgentSession(refused, fetchOlder);
  const alerts: Alert[] = [];
  session.onAlert((a) => alerts.push(a));
  session.start();
  const socket = (): FakeSocket => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket');
    return s;
  };
  const online = () => {
    socket().open();
    socket().receive(welcome(conversations, welcomeOptions));
  };
  const sentOf = (type: ClientFrame['type']) => sockets.flatMap((s) => s.frames().filter((f) => f.type === type));
  return { session, refused, socket, online, sentOf, alerts };
}
