import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Composer } from '../../shared/ui/Composer';
import { useView } from '../../shared/ui/use-view';
import type { Locale } from '../contract';
import { EndPanel } from './EndPanel';
import type { Strings } from './i18n';
import { MessageList } from './MessageList';
import { formFields } from './offline-form';
import { OfflineForm } from './OfflineForm';
import { panelOf, type VisitorSession } from './session';
import { timeline } from './timeline';

export interface ChatWindowProps {
  session: VisitorSession;
  t: Strings;
  locale: Locale;
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
  const [confirming, setConfirming] = useState(false);
  /** Where the focus goes once the panel below the messages changes: the visitor's own step leads there. */
  const focusNext = useRef<'end' | 'composer' | 'ticket' | null>(null);
  const endButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const section = useRef<HTMLElement>(null);

  const panel = panelOf(view);
  const ticketDone = view.ticket !== null && view.ticket.state === 'done';
  const blocked = panel === 'blocked';
  const canEnd = view.conversationId !== null && view.status === 'open' && !blocked;
  // Blocked, the socket is given up on too: the panel says why, not "out of date".
  const banner = blocked ? null : view.connection === 'failed' ? t.failed : view.connection === 'offline' ? t.offline : null;

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  useEffect(() => {
    // The end panel took the focus as it mounted (its `focus` prop). After "New conversation" the
    // composer takes it, or the form's first field when nobody is available.
    if (focusNext.current === 'composer') {
      (panel === 'composer' ? inputRef.current : section.current?.querySelector<HTMLElement>('.card input, .card textarea'))?.focus();
    }
    if (focusNext.current !== 'ticket') focusNext.current = null;
    if (panel !== 'composer') setConfirming(false);
  }, [panel]);

  const cancel = () => {
    setConfirming(false);
    endButton.current?.focus();
  };

  return (
    <section
      class="chat"
      ref={section}
      aria-labelledby="papo-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header class="head">
        <div>
          <h2 id="papo-title">{t.title}</h2>
          <p class="sub">{view.connection === 'connecting' ? t.connecting : panel === 'form' ? t.nobody : t.subtitle}</p>
        </div>
        {canEnd && (
          <button type="button" class="quit" ref={endButton} aria-expanded={confirming} disabled={view.ending} onClick={() => setConfirming(true)}>
            {t.endChat}
          </button>
        )}
        <button type="button" class="icon" aria-label={t.close} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
      </header>
      {confirming && canEnd && (
        <div
          class="banner confirm"
          role="group"
          aria-labelledby="papo-end-ask"
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.stopPropagation(); // Escape here takes back the question, it does not close the chat
            cancel();
          }}
        >
          <span id="papo-end-ask">{t.endAsk}</span>
          <button
            type="button"
            class="send"
            ref={confirmButton}
            disabled={view.ending}
            onClick={() => {
              focusNext.current = 'end';
              session.end();
            }}
          >
            {view.ending ? t.sending : t.endChat}
          </button>
          <button type="button" class="link" onClick={cancel}>
            {t.cancel}
          </button>
        </div>
      )}
      {banner && (
        <p class="banner" role="status">
          {banner}
        </p>
      )}
      <MessageList items={items} t={t} time={time} onRetry={(id) => session.retry(id)} onDiscard={(id) => session.discard(id)} tailKey={panel}>
        {ticketDone && (
          <p class="card lead ok" role="status" tabIndex={-1} ref={(el) => {
              if (el && focusNext.current === 'ticket') {
                focusNext.current = null;
                el.focus();
              }
            }}>
            {t.becameTicket(view.ticket!.number)}
          </p>
        )}
        {blocked && (
          <p class="card lead" role="status">
            {t.blocked}
          </p>
        )}
        {panel === 'form' && !ticketDone && (
          <OfflineForm
            fields={formFields(view.site?.offlineFields ?? [])}
            ticket={view.ticket}
            t={t}
            onSubmit={(fields) => {
              focusNext.current = 'ticket'; // the confirmation takes the place, and the focus, of the form
              session.createTicket(fields);
            }}
          />
        )}
        {panel === 'end' && (
          <EndPanel
            session={session}
            view={view}
            t={t}
            locale={locale}
            focus={focusNext.current === 'end'}
            onNew={() => {
              focusNext.current = 'composer';
              session.newConversation();
            }}
          />
        )}
      </MessageList>
      {/* Hidden, not unmounted, while the form or the end panel stands in: a draft survives the end. */}
      <div hidden={panel !== 'composer'}>
        <Composer
          onSend={(text) => session.send(text)}
          label={t.composeLabel}
          placeholder={t.placeholder}
          sendLabel={t.send}
          counterLabel={t.characters}
          disabled={view.connection === 'failed' || panel !== 'composer'}
          inputRef={inputRef}
        />
      </div>
    </section>
  );
}
