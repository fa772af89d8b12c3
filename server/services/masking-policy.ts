/**
 * @module Each site's masking setting applied (issue 6): `redact` masks visitors' free text before it is
 * stored (the raw value never reaches the database or a log); `mask` keeps it and masks what agents see —
 * message text, list previews and first messages, the visitor's name and e-mail in titles and panels,
 * transcripts, notifications (built from the same frames) and exports. Visitors always see their own text.
 */
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { applyMasking, type MaskingMode } from '../domain/masking';
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

    /** Free text a visitor sends, as it is to be stored. */
    incoming: (siteId: string, text: string): string => (policy.modeOf(siteId) === 'redact' ? mask(text) : text),

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
