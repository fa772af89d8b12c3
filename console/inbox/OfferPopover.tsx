/**
 * @module What waits for this agent's answer, over everything else: offers (Webex's contact request
 * popover: visitor, queue, first message, a countdown to the offer's end and the time waited, Accept) and
 * transfer or conference requests naming the agent or one of its queues, with the sender's hand-off note,
 * Accept and Decline (issue 15). Below them, the outcomes of this agent's own requests (accepted, declined
 * and by whom, expired) as notices that dismiss themselves, and the wrap-up reason asked after a transfer it
 * handed over or a conference it left: none of them is modal, the agent carries on working around them.
 *
 * The cards sit in a strip under the top bar, in the page's flow: they push the work down instead of covering
 * it. They do not take the focus (an agent typing a reply would otherwise type into them); a polite live
 * region announces each new one instead, and they come right after the top bar in the tab order.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AgentPresence, ConversationSummary, QueueInfo, WorkflowNoticeFrame } from '../../shared/protocol';
import type { HandoffNotice } from '../session/agent-session';
import { api, ApiError, type WrapUpReason } from '../session/api';
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
  /** Issue 15: outcomes of this agent's requests, and the wrap-ups asked of it. */
  notices?: HandoffNotice[];
  wrapUps?: WorkflowNoticeFrame[];
  onDismissNotice?: (id: number) => void;
  onWrappedUp?: (conversationId: string) => void;
}

export function OfferPopover({ offers, requests, queues, presence, onAccepted, notices = [], wrapUps = [], onDismissNotice, onWrappedUp }: OfferPopoverProps) {
  const now = useNow();
  const liveOffers = offers.filter((c) => c.offer && c.offer.expiresAt > now);
  const liveRequests = requests.filter((c) => c.request && c.request.expiresAt > now);
  const queueName = (id: string | null) => queues.find((q) => q.id === id)?.name ?? t.noQueue;
  const announcement = [...liveOffers.map((c) => t.offerFrom(visitorLabel(c.visitorId, c.visitorName))), ...liveRequests.map((c) => t.requestFor(visitorLabel(c.visitorId, c.visitorName)))].join('. ');
  const reasons = useReasons(wrapUps.length > 0);
  // A site with no wrap-up reasons asks none (SPEC R8).
  const asked = reasons && reasons.length > 0 ? wrapUps : [];
  useEffect(() => {
    if (reasons && reasons.length === 0) for (const w of wrapUps) onWrappedUp?.(w.conversationId);
  }, [reasons, wrapUps]);
  const empty = liveOffers.length === 0 && liveRequests.length === 0 && notices.length === 0 && asked.length === 0;
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
      {asked.map((w) => (
        <WrapUpCard key={`w-${w.conversationId}`} notice={w} reasons={reasons ?? []} onDone={() => onWrappedUp?.(w.conversationId)} />
      ))}
      {notices.length > 0 && (
        <div class="handoff-notices" role="status" aria-label={t.fl.notices}>
          {notices.map((n) => (
            <NoticeLine key={n.id} notice={n} onDismiss={() => onDismissNotice?.(n.id)} />
          ))}
        </div>
      )}
    </div>
  );
}

