/**
 * @module The visitor panel (SPEC R11; 3CX "Informações"): name, e-mail, whether the visitor is on the site,
 * the page it is on, where it came from, its browser and its previous conversations.
 */
import { webUrl } from '../../shared/safe-url';
import { useEffect, useState } from 'preact/hooks';
import type { VisitorPanel as Visitor } from '../../shared/api';
import type { ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { dayTime, t, visitorLabel } from '../i18n/i18n';
import { useAction } from '../ui/use-action';
import { browserName } from './user-agent';
import { reasonText } from './event-lines';

export interface VisitorPanelProps {
  conversation: ConversationSummary;
  onOpen: (conversationId: string, summary: ConversationSummary) => void;
}

export function VisitorPanel({ conversation: c, onOpen }: VisitorPanelProps) {
  const [visitor, setVisitor] = useState<Visitor | null>(null);
  const load = useAction();
  // Again when the requester is edited or the chat ends: the panel shows what the server holds.
  useEffect(() => {
    let current = true;
    void load.run(() => api.detail(c.id)).then((answer) => current && answer && setVisitor(answer.visitor));
    return () => {
      current = false;
    };
  }, [c.id, c.visitorName, c.requesterEmail, c.status]);

  if (!visitor) {
    return (
      <section class="visitor-panel" aria-busy={load.busy}>
        <ErrorLine error={load.error} />
        {load.busy && <p class="none">{t.loading}</p>}
      </section>
    );
  }
  return (
    <section class="visitor-panel" aria-label={t.visitorPanel}>
      <h2>
        <span class={`presence-dot ${visitor.online ? 'on' : 'off'}`} aria-hidden="true" />
        {visitorLabel(visitor.id, visitor.name)}
        <span class="sr-only">, </span>
        {/* Issue 15: once the visitor ended this chat, "on the site now" says it left the chat (it may still browse). */}
        <span class="meta">{visitor.online ? (c.status === 'ended' ? `${t.onSite} · ${t.cv.visitorLeft}` : t.onSite) : t.notOnSite}</span>
      </h2>
      <dl class="facts">
        <dt>{t.email}</dt>
        <dd>{visitor.email ?? '—'}</dd>
        <dt>{t.currentPage}</dt>
        <dd>
          {visitor.currentPage && webUrl(visitor.currentPage.url) ? (
            <a href={webUrl(visitor.currentPage.url)!} target="_blank" rel="noopener noreferrer">
              {visitor.currentPage.title || visitor.currentPage.url}
            </a>
          ) : visitor.currentPage ? (
            visitor.currentPage.title || visitor.currentPage.url
          ) : (
            '—'
          )}
        </dd>
        <dt>{t.referrer}</dt>
        <dd class="wrap">{visitor.referrer || '—'}</dd>
        <dt>{t.browser}</dt>
        <dd class="wrap" title={visitor.browser ?? undefined}>
          {visitor.browser ? browserName(visitor.browser) : '—'}
        </dd>
        <dt>{t.firstSeen}</dt>
        <dd>{dayTime.format(visitor.firstSeenAt)}</dd>
        {visitor.lastSeenAt !== null && (
          <>
            <dt>{t.lastSeen}</dt>
            <dd>{dayTime.format(visitor.lastSeenAt)}</dd>
          </>
        )}
      </dl>
      <h3>{t.previousConversations}</h3>
      {visitor.previous.length === 0 ? (
        <p class="none">{t.noPrevious}</p>
      ) : (
        <ul class="previous">
          {visitor.previous.map((p) => (
            <li key={p.id}>
              <button type="button" class="link-row" onClick={() => onOpen(p.id, p)}>
                <span class="row">
                  <time dateTime={new Date(p.createdAt).toISOString()}>{dayTime.format(p.createdAt)}</time>
                  <span class="meta">{p.assignedAgentName ?? t.nobody}</span>
                </span>
                <span class="preview">{p.wrapUpReason ? reasonText(p.wrapUpReason) : p.lastMessage?.text ?? '…'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
