/**
 * @module A browser WebSocket stand-in for unit tests of the clients (socket client, agent session): it
 * records what is sent and lets a test open it, feed it frames and close it. Test code only.
 */
import type { ClientFrame } from '../protocol';

export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;

export interface FakeSocket {
  readonly url: string;
  readyState: number;
  /** Strings sent while the socket was open. */
  readonly sent: string[];
  readonly closeCalls: Array<{ code: number | undefined; reason: string | undefined }>;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** The server accepted the connection. */
  open(): void;
  /** A frame from the server: objects are sent as JSON, strings as they are. */
  receive(data: unknown): void;
  /** The close event (server closed, network dropped, or the close handshake finished). */
  fireClose(code: number, reason?: string): void;
  /** Frames sent, parsed. */
  frames(): ClientFrame[];
}

/**
 * A WebSocket class whose instances are pushed to `registry`. `check` sees every text a test feeds in
 * (e.g. to insist it is a valid server frame).
 */
export function fakeWebSocketClass(registry: FakeSocket[], check: (text: string) => void = () => undefined): new (url: string) => FakeSocket {
  return class WebSocketFake implements FakeSocket {
    readyState = CONNECTING;
    readonly sent: string[] = [];
    readonly closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = [];
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;

    constructor(readonly url: string) {
      registry.push(this);
    }

    send(data: string): void {
      // As in browsers: an error while connecting, silently dropped once closing.
      if (this.readyState === CONNECTING) throw new Error('InvalidStateError: still connecting');
      if (this.readyState === OPEN) this.sent.push(data);
    }

    close(code?: number, reason?: string): void {
      this.closeCalls.push({ code, reason });
      if (this.readyState < CLOSING) this.readyState = CLOSING;
    }

    open(): void {
      this.readyState = OPEN;
      this.onopen?.({});
    }

    receive(data: unknown): void {
      const payload = typeof data === 'string' || data instanceof ArrayBuffer ? data : JSON.stringify(data);
      if (typeof payload === 'string') check(payload);
      this.onmessage?.({ data: payload });
    }

    fireClose(code: number, reason = ''): void {
      this.readyState = CLOSED;
      this.onclose?.({ code, reason });
    }

    frames(): ClientFrame[] {
      return this.sent.map((s) => JSON.parse(s) as ClientFrame);
    }
  };
}
