/**
 * @module A minimal client of the Node inspector protocol (Chrome DevTools Protocol over WebSocket), for
 * reading a server's V8 heap and forcing a full GC from outside it: the server runs with
 * `--inspect=127.0.0.1:0` (bench/procs.ts) and needs no debug hook of its own.
 */
import WebSocket from 'ws';

export class Inspector {
  #nextId = 0;
  readonly #pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (!waiter) return;
      this.#pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
      else waiter.resolve(message.result);
    });
    ws.on('close', () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error('inspector connection closed'));
      this.#pending.clear();
    });
  }

  /** Connects to the `ws://` URL the process printed ("Debugger listening on ..."). */
  static connect(url: string): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => {
        ws.removeAllListeners('error');
        ws.on('error', () => {});
        resolve(new Inspector(ws));
      });
      ws.once('error', reject);
    });
  }

  call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.#nextId;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Bytes of the V8 heap in use (live objects and garbage not yet collected). */
  async heapUsed(): Promise<number> {
    return (await this.call<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
  }

  /** A full, blocking GC of the server's heap (twice: the first may leave objects that weak callbacks free). */
  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
  }

  close(): void {
    this.ws.close();
  }
}
