/**
 * @module Notifications (issue 3): what deserves the agent's attention (a new offer, a transfer or
 * conference request, a visitor message in a conversation not on screen), decided by pure functions; and
 * the few browser effects that carry it out: a short WebAudio tone, a desktop Notification, the tab title.
 */
import type { ConversationSummary } from '../../shared/protocol';
import { listOf, type ListContext } from '../inbox/lists';

export type AlertKind = 'offer' | 'request' | 'message';

export interface Alert {
  kind: AlertKind;
  conversationId: string;
  /** The visitor's name, or null for an anonymous one (the caller labels it). */
  visitorName: string | null;
  visitorId: string;
  /** The message (or first message, for an offer) text. */
  text: string | null;
  /** The conversation is the one open in the console. */
  current: boolean;
  /** Issue 15: a request that is a conference invitation (its notification says so). */
  conference?: boolean;
}

export interface AlertContext extends ListContext {
  currentId: string | null;
}

/**
 * What changed between two summaries of one conversation that the agent should hear about. `prev` is
 * undefined when the conversation just came into the agent's sight.
 * - offer: an offer to this agent that was not there before (or a new one: another expiry);
 * - request: a transfer or invitation naming this agent, or one of its queues, that is new;
 * - message: a new visitor message, in a conversation that is the agent's or waits in its New list.
 */
export function alertsFor(prev: ConversationSummary | undefined, next: ConversationSummary, ctx: AlertContext): Alert[] {
  const base = { conversationId: next.id, visitorName: next.visitorName, visitorId: next.visitorId, current: next.id === ctx.currentId };
  const alerts: Alert[] = [];
  const offer = next.offer;
  if (next.status === 'open' && offer && offer.agentId === ctx.agentId && !(prev?.offer?.agentId === ctx.agentId && prev.offer.expiresAt === offer.expiresAt)) {
    alerts.push({ ...base, kind: 'offer', text: next.firstMessage ?? next.lastMessage?.text ?? null });
  }
  const r = next.request;
  const forMe = r && r.fromAgentId !== ctx.agentId && (r.toAgentId === ctx.agentId || (r.toQueueId !== null && ctx.queueIds.includes(r.toQueueId)));
  if (next.status === 'open' && r && forMe && prev?.request?.expiresAt !== r.expiresAt) {
    alerts.push({ ...base, kind: 'request', text: next.lastMessage?.text ?? null, ...(r.kind === 'conference' ? { conference: true } : {}) });
  }
  const m = next.lastMessage;
  const newMessage = m !== null && m.authorKind === 'visitor' && (prev === undefined || (next.lastSeq > prev.lastSeq && prev.lastMessage?.at !== m.at));
  const list = listOf(next, ctx);
  // An offered conversation already alerted as an offer; one message, one alert.
  if (newMessage && (list === 'mine' || list === 'new') && !alerts.some((a) => a.kind === 'offer')) {
    alerts.push({ ...base, kind: 'message', text: m.text });
  }
  return alerts;
}

export interface NotifyContext {
  prefs: { sound: boolean; preview: boolean };
  /** The console tab is visible and focused. */
  attentive: boolean;
  permission: NotificationPermission | 'unsupported';
}

export interface NotificationPlan {
  sound: boolean;
  /** A desktop notification: title and body already in the agent's language. */
  desktop: { title: string; body: string; tag: string } | null;
}

export interface NotifyStrings {
  offerTitle: (visitor: string) => string;
  requestTitle: (visitor: string) => string;
  messageTitle: (visitor: string) => string;
  /** The body when message preview is off. */
  hiddenBody: string;
  /** Issue 15: a conference invitation's title (a transfer's otherwise). */
  inviteTitle?: (visitor: string) => string;
}

/**
 * How to tell the agent about one alert. A message in the conversation on screen, while the agent looks at
 * the console, needs nothing. The sound follows `prefs.sound`; a desktop notification needs permission and
 * is shown only while the agent is elsewhere; its body carries the text only with `prefs.preview`.
 */
export function planNotification(alert: Alert, ctx: NotifyContext, strings: NotifyStrings, visitor: string): NotificationPlan {
  if (alert.kind === 'message' && alert.current && ctx.attentive) return { sound: false, desktop: null };
  const title = (alert.conference && strings.inviteTitle ? strings.inviteTitle : { offer: strings.offerTitle, request: strings.requestTitle, message: strings.messageTitle }[alert.kind])(visitor);
  const body = ctx.prefs.preview && alert.text ? alert.text : strings.hiddenBody;
  const desktop = ctx.permission === 'granted' && !ctx.attentive ? { title, body, tag: `${alert.kind}:${alert.conversationId}` } : null;
  return { sound: ctx.prefs.sound, desktop };
}

/** The tab title with the number waiting for the agent: "(3) Papo · Console". */
export function tabTitle(count: number, base = 'Papo · Console'): string {
  return count > 0 ? `(${count}) ${base}` : base;
}

// ---------------------------------------------------------------------------------------------------------
// Browser effects

/** A short two-note chime made with WebAudio: no audio file to load. */
export class Chime {
  #ctx: AudioContext | null = null;

  /** Browsers start audio only after a user gesture: call this from one (any click in the console). */
  unlock(): void {
    if (typeof AudioContext === 'undefined') return;
    this.#ctx ??= new AudioContext();
    if (this.#ctx.state === 'suspended') void this.#ctx.resume();
  }

  play(): void {
    const ctx = this.#ctx;
    if (!ctx || ctx.state !== 'running') return;
    const start = ctx.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = start + i * 0.12;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.3);
    }
  }
}

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks for desktop notifications; call it from a click (browsers ignore it otherwise). */
export async function askNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** Shows a desktop notification; clicking it brings the console forward and opens the conversation. */
export function showDesktop(plan: NonNullable<NotificationPlan['desktop']>, onClick: () => void): void {
  if (typeof Notification === 'undefined') return;
  const n = new Notification(plan.title, { body: plan.body, tag: plan.tag });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}
