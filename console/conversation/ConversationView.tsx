/**
 * @module The conversation on screen: who it is with, its actions, banners for what is going on (visitor
 * ended it, a transfer or invitation pending, the bot holds it, closed), the message log, and the composer
 * (replies and private notes) or, once the visitor has ended the chat, the wrap-up prompt.
 */
import { useState } from 'preact/hooks';
import type { AgentProfile, Attachment, ConversationEvent, ConversationSummary, QueueInfo } from '../../shared/protocol';
import type { PendingReply } from '../session/agent-session';
import { headLine } from './action-bar';
import { siteFacts, useFacts } from '../session/facts';
import { ConversationActions } from './ConversationActions';
import { Countdown } from '../ui/Countdown';
import { t, visitorLabel } from '../i18n/i18n';
import { MessageLog } from './MessageLog';
import { allowedActions } from '../session/permissions';
import { PriorityBadge } from '../ui/PriorityBadge';
import { ProactiveMark } from '../ui/ProactiveMark';
import { ReplyComposer } from './ReplyComposer';
import { TypingIndicator } from './TypingIndicator';
import { Avatar } from '../ui/Avatar';
import { reasonText } from './event-lines';

export interface ConversationViewProps {
  conversation: ConversationSummary;
  agent: AgentProfile;
  queues: QueueInfo[];
  events: ConversationEvent[];
  pending: PendingReply[];
  hasMore: boolean;
  draft: string;
  onDraft: (text: string) => void;
  onSend: (text: string, note: boolean, attachments: Attachment[]) => void;
  onRetry: (reply: PendingReply) => void;
  onDiscard: (clientId: string) => void;
  onLoadOlder: () => void;
  onApplied: (summary: ConversationSummary) => void;
  onRemoved: (conversationId: string) => void;
  /** SPEC W1: the visitor is typing here. */
  visitorTyping?: boolean;
  /** SPEC W2: what the visitor has seen of it. */
  visitorSeenSeq?: number;
  /** SPEC W1: the agent's reply draft holds text, or not any more. */
  onTyping?: (on: boolean) => void;
  /** Issue 12: the message a search hit opened, and whether older pages are loading to reach it. */
  found?: { seq: number; n: number; terms: string[] } | null;
  finding?: boolean;
}

export function ConversationView(props: ConversationViewProps) {
  const { conversation: c, agent, queues, events, pending, hasMore } = props;
  const [wrapUp, setWrapUp] = useState(false);
  const visitor = visitorLabel(c.visitorId, c.visitorName);
  const can = allowedActions(c, agent);
  const facts = useFacts();
  const queueName = (id: string) => queues.find((q) => q.id === id)?.name ?? null;
  const request = c.request;

  return (
    <article class="conversation" aria-labelledby="conversation-title">
      <header class="conversation-head">
        <Avatar label={visitor} colourKey={c.visitorId} />
        <div class="title">
          <h1 id="conversation-title" tabIndex={-1}>
            {c.proactive && <ProactiveMark />}
            {visitor} {c.priority !== 1 && <PriorityBadge priority={c.priority} />}
          </h1>
          <p class="sub">{headLine(c, agent, queueName)}</p>
          {c.labels.length > 0 && (
            <p class="tags">
              {c.labels.map((l) => (
                <span key={l} class="label-chip">
                  {l}
                </span>
              ))}
            </p>
          )}
        </div>
      </header>
      <ConversationActions conversation={c} agent={agent} events={events} onApplied={props.onApplied} onRemoved={props.onRemoved} wrapUp={wrapUp} onWrapUp={setWrapUp} />
      {c.status === 'ended' && (
        <p class="banner ended" role="status">
          {t.visitorEnded}
        </p>
      )}
      {c.status === 'closed' && (
        <p class="banner closed" role="status">
          {c.wrapUpReason ? t.closedWith(reasonText(c.wrapUpReason)) : t.closedBanner}
          {c.archived && ` · ${t.archivedShort}`}
        </p>
      )}
      {c.bot && c.status === 'open' && <p class="banner bot">{t.botHolds}</p>}
      {request && c.status === 'open' && (
        <p class="banner pending" role="status">
          {request.kind === 'transfer' ? t.transferPending(request.toName) : t.invitePending(request.toName)} <Countdown until={request.expiresAt} />
        </p>
      )}
      <MessageLog
        conversationId={c.id}
        events={events}
        pending={pending}
        hasMore={hasMore}
        line={{ agentId: agent.id, visitor, visitorId: c.visitorId, queueName }}
        onLoadOlder={props.onLoadOlder}
        onRetry={props.onRetry}
        onDiscard={props.onDiscard}
        visitorSeenSeq={props.visitorSeenSeq ?? 0}
        found={props.found ?? null}
        finding={props.finding ?? false}
      />
      {c.status === 'open' && <TypingIndicator typing={props.visitorTyping ?? false} name={visitor} />}
      {c.status === 'ended' ? (
        <div class="wrap-prompt">
          <p>{t.wrapUpPrompt}</p>
          {can.end && (
            <button type="button" class="primary" onClick={() => setWrapUp(true)}>
              {t.wrapUpButton}
            </button>
          )}
        </div>
      ) : c.status === 'open' && (can.reply || can.note) ? (
        <ReplyComposer
          key={c.id}
          conversationId={c.id}
          draft={props.draft}
          onDraft={props.onDraft}
          onSend={props.onSend}
          canReply={can.reply}
          onTyping={props.onTyping}
          placeholders={{ visitor: { name: c.visitorName, email: c.requesterEmail }, agent: { name: agent.name } }}
          cannedLanguage={siteFacts(facts, c.siteId).language}
          canManageCanned={agent.role !== 'agent'}
        />
      ) : null}
    </article>
  );
}
