import { useMemo } from 'preact/hooks';
import { Composer } from '../../shared/ui/Composer';
import { useView } from '../../shared/ui/use-view';
import type { Strings } from './i18n';
import { MessageList } from './MessageList';
import type { VisitorSession } from './session';
import { timeline } from './timeline';

export interface ChatWindowProps {
  session: VisitorSession;
  t: Strings;
  locale: string;
  onClose: () => void;
  inputRef: { current: HTMLTextAreaElement | null };
}

export function ChatWindow({ session, t, locale, onClose, inputRef }: ChatWindowProps) {
  const view = useView(session);
  const items = useMemo(() => timeline(view.events, view.outbox, view.conversationId), [view.events, view.outbox, view.conversationId]);
  const time = useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    return (at: number) => format.format(at);
  }, [locale]);

  const banner = view.connection === 'failed' ? t.failed : view.connection === 'offline' ? t.offline : null;

  return (
    <section
      class="chat"
      aria-labelledby="papo-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header class="head">
        <div>
          <h2 id="papo-title">{t.title}</h2>
          <p class="sub">{view.connection === 'connecting' ? t.connecting : t.subtitle}</p>
        </div>
        <button type="button" class="icon" aria-label={t.close} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
      </header>
      {banner && (
        <p class="banner" role="status">
          {banner}
        </p>
      )}
      <MessageList items={items} t={t} time={time} onRetry={(id) => session.retry(id)} onDiscard={(id) => session.discard(id)} />
      <Composer
        onSend={(text) => session.send(text)}
        label={t.composeLabel}
        placeholder={t.placeholder}
        sendLabel={t.send}
        counterLabel={t.characters}
        disabled={view.connection === 'failed'}
        inputRef={inputRef}
      />
    </section>
  );
}
