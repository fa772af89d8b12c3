/**
 * @module Clients that roam a cluster as they would behind a load balancer: each connects to a node, and when
 * its socket drops (the node was killed) it connects to the next live node, says hello with where it stood
 * and resends its outbox with the same client ids (SPEC D5, D7). Visitors keep one conversation; agents
 * watch the conversations they hold and reply. Every event each receives is recorded, so a test can compare
 * what every client saw with the database's log, and every ack, so it can check each is stored once at its
 * seq. `checkConversations` makes those comparisons.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerFrame } from '../../../shared/protocol';
import { visibleToVisitor } from '../../domain/conversation';
import { TestSocket } from '../clients';
import { lastSeqs, sleep, storedLog, type Cluster, type ClusterNode, type StoredEvent } from './harness';

export interface Sent {
  clientId: string;
  text: string;
  conversationId: string | null;
}

/**
 * A history frame the client can append: a replay after what it holds, or a snapshot that is the whole log
 * (a first watch from seq 0 is answered with the newest page, which for a short conversation is all of it).
 */
function wholeOrReplay(frame: Extract<ServerFrame, { type: 'history' }>): boolean {
  return !frame.reset || ((frame.events[0]?.seq ?? 1) === 1 && !frame.hasMore);
}

/** What every roaming client keeps: an outbox, its acks and the node it is on. */
abstract class Roamer {
  socket: TestSocket | null = null;
  node: ClusterNode | null = null;
  /** True between a welcome and the socket's close: new messages go on the wire only then. */
  welcomed = false;
  /** Everything this client ever sent, in order. */
  readonly sent: Sent[] = [];
  /** Not acknowledged yet, in send order (a Map keeps insertion order). */
  readonly outbox = new Map<string, Sent>();
  readonly acked = new Map<string, number>();
  readonly ackCount = new Map<string, number>();
  readonly problems: string[] = [];
  readonly sockets: TestSocket[] = [];
  /** Nodes this client was welcomed on, in order. */
  readonly nodes: string[] = [];
  /** A test's own look at every frame, after the client's. */
  readonly listeners: Array<(frame: ServerFrame) => void> = [];
  #stopped = false;
  #reconnecting: Promise<void> | null = null;

  constructor(
    readonly cluster: Cluster,
    readonly name: string,
  ) {}

  protected abstract url(node: ClusterNode): string;
  protected abstract headers(node: ClusterNode): Record<string, string>;
  protected abstract hello(): object;
  /** After the welcome, before the outbox is resent (an agent watches its conversations again here). */
  protected afterWelcome(): void {}
  protected abstract onFrame(frame: ServerFrame): void;

  /** Connects to `node` and waits for the welcome; then resends the outbox in order. */
  async connect(node: ClusterNode): Promise<void> {
    const socket = await TestSocket.open(this.url(node), this.headers(node));
    socket.ws.on('message', (data) => this.#frame(JSON.parse(data.toString()) as ServerFrame));
    this.socket = socket;
    this.node = node;
    this.sockets.push(socket);
    void socket.closed.then(({ code }) => this.#closed(socket, code));
    socket.send(this.hello());
    await socket.next('welcome', undefined, 20_000);
  }

  #frame(frame: ServerFrame): void {
    if (frame.type === 'welcome') {
      this.onFrame(frame);
      this.welcomed = true;
      this.nodes.push(this.node!.id);
      this.afterWelcome();
      // SPEC D7: the outbox again, in order, with the same client ids.
      for (const message of this.outbox.values()) this.transmit(message);
      return;
    }
    if (frame.type === 'ack') {
      this.outbox.delete(frame.clientId);
      this.acked.set(frame.clientId, frame.seq);
      this.ackCount.set(frame.clientId, (this.ackCount.get(frame.clientId) ?? 0) + 1);
    }
    this.onFrame(frame);
    for (const listener of this.listeners) listener(frame);
  }

  #closed(socket: TestSocket, code: number): void {
    if (this.socket !== socket) return;
    this.welcomed = false;
    if (this.#stopped) return;
    if (code !== 1006 && code !== 1001) this.problems.push(`${this.name}: closed by ${this.node?.id} with ${code}`);
    this.#reconnecting ??= this.#roam().finally(() => (this.#reconnecting = null));
  }

  /** The next live node after the one that dropped us, as a load balancer would pick; retried until one answers. */
  async #roam(): Promise<void> {
    let node = this.node;
    const deadline = Date.now() + 60_000;
    while (!this.#stopped) {
      await sleep(50 + Math.random() * 150);
      try {
        node = this.cluster.nextLive(node);
        await this.connect(node);
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          this.problems.push(`${this.name}: could not reconnect within 60 s: ${String(err)}`);
          return;
        }
      }
    }
  }

  /** Settled when no reconnect is under way. */
  async settled(): Promise<void> {
    while (this.#reconnecting) await this.#reconnecting;
  }

  protected transmit(message: Sent): void {
    if (!this.welcomed || this.socket?.ws.readyState !== WebSocket.OPEN) return;
    this.socket.send({ type: 'message.send', clientId: message.clientId, text: message.text, ...(message.conversationId ? { conversationId: message.conversationId } : {}) });
  }

  /** A new message: into the outbox, then onto the socket if there is one (it waits in the outbox otherwise). */
  send(text: string, conversationId: string | null): Sent {
    const message = { clientId: randomUUID(), text, conversationId };
    this.sent.push(message);
    this.outbox.set(message.clientId, message);
    this.transmit(message);
    return message;
  }

  /** Closes for good: no reconnect. */
  close(): void {
    this.#stopped = true;
    this.socket?.ws.close();
  }
}

