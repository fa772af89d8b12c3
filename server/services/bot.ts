/**
 * @module Bot hand-off (SPEC R12). A site that names a bot webhook starts new conversations in the bot's
 * control: each visitor message is POSTed to the webhook; the bot answers through the bot API with its
 * site's bearer token, and hands off to a queue when it decides. An agent may return control to the bot.
 */
import { createHmac } from 'node:crypto';
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { messageEvent } from '../domain/conversation';
import { addressVerdict, hostOf, urlVerdict, type AllowRule } from '../domain/private-address';
import { decideHandoff, decideHandoffTo } from '../domain/workflow';
import { canTakeWork } from '../domain/routing';
import { AppError } from '../errors';
import { hashToken, randomToken } from '../ids';
import type { Logger } from '../log';
import type { Site, Store } from '../store/store';
import type { ConversationService } from './conversations';
import type { Directory } from './directory';
import { AddressRefused, createOutboundHttp, type Resolve } from './outbound-http';
import { systemTimers, type Timers } from './timers';

export interface BotDeps {
  store: Store;
  directory: Directory;
  conversations: ConversationService;
  log: Logger;
  /** How long one webhook call may take. */
  webhookTimeoutMs?: number;
  /** Pause before the one retry of a failed call. */
  retryAfterMs?: number;
  /** BOT_WEBHOOK_ALLOW: private addresses and names the operator lets the webhook reach (SPEC A1). */
  allow?: readonly AllowRule[];
  /** Host name resolution for webhook calls (the system's by default). */
  resolve?: Resolve;
  /** The retry pause's timer, injectable so tests can drive time. */
  timers?: Timers;
}

/** What the webhook receives for each visitor message while the bot holds the conversation. */
export interface BotWebhookPayload {
  type: 'message';
  siteId: string;
  conversationId: string;
  visitor: { id: string; name: string | null };
  message: { seq: number; text: string; at: number };
}

export type BotService = ReturnType<typeof createBotService>;

/** Issue 15: how long a named agent's offer waits when the hand-off names no queue (the seed queue's). */
const NAMED_OFFER_MS = 30_000;

/** The pause before the one retry of a failed webhook call. */
export const WEBHOOK_RETRY_MS = 1_000;

/**
 * The `X-Papo-Signature` header of a webhook call: `t=<ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The key is
 * base64url(SHA-256(bot token)), which the bot computes from the token it was given; the time lets it
 * refuse replays. The bot checks it before trusting a call (README: "A bot in front of the agents").
 *
 * @example webhookSignature(key, '{"type":"message",...}', 1795300000000) // 't=1795300000000,v1=3f0c...'
 */
export function webhookSignature(key: string, body: string, at: number): string {
  return `t=${at},v1=${createHmac('sha256', key).update(`${at}.${body}`).digest('hex')}`;
}

