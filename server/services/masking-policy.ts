/**
 * @module Each site's masking setting applied (issue 6): `redact` masks every piece of visitor free text
 * before anything acts on it or stores it (the raw value never reaches the database or a log; issue 11 F4,
 * SPEC M1): a visitor's frames through `visitorFrame`, what arrives outside frames (the browser's
 * User-Agent, an upload's file name) and what an agent types about the visitor (the requester's name)
 * through `incoming`. `mask` keeps it and masks what agents see —
 * message text, list previews and first messages, the visitor's name and e-mail in titles and panels,
 * transcripts, notifications (built from the same frames) and exports. Visitors always see their own text.
 */
import type { ClientFrame, ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { applyMasking, type MaskingMode } from '../domain/masking';
import { redactFrame } from '../domain/visitor-text';
import type { Site, Store } from '../store/store';

export type MaskingPolicy = Awaited<ReturnType<typeof createMaskingPolicy>>;

const TEXT_KINDS: ReadonlySet<string> = new Set(['message', 'note']);

export async function createMaskingPolicy(store: Store) {
  const modes = new Map<string, MaskingMode>((await store.sites.list()).map((s) => [s.id, s.masking]));
  const mask = (text: string) => applyMasking('mask', text);
  const maskNullable = (text: string | null) => (text === null ? null : mask(text));

  const policy = {
    modeOf: (siteId: string): MaskingMode => modes.get(siteId) ?? 'off',

    async set(siteId: string, mode: MaskingMode): Promise<Site | null> {
      const site = await store.sites.update(siteId, { masking: mode });
      if (site) modes.set(siteId, mode);
      return site;
    },

    /**
     * SPEC M1: free text a visitor sends outside a frame (its browser's User-Agent, a file's name), or an agent
     * types about the visitor (the requester's name), as it is to be stored.
     */
    incoming: (siteId: string, text: string): string => (policy.modeOf(siteId) === 'redact' ? mask(text) : text),

    /** SPEC M1: a visitor's frame as the server acts on it: in `redact`, every free-text string masked. */
    visitorFrame: <F extends ClientFrame>(siteId: string, frame: F): F => (policy.modeOf(siteId) === 'redact' ? redactFrame(frame, mask) : frame),

    /** An event as agents see it. */
    event(event: ConversationEvent, siteId: string): ConversationEvent {
      if (policy.modeOf(siteId) !== 'mask' || event.text === null || !TEXT_KINDS.has(event.kind)) return event;
      const text = mask(event.text);
      return text === event.text ? event : { ...event, text };
    },

    events(events: readonly ConversationEvent[], siteId: string): ConversationEvent[] {
      return policy.modeOf(siteId) === 'mask' ? events.map((e) => policy.event(e, siteId)) : [...events];
    },

    /** A conversation's summary as agents see it: previews and the visitor's name and e-mail masked. */
    summary(c: ConversationSummary): ConversationSummary {
      if (policy.modeOf(c.siteId) !== 'mask') return c;
      return {
        ...c,
        visitorName: maskNullable(c.visitorName),
        requesterEmail: maskNullable(c.requesterEmail),
        firstMessage: maskNullable(c.firstMessage),
        lastMessage: c.lastMessage && { ...c.lastMessage, text: mask(c.lastMessage.text) },
      };
    },

    /** A name or address shown in an agent view of this site. */
    field: (siteId: string, value: string | null): string | null => (policy.modeOf(siteId) === 'mask' ? maskNullable(value) : value),
  };
  return policy;
}
