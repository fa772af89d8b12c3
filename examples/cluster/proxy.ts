/**
 * @module A small round-robin TCP proxy for trying Papo on several nodes (issue 14): each client connection
 * goes to the next backend in turn and its bytes are piped both ways untouched, so HTTP keep-alive and the
 * WebSocket upgrade pass through as they are. A backend that refuses the connection is skipped for that
 * connection, so killing a node sends the widget's reconnect to a live one. Not for production: a real
 * load balancer also drains nodes by `/readyz` (README, "Run several nodes").
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface Proxy {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Connections handed to each backend so far, in backend order (tests check the spread). */
  counts(): number[];
  /** Stops listening and cuts every connection it carries. */
  close(): Promise<void>;
}

/** How long a backend may take to accept before the next one is tried. */
const CONNECT_TIMEOUT_MS = 2_000;

/** `'127.0.0.1:8801'`, `'http://127.0.0.1:8801'` or `{ host, port }`. */
export function parseBackend(spec: string | Backend): Backend {
  if (typeof spec !== 'string') return spec;
  const url = new URL(spec.includes('://') ? spec : `tcp://${spec}`);
  const port = Number(url.port);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`backend "${spec}" has no port`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/**
 * Listens on `port` (0: any free one) on 127.0.0.1 and spreads connections over `backends` in turn.
 *
 * @example const proxy = await startProxy(['127.0.0.1:8801', '127.0.0.1:8802'], 8800);
 */
export async function startProxy(backends: ReadonlyArray<string | Backend>, port = 0, host = '127.0.0.1'): Promise<Proxy> {
  const targets = backends.map(parseBackend);
  if (targets.length === 0) throw new Error('startProxy needs at least one backend');
  const counts = targets.map(() => 0);
  const open = new Set<Socket>();
  let next = 0;

  const server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    // What the client sends before a backend accepts waits here (the request line, the upgrade).
    client.pause();
    const first = next;
    next = (next + 1) % targets.length;
    tryBackend(client, first, 0);
  });

  function tryBackend(client: Socket, index: number, tried: number): void {
    if (client.destroyed) return;
    if (tried >= targets.length) {
      client.destroy();
      return;
    }
    const target = targets[index]!;
    const upstream = connect({ host: target.host, port: target.port });
    let connected = false;
    upstream.setTimeout(CONNECT_TIMEOUT_MS, () => {
      if (!connected) upstream.destroy(new Error('connect timeout'));
    });
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      counts[index]!++;
      open.add(upstream);
      upstream.on('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      // Refused or timed out before connecting: the next backend gets this client. After connecting, a
      // reset ends both sides (the 'close' above) and the client reconnects as it would to a dead node.
      if (!connected) tryBackend(client, (index + 1) % targets.length, tried + 1);
      upstream.destroy();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    counts: () => [...counts],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
