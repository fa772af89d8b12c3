/**
 * @module The WebSocket gateway on the HTTP server's port: checks every upgrade before accepting it
 * (SPEC D10), runs the heartbeat (SPEC D13) and closes everything on shutdown (SPEC D12).
 *
 * Upgrade URL: `/ws?role=visitor&site=<site key>` or `/ws?role=agent` (session cookie).
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE, ERRORS, type ErrorCode } from '../../shared/errors';
import { MAX_FRAME_BYTES } from '../../shared/limits';
import { readCookie, SESSION_COOKIE } from '../cookies';
import { isForeignOrigin, originAllowed, selfOrigin } from '../domain/origins';
import { clientIp, limitKey, type LimitKey } from '../domain/client-ip';
import { hashToken } from '../ids';
import { isAppError } from '../errors';
import type { SocketRegistry } from './registry';
import type { AgentRecord, Site } from '../store/store';
import type { AgentProfile } from '../../shared/protocol';
import type { Logger } from '../log';
import type { AuthService } from '../services/auth';
import type { ProxyHeaderCheck } from '../services/proxy-warning';
import { AgentHandler } from './agent-handler';
import { Connection } from './connection';
import type { ConnectionDeps, Peer } from './role-handler';
import { VisitorHandler } from './visitor-handler';
import { inSlices, startHeartbeat } from './heartbeat';
import { systemTimers, type Timers } from '../services/timers';

export interface GatewayDeps extends Omit<ConnectionDeps, 'draining'> {
  auth: AuthService;
  log: Logger;
  heartbeatMs: number;
  /** The heartbeat's ticks (tests drive them); the process's timers when absent. */
  timers?: Timers;
  /** The origin of this server as browsers see it (PUBLIC_URL), or null to use the request's Host. */
  publicOrigin: string | null;
  /** Proxies believed in X-Forwarded-For (issue 6). */
  trustProxy: number;
  /** Warns when proxy headers arrive while TRUST_PROXY is off (issue 11). */
  proxyHeaders?: ProxyHeaderCheck;
  registry: SocketRegistry;
  /** How often agent sockets' sessions are checked (logout, password change, disabled, expiry). */
  sessionCheckMs?: number;
}

export interface Gateway {
  readonly size: number;
  /** Refuses new upgrades with 503, and new messages with `shutting_down`, from now on. */
  stopAccepting(): void;
  /**
   * Closes every socket with `code` (1001 at shutdown) and stops the heartbeat: a slice of sockets per turn
   * of the event loop (issue 12), resolved once each has been told to close.
   */
  closeAll(code: number, reason: string): Promise<void>;
}

