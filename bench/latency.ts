/**
 * @module Delivery latency at a fixed rate (open loop): messages go out at `rate` per second in total,
 * round-robin over the sockets, whatever the answers do. Each message's send time is kept under its
 * clientId; its latency is the time until the matching frame comes back (the echo, or the agent's event).
 *
 * Run twice in one bench: against the raw `ws` echo server (the baseline) and against Papo (visitor sends
 * `message.send` -> the agent receives the `event` frame, published only after the commit).
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { closeAll, frameType, inBatches, openWs } from './clients';
import type { Fleet } from './fleet';
import { messagePrefix } from './fleet';
import { startEcho, startRelay } from './procs';
import { nowNs, sleep, summarize, type LatencySummary } from './stats';

export interface RateOptions {
  /** Messages per second, all sockets together. */
  rate: number;
  warmupS: number;
  measureS: number;
  /** How long to wait after the last send for the answers still on their way. */
  drainMs: number;
}

export interface LatencyResult extends LatencySummary {
  sockets: number;
  targetRate: number;
  /** Messages sent in the measured window, per second. */
  sentRate: number;
  /** Of those, answered per second (same window length). */
  receivedRate: number;
  sent: number;
  received: number;
  /** Sent in the measured window and never answered within the drain time. */
  lost: number;
  /** Frames naming a clientId the bench did not send or already counted (should be 0). */
  unexpected: number;
  /** Error frames the server sent during the run (should be 0). */
  errors: number;
}

/** The open-loop sender and its latency recorder. */
export class OpenLoop {
  readonly #sentAt = new Map<string, number>();
  readonly #samples: number[] = [];
  #measureStart = Number.POSITIVE_INFINITY;
  #measureEnd = Number.POSITIVE_INFINITY;
  #measuredSent = 0;
  #unexpected = 0;
  errors = 0;

  /** Call when the answer for `clientId` arrives. */
  received(clientId: unknown): void {
    const t = nowNs();
    const sent = typeof clientId === 'string' ? this.#sentAt.get(clientId) : undefined;
    if (sent === undefined) {
      this.#unexpected++;
      return;
    }
    this.#sentAt.delete(clientId as string);
    if (sent >= this.#measureStart && sent < this.#measureEnd) this.#samples.push(t - sent);
  }

  async run(
    sockets: readonly WebSocket[],
    frameFor: (socket: number, clientId: string) => string,
    { rate, warmupS, measureS, drainMs }: RateOptions,
  ): Promise<LatencyResult> {
    const n = sockets.length;
    const start = nowNs();
    this.#measureStart = start + warmupS * 1e9;
    this.#measureEnd = this.#measureStart + measureS * 1e9;
    const end = this.#measureEnd;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const t = nowNs();
        const due = Math.floor(((Math.min(t, end) - start) / 1e9) * rate);
        while (sent < due) {
          const i = sent % n;
          const clientId = randomUUID();
          const frame = frameFor(i, clientId);
          const at = nowNs();
          if (at >= end) break;
          this.#sentAt.set(clientId, at);
          if (at >= this.#measureStart) this.#measuredSent++;
          sockets[i]!.send(frame);
          sent++;
        }
        if (t >= end) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 1);
    });
    const drainUntil = Date.now() + drainMs;
    while (this.#samples.length < this.#measuredSent && Date.now() < drainUntil) await sleep(20);
    const summary = summarize(this.#samples);
    return {
      sockets: n,
      targetRate: rate,
      sentRate: this.#measuredSent / measureS,
      receivedRate: this.#samples.length / measureS,
      sent: this.#measuredSent,
      received: this.#samples.length,
      lost: this.#measuredSent - this.#samples.length,
      unexpected: this.#unexpected,
      errors: this.errors,
      ...summary,
    };
  }
}

/** Baseline: the same load against a bare `ws` echo server in its own process. */
export async function echoLatency(sockets: number, options: RateOptions, log: (line: string) => void): Promise<LatencyResult> {
  const echo = await startEcho();
  const clients: WebSocket[] = [];
  try {
    log(`echo: opening ${sockets} sockets`);
    clients.push(...(await inBatches(sockets, 100, () => openWs(echo.wsUrl))));
    const loop = new OpenLoop();
    for (const ws of clients) {
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { clientId?: unknown };
        loop.received(frame.clientId);
      });
    }
    // Same frame shape and size as a visitor's message.send (a conversation id is 36 characters too).
    const prefix = clients.map(() => messagePrefix(randomUUID()));
    log(`echo: ${options.rate} msg/s for ${options.warmupS} s warm-up + ${options.measureS} s`);
    return await loop.run(clients, (i, id) => `${prefix[i]!}${id}"}`, options);
  } finally {
    await closeAll(clients);
    await echo.stop();
  }
}

/**
 * The durable floor (issue 12): the same load through a bare relay that commits each frame (`each`) or each
 * loop turn's frames (`group`) to SQLite with synchronous=FULL before forwarding it to one receiving socket,
 * as Papo forwards every visitor's message to the one agent.
 */
export async function relayLatency(
  mode: 'each' | 'group',
  sockets: number,
  options: RateOptions,
  log: (line: string) => void,
): Promise<LatencyResult> {
  const relay = await startRelay(mode);
  const clients: WebSocket[] = [];
  try {
    log(`relay (${mode}): opening 1 receiver and ${sockets} sockets`);
    const sink = await openWs(`${relay.wsUrl}?role=sink`);
    clients.push(sink);
    const senders = await inBatches(sockets, 100, () => openWs(relay.wsUrl));
    clients.push(...senders);
    const loop = new OpenLoop();
    sink.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { clientId?: unknown };
      loop.received(frame.clientId);
    });
    const prefix = senders.map(() => messagePrefix(randomUUID()));
    log(`relay (${mode}): ${options.rate} msg/s for ${options.warmupS} s warm-up + ${options.measureS} s`);
    return await loop.run(senders, (i, id) => `${prefix[i]!}${id}"}`, options);
  } finally {
    await closeAll(clients);
    const code = await relay.stop();
    if (code !== '0') log(`the relay (${mode}) exited with ${code}:\n${relay.tail()}`);
  }
}

/** Papo: visitor `message.send` -> the watching agent's `event` frame with that clientId. */
export async function papoLatency(fleet: Fleet, options: RateOptions, log: (line: string) => void): Promise<LatencyResult> {
  const loop = new OpenLoop();
  const onVisitorFrame = (data: Buffer) => {
    if (frameType(data) === 'error') {
      if (loop.errors++ === 0) log(`first error frame to a visitor: ${data.toString('utf8').slice(0, 300)}`);
    }
  };
  for (const ws of fleet.visitors) ws.on('message', onVisitorFrame);
  fleet.agent.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as { type: string; event?: { kind?: string; clientId?: unknown } };
    if (frame.type === 'event' && frame.event?.kind === 'message') loop.received(frame.event.clientId);
    else if (frame.type === 'error' && loop.errors++ === 0) log(`first error frame to the agent: ${data.toString('utf8').slice(0, 300)}`);
  });
  try {
    log(`papo: ${options.rate} msg/s over ${fleet.visitors.length} visitors for ${options.warmupS} s warm-up + ${options.measureS} s`);
    return await loop.run(fleet.visitors, (i, id) => `${fleet.framePrefix[i]!}${id}"}`, options);
  } finally {
    for (const ws of fleet.visitors) ws.removeAllListeners('message');
    fleet.agent.removeAllListeners('message');
  }
}
