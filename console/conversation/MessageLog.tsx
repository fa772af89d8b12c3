/**
 * @module The conversation as the agent reads it: visitor and agent messages, private notes set apart
 * ("only agents see this"), workflow notices (joined, transferred, ended...) and replies not confirmed yet.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { ConversationEvent } from '../../shared/protocol';
import type { PendingReply } from '../session/agent-session';
import { logNotices, type LineContext } from './event-lines';
import { clock, errorText, t } from '../i18n/i18n';
import { lastSeenReply } from './conversation-signals';
import { AttachmentList } from './Attachments';
import { matchMarks } from '../../shared/search-text';
import { markSegments } from '../search/search-model';
import { takeLostFocus } from '../ui/focus';
import { Avatar } from '../ui/Avatar';

/**
 * Issue 12: the message a search found, the words its terms match in <mark> (text nodes, never HTML): whole
 * words, accents and case aside, the last term also as a word's start, as the server matched them.
 */
function Marked({ text, terms }: { text: string; terms: string[] }) {
  return <>{markSegments({ text, marks: matchMarks(text, terms) }).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : s.text))}</>;
}

export interface MessageLogProps {
  conversationId: string;
  events: ConversationEvent[];
  pending: PendingReply[];
  hasMore: boolean;
  line: LineContext;
  onLoadOlder: () => void;
  onRetry: (reply: PendingReply) => void;
  onDiscard: (clientId: string) => void;
  /** SPEC W2: the highest sequence the visitor has seen; "Seen" goes under the last agent message up to it. */
  visitorSeenSeq?: number;
  /** Issue 12: the message a search hit opened; scrolled into view (once per `n`) and highlighted. */
  found?: { seq: number; n: number; terms: string[] } | null;
  /** Older pages are loading to reach it. */
  finding?: boolean;
}

export function MessageLog({ conversationId, events, pending, hasMore, line, onLoadOlder, onRetry, onDiscard, visitorSeenSeq = 0, found = null, finding = false }: MessageLogProps) {
  const log = useRef<HTMLDivElement>(null);
  const shownFound = useRef(0);
  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    // A search hit not scrolled to yet goes to the middle of the log, once; any other change shows the newest.
    const target = found && found.n !== shownFound.current ? el.querySelector(`li[data-seq="${found.seq}"]`) : null;
    if (target && found) {
      shownFound.current = found.n;
      target.scrollIntoView({ block: 'center', inline: 'nearest' });
      // The hit was chosen in the search's answer, now closed: the focus goes to the message it found.
      takeLostFocus(target as HTMLElement, ['conversation-title']);
      return;
    }
    el.scrollTop = el.scrollHeight;
  }, [events.length, pending.length, conversationId, found]);
  // The log shrinks when the composer grows (upload rows, a longer draft) or the typing line shows, and its
  // content grows when an image loads: if the agent was reading the newest message, keep it in view.
  useEffect(() => {
    const el = log.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let atBottom = true;
    const onScroll = () => (atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8);
    const observer = new ResizeObserver(() => {
      if (atBottom) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    const list = el.querySelector('ol');
    if (list) observer.observe(list);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, []);
  const who = (e: ConversationEvent) =>
    e.author.kind === 'visitor' ? line.visitor : e.author.kind === 'bot' ? t.bot : e.author.id === line.agentId ? t.you : (e.author.name ?? t.agent);
  const seenSeq = lastSeenReply(events, visitorSeenSeq);
  // Issue 15: workflow notices, an accepted transfer folded into one.
  const notices = logNotices(events, line);

  return (
    <div class="messages" ref={log} aria-busy={finding || undefined}>
      {/* Always there, its text changing: a live region that mounts with its text is often not read. */}
      <p class={finding ? 'finding' : 'sr-only'} role="status">
        {finding ? t.searchAll.finding : ''}
      </p>
      {hasMore && (
        <button type="button" class="older" onClick={onLoadOlder}>
          {t.loadOlder}
        </button>
      )}
      <ol aria-live="polite" aria-relevant="additions">
        {events.map((e) => {
          if (e.kind === 'message') {
            const side = e.author.kind === 'visitor' ? 'theirs' : e.author.id === line.agentId ? 'mine' : 'agent';
            const name = who(e);
            return (
              <li
                key={e.seq}
                data-seq={e.seq}
                class={`msg ${side} has-avatar${e.author.kind === 'bot' ? ' bot' : ''}${e.seq === found?.seq ? ' found' : ''}`}
                tabIndex={e.seq === found?.seq ? -1 : undefined}
              >
                {/* Issue 15: who wrote it at a glance; the visitor's initials keep its colour on every screen. */}
                <Avatar
                  size="mini"
                  label={e.author.kind === 'visitor' ? line.visitor : side === 'mine' ? (e.author.name ?? name) : name}
                  colourKey={e.author.kind === 'visitor' ? (line.visitorId ?? line.visitor) : (e.author.id ?? e.author.kind)}
                />
                <span class="who">
                  {name}
                  {e.seq === found?.seq && <span class="sr-only">, {t.searchAll.found}</span>}
                </span>
                {e.text !== '' && <p class="bubble">{e.text !== null && e.seq === found?.seq ? <Marked text={e.text} terms={found.terms} /> : e.text}</p>}
                {e.attachments && <AttachmentList files={e.attachments} />}
                <span class="meta">
                  <time dateTime={new Date(e.at).toISOString()}>{clock.format(e.at)}</time>
                  {e.seq === seenSeq && (
                    <>
                      {' · '}
                      <span class="seen-mark">{t.seenByVisitor}</span>
                    </>
                  )}
                </span>
              </li>
            );
          }
          if (e.kind === 'note') {
            return (
              <li key={e.seq} data-seq={e.seq} class={`msg note${e.seq === found?.seq ? ' found' : ''}`} tabIndex={e.seq === found?.seq ? -1 : undefined}>
                <span class="who">
                  {e.author.id === line.agentId ? t.noteMine : t.noteBy(who(e))} · <span class="private">{t.onlyAgents}</span>
                </span>
                {e.text !== '' && <p class="bubble">{e.text}</p>}
                {e.attachments && <AttachmentList files={e.attachments} />}
                <time class="meta" dateTime={new Date(e.at).toISOString()}>
                  {clock.format(e.at)}
                </time>
              </li>
            );
          }
          const notice = notices.get(e.seq);
          if (!notice) return null;
          return (
            <li key={e.seq} class={`notice k-${notice.kind}`}>
              {notice.line} · {clock.format(e.at)}
            </li>
          );
        })}
        {pending.map((p) => (
          <li key={p.clientId} class={`msg ${p.note ? 'note' : 'mine'} ${p.failed ? 'failed' : 'sending'}`}>
            {p.note && <span class="who">{t.noteMine}</span>}
            {p.text !== '' && <p class="bubble">{p.text}</p>}
            {p.attachments && <AttachmentList files={p.attachments} />}
            {p.failed ? (
              <span class="meta">
                {t.notSent(errorText(p.failed, p.failed))}{' '}
                <button type="button" class="link" onClick={() => onRetry(p)}>
                  {t.retry}
                </button>{' '}
                <button type="button" class="link" onClick={() => onDiscard(p.clientId)}>
                  {t.discard}
                </button>
              </span>
            ) : (
              <span class="meta">{t.sending}</span>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