function OfferCard({ conversation: c, queue, onAccepted }: { conversation: ConversationSummary; queue: string; onAccepted: (s: ConversationSummary) => void }) {
  return (
    <Card
      kind="offer"
      id={c.id}
      title={t.offerTitle}
      until={c.offer?.expiresAt ?? null}
      acceptLabel={t.accept}
      accept={() => api.accept(c.id)}
      decline={() => api.declineOffer(c.id)}
      onAccepted={onAccepted}
    >
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
  const visitor = visitorLabel(c.visitorId, c.visitorName);
  return (
    <Card
      kind="request"
      id={c.id}
      title={r.kind === 'transfer' ? t.transferRequest : t.conferenceRequest}
      until={r.expiresAt}
      acceptLabel={r.kind === 'transfer' ? t.acceptTransfer : t.joinConference}
      accept={() => api.acceptRequest(c.id)}
      decline={() => api.declineRequest(c.id)}
      onAccepted={onAccepted}
    >
      <p class="who">
        {r.kind === 'transfer' ? t.requestLine(from, visitor) : t.fl.conferenceLine(from, visitor)}
        {r.toQueueId !== null && ` · ${queue}`}
      </p>
      {r.note && (
        <p class="handoff-note">
          <strong>{t.fl.noteFrom(from)}:</strong> {r.note}
        </p>
      )}
      {c.firstMessage && <blockquote class="first">{c.firstMessage}</blockquote>}
    </Card>
  );
}

/** Issue 15: the wrap-up reasons, read once something asks for one. */
function useReasons(wanted: boolean): WrapUpReason[] | null {
  const [reasons, setReasons] = useState<WrapUpReason[] | null>(null);
  useEffect(() => {
    if (!wanted || reasons !== null) return;
    void api.wrapUpReasons().then(setReasons, () => setReasons(null));
  }, [wanted]);
  return reasons;
}

/** How long a request's outcome stays before it dismisses itself. */
const NOTICE_MS = 15_000;

function noticeText(n: WorkflowNoticeFrame): string {
  const visitor = visitorLabel(n.visitorId, n.visitorName);
  const o = t.fl.outcome;
  const by = n.by ?? t.agent;
  const to = n.to ?? t.agent;
  if (n.kind === 'transfer') return n.outcome === 'accepted' ? o.transferAccepted(by, visitor) : n.outcome === 'declined' ? o.transferDeclined(by, visitor) : o.transferExpired(to, visitor);
  return n.outcome === 'accepted' ? o.conferenceAccepted(by, visitor) : n.outcome === 'declined' ? o.conferenceDeclined(by, visitor) : o.conferenceExpired(to, visitor);
}

/** Issue 15: one outcome, in the page's flow (never over the next action); it goes by itself or on Dismiss. */
function NoticeLine({ notice, onDismiss }: { notice: HandoffNotice; onDismiss: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onDismiss, NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice.id]);
  return (
    <p class={`handoff-notice ${notice.outcome}`}>
      <span>{noticeText(notice)}</span>
      <button type="button" class="ghost small" aria-label={t.dismiss} title={t.dismiss} onClick={onDismiss}>
        ×
      </button>
    </p>
  );
}

/** Issue 15 (Webex "Motivos de conclusão" after a transfer or a conference): the reason for this agent's part. */
function WrapUpCard({ notice, reasons, onDone }: { notice: WorkflowNoticeFrame; reasons: WrapUpReason[]; onDone: () => void }) {
  const [chosen, setChosen] = useState('');
  const action = useAction();
  const visitor = visitorLabel(notice.visitorId, notice.visitorName);
  const titleId = `wrapup-${notice.conversationId}`;
  return (
    <section class="popover wrap-up-card" role="dialog" aria-modal="false" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>{t.wrapUpTitle}</h2>
      </header>
      <p class="who">{notice.kind === 'transfer' && notice.outcome !== 'left' ? t.fl.wrapUpAfter.transfer(visitor) : t.fl.wrapUpAfter.conference(visitor)}</p>
      <label>
        <span class="sr-only">{t.wrapUpReason}</span>
        <select value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
          <option value="">{t.fl.chooseReason}</option>
          {reasons.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <ErrorLine error={action.error} />
      <button
        type="button"
        class="primary"
        disabled={action.busy || chosen === ''}
        onClick={async () => {
          const done = await action.run(async () => {
            try {
              await api.wrapUp(notice.conversationId, chosen);
            } catch (err) {
              // Another tab of this agent sent it already.
              if (!(err instanceof ApiError && err.code === 'nothing_to_wrap_up')) throw err;
            }
            return true;
          });
          if (done) onDone();
        }}
      >
        {t.fl.sendWrapUp}
      </button>
    </section>
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
  /** Issue 15: offers and requests can be declined (a request's sender is told at once). */
  decline?: () => Promise<void>;
  onAccepted: (s: ConversationSummary) => void;
  children: ComponentChildren;
}

/** A card's frame: title and countdown, what it is about, and the one button that accepts it. */
function Card({ kind, id, title, until, acceptLabel, accept, decline, onAccepted, children }: CardProps) {
  const action = useAction();
  const titleId = `${kind}-${id}`;
  const acceptButton = (
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
  );
  return (
    <section class={`popover ${kind}`} role="dialog" aria-modal="false" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>{title}</h2>
        {until !== null && <Countdown until={until} />}
      </header>
      {children}
      <ErrorLine error={action.error} />
      {decline ? (
        <div class="choices">
          {acceptButton}
          <button type="button" class="ghost decline" disabled={action.busy} onClick={() => void action.run(async () => (await decline(), true))}>
            {t.fl.decline}
          </button>
        </div>
      ) : (
        acceptButton
      )}
    </section>
  );
}
