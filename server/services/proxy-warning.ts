/**
 * @module TRUST_PROXY left off behind a reverse proxy (issue 11 fault 7). Papo then sees every visitor at
 * the proxy's address, so the per-address limits (open sockets, upgrades per minute, new conversations,
 * sign-ins, uploads) and blocks apply to the whole site at once. Nothing tells the server there is a proxy
 * but the headers proxies add; when a request or an upgrade carries one while TRUST_PROXY is off, this
 * warns, naming the variable, once and then at most every PROXY_WARNING_EVERY_MS.
 */
import type { SafetyLimits } from '../config';
import type { Logger } from '../log';

/** How often the warning may come back while requests keep carrying proxy headers. */
export const PROXY_WARNING_EVERY_MS = 60 * 60 * 1000;

/** The headers reverse proxies add, as Node and Hono name them (lower case), and as the warning names them. */
const PROXY_HEADERS = [
  ['x-forwarded-for', 'X-Forwarded-For'],
  ['forwarded', 'Forwarded'],
  ['x-real-ip', 'X-Real-IP'],
] as const;

/** Reads one request header by its lower-case name. */
export type HeaderReader = (name: string) => string | string[] | undefined;

/** Looks at one request's headers; `peer` is the address its socket came from. */
export type ProxyHeaderCheck = (header: HeaderReader, peer: string) => void;

export function createProxyWarning(deps: {
  trustProxy: number;
  limits: Pick<SafetyLimits, 'socketsPerIp' | 'connectionsPerMinute'>;
  log: Logger;
  now: () => number;
}): ProxyHeaderCheck {
  // TRUST_PROXY set: the headers are believed (as far as it says), nothing to warn about, nothing to read.
  if (deps.trustProxy > 0) return () => {};
  let warnedAt: number | null = null;
  let seen = 0;
  return (header, peer) => {
    const found = PROXY_HEADERS.find(([name]) => header(name) !== undefined);
    if (!found) return;
    seen++;
    const at = deps.now();
    if (warnedAt !== null && at - warnedAt < PROXY_WARNING_EVERY_MS) return;
    deps.log.warn(
      `Requests carry ${found[1]} but TRUST_PROXY is off: behind a reverse proxy every visitor shares the proxy's address, and the per-address limits (${deps.limits.socketsPerIp} sockets, ${deps.limits.connectionsPerMinute} upgrades a minute, sign-ins, new conversations, uploads) and blocks apply to all of them at once. Set TRUST_PROXY=1 (or the number of proxies in front of Papo); if no proxy of yours adds the header, leave it off.`,
      { peer, requests: seen },
    );
    warnedAt = at;
    seen = 0;
  };
}
