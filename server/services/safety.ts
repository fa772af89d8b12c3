/**
 * @module Abuse limits and blocks (issue 6): who is refused (blocked addresses, ranges and visitors, until
 * their expiry) and how fast anyone may go (upgrades, new conversations, messages, sign-in failures, sockets
 * per address, tickets, transcripts and mail per address; issue 11). In memory on one node, with bounded
 * memory; the blocks themselves live in the store. Per-address limits count by the caller's `LimitKey` (an
 * IPv6 address by its /64, SPEC L1), derived once per socket or request; blocks match the address itself.
 *
 * Several nodes (issue 14, `cluster`): a block or a lift is announced on the control channel and every node
 * reloads the blocks; sockets per address count the peers' too (from their heartbeats); connections and
 * sign-in failures are also counted in Redis (cluster/shared-limits.ts), awaited where the caller is
 * already asynchronous. New conversations and upload bytes are checked synchronously on the message and
 * read paths (SPEC D2), so they keep the node's own bucket and pay the shared budget right after: when the
 * nodes together are over it, the address is refused on this node until the shared window refills (one
 * request late, never more).
 */
import { compileBlocks, parseCidr, type Block, type Blocklist } from '../domain/blocklist';
import { normalizeIp, type LimitKey } from '../domain/client-ip';
import { mailboxKey } from '../domain/mail';
import { perMinute, RateLimiter, type Verdict } from '../domain/rate-limit';
import { AppError } from '../errors';
import { uuidv7 } from '../ids';
import type { SafetyLimits } from '../config';
import type { BlockRecord } from '../../shared/api';
import type { Store } from '../store/store';
import type { ControlMessage } from '../bus/control';
import type { SharedLimits } from '../cluster/shared-limits';
import { isIP } from 'node:net';

export type Safety = Awaited<ReturnType<typeof createSafety>>;

/** Tokens a request took; `refund` gives them back when it turned out not to count. */
export interface Taken {
  refund(): void;
}

/** Issue 14: what safety needs of the other nodes. */
export interface SafetyCluster {
  announce(message: ControlMessage): void;
  /** Sockets the peers have open from this limit key. */
  peerSockets(key: string): number;
  /** Budgets counted across the nodes (Redis); null without Redis. */
  shared: SharedLimits | null;
}

/** Most keys held refused by a shared budget at once (they expire; the oldest go first past this). */
const MAX_LATE_KEYS = 10_000;