/** A visitor as the widget behaves: its token, its one conversation, the highest seq it holds. */
export class ChatVisitor extends Roamer {
  token: string | null = null;
  conversationId: string | null = null;
  /** Seqs of the events it received (history and live), in arrival order, across connections. */
  readonly seen: number[] = [];
  readonly histories: Array<{ reset: boolean; events: number }> = [];

  constructor(
    cluster: Cluster,
    name: string,
    /** More upgrade headers (X-Forwarded-For) and hello fields (`queue`, `page`). */
    readonly extra: { headers?: Record<string, string>; hello?: Record<string, unknown> } = {},
  ) {
    super(cluster, name);
  }

  protected url(node: ClusterNode): string {
    return `${node.wsUrl}?role=visitor&site=${encodeURIComponent(this.cluster.siteKey)}`;
  }

  protected headers(): Record<string, string> {
    return { origin: this.cluster.publicUrl, ...this.extra.headers };
  }

  highest(): number {
    return this.seen.length === 0 ? 0 : Math.max(...this.seen);
  }

  protected hello(): object {
    const resume = this.conversationId ? { conversationId: this.conversationId, afterSeq: this.highest() } : null;
    return { type: 'hello', v: PROTOCOL_VERSION, token: this.token, resume, ...this.extra.hello };
  }

  protected onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        if (frame.session.role === 'visitor') this.token = frame.session.token;
        return;
      case 'ack':
        this.conversationId ??= frame.conversationId;
        if (frame.conversationId !== this.conversationId) this.problems.push(`${this.name}: ack in another conversation: ${JSON.stringify(frame)}`);
        return;
      case 'event':
        this.conversationId ??= frame.event.conversationId;
        if (frame.event.conversationId !== this.conversationId) return void this.problems.push(`${this.name}: event of another conversation`);
        this.seen.push(frame.event.seq);
        return;
      case 'history':
        if (frame.conversationId !== this.conversationId) return void this.problems.push(`${this.name}: history of another conversation`);
        this.histories.push({ reset: frame.reset, events: frame.events.length });
        if (!wholeOrReplay(frame)) this.problems.push(`${this.name}: a reset history that is not the whole log (more than a replay's worth behind)`);
        for (const event of frame.events) this.seen.push(event.seq);
        return;
      case 'error':
        this.problems.push(`${this.name}: error frame ${JSON.stringify(frame)}`);
        return;
      default:
        return;
    }
  }

  /** The first message opens the conversation; answers once it is acked. */
  async open(node: ClusterNode, text: string): Promise<string> {
    await this.connect(node);
    const first = this.send(text, null);
    const deadline = Date.now() + 20_000;
    while (!this.acked.has(first.clientId)) {
      if (Date.now() > deadline) throw new Error(`${this.name}: the first message was not acked`);
      await sleep(10);
    }
    return this.conversationId!;
  }

  say(text: string): Sent {
    return this.send(text, this.conversationId);
  }
}

