/**
 * @module Calls Papo makes to URLs an admin typed (the bot webhook), checked on the address actually
 * connected to (issue 11 F6, SPEC A1). The check runs inside the connection's own DNS lookup, so a name
 * that resolves to a public address when checked and to 127.0.0.1 a moment later (DNS rebinding) cannot
 * slip between a check and a connect: there is one resolution, and the socket uses what it answered.
 * Redirects are never followed: a 3xx is answered to the caller as it is.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostOf, parseIp, portOf, type AddressRefusal } from '../domain/private-address';

/** A connection Papo refused to make: the host named (or resolved to) an address it does not call. */
export class AddressRefused extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly why: AddressRefusal,
  ) {
    super(`${host}${host === address ? '' : ` resolves to ${address}, which`} is not a public address (${why})`);
    this.name = 'AddressRefused';
  }
}

/** Resolves a host name to all its addresses (the system resolver by default; tests pass their own). */
export type Resolve = (host: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (host, family) => dns.lookup(host, { all: true, family, verbatim: true });

/** The verdict on one resolved address: null to connect, else why not. */
export type AddressCheck = (address: string) => AddressRefusal | null;

/**
 * A `lookup` for node:net that resolves, checks every address (one refused address refuses the host: a
 * name that mixes public and private answers is not one to trust), and hands the socket the addresses it
 * checked, in the one- or all-addresses form the caller asked for.
 */
export function guardedLookup(check: AddressCheck, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolve(hostname, family).then(
      (addresses) => {
        for (const a of addresses) {
          const why = check(a.address);
          if (why) return callback(new AddressRefused(hostname, a.address, why), '');
        }
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

export interface OutboundHttp {
  /**
   * POSTs `body`; answers the status (a 3xx included, never followed) or throws (AddressRefused, network,
   * `timeoutMs` passed, or `signal` aborted: the caller is stopping).
   */
  post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<number>;
  /** Closes kept-alive connections. */
  close(): void;
}

/** The verdict on an address a URL's host (as written, with its port) resolved to. */
export type TargetCheck = (target: { host: string; port: number }, address: string) => AddressRefusal | null;

/**
 * An HTTP(S) client whose every connection is checked by `check`. An IP literal in the URL is checked
 * here, since node:net connects to one without a lookup.
 */
export function createOutboundHttp(check: TargetCheck, resolve?: Resolve): OutboundHttp {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  return {
    post(url, body, headers, timeoutMs, signal) {
      const target = { host: hostOf(url), port: portOf(url) };
      if (parseIp(target.host)) {
        const why = check(target, target.host);
        if (why) return Promise.reject(new AddressRefused(target.host, target.host, why));
      }
      // Made per call, bound to this URL's host and port (an allowed name or port is the URL's own).
      const lookup = guardedLookup((address) => check(target, address), resolve);
      const client = url.protocol === 'https:' ? https : http;
      return new Promise<number>((resolveStatus, reject) => {
        const req = client.request(
          url,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
            lookup,
            signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
          },
          (res) => {
            // The answer's body means nothing to Papo: read and dropped, so the connection can be reused.
            res.resume();
            res.on('end', () => resolveStatus(res.statusCode ?? 0));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