export function createBotService({ store, directory, conversations, log, webhookTimeoutMs = 5_000, retryAfterMs = WEBHOOK_RETRY_MS, allow = [], resolve, timers = systemTimers }: BotDeps) {
  // SPEC A1: every call is checked on the address it connects to, and no redirect is followed.
  const outbound = createOutboundHttp((target, address) => addressVerdict(allow, target, address), resolve);
  /** Webhook URLs whose refusal (a private address, a redirect) was logged: once each, not per message. */
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string, fields: Record<string, unknown>) => {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(message, fields);
  };
  /** Deliveries under way, for `idle`. */
  const inFlight = new Set<Promise<void>>();
  /** SPEC D12: aborted by `stop`, which ends the retry pauses and the calls under way: none outlives it. */
  const stopping = new AbortController();

  /** Resolves true after `ms`, or false as soon as the service stops. */
  function pause(ms: number): Promise<boolean> {
    const { signal } = stopping;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (elapsed: boolean) => {
        signal.removeEventListener('abort', onAbort);
        resolve(elapsed);
      };
      const onAbort = () => {
        timers.clearTimeout(handle);
        done(false);
      };
      const handle = timers.setTimeout(() => done(true), ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function post(url: string, signingKey: string, payload: BotWebhookPayload): Promise<void> {
    const body = JSON.stringify(payload);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return warnOnce(url, 'bot webhook not called: the stored URL does not parse', { siteId: payload.siteId });
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      if (stopping.signal.aborted) return;
      try {
        const headers = { 'content-type': 'application/json', 'user-agent': 'Papo-Bot-Webhook/1', 'x-papo-signature': webhookSignature(signingKey, body, Date.now()) };
        const status = await outbound.post(target, body, headers, webhookTimeoutMs, stopping.signal);
        if (status >= 200 && status < 300) return;
        // A redirect is a failed delivery, never followed (it could point anywhere), and not retried.
        if (status >= 300 && status < 400) {
          return warnOnce(`${url} redirect`, 'bot webhook answered a redirect, which Papo does not follow: the message was not delivered', { siteId: payload.siteId, status, host: target.host });
        }
        if (status < 500) {
          log.warn('bot webhook refused a message', { status, conversationId: payload.conversationId });
          return;
        }
      } catch (err) {
        if (stopping.signal.aborted) return; // cut short by stop(): nothing to report
        // SPEC A1: a private address will not become public by retrying; said once per URL.
        if (err instanceof AddressRefused) return warnOnce(`${url} address`, `bot webhook not called: ${err.message}`, { siteId: payload.siteId, allowWith: 'BOT_WEBHOOK_ALLOW' });
        if (attempt === 1) log.warn('bot webhook unreachable', { conversationId: payload.conversationId, err: String(err) });
      }
      if (attempt === 0 && !(await pause(retryAfterMs))) return;
    }
  }

  function onCommit(events: readonly ConversationEvent[], c: ConversationSummary): void {
    if (!c.bot) return;
    for (const e of events) {
      if (e.kind !== 'message' || e.author.kind !== 'visitor' || e.text === null) continue;
      const text = e.text;
      const delivery = store.sites
        .byId(c.siteId)
        .then((site) => {
          if (!site?.botWebhookUrl || !site.botTokenHash) return;
          return post(site.botWebhookUrl, site.botTokenHash, {
            type: 'message',
            siteId: c.siteId,
            conversationId: c.id,
            visitor: { id: c.visitorId, name: c.visitorName },
            message: { seq: e.seq, text, at: e.at },
          });
        })
        .catch((err: unknown) => log.warn('bot webhook delivery failed', { conversationId: c.id, err: String(err) }))
        .finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
  }
  const off = conversations.onCommit(onCommit);

  /** The site whose bot holds this bearer token. */
  async function siteOf(authorization: string | undefined): Promise<Site> {
    const token = authorization?.match(/^Bearer (\S{1,200})$/)?.[1];
    if (!token) throw new AppError('bot_token_invalid');
    const hash = hashToken(token);
    const site = (await store.sites.list()).find((s) => s.botTokenHash === hash && s.botWebhookUrl);
    if (!site) throw new AppError('bot_token_invalid');
    return site;
  }

  return {
    /** Sets or clears a site's webhook; a new token is made (and answered once) whenever one is set. */
    async configure(siteId: string, url: string | null): Promise<{ site: Site; token: string | null }> {
      if (url) {
        // SPEC A1: an address Papo will not call is refused now, with why; a name is checked on each call.
        const parsed = new URL(url);
        const why = urlVerdict(allow, parsed);
        if (why) {
          throw new AppError(
            'webhook_not_allowed',
            `botWebhookUrl: ${hostOf(parsed)} is not a public address (${why}); Papo does not call its own network. An operator can allow it with BOT_WEBHOOK_ALLOW.`,
          );
        }
        warned.delete(`${url} redirect`);
        warned.delete(`${url} address`);
      }
      const token = url ? `bot_${randomToken(24)}` : null;
      const site = await store.sites.update(siteId, { botWebhookUrl: url, botTokenHash: token ? hashToken(token) : null });
      if (!site) throw new AppError('not_found', 'No such site.');
      return { site, token };
    },

    /** The bot's reply in a conversation it holds; its client id makes a resend harmless (SPEC D3). */
    async reply(authorization: string | undefined, conversationId: string, clientId: string, text: string) {
      const site = await siteOf(authorization);
      const { conversation, seq } = await conversations.write(
        { kind: 'bot', siteId: site.id },
        { conversationId, visitor: null, clientId },
        (state) => {
          if (state.status !== 'open') return { ok: false, code: 'conversation_closed' };
          if (!state.bot) return { ok: false, code: 'conversation_taken' };
          return { ok: true, events: [messageEvent({ kind: 'bot', siteId: site.id }, text, clientId)], patch: null };
        },
      );
      return { conversationId: conversation.id, seq };
    },

    /** The bot hands the conversation to a queue (by id or name; the site's default when none). */
    async handoff(authorization: string | undefined, conversationId: string, queueHint: string | undefined, agentHint?: string): Promise<ConversationSummary> {
      const site = await siteOf(authorization);
      const queues = directory.queues(site.id);
      const queue = queueHint ? queues.find((q) => q.id === queueHint || q.name.toLowerCase() === queueHint.toLowerCase()) : directory.queue(site.defaultQueueId);
      if (queueHint && !queue) throw new AppError('not_found', 'No such queue on this site.');
      const bot = { kind: 'bot', siteId: site.id } as const;
      const to = { id: queue?.id ?? null, name: queue?.name ?? null };
      if (agentHint === undefined) return conversations.apply(bot, conversationId, (state, at) => decideHandoff(state, bot, to, at));
      // Issue 15: a named agent (id or e-mail) is offered it first, when it can take work now; the queue is
      // the fallback (the offer's timer runs out as any offer's does: RONA, then the queue's routing).
      const wanted = agentHint.trim().toLowerCase();
      const record = directory
        .all()
        .map((p) => directory.record(p.id))
        .find((r) => r !== null && (r.id === agentHint || r.email.toLowerCase() === wanted));
      if (!record || record.disabled) throw new AppError('agent_not_found');
      const agent = record;
      const load = (await store.conversations.loads()).get(agent.id) ?? 0;
      const available = canTakeWork({ state: directory.workState(agent.id), load, capacity: record.capacity });
      const timeout = queue?.offerTimeoutMs ?? NAMED_OFFER_MS;
      const handTo = (offer: boolean) =>
        conversations.apply(bot, conversationId, (state, at) => decideHandoffTo(state, bot, to, { id: agent.id, name: agent.name, available: offer }, at, at + timeout));
      try {
        return await handTo(available);
      } catch (err) {
        // R4: the agent holds another offer now (one at a time, the database's rule): the queue takes it.
        if (available && err instanceof AppError && err.code === 'conflict') return handTo(false);
        throw err;
      }
    },

    /** Resolves when every webhook call started so far has ended (tests wait on it, as on the router's). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    /**
     * SPEC D12: no new delivery starts, a pending retry is dropped and a call under way is aborted. The
     * server then waits for `idle` (deliveries unwinding) before it closes the store.
     */
    stop(): void {
      off();
      stopping.abort();
      outbound.close();
    },
  };
}
