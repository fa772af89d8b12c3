/**
 * @module Abuse limits and blocks (issue 6): who is refused (blocked addresses, ranges and visitors, until
 * their expiry) and how fast anyone may go (upgrades, new conversations, messages, sign-ins, sockets per
 * address). In memory on one node, with bounded memory; the blocks themselves live in the store.
 */
import { compileBlocks, parseCidr, type Block, type Blocklist } from '../domain/blocklist';
import { normalizeIp } from '../domain/client-ip';
import { perMinute, RateLimiter, type Verdict } from '../domain/rate-limit';
import { AppError } from '../errors';
import { uuidv7 } from '../ids';
import type { SafetyLimits } from '../config';
import type { BlockRecord, Store } from '../store/store';
import { isIP } from 'node:net';

export type Safety = Awaited<ReturnType<typeof createSafety>>;

export async function createSafety(store: Store, limits: SafetyLimits, now: () => number) {
  let blocks: BlockRecord[] = await store.blocks.list();
  let compiled: { at: number; list: Blocklist } | null = null;
  const sockets = new Map<string, number>();
  const limiters = {
    connections: new RateLimiter(perMinute(limits.connectionsPerMinute), now),
    conversations: new RateLimiter(perMinute(limits.conversationsPerMinute), now),
    messages: new RateLimiter({ perSecond: limits.messagesPerSecond, burst: limits.messagesPerSecond * 2 }, now),
    logins: new RateLimiter({ perSecond: limits.loginsPer15Minutes / 900, burst: limits.loginsPer15Minutes }, now),
    // SPEC W3: bytes of files per address; a token is a byte.
    uploads: new RateLimiter({ perSecond: limits.uploadBytesPer10Minutes / 600, burst: limits.uploadBytesPer10Minutes }, now),
  };

  /** The matcher, rebuilt at most once a second so expiries take effect without a rebuild per request. */
  function blocklist(): Blocklist {
    const at = now();
    if (!compiled || at - compiled.at >= 1000) compiled = { at, list: compileBlocks(blocks as Block[], at) };
    return compiled.list;
  }

  const refuse = (verdict: Verdict): void => {
    if (!verdict.ok) throw new AppError('rate_limited', `Too many requests; try again in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`, { retryAfterMs: verdict.retryAfterMs });
  };

  return {
    limits,

    /** The block refusing this address or visitor, or null. */
    blocked(who: { ip?: string | null; visitorId?: string | null }) {
      return blocklist().match(who);
    },

    /** An upgrade from `ip`: refused when blocked, too frequent, or with too many sockets open. */
    admitSocket(ip: string): void {
      if (this.blocked({ ip })) throw new AppError('blocked');
      refuse(limiters.connections.take(ip));
      if ((sockets.get(ip) ?? 0) >= limits.socketsPerIp) throw new AppError('rate_limited', 'Too many open connections from this address.', { retryAfterMs: 5_000 });
    },
    socketOpened(ip: string): void {
      sockets.set(ip, (sockets.get(ip) ?? 0) + 1);
    },
    socketClosed(ip: string): void {
      const n = (sockets.get(ip) ?? 1) - 1;
      if (n <= 0) sockets.delete(ip);
      else sockets.set(ip, n);
    },
    /** Addresses with a socket open, as counted for the per-address limit (read-only; for tests). */
    addressesWithSockets: (): number => sockets.size,

    /** One message from a visitor or an agent (key: `visitor:<id>` / `agent:<id>`). */
    message: (key: string) => limiters.messages.take(key),
    /** Whether `ip` may start a conversation now, or when (a token is taken only when one is created). */
    conversationVerdict: (ip: string) => limiters.conversations.peek(ip),
    conversationStarted: (ip: string) => void limiters.conversations.take(ip),
    /** A sign-in attempt, counted per address and per e-mail. */
    login(ip: string, email: string): void {
      refuse(limiters.logins.take(`ip:${ip}`));
      refuse(limiters.logins.take(`email:${email.toLowerCase()}`));
    },

    /**
     * SPEC W3: `bytes` of files from `ip`. `peek` before reading a body by its Content-Length; `take` counts
     * what was read. Either refuses `rate_limited` with when to retry.
     */
    uploadBytes(ip: string, bytes: number, mode: 'peek' | 'take'): void {
      refuse(mode === 'peek' ? limiters.uploads.peek(ip, bytes) : limiters.uploads.take(ip, bytes));
    },

    list: () => blocks,

    /** Adds a block; a value that is not an address, a range or a visitor id is refused. */
    async block(input: { kind: BlockRecord['kind']; value: string; reason: string | null; expiresAt: number | null; createdBy: string | null }): Promise<BlockRecord> {
      const value = input.kind === 'ip' ? normalizeIp(input.value) : input.value.trim();
      if (input.kind === 'ip' && isIP(value) === 0) throw new AppError('invalid_request', 'value: an IPv4 or IPv6 address.');
      if (input.kind === 'cidr' && !parseCidr(value)) throw new AppError('invalid_request', 'value: a CIDR range such as 203.0.113.0/24.');
      if (input.kind === 'visitor' && (value === '' || value.length > 64)) throw new AppError('invalid_request', 'value: a visitor id.');
      const record: BlockRecord = { id: uuidv7(now()), ...input, value, createdAt: now() };
      await store.blocks.create(record);
      blocks = await store.blocks.list();
      compiled = null;
      return record;
    },

    async lift(id: string): Promise<boolean> {
      const removed = await store.blocks.delete(id);
      blocks = await store.blocks.list();
      compiled = null;
      return removed;
    },
  };
}