export async function createSafety(store: Store, limits: SafetyLimits, now: () => number, cluster: SafetyCluster | null = null) {
  let blocks: BlockRecord[] = await store.blocks.list();
  let compiled: { at: number; list: Blocklist } | null = null;
  const sockets = new Map<string, number>();
  /** Changes when the per-address socket counts change (the heartbeat sends them again). */
  let socketsVersion = 0;
  const shared = cluster?.shared ?? null;
  /** Keys a shared budget refused, with when it refills: `${limit}|${key}` -> until (issue 14). */
  const late = new Map<string, number>();
  const keys = limits.maxKeys;
  const perHour = (n: number) => ({ perSecond: n / 3600, burst: n });
  const limiters = {
    connections: new RateLimiter(perMinute(limits.connectionsPerMinute), now, keys),
    conversations: new RateLimiter(perMinute(limits.conversationsPerMinute), now, keys),
    messages: new RateLimiter({ perSecond: limits.messagesPerSecond, burst: limits.messagesPerSecond * 2 }, now, keys),
    // SPEC L6: failed sign-ins, by address and e-mail for unknown browsers, by device for known ones. Devices
    // have their own table: only a signed cookie adds a key there, so junk sign-ins cannot crowd them out.
    logins: new RateLimiter({ perSecond: limits.loginsPer15Minutes / 900, burst: limits.loginsPer15Minutes }, now, keys),
    devices: new RateLimiter({ perSecond: limits.loginsPer15Minutes / 900, burst: limits.loginsPer15Minutes }, now, keys),
    // SPEC W3: bytes of files per address; a token is a byte.
    uploads: new RateLimiter({ perSecond: limits.uploadBytesPer10Minutes / 600, burst: limits.uploadBytesPer10Minutes }, now, keys),
    // SPEC L3: `ticket.create` and `transcript.email` per address and per visitor.
    tickets: new RateLimiter(perHour(limits.ticketsPerHour), now, keys),
    transcripts: new RateLimiter(perHour(limits.transcriptsPerHour), now, keys),
    // SPEC L4: one visitor-caused mail per window to a mailbox nobody vouched for.
    mailboxes: new RateLimiter({ perSecond: 1000 / limits.unconfirmedMailWindowMs, burst: 1 }, now, keys),
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

  /** Refused (with the longest wait) when any of these buckets is empty; takes nothing. */
  const peekAll = (buckets: ReadonlyArray<readonly [RateLimiter, string]>): void => {
    let wait = 0;
    for (const [limiter, key] of buckets) {
      const verdict = limiter.peek(key);
      if (!verdict.ok) wait = Math.max(wait, verdict.retryAfterMs);
    }
    if (wait > 0) refuse({ ok: false, retryAfterMs: wait });
  };

  /**
   * One token from each bucket, or none: refused (with the longest wait) when any is empty. Synchronous, so
   * requests running side by side cannot all pass a check none of them has paid for yet.
   */
  const takeAll = (buckets: ReadonlyArray<readonly [RateLimiter, string]>): Taken => {
    peekAll(buckets);
    for (const [limiter, key] of buckets) limiter.take(key);
    let refunded = false;
    return {
      refund() {
        if (refunded) return;
        refunded = true;
        for (const [limiter, key] of buckets) limiter.refund(key);
      },
    };
  };

  const ipKey = (key: LimitKey) => `ip:${key}`;

  /** Issue 14: the wait a shared budget set on this key after the nodes together went past it, or 0. */
  const lateWait = (limit: string, key: string): number => {
    const until = late.get(`${limit}|${key}`);
    if (until === undefined) return 0;
    const wait = until - now();
    if (wait > 0) return wait;
    late.delete(`${limit}|${key}`);
    return 0;
  };
  const refuseLate = (limit: string, key: string): void => {
    const wait = lateWait(limit, key);
    if (wait > 0) refuse({ ok: false, retryAfterMs: wait });
  };
  /** Pays `points` to a shared budget after the fact; past it, this key is refused here until it refills. */
  const payLate = (limit: 'uploads' | 'conversations', key: string, points: number): void => {
    if (!shared) return;
    void shared[limit].consume(key, points).then((wait) => {
      if (wait === null) return;
      late.delete(`${limit}|${key}`);
      late.set(`${limit}|${key}`, now() + wait);
      for (const oldest of late.keys()) {
        if (late.size <= MAX_LATE_KEYS) break;
        late.delete(oldest);
      }
    });
  };

  /** SPEC L3: the buckets a `ticket.create` or `transcript.email` pays from: its address's and its visitor's. */
  const requestBuckets = (kind: 'ticket' | 'transcript', key: LimitKey, visitorId: string): Array<readonly [RateLimiter, string]> => {
    const limiter = kind === 'ticket' ? limiters.tickets : limiters.transcripts;
    return [
      [limiter, ipKey(key)],
      [limiter, `visitor:${visitorId}`],
    ];
  };

  return {
    limits,

    /** The block refusing this address or visitor, or null. */
    blocked(who: { ip?: string | null; visitorId?: string | null }) {
      return blocklist().match(who);
    },

    /**
     * An upgrade from `ip` (`key` its limitKey): refused when blocked, too frequent, or with too many sockets
     * open (on every node: issue 14).
     */
    admitSocket(ip: string, key: LimitKey): void {
      if (this.blocked({ ip })) throw new AppError('blocked');
      refuse(limiters.connections.take(key));
      const open = (sockets.get(key) ?? 0) + (cluster?.peerSockets(key) ?? 0);
      if (open >= limits.socketsPerIp) throw new AppError('rate_limited', 'Too many open connections from this address.', { retryAfterMs: 5_000 });
    },
    /**
     * Issue 14: the upgrade's share of the connections budget of all nodes, after `admitSocket`; null (no
     * wait at all) without Redis. Rejects `rate_limited` past it.
     */
    admitSocketAcross(key: LimitKey): Promise<void> | null {
      if (!shared) return null;
      return shared.connections.consume(key).then((wait) => {
        if (wait !== null) refuse({ ok: false, retryAfterMs: wait });
      });
    },
    socketOpened(key: LimitKey): void {
      sockets.set(key, (sockets.get(key) ?? 0) + 1);
      socketsVersion++;
    },
    socketClosed(key: LimitKey): void {
      const n = (sockets.get(key) ?? 1) - 1;
      if (n <= 0) sockets.delete(key);
      else sockets.set(key, n);
      socketsVersion++;
    },
    /**
     * Issue 14, for this node's heartbeat: the addresses with 2 sockets or more here. Ones are left out so a
     * heartbeat stays small with thousands of visitors; an address can then pass the limit by at most one
     * socket per other node.
     */
    socketCounts: {
      version: (): number => socketsVersion,
      counts(): Array<[string, number]> {
        const out: Array<[string, number]> = [];
        for (const [key, n] of sockets) if (n >= 2) out.push([key, n]);
        return out;
      },
    },
    /** Addresses with a socket open, as counted for the per-address limit (read-only; for tests). */
    addressesWithSockets: (): number => sockets.size,

    /** One message from a visitor or an agent (key: `visitor:<id>` / `agent:<id>`). */
    message: (key: string) => limiters.messages.take(key),
    /** Whether this address may start a conversation now, or when (a token is taken only when one is created). */
    conversationVerdict(key: LimitKey): Verdict {
      const wait = shared ? lateWait('conversations', key) : 0;
      return wait > 0 ? { ok: false, retryAfterMs: wait } : limiters.conversations.peek(key);
    },
    conversationStarted(key: LimitKey): void {
      limiters.conversations.take(key);
      payLate('conversations', key, 1);
    },

    /**
     * SPEC L6 (issue 11 F7): a sign-in (or a password change's current password) is about to be checked.
     * `device` is the id of a valid device cookie of that agent, or null. A known device pays from its own
     * budget while it has one; anyone else from its address's and the e-mail's. Refused `rate_limited` when
     * that budget is spent, before the password is read. The token is taken now and given back by
     * `settled(true)`: only failures count, yet many attempts at once cannot all pass.
     */
    signIn(key: LimitKey, email: string, device: string | null): Promise<{ settled(passwordOk: boolean): void }> {
      const known = device !== null && limiters.devices.peek(device).ok;
      const keys = [ipKey(key), `email:${email.trim().toLowerCase()}`];
      // Taken synchronously, before any await: attempts at once cannot all pass a check none has paid yet.
      const taken = takeAll(known ? [[limiters.devices, device]] : keys.map((k) => [limiters.logins, k] as const));
      const local = { settled: (passwordOk: boolean) => void (passwordOk && taken.refund()) };
      // Issue 14: a known device's own budget stays per node (only its cookie can spend it).
      if (!shared || known) return Promise.resolve(local);
      return Promise.all(keys.map((k) => shared.logins.consume(k))).then((waits) => {
        const wait = Math.max(0, ...waits.map((w) => w ?? 0));
        if (wait > 0) {
          taken.refund();
          for (const [i, k] of keys.entries()) if (waits[i] === null) shared.logins.reward(k);
          refuse({ ok: false, retryAfterMs: wait });
        }
        return {
          settled(passwordOk: boolean) {
            local.settled(passwordOk);
            if (passwordOk) for (const k of keys) shared.logins.reward(k);
          },
        };
      });
    },

    /**
     * SPEC L3 (issue 11 F1): a `ticket.create` from this address and visitor, refused `rate_limited` past
     * the hourly budget of either. `refund` when it turned out to be a resend of a ticket already made (T7).
     */
    ticketRequest: (key: LimitKey, visitorId: string): Taken => takeAll(requestBuckets('ticket', key, visitorId)),

    /**
     * SPEC L3, M3: refuses a `ticket.create` or `transcript.email` already past its address's or visitor's
     * hourly budget, taking nothing: checked when the frame arrives, so a refused form costs no redaction of
     * its text. The request's own `ticketRequest` / `transcriptRequest` takes the tokens.
     */
    requestAllowed: (kind: 'ticket' | 'transcript', key: LimitKey, visitorId: string): void => peekAll(requestBuckets(kind, key, visitorId)),

    /**
     * SPEC L3/L4: a `transcript.email` from this address and visitor to `email`, refused past the hourly
     * budget of either, or (when the address is not `confirmed`) when its mailbox had a mail this window.
     * `refund` when the mail could not be sent: only mail that went out counts.
     */
    transcriptRequest: (key: LimitKey, visitorId: string, email: string, confirmed: boolean): Taken =>
      takeAll([...requestBuckets('transcript', key, visitorId), ...(confirmed ? [] : [[limiters.mailboxes, mailboxKey(email)] as const])]),

    /**
     * SPEC L4: a visitor-caused mail (a ticket confirmation) to this unconfirmed address: null when its
     * mailbox had one this window; else `refund` it if the mail could not be sent.
     */
    unconfirmedMail(email: string): Taken | null {
      const key = mailboxKey(email);
      return limiters.mailboxes.take(key).ok ? { refund: () => limiters.mailboxes.refund(key) } : null;
    },

    /**
     * SPEC W3: `bytes` of files from the address `key` counts. `peek` before reading a body by its
     * Content-Length; `take` counts what was read. Either refuses `rate_limited` with when to retry.
     */
    uploadBytes(key: LimitKey, bytes: number, mode: 'peek' | 'take'): void {
      if (shared) refuseLate('uploads', key);
      refuse(mode === 'peek' ? limiters.uploads.peek(key, bytes) : limiters.uploads.take(key, bytes));
      if (mode === 'take' && bytes > 0) payLate('uploads', key, bytes);
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
      cluster?.announce({ type: 'blocks' });
      return record;
    },

    async lift(id: string): Promise<boolean> {
      const removed = await store.blocks.delete(id);
      blocks = await store.blocks.list();
      compiled = null;
      if (removed) cluster?.announce({ type: 'blocks' });
      return removed;
    },

    /** Issue 14: another node blocked or lifted (or the periodic safety reload): read the blocks again. */
    async reload(): Promise<void> {
      blocks = await store.blocks.list();
      compiled = null;
    },
  };
}
