import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Attachment } from '../../shared/protocol';
import type { Strings } from './i18n';
import { initials, linkify } from './text';
import type { TimelineItem } from './timeline';

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
}

export function MessageList(props: MessageListProps) {
  const { items, t, time, onRetry, onDiscard, children, tailKey, attachments, greeting, agentName, avatars, day, seen, typing } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const tail = useRef<HTMLDivElement>(null);
  // Keep the newest message in view as messages arrive; a form or panel below them from its top, with
  // the notice before it (say "You ended the conversation") still in sight.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const below = tail.current?.firstElementChild ? tail.current.offsetTop - 64 : Infinity;
    el.scrollTop = Math.min(el.scrollHeight, below);
  }, [items.length, tailKey, typing]);

  return (
    <div class="log" ref={scroller}>
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
            <li key={item.key} class={`msg ${item.mine ? 'mine' : 'theirs'} ${item.state}`}>
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
    </div>
  );
}
