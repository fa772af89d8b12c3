/**
 * @module Client sockets for the bench: raw `ws` clients speaking Papo's protocol (visitor and agent), and
 * the helpers to open many of them in batches. Everything here runs in the bench process.
 */
import WebSocket from 'ws';
import type { PapoProcess } from './procs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './procs';

/** Opens a socket with the same options for Papo and the echo baseline (no compression). */
export function openWs(url: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const fail = (err: Error) => {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(err);
    };
    ws.once('open', () => {
      ws.removeAllListeners('error');
      ws.removeAllListeners('unexpected-response');
      // A socket error later shows up as a close; the phases count what is missing.
      ws.on('error', () => {});
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => fail(new Error(`upgrade refused with HTTP ${res.statusCode}: ${body.slice(0, 200)}`)));
    });
    ws.once('error', fail);
  });
}

const TYPE_PREFIX = Buffer.from('{"type":"');

/**
 * The `type` of a server frame without parsing all of it: Papo serialises `type` first. Falls back to
 * JSON.parse for anything else.
 */
export function frameType(data: Buffer): string {
  if (data.length > TYPE_PREFIX.length && data.compare(TYPE_PREFIX, 0, TYPE_PREFIX.length, 0, TYPE_PREFIX.length) === 0) {
    const end = data.indexOf(0x22, TYPE_PREFIX.length);
    if (end > 0) return data.toString('latin1', TYPE_PREFIX.length, end);
  }
  try {
    const parsed = JSON.parse(data.toString('utf8')) as { type?: unknown };
    return typeof parsed.type === 'string' ? parsed.type : '?';
  } catch {
    return '?';
  }
}

type Frame = { type: string; [key: string]: unknown };

/** The next frame on `ws` that passes `match`; rejects on close or timeout. */
export function nextFrame(ws: WebSocket, match: (frame: Frame) => boolean, timeoutMs = 30_000, what = 'frame'): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString('utf8')) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'error' && !match(frame)) {
        done();
        reject(new Error(`server answered an error while waiting for ${what}: ${JSON.stringify(frame)}`));
      } else if (match(frame)) {
        done();
        resolve(frame);
      }
    };
    const onClose = (code: number, reason: Buffer) => {
      done();
      reject(new Error(`socket closed (${code} ${reason.toString()}) while waiting for ${what}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

/** Runs `fn(i)` for i in 0..n-1, `batch` at a time (no connect storms). */
export async function inBatches<T>(n: number, batch: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const results = await Promise.all(Array.from({ length: end - start }, (_, k) => fn(start + k)));
    out.push(...results);
  }
  return out;
}

/** A visitor socket after its welcome (a new visitor: no token). */
export async function openVisitor(papo: PapoProcess): Promise<WebSocket> {
  return (await openVisitorSession(papo, null)).ws;
}

/**
 * A visitor socket after its welcome, and the token the welcome renewed: hello with the previous one to come
 * back as the same visitor, as the widget does after a drop.
 */
export async function openVisitorSession(papo: PapoProcess, token: string | null): Promise<{ ws: WebSocket; token: string }> {
  const ws = await openWs(`${papo.wsUrl}?role=visitor&site=${encodeURIComponent(papo.siteKey)}`, { Origin: papo.origin });
  const welcome = nextFrame(ws, (f) => f.type === 'welcome', 30_000, 'welcome');
  ws.send(`{"type":"hello","v":1,"token":${JSON.stringify(token)}}`);
  const session = (await welcome).session as { token?: unknown } | undefined;
  if (typeof session?.token !== 'string') throw new Error('the welcome carried no visitor token');
  return { ws, token: session.token };
}

/** Signs in the bench's admin and answers the `papo_session=...` cookie pair. */
export async function login(papo: PapoProcess): Promise<string> {
  const res = await fetch(`${papo.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: papo.origin },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('papo_session='));
  if (!cookie) throw new Error('login answered no papo_session cookie');
  return cookie.split(';')[0]!;
}

/** An agent socket after its welcome. */
export async function openAgent(papo: PapoProcess): Promise<WebSocket> {
  const cookie = await login(papo);
  const ws = await openWs(`${papo.wsUrl}?role=agent`, { Origin: papo.origin, Cookie: cookie });
  const welcome = nextFrame(ws, (f) => f.type === 'welcome', 30_000, 'agent welcome');
  ws.send('{"type":"hello","v":1}');
  await welcome;
  return ws;
}

/** Closes sockets and waits (bounded) until they are closed; terminates the ones that do not close. */
export async function closeAll(sockets: readonly WebSocket[], timeoutMs = 5000): Promise<void> {
  const open = sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED);
  await Promise.all(
    open.map(
      (ws) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, timeoutMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.removeAllListeners('message');
          if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
          else ws.close();
        }),
    ),
  );
}
