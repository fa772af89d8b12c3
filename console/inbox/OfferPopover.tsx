/**
 * @module What waits for this agent's answer, over everything else: offers (Webex's contact request
 * popover: visitor, queue, first message, a countdown to the offer's end and the time waited, Accept) and
 * transfer or conference requests naming the agent or one of its queues.
 *
 * The cards sit in a strip under the top bar, in the page's flow: they push the work down instead of covering
 * it. They do not take the focus (an agent typing a reply would otherwise type into them); a polite live
 * region announces each new one instead, and they come right after the top bar in the tab order.
 */
import type { ComponentChildren } from 'preact';
import type { AgentPresence, ConversationSummary, QueueInfo } from '../../shared/protocol';
import { api } from '../session/api';
import { Countdown, Elapsed } from '../ui/Countdown';
import { ErrorLine } from '../ui/ErrorLine';
import { dayTime, t, visitorLabel } from '../i18n/i18n';
import { waitingSince } from './lists';
import { useAction } from '../ui/use-action';
import { useNow } from '../ui/use-now';

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
  return (
    <Card kind="offer" id={c.id} title={t.offerTitle} until={c.offer?.expiresAt ?? null} acceptLabel={t.accept} accept={() => api.accept(c.id)} onAccepted={onAccepted}>
      <p class="who">
        <strong>{visitorLabel(c.visitorId, c.visitorName)}</strong> · {queue}
      </p>
      {c.firstMessage && <blockquote class="first">{c.firstMessage}</blockquote>}
      {/* Issue 15, as Webex's card: whom it is offered to and when it arrived, besides the time waited. */}
      <p class="meta offer-line">
        <span class="offered-to">{t.offerFor(c.offer?.agentName ?? t.youLower)}</span>
        <span aria-hidden="true">·</span>
        <time dateTime={new Date(waitingSince(c)).toISOString()}>{dayTime.format(waitingSince(c))}</time>
        <span aria-hidden="true">·</span>
        <span>
          {t.waiting} <Elapsed since={waitingSince(c)} />
        </span>
      </p>
    </Card>
  );
}

function RequestCard(props: { conversation: ConversationSummary; queue: string; presence: AgentPresence[]; onAccepted: (s: ConversationSummary) => void }) {
  const { conversation: c, queue, presence, onAccepted } = props;
  const r = c.request;
  if (!r) return null;
  const from = r.fromName ?? presence.find((p) => p.id === r.fromAgentId)?.name ?? (c.assignedAgentId === r.fromAgentId ? c.assignedAgentName : null) ?? t.agent;
  return (
    <Card
      kind="request"
      id={c.id}
      title={r.kind === 'transfer' ? t.transferRequest : t.conferenceRequest}
      until={r.expiresAt}
      acceptLabel={r.kind === 'transfer' ? t.acceptTransfer : t.joinConference}
      accept={() => api.acceptRequest(c.id)}
      onAccepted={onAccepted}
    >
      <p class="who">
        {t.requestLine(from, visitorLabel(c.visitorId, c.visitorName))}
        {r.toQueueId !== null && ` · ${queue}`}
      </p>
      {c.firstMessage && <blockquote class="first">{c.firstMessage}</blockquote>}
    </Card>
  );
}

interface CardProps {
  kind: 'offer' | 'request';
  /** The conversation's id. */
  id: string;
  title: string;
  /** When the offer or request runs out, counted down in the header. */
  until: number | null;
  acceptLabel: string;
  accept: () => Promise<ConversationSummary>;
  onAccepted: (s: ConversationSummary) => void;
  children: ComponentChildren;
}

/** A card's frame: title and countdown, what it is about, and the one button that accepts it. */
function Card({ kind, id, title, until, acceptLabel, accept, onAccepted, children }: CardProps) {
  const action = useAction();
  const titleId = `${kind}-${id}`;
  return (
    <section class={`popover ${kind}`} role="dialog" aria-modal="false" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>{title}</h2>
        {until !== null && <Countdown until={until} />}
      </header>
      {children}
      <ErrorLine error={action.error} />
      <button
        type="button"
        class="primary"
        disabled={action.busy}
        onClick={async () => {
          const summary = await action.run(accept);
          if (summary) onAccepted(summary);
        }}
      >
        {acceptLabel}
      </button>
    </section>
  );
}