/** An agent console: watches the conversations it holds, replies to every `replyEvery`th visitor message. */
export class ChatAgent extends Roamer {
  /** Per watched conversation: the seqs received (history and live), in arrival order. */
  readonly seen = new Map<string, number[]>();
  readonly #visitorMessages = new Map<string, number>();

  constructor(
    cluster: Cluster,
    name: string,
    readonly cookie: string,
    /** 0: never reply by itself. */
    readonly replyEvery = 5,
  ) {
    super(cluster, name);
  }

  protected url(node: ClusterNode): string {
    return `${node.wsUrl}?role=agent`;
  }

  protected headers(): Record<string, string> {
    return { origin: this.cluster.publicUrl, cookie: this.cookie };
  }

  protected hello(): object {
    return { type: 'hello', v: PROTOCOL_VERSION };
  }

  highest(conversationId: string): number {
    const seen = this.seen.get(conversationId) ?? [];
    return seen.length === 0 ? 0 : Math.max(...seen);
  }

  /** SPEC D5 on a new node: each watched conversation from the highest seq this console holds. */
  protected override afterWelcome(): void {
    for (const id of this.seen.keys()) this.socket!.send({ type: 'watch', conversationId: id, afterSeq: this.highest(id) });
  }

  /** Starts following a conversation from its beginning. */
  watch(conversationId: string): void {
    if (this.seen.has(conversationId)) return;
    this.seen.set(conversationId, []);
    if (this.welcomed) this.socket!.send({ type: 'watch', conversationId, afterSeq: 0 });
  }

  protected onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'event': {
        const seen = this.seen.get(frame.event.conversationId);
        if (!seen) return void this.problems.push(`${this.name}: event of an unwatched conversation ${frame.event.conversationId}`);
        seen.push(frame.event.seq);
        if (frame.event.kind === 'message' && frame.event.author.kind === 'visitor') this.#visitorSaid(frame.event.conversationId);
        return;
      }
      case 'history': {
        const seen = this.seen.get(frame.conversationId);
        if (!seen) return void this.problems.push(`${this.name}: history of an unwatched conversation`);
        if (!wholeOrReplay(frame)) this.problems.push(`${this.name}: a reset history that is not the whole log (more than a replay's worth behind)`);
        for (const event of frame.events) {
          seen.push(event.seq);
          if (event.kind === 'message' && event.author.kind === 'visitor') this.#visitorSaid(frame.conversationId);
        }
        return;
      }
      case 'gone':
        // SPEC R10: conversations another agent claims leave this console's lists; one it holds never should.
        if (this.seen.has(frame.conversationId)) this.problems.push(`${this.name}: gone ${frame.conversationId}, which it holds`);
        return;
      case 'error':
        this.problems.push(`${this.name}: error frame ${JSON.stringify(frame)}`);
        return;
      default:
        return;
    }
  }

  #visitorSaid(conversationId: string): void {
    const n = (this.#visitorMessages.get(conversationId) ?? 0) + 1;
    this.#visitorMessages.set(conversationId, n);
    if (this.replyEvery > 0 && n % this.replyEvery === 0) this.send(`${this.name} responde à mensagem ${n}`, conversationId);
  }
}

/**
 * The database against the clients, for conversations each held by one visitor and watched by one agent:
 * - SPEC D1: seqs 1..last_seq without a gap, and last_seq is the highest;
 * - D3: every client id stored once; every message every client sent is stored exactly once, a client's in
 *   the order it sent them (D2);
 * - D4: every ack names the seq its message is stored at, and each client id was acked once;
 * - D5/D6: every client's received seqs equal the log filtered by its audience, no gaps, no repeats.
 */