export function attachGateway(server: Server, deps: GatewayDeps): Gateway {
  // maxPayload: 64 KiB instead of the library's 100 MiB; a bigger frame closes the socket with 1009 (SPEC D9).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
  const connections = deps.registry.connections;
  let accepting = true;
  const connectionDeps = { ...deps, draining: () => !accepting };
  // One handler per role serves all its sockets, chosen at the upgrade; each socket keeps only its state.
  const visitors = new VisitorHandler(connectionDeps);
  const agents = new AgentHandler(connectionDeps);
  // One for every connection: a closure made per upgrade would keep that upgrade's request and head buffer
  // (they share its context) for as long as the socket lives (issue 12, idle socket memory).
  const onClose = (c: Connection) => {
    connections.delete(c);
    deps.safety.socketClosed(c.peer.limitKey);
  };
  const sites = new SiteCopies();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySelf);
    deps.proxyHeaders?.((name) => req.headers[name], req.socket.remoteAddress ?? '');
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.trustProxy);
    // SPEC L1: the per-address limit key, once per socket; the Peer carries it to every limit after this.
    const ipKey = limitKey(ip);
    authenticate(req, ip, ipKey)
      .then((result) => {
        if ('refuse' in result) return refuse(socket, result.refuse, result.message, result.retryAfterMs);
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          deps.safety.socketOpened(ipKey);
          const { peer } = result;
          const connection = peer.role === 'visitor' ? new Connection(ws, socket, peer, visitors, onClose) : new Connection(ws, socket, peer, agents, onClose);
          connections.add(connection);
          if (!accepting) connection.close(CLOSE.going_away, 'shutting_down');
        });
      })
      .catch((err: unknown) => {
        deps.log.error('upgrade failed', { err });
        refuse(socket, 'internal');
      });
  });

  async function authenticate(req: IncomingMessage, ip: string, ipKey: LimitKey): Promise<{ peer: Peer } | { refuse: ErrorCode; message?: string; retryAfterMs?: number }> {
    if (!accepting) return { refuse: 'shutting_down' };
    try {
      // Issue 6: blocked addresses, too many upgrades, too many sockets: refused before anything else.
      deps.safety.admitSocket(ip, ipKey);
      // Issue 14: and the connections budget of all nodes (Redis); nothing to wait for on one node.
      const across = deps.safety.admitSocketAcross(ipKey);
      if (across) await across;
    } catch (err) {
      if (!isAppError(err)) throw err;
      return { refuse: err.code, message: err.message, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) };
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://papo.invalid');
    } catch {
      return { refuse: 'not_found' }; // e.g. "//": not a path this server has
    }
    if (url.pathname !== '/ws') return { refuse: 'not_found' };
    const origin = req.headers.origin;
    const self = selfOrigin(deps.publicOrigin, req.headers.host);
    const role = url.searchParams.get('role');
    if (role === 'visitor') {
      const key = url.searchParams.get('site');
      if (!key || key.length > 100) return { refuse: 'invalid_request', message: 'The site parameter is required.' };
      const read = await deps.auth.siteByKey(key);
      if (!read) return { refuse: 'site_not_found' };
      const site = sites.shared(read);
      if (!originAllowed(site.allowedOrigins, origin, self)) return { refuse: 'origin_not_allowed' };
      const userAgent = req.headers['user-agent'];
      return { peer: { role: 'visitor', site, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 300) : null, ip, limitKey: ipKey } };
    }
    if (role === 'agent') {
      // Cross-site WebSocket hijacking: a browser always sends Origin, and it must be this server's own.
      if (isForeignOrigin(origin, self)) return { refuse: 'origin_not_allowed' };
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      const agent = await deps.auth.agentForSession(token);
      if (!agent || !token) return { refuse: 'not_authenticated' };
      return { peer: { role: 'agent', agent, siteIds: await deps.auth.siteIdsFor(agent), ip, limitKey: ipKey, tokenHash: hashToken(token) } };
    }
    return { refuse: 'invalid_request', message: 'The role parameter must be visitor or agent.' };
  }

  // SPEC D13, spread over the interval in slices (issue 12: pinging 10,000 sockets in one tick blocked the loop).
  const heartbeat = startHeartbeat(connections, deps.heartbeatMs, deps.timers ?? systemTimers, (err) => deps.log.error('heartbeat ping failed', { err }));

  // Issue 6: a session that ended (logout, password change, disabled agent, expiry) loses its sockets
  // within seconds, however it ended and on whichever node. Issue 14: and a socket whose agent's role
  // changed or who was disabled on another node, should that node's close have been lost (Redis away),
  // once this node's directory has the agent's new record; closed here only, as a console reconnected
  // elsewhere already has the new role.
  const sessionCheck = setInterval(() => {
    const hashes = new Set<string>();
    for (const c of connections) {
      if (c.peer.role !== 'agent') continue;
      hashes.add(c.peer.tokenHash);
      if (c.closed) continue;
      const why = staleAgentSocket(c.peer.agent, deps.directory.record(c.peer.agent.id));
      if (why === 'role_changed') c.end('role_changed', CLOSE.role_changed);
      else if (why === 'session_ended') c.end('not_authenticated', CLOSE.session_ended);
    }
    for (const tokenHash of hashes) {
      deps.auth
        .sessionAlive(tokenHash)
        .then((alive) => {
          if (!alive) deps.registry.closeAgent({ tokenHash });
        })
        .catch((err: unknown) => deps.log.warn('session check failed', { err }));
    }
  }, deps.sessionCheckMs ?? 2_000);
  sessionCheck.unref();

  return {
    get size() {
      return connections.size;
    },
    stopAccepting() {
      accepting = false;
    },
    closeAll(code, reason) {
      heartbeat.stop();
      clearInterval(sessionCheck);
      return inSlices(
        connections,
        (connection) => connection.close(code, reason),
        (err) => deps.log.error('closing a socket failed', { err }),
      );
    },
  };
}

/**
 * Why an agent's socket must close given the directory's current record of that agent (registry.ts closes
 * with the same codes): disabled ends it, another role makes the console reconnect with the new one's
 * powers. An agent the directory does not know yet (created on another node, not synced) is left alone.
 */
export function staleAgentSocket(socketAgent: Pick<AgentProfile, 'role'>, record: Pick<AgentRecord, 'role' | 'disabled'> | null): 'session_ended' | 'role_changed' | null {
  if (record === null) return null;
  if (record.disabled) return 'session_ended';
  return record.role === socketAgent.role ? null : 'role_changed';
}

/** An upgrading socket's error listener: shared, so it keeps nothing of the upgrade alive. */
function destroySelf(this: Duplex): void {
  this.destroy();
}

/**
 * Issue 12: a visitor socket holds its site (settings, widget, origins) for its whole life. Read per upgrade,
 * each socket held a copy of its own; an unchanged site now gives every socket the same object, and a
 * changed one (a settings edit) a new object that the sockets opened after it share. Sites are never
 * mutated after they are read. One entry per site.
 */
class SiteCopies {
  readonly #latest = new Map<string, { json: string; site: Site }>();

  shared(site: Site): Site {
    const json = JSON.stringify(site);
    const seen = this.#latest.get(site.id);
    if (seen && seen.json === json) return seen.site;
    this.#latest.set(site.id, { json, site });
    return site;
  }
}

/** Answers an upgrade that will not happen with a plain HTTP error and the usual JSON body. */
function refuse(socket: Duplex, code: ErrorCode, message: string = ERRORS[code].message, retryAfterMs?: number): void {
  if (socket.destroyed) return;
  const status = ERRORS[code].status;
  const body = JSON.stringify({ error: { code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      (retryAfterMs === undefined ? '' : `Retry-After: ${Math.ceil(retryAfterMs / 1000)}\r\n`) +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
