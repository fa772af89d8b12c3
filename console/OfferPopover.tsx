/**
 * @module What waits for this agent's answer, over everything else: offers (Webex's contact request
 * popover: visitor, queue, first message, a countdown to the offer's end and the time waited, Accept) and
 * transfer or conference requests naming the agent or one of its queues.
 *
 * The cards sit in a strip under the top bar, in the page's flow: they push the work down instead of covering
 * it. They do not take the focus (an agent typing a reply would otherwise type into them); a polite live
 * region announces each new one instead, and they come right after the top bar in the tab order.
 */
import type { AgentPresence, ConversationSummary, QueueInfo } from '../shared/protocol';
import { api } from './api';
import { Countdown, Elapsed } from './Countdown';
import { ErrorLine } from './ErrorLine';
import { t, visitorLabel } from './i18n';
import { waitingSince } from './lists';
import { useAction } from './use-action';
import { useNow } from './use-now';

export interface OfferPopoverProps {
  offers: ConversationSummary[];
  requests: ConversationSummary[];
  queues: QueueInfo[];
  presence: AgentPresence[];
  /** Accepted: the answer's summary, to show the conversation at once. */
  onAccepted: (summary: ConversationSummary) => void;
}

export function OfferPopover({ offers, requests, queues, presence, onAccepted }: OfferPopoverProps) {
  const now = useNow();
  const liveOffers = offers.filter((c) => c.offer && c.offer.expiresAt > now);
  const liveRequests = requests.filter((c) => c.request && c.request.expiresAt > now);
  const queueName = (id: string | null) => queues.find((q) => q.id === id)?.name ?? t.noQueue;
  const announcement = [...liveOffers.map((c) => t.offerFrom(visitorLabel(c.visitorId, c.visitorName))), ...liveRequests.map((c) => t.requestFor(visitorLabel(c.visitorId, c.visitorName)))].join('. ');
  const empty = liveOffers.length === 0 && liveRequests.length === 0;
  return (
    <div class={`popovers${empty ? ' empty' : ''}`}>
      <p class="sr-only" aria-live="polite">
        {announcement}
      </p>
      {liveOffers.map((c) => (
        <OfferCard key={`o-${c.id}`} conversation={c} queue={queueName(c.queueId)} onAccepted={onAccepted} />
      ))}
      {liveRequests.map((c) => (
        <RequestCard key={`r-${c.id}`} conversation={c} queue={queueName(c.request?.toQueueId ?? c.queueId)} presence={presence} onAccepted={onAccepted} />
      ))}
    </div>
  );
}

function OfferCard({ conversation: c, queue, onAccepted }: { conversation: ConversationSummary; queue: string; onAccepted: (s: ConversationSummary) => void }) {
  const accept = useAction();
  const titleId = `offer-${c.id}`;
  const visitor = visitorLabel(c.visitorId, c.visitorName);
  return (
    <section class="popover offer" role="dialog" aria-modal="false" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>{t.offerTitle}</h2>
        {c.offer && <Countdown until={c.offer.expiresAt} />}
      </header>
      <p class="who">
        <strong>{visitor}</strong> · {queue}
      </p>
      {c.firstMessage && <blockquote class="first">{c.firstMessage}</blockquote>}
      <p class="meta">
        {t.waiting} <Elapsed since={waitingSince(c)} />
      </p>
      <ErrorLine error={accept.error} />
      <button
        type="button"
        class="primary"
        disabled={accept.busy}
        onClick={async () => {
          const summary = await accept.run(() => api.accept(c.id));
          if (summary) onAccepted(summary);
        }}
      >
        {t.accept}
      </button>
    </section>
  );
}

function RequestCard(props: { conversation: ConversationSummary; queue: string; presence: AgentPresence[]; onAccepted: (s: ConversationSummary) => void }) {
  const { conversation: c, queue, presence, onAccepted } = props;
  const accept = useAction();
  const r = c.request;
  if (!r) return null;
  const titleId = `request-${c.id}`;
  const from = presence.find((p) => p.id === r.fromAgentId)?.name ?? (c.assignedAgentId === r.fromAgentId ? c.assignedAgentName : null) ?? t.agent;
  return (
    <section class="popover request" role="dialog" aria-modal="false" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>{r.kind === 'transfer' ? t.transferRequest : t.conferenceRequest}</h2>
        <Countdown until={r.expiresAt} />
      </header>
      <p class="who">
        {t.requestLine(from, visitorLabel(c.visitorId, c.visitorName))}
        {r.toQueueId !== null && ` · ${queue}`}
      </p>
      {c.firstMessage && <blockquote class="first">{c.firstMessage}</blockquote>}
      <ErrorLine error={accept.error} />
      <button
        type="button"
        class="primary"
        disabled={accept.busy}
        onClick={async () => {
          const summary = await accept.run(() => api.acceptRequest(c.id));
          if (summary) onAccepted(summary);
        }}
      >
        {r.kind === 'transfer' ? t.acceptTransfer : t.joinConference}
      </button>
    </section>
  );
}
