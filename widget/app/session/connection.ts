/**
 * @module The session's socket over its life. The socket client (shared/socket-client.ts) connects,
 * reconnects with backoff and notices a dead connection; this holds whether there should be one at all, as
 * one state at a time with what that state holds (tldraw's TLSyncRoom models its sessions so), instead of a
 * nullable socket beside a `started` flag:
 *
 * - `idle`: never started, or `reset()`: nothing connects until `start()`; `identify()` only remembers.
 * - `live`: started; the socket client is connecting, online or retrying, and other tabs' changes are heard.
 * - `refused`: the server refused the visitor's identity (SPEC W6): reconnecting cannot help, so the socket
 *   is closed; `identify()` (or a `start()`) connects again.
 * - `stopped`: `stop()` after a start: closed and deaf; `identify()` (or a `start()`) connects again.
 */
import type { ClientFrame } from '../../../shared/protocol';
import type { SocketClient, SocketClientOptions } from '../../../shared/socket-client';

type Life =
  | { state: 'idle' }
  | { state: 'live'; socket: SocketClient; stopListening: () => void }
  | { state: 'refused'; stopListening: () => void }
  | { state: 'stopped' };

export class Connection {
  #life: Life = { state: 'idle' };
  readonly #connect: (options: SocketClientOptions) => SocketClient;
  readonly #options: SocketClientOptions;
  /** Starts hearing other tabs' changes; answers how to stop. */
  readonly #listen: () => () => void;

  /** `options`: where to connect and what to do with what the socket says (the session's). */
  constructor(connect: (options: SocketClientOptions) => SocketClient, options: SocketClientOptions, listen: () => () => void) {
    this.#connect = connect;
    this.#options = options;
    this.#listen = listen;
  }

  /** Which of the four states above (idle, live, refused, stopped) the socket's life is in. */
  get state(): Life['state'] {
    return this.#life.state;
  }

  /** Connects, unless a socket is live already. */
  start(): void {
    const life = this.#life;
    if (life.state === 'live') return;
    // A refused identity left the tab listening; a start listens anew.
    if (life.state === 'refused') life.stopListening();
    const stopListening = this.#listen();
    // The socket client may hand over frames before it returns (a test's does): they see no live socket,
    // and what they would send goes after the next welcome, as for any frame sent while offline.
    const socket = this.#connect(this.#options);
    this.#life = { state: 'live', socket, stopListening };
  }

  /** Closes the socket and stops listening; `idle` stays idle (not started). */
  stop(): void {
    const life = this.#life;
    switch (life.state) {
      case 'idle':
      case 'stopped':
        return;
      case 'live':
        life.socket.stop();
        life.stopListening();
        break;
      case 'refused':
        life.stopListening();
        break;
      default:
        return life satisfies never;
    }
    this.#life = { state: 'stopped' };
  }

  /** `reset()`: closed, and not started any more. */
  reset(): void {
    this.stop();
    this.#life = { state: 'idle' };
  }

  /** The server refused the visitor's identity: the socket closes for good, the tab still hears its storage. */
  refuse(): void {
    const life = this.#life;
    if (life.state !== 'live') return;
    life.socket.stop();
    this.#life = { state: 'refused', stopListening: life.stopListening };
  }

  /** Onto the socket if it is online; dropped otherwise (the session resends after the next welcome). */
  send(frame: ClientFrame): void {
    if (this.#life.state === 'live') this.#life.socket.send(frame);
  }
}