export async function checkConversations(cluster: Cluster, visitors: readonly ChatVisitor[], agents: readonly ChatAgent[]): Promise<{ events: number; messages: number }> {
  const ids = visitors.map((v) => v.conversationId!);
  const log = await storedLog(cluster, ids);
  const last = await lastSeqs(cluster, ids);
  let events = 0;
  let messages = 0;
  for (const visitor of visitors) {
    expect(visitor.problems, visitor.name).toEqual([]);
    for (const socket of visitor.sockets) expect(socket.invalid, visitor.name).toEqual([]);
    const stored = log.get(visitor.conversationId!)!;
    events += stored.length;
    expect(stored.map((e) => e.seq), `${visitor.name}: seqs`).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(last.get(visitor.conversationId!), `${visitor.name}: last_seq`).toBe(stored.length);
    const clientIds = stored.filter((e) => e.client_id !== null).map((e) => e.client_id);
    expect(new Set(clientIds).size, `${visitor.name}: a client id stored twice`).toBe(clientIds.length);
    checkSender(visitor, stored);
    messages += visitor.sent.length;
    const visible = stored.filter((e) => visibleToVisitor(e.kind)).map((e) => e.seq);
    expect(visitor.seen, `${visitor.name}: what it received`).toEqual(visible);
  }
  for (const agent of agents) {
    expect(agent.problems, agent.name).toEqual([]);
    for (const socket of agent.sockets) expect(socket.invalid, agent.name).toEqual([]);
    for (const [conversationId, seen] of agent.seen) {
      const stored = log.get(conversationId);
      if (!stored) throw new Error(`${agent.name} watched ${conversationId}, which no visitor of the test holds`);
      expect(seen, `${agent.name} in ${conversationId}: what it received`).toEqual(stored.map((e) => e.seq));
      checkSender(agent, stored, conversationId);
    }
    messages += agent.sent.length;
  }
  return { events, messages };
}

/** D2, D3, D4 for one sender in one conversation's log. */
function checkSender(client: Roamer, stored: StoredEvent[], conversationId?: string): void {
  const mine = client.sent.filter((m) => conversationId === undefined || m.conversationId === conversationId);
  const ids = new Set(mine.map((m) => m.clientId));
  const storedMine = stored.filter((e) => e.client_id !== null && ids.has(e.client_id));
  expect(storedMine.map((e) => e.client_id), `${client.name}: its messages, once each, in the order sent`).toEqual(mine.map((m) => m.clientId));
  expect(storedMine.map((e) => e.text), `${client.name}: their texts`).toEqual(mine.map((m) => m.text));
  const bySeq = new Map(stored.map((e) => [e.seq, e]));
  for (const m of mine) {
    expect(client.outbox.has(m.clientId), `${client.name}: ${m.clientId} never acked`).toBe(false);
    expect(bySeq.get(client.acked.get(m.clientId)!)?.client_id, `${client.name}: ack of ${m.clientId} names its seq`).toBe(m.clientId);
    expect(client.ackCount.get(m.clientId), `${client.name}: acks of ${m.clientId}`).toBe(1);
  }
}

/**
 * Waits until nothing is left to send and every client holds its conversation's whole log (its audience's
 * part): a quiet moment in which the clients' last seqs equal the database's, twice in a row.
 */
export async function converged(cluster: Cluster, visitors: readonly ChatVisitor[], agents: readonly ChatAgent[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let lastReport = '';
  for (;;) {
    await Promise.all([...visitors, ...agents].map((c) => c.settled()));
    const ids = visitors.map((v) => v.conversationId!);
    const log = await storedLog(cluster, ids);
    const behind: string[] = [];
    for (const c of [...visitors, ...agents]) if (c.outbox.size > 0) behind.push(`${c.name}: ${c.outbox.size} unacked`);
    for (const v of visitors) {
      const stored = log.get(v.conversationId!)!;
      const want = stored.filter((e) => visibleToVisitor(e.kind)).at(-1)?.seq ?? 0;
      if (v.highest() !== want) behind.push(`${v.name} (on ${v.node?.id}): holds ${v.highest()} of ${want}`);
    }
    for (const a of agents) {
      for (const id of a.seen.keys()) {
        const want = log.get(id)?.at(-1)?.seq ?? 0;
        if (a.highest(id) !== want) behind.push(`${a.name} (on ${a.node?.id}) in ${id}: holds ${a.highest(id)} of ${want}`);
      }
    }
    quiet = behind.length === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    lastReport = behind.slice(0, 10).join('; ');
    if (Date.now() > deadline) throw new Error(`the clients did not converge within ${timeoutMs} ms: ${lastReport}`);
    await sleep(250);
  }
}
