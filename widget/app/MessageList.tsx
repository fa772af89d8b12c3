import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Attachment } from '../../shared/protocol';
import type { Strings } from './i18n';
import { initials, linkify } from './text';
import { firstUnread, type TimelineItem } from './timeline';

function noticeText(item: Exclude<TimelineItem, { type: 'message' | 'day' }>, t: Strings): string {
  switch (item.type) {
    case 'joined':
      return t.joined(item.name);
    case 'left':
      return t.left(item.name);
    case 'ended':
      return t.endedByYou;
    case 'closed':
      return t.closed;
    case 'ticket':
      return t.becameTicket(item.number);
  }
}

export interface MessageListProps {
  items: TimelineItem[];
  t: Strings;
  time: (at: number) => string;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** Shown after the messages, scrolling with them: the leave-a-message form, the end panel. */
  children?: ComponentChildren;
  /** Changes when what `children` shows changes, to bring it into view. */
  tailKey?: string;
  /** Draws a message's files (SPEC W3); the files chunk loads when the first one is shown. */
  attachments?: (list: Attachment[]) => ComponentChildren;
  /** The first bubble: the site's greeting or the translated default. */
  greeting: string;
  /** How an agent appears (SPEC W4 agentDisplay): the name shown for an author's name, and initials or not. */
  agentName: (name: string | null) => string;
  avatars: boolean;
  /** "Hoje", "Ontem", a date. */
  day: (at: number) => string;
  /** The seq of the visitor's message that gets "Seen" (SPEC W2); 0: none. */
  seen: number;
  /** Who is writing (SPEC W1), by display name; null: nobody. */
  typing: string | null;
  /** What the visitor has seen (SPEC W2): the list opens at the first agent message after it (issue 15); absent: at the newest. */
  visitorSeen?: number;
}

export function MessageList(props: MessageListProps) {
  const { items, t, time, onRetry, onDiscard, children, tailKey, attachments, greeting, agentName, avatars, day, seen, typing, visitorSeen = Infinity } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const tail = useRef<HTMLDivElement>(null);
  /** Issue 15: the visitor is at the newest message (else a new one does not move the list, it shows "new messages"). */
  const bottom = useRef(true);
  /** Where the list opens while it is hidden: the first unread agent message (kept as the opening marks it seen). */
  const mark = useRef<number | null>(null);
  const [more, setMore] = useState(false);
  const el = scroller.current;
  if (!el?.clientHeight) mark.current = firstUnread(items, visitorSeen);
  const toEnd = () => {
    const el = scroller.current!;
    const below = tail.current?.firstElementChild ? tail.current.offsetTop - 64 : Infinity;
    el.scrollTop = Math.min(el.scrollHeight, below);
    bottom.current = true;
    setMore(false);
  };
  // Shown (the panel opened, or reopened: a hidden list has no height): the first unread message, else the newest.
  useLayoutEffect(() => {
    const el = scroller.current!;
    let shown = false;
    const watch = new ResizeObserver(() => {
      if (shown === (shown = el.clientHeight > 0) || !shown) return;
      const first = mark.current !== null && el.querySelector<HTMLElement>(`[data-seq="${mark.current}"]`);
      if (first) {
        el.scrollTop = first.offsetTop - 8;
        bottom.current = false;
      } else toEnd();
    });
    watch.observe(el);
    return () => watch.disconnect();
  }, []);
  // Keep the newest message in view as messages arrive, unless the visitor scrolled up to read (then "new
  // messages" says so); a form or panel below them from its top, with the notice before it still in sight.
  const before = useRef({ n: 0, tailKey });
  useLayoutEffect(() => {
    const last = items[items.length - 1];
    const { n, tailKey: was } = before.current;
    before.current = { n: items.length, tailKey };
    if (bottom.current || tailKey !== was || (last?.type === 'message' && last.mine)) toEnd();
    else if (items.length > n) setMore(true);
  }, [items.length, tailKey, typing]);

  return (
    <div
      class="log"
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        if ((bottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40)) setMore(false);
      }}
    >
      <ol aria-label={t.log}>
        <li class="msg theirs greeting">
          <p class="bubble">{greeting}</p>
        </li>
        {items.map((item, i) => {
          const before = items[i - 1];
          return item.type === 'day' ? (
            <li key={item.key} class="day">
              {day(item.at)}
            </li>
          ) : item.type !== 'message' ? (
            <li key={item.key} class="notice">
              {noticeText(item, t)}
            </li>
          ) : (
            <li key={item.key} class={`msg ${item.mine ? 'mine' : 'theirs'} ${item.state}`} data-seq={item.seq}>
              {!item.mine && !(before?.type === 'message' && !before.mine && before.author === item.author) && (
                <span class="by">
                  {avatars && item.author && (
                    <span class="av" aria-hidden="true">
                      {initials(item.author)}
                    </span>
                  )}
                  <span class="who">{agentName(item.author)}</span>
                </span>
              )}
              {item.attachments && attachments?.(item.attachments)}
              {item.text && (
                <p class="bubble">
                  {linkify(item.text).map((piece) =>
                    typeof piece === 'string' ? piece : (
                      <a href={piece.href} target="_blank" rel="noopener noreferrer">
                        {piece.text}
                      </a>
                    ),
                  )}
                </p>
              )}
              <span class="meta">
                {item.state === 'sending' ? (
                  t.sending
                ) : item.state === 'failed' ? (
                  <>
                    {t.notSent}{' '}
                    <button type="button" class="link" onClick={() => onRetry(item.clientId!)}>
                      {t.retry}
                    </button>{' '}
                    <button type="button" class="link" onClick={() => onDiscard(item.clientId!)}>
                      {t.discard}
                    </button>
                  </>
                ) : (
                  <>
                    <time dateTime={new Date(item.at).toISOString()}>{time(item.at)}</time>
                    {item.seq === seen && ` · ${t.seen}`}
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ol>
      {typing && (
        <p class="typing">
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {t.typing(typing)}
        </p>
      )}
      <div ref={tail}>{children}</div>
      {more && (
        <button type="button" class="more" onClick={toEnd}>
          {t.newMessages} ↓
        </button>
      )}
    </div>
  );
}
