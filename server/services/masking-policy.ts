/**
 * @module Each site's masking setting applied (issue 6, issue 11 F4/F5; SPEC M1, M2). `redact` masks every
 * piece of visitor free text before anything acts on it or stores it (the raw value never reaches the
 * database or a log): a visitor's frames through {@link visitorFrame}, what arrives outside frames (the
 * browser's User-Agent, an upload's file name) and what an agent types about the visitor (the requester's
 * name) through {@link incoming}. `mask` keeps it and masks everything agents receive: message and note
 * text, the visitor's text in event data, attachment names, list previews and first messages, the
 * visitor's name and e-mail, page, referrer and browser in panels and the live list, typing names,
 * transcripts and tickets. Visitors always see their own text. Identifiers stay exact in both modes
 * (domain/visitor-text.ts).
 *
 * Several nodes (issue 14): a change is announced on the control channel and every node reloads that
 * site's mode (and all of them every 30 s), so no node keeps storing in clear after `redact` is chosen.
 */
import type { ClientFrame, ConversationEvent, ConversationSummary } from '../../shared/protocol';
import type { EventMessage } from '../bus/bus';
import type { ControlMessage } from '../bus/control';
import { applyMasking, type MaskingMode } from '../domain/masking';
import { redactFrame, VISITOR_TEXT_DATA } from '../domain/visitor-text';
import type { Site, Store } from '../store/store';

export type MaskingPolicy = Awaited<ReturnType<typeof createMaskingPolicy>>;

const TEXT_KINDS: ReadonlySet<string> = new Set(['message', 'note']);

type Mask = (text: string) => string;

/**
 * `mask` that answers the same text once: an agent's copy of one event holds the same text up to three
 * times (the event's, its summary's last message, and the first message of a new conversation), and
 * masking costs far more than a lookup (issue 11 F2).
 */
function once(mask: Mask): Mask {
  const seen = new Map<string, string>();
  return (text) => {
    let masked = seen.get(text);
    if (masked === undefined) seen.set(text, (masked = mask(text)));
    return masked;
  };
}

/** `mask` defaults to the product's masking; a test may count its calls. */
export async function createMaskingPolicy(store: Store, mask: Mask = (text) => applyMasking('mask', text), announce: (message: ControlMessage) => void = () => {}) {
  const modes = new Map<string, MaskingMode>((await store.sites.list()).map((s) => [s.id, s.masking]));

  /** An event as agents see it in `mask` mode, with `m` masking each text. */
  function maskEvent(event: ConversationEvent, m: Mask): ConversationEvent {
    const text = event.text !== null && TEXT_KINDS.has(event.kind) ? m(event.text) : event.text;
    const keys = VISITOR_TEXT_DATA[event.kind];
    let data = event.data;
    if (keys && data) {
      const copy = { ...data };
      for (const key of keys) {
        const value = copy[key];
        if (typeof value === 'string') copy[key] = m(value);
      }
      data = copy;
    }
    const attachments = event.attachments?.map((a) => ({ ...a, name: m(a.name) }));
    if (text === event.text && data === event.data && attachments === undefined) return event;
    return { ...event, text, ...(data === undefined ? {} : { data }), ...(attachments === undefined ? {} : { attachments }) };
  }

  /** A summary as agents see it in `mask` mode: previews and the visitor's name and e-mail. */
  function maskSummary(c: ConversationSummary, m: Mask): ConversationSummary {
    return {
      ...c,
      visitorName: c.visitorName === null ? null : m(c.visitorName),
      requesterEmail: c.requesterEmail === null ? null : m(c.requesterEmail),
      firstMessage: c.firstMessage === null ? null : m(c.firstMessage),
      lastMessage: c.lastMessage && { ...c.lastMessage, text: m(c.lastMessage.text) },
    };
  }

  const modeOf = (siteId: string): MaskingMode => modes.get(siteId) ?? 'off';

  /**
   * SPEC M1: free text a visitor sends outside a frame (its browser's User-Agent, a file's name), or an agent
   * types about the visitor (the requester's name), as it is to be stored. Null (none given) stays null.
   */
  function incoming(siteId: string, text: string): string;
  function incoming(siteId: string, text: string | null): string | null;
  function incoming(siteId: string, text: string | null): string | null {
    return text !== null && modeOf(siteId) === 'redact' ? mask(text) : text;
  }

  /** SPEC M2: a name, address, page or browser shown in an agent view of this site. Null stays null. */
  function field(siteId: string, value: string): string;
  function field(siteId: string, value: string | null): string | null;
  function field(siteId: string, value: string | null): string | null {
    return value !== null && modeOf(siteId) === 'mask' ? mask(value) : value;
  }

  const policy = {
    modeOf,

    async set(siteId: string, mode: MaskingMode): Promise<Site | null> {
      const site = await store.sites.update(siteId, { masking: mode });
      if (site) {
        modes.set(siteId, mode);
        announce({ type: 'site', siteId });
      }
      return site;
    },

    /** Issue 14: another node changed a site (or every site: the periodic safety reload); read the modes again. */
    async reload(siteId?: string): Promise<void> {
      if (siteId === undefined) {
        for (const s of await store.sites.list()) modes.set(s.id, s.masking);
        return;
      }
      const site = await store.sites.byId(siteId);
      if (site) modes.set(siteId, site.masking);
      else modes.delete(siteId);
    },

    incoming,

    /** SPEC M1: a visitor's frame as the server acts on it: in `redact`, every free-text string masked. */
    visitorFrame: <F extends ClientFrame>(siteId: string, frame: F): F => (policy.modeOf(siteId) === 'redact' ? redactFrame(frame, mask) : frame),

    /** SPEC M2: events as agents see them (history, event pages, transcripts); a text they repeat is masked once. */
    events(events: readonly ConversationEvent[], siteId: string): ConversationEvent[] {
      if (policy.modeOf(siteId) !== 'mask') return [...events];
      const m = once(mask);
      return events.map((e) => maskEvent(e, m));
    },

    /** SPEC M2: a conversation's summary as agents see it: previews and the visitor's name and e-mail masked. */
    summary(c: ConversationSummary): ConversationSummary {
      return policy.modeOf(c.siteId) === 'mask' ? maskSummary(c, once(mask)) : c;
    },

    /** SPEC M2: a bus message as agents receive it; a text its event and summary share is masked once. */
    message(message: EventMessage): EventMessage {
      if (policy.modeOf(message.siteId) !== 'mask') return message;
      const m = once(mask);
      return { ...message, event: maskEvent(message.event, m), conversation: maskSummary(message.conversation, m) };
    },

    field,
  };
  return policy;
}
