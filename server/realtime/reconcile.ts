/**
 * @module Issue 14 (scale-out.md §1.3 row 25): a node checks what its sockets watch against the store when
 * the bus may have lost messages: at every resync (Redis came back, a peer node died) and every
 * `reconcileMs` while the bus can lose them at all (never on the memory bus). A live event that skips a seq
 * shows a gap by itself (delivery.ts); this finds the gap no later event shows: the last events of a
 * conversation whose publish was lost (a node killed between its commit and its publish).
 *
 * One read per watched conversation per run, shared by every socket of this node watching it, a few at a
 * time; the sockets then fill what they lack. Both role handlers of a gateway share one deps object and so
 * one reconciler, made with the first socket: nothing to wire in the gateway or the app.
 */
import type { ConversationSummary } from '../../shared/protocol';
import type { Bus } from '../bus/bus';
import type { Logger } from '../log';
import type { ConversationService } from '../services/conversations';
import { systemTimers, unref, type Timers } from '../services/timers';

/** The periodic check's default interval. */
export const RECONCILE_MS = 10_000;

/** A welcomed socket as the reconciler sees it (connection.ts). */
export interface Reconciled {
  /** The conversations it watches now. */
  watching(): Iterable<string>;
  /** Fills what it lacks of `current` (the store's view now; null: deleted). */
  reconcile(current: ReadonlyMap<string, ConversationSummary | null>, resync: boolean): Promise<void> | void;
}

export interface ReconcileDeps {
  bus: Pick<Bus, 'onResync' | 'lossless'>;
  conversations: Pick<ConversationService, 'summaries'>;
  log: Pick<Logger, 'warn'>;
  reconcileMs?: number;
  timers?: Timers;
}

export class Reconciler {
  readonly #sockets = new Set<Reconciled>();
  readonly #deps: ReconcileDeps;
  readonly #timers: Timers;
  #offResync: (() => void) | null = null;
  #timer: unknown = null;
  /** The run in flight; a resync asked for meanwhile runs once it is done (`#again`). */
  #running: Promise<void> | null = null;
  #again: boolean | null = null;

  constructor(deps: ReconcileDeps) {
    this.#deps = deps;
    this.#timers = deps.timers ?? systemTimers;
  }

  get size(): number {
    return this.#sockets.size;
  }

  /** Follows `socket` until {@link delete} (its close; no closure per socket, issue 12). */
  add(socket: Reconciled): void {
    this.#sockets.add(socket);
    if (this.#sockets.size === 1) this.#start();
  }

  delete(socket: Reconciled): void {
    if (this.#sockets.delete(socket) && this.#sockets.size === 0) this.#stop();
  }

  /** Reads what the sockets watch and has each fill what it lacks; resolves when the run is done. */
  run(resync: boolean): Promise<void> {
    if (this.#running) {
      this.#again = (this.#again ?? false) || resync;
      return this.#running;
    }
    this.#running = this.#run(resync)
      .catch((err: unknown) => this.#deps.log.warn('could not reconcile watched conversations with the store', { err }))
      .finally(() => {
        this.#running = null;
        const again = this.#again;
        this.#again = null;
        if (again !== null) void this.run(again);
      });
    return this.#running;
  }

  async #run(resync: boolean): Promise<void> {
    const sockets = [...this.#sockets];
    const ids = new Set<string>();
    for (const socket of sockets) for (const id of socket.watching()) ids.add(id);
    const current = ids.size > 0 ? await this.#deps.conversations.summaries([...ids]) : new Map<string, ConversationSummary | null>();
    const done: Array<Promise<void> | void> = [];
    for (const socket of sockets) {
      if (this.#sockets.has(socket)) done.push(socket.reconcile(current, resync));
    }
    await Promise.all(done);
  }

  #start(): void {
    this.#offResync = this.#deps.bus.onResync(() => void this.run(true));
    if (!this.#deps.bus.lossless) this.#arm();
  }

  #stop(): void {
    this.#offResync?.();
    this.#offResync = null;
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    this.#timer = unref(
      this.#timers.setTimeout(() => {
        this.#timer = null;
        void this.run(false).finally(() => {
          if (this.#sockets.size > 0 && this.#timer === null) this.#arm();
        });
      }, this.#deps.reconcileMs ?? RECONCILE_MS),
    );
  }
}

const reconcilers = new WeakMap<object, Reconciler>();

/** The reconciler of the sockets served with `deps` (one gateway's), made at its first use. */
export function reconcilerFor(deps: ReconcileDeps): Reconciler {
  let reconciler = reconcilers.get(deps);
  if (!reconciler) reconcilers.set(deps, (reconciler = new Reconciler(deps)));
  return reconciler;
}
