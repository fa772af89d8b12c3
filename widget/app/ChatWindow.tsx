import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Composer } from '../../shared/ui/Composer';
import { useView } from '../../shared/ui/use-view';
import type { Locale, WidgetSettings } from '../contract';
import { textOn } from '../../shared/contrast';
import { dayLabel, type Strings } from './i18n';
import { MessageList } from './MessageList';
import { panelOf, ticketed } from './session/panel';
import type { VisitorSession } from './session/session';
import { seenMark, timeline, withDays } from './timeline';
import { useChunk, useFiles } from './files/lazy';
import { usualWait } from './wait';
import { needsPrechat, Prechat } from './prechat/lazy';

export interface ChatWindowProps {
  session: VisitorSession;
  t: Strings;
  locale: Locale;
  onClose: () => void;
  inputRef: { current: HTMLTextAreaElement | null };
  /** The site's settings the loader read; the welcome's win once they come. */
  settings: WidgetSettings | null;
}

const loadList = () => import('./conversations/ConversationList');
const loadEnd = () => import('./conversations/EndPanel');
const loadOffline = () => import('./conversations/OfflineForm');
const loadTicket = () => import('./conversations/TicketNote');

export function ChatWindow({ session, t, locale, onClose, inputRef, settings }: ChatWindowProps) {
  const view = useView(session);
  // Issue 15: the form's ticket goes before a chat that came after it (timeline.ts).
  const formTicket = view.ticket?.state === 'done' ? (view.ticket.number ?? undefined) : undefined;
  const items = useMemo(() => withDays(timeline(view.events, view.outbox, view.conversationId, formTicket)), [view.events, view.outbox, view.conversationId, formTicket]);
  const past = useMemo(() => view.past && withDays(timeline(view.past.events, [], view.past.id)), [view.past]);
  const time = useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    return (at: number) => format.format(at);
  }, [locale]);
  const day = (at: number) => dayLabel(at, Date.now(), locale);
  const site = view.site?.widget ?? settings;
  const agentName = (name: string | null) => (site?.agentDisplay === 'anonymous' || !name ? t.agent : name);
  const [listing, setListing] = useState(false);
  /** The live region's text: the newest agent message, never the visitor's own. */
  const [said, setSaid] = useState('');
  useEffect(() => {
    const e = view.latest;
    if (e?.text) setSaid(`${agentName(e.author.name)}: ${e.text}`);
  }, [view.latest]);
  const [confirming, setConfirming] = useState(false);
  /** Where the focus goes once the panel below the messages changes: the visitor's own step leads there. */
  const focusNext = useRef<'end' | 'composer' | 'ticket' | null>(null);
  const endButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const section = useRef<HTMLElement>(null);

  const panel = panelOf(view);
  /** SPEC W7: the conversation list, a chunk of its own fetched when first asked for. */
  const List = useChunk(listing, loadList)?.ConversationList;
  /** The end panel's chunk: fetched when the visitor asks to end, or an ended conversation shows. */
  const End = useChunk(confirming || panel === 'end', loadEnd)?.EndPanel;
  /** SPEC T1: the leave-a-message form's chunk, fetched only when nobody can answer. */
  const Offline = useChunk(panel === 'form', loadOffline)?.OfflineForm;
  // Issue 15: a chat that became a ticket goes on as the ticket's thread, with its state below it; no
  // e-mail is promised or asked while the server sends none.
  const onTicket = ticketed(view);
  const Ticket = useChunk(onTicket, loadTicket)?.TicketNote;
  const mailOn = view.site?.email !== false;
  // SPEC W5: the pre-chat form stands in for the composer; SPEC W3: files (uploaded once a conversation is open).
  const prechat = panel === 'composer' && needsPrechat(view);
  const files = useFiles(session, locale, !!view.site?.widget?.uploads.enabled && panel === 'composer' && !onTicket);
  const ticketDone = view.ticket !== null && view.ticket.state === 'done';
  // Issue 15: while no agent has joined, the place in the queue and how soon the team usually answers.
  const wait = view.wait;
  const waiting = wait?.conversationId === view.conversationId && view.status === 'open' && !view.events.some((e) => e.author.kind === 'agent') && wait;
  const blocked = panel === 'blocked';
  // SPEC W6: refused (strict identity, turned on mid-chat too: issue 11 F11), the socket is given up on.
  const refused = panel === 'login';
  const canEnd = view.conversationId !== null && view.status === 'open' && !blocked && !refused;
  // Blocked or refused, the socket is given up on too: the panel says why, not "no connection".
  const banner = blocked || refused ? null : view.connection === 'failed' ? t.failed : view.connection === 'offline' ? t.offline : null;

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  useEffect(() => {
    // The end panel took the focus as it mounted (its `focus` prop). After "New conversation" the
    // composer takes it, or the form's first field when nobody is available.
    if (focusNext.current === 'composer') {
      (panel === 'composer' ? inputRef.current : section.current?.querySelector<HTMLElement>('.card input, .card textarea'))?.focus();
    }
    // A ticket's confirmation takes the focus when it comes; so does the end panel once its chunk is here.
    const ready = panel === 'end' && End;
    const waiting = (focusNext.current === 'end' && !ready) || (focusNext.current === 'composer' && panel === 'form' && !Offline);
    if (focusNext.current !== 'ticket' && !waiting) focusNext.current = null;
    if (panel !== 'composer') setConfirming(false);
  }, [panel, End, Offline]);

  const cancel = () => {
    setConfirming(false);
    endButton.current?.focus();
  };

  const showList = () => {
    session.listConversations();
    setListing(true);
  };
  const back = () => {
    session.show(null);
    setListing(false);
  };
  const log = {
    t,
    time,
    day,
    agentName,
    avatars: site?.agentDisplay !== 'anonymous' && site?.agentDisplay !== 'name',
    greeting: site?.greeting ?? t.greeting,
    onRetry: (id: string) => session.retry(id),
    onDiscard: (id: string) => session.discard(id),
  };

  return (
    <section
      class="chat"
      ref={section}
      {...files.zone}
      style={site ? { '--papo-accent': site.color, '--papo-on-accent': textOn(site.color) } : undefined}
      aria-labelledby="papo-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header class="head">
        <div>
          <h2 id="papo-title">{t.title}</h2>
          {/* SPEC R13: without a connection it cannot know who is available: it says it is connecting. */}
          <p class="sub">{view.connection === 'connecting' || view.connection === 'offline' ? t.connecting : panel === 'form' ? t.nobody : onTicket ? t.asTicket : t.subtitle}</p>
        </div>
        <button type="button" class="icon" aria-label={t.conversations} aria-pressed={listing} onClick={() => (listing ? back() : showList())}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M4 6h16M4 12h16M4 18h10" />
          </svg>
        </button>
        <button type="button" class="icon" aria-label={t.sound} aria-pressed={view.sound} onClick={() => session.setSound(!view.sound)}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d={`M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4${view.sound ? '' : 'M3 3l18 18'}`} />
          </svg>
        </button>
        <button type="button" class="icon" aria-label={t.close} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
        {canEnd && (
          <button type="button" class="quit" ref={endButton} aria-expanded={confirming} disabled={view.ending} onClick={() => setConfirming(true)}>
            {t.endChat}
          </button>
        )}
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
      {files.overlay}
      {banner && (
        <p class="banner" role="status">
          {banner}
        </p>
      )}
      {listing ? (
        List ? (
          <List
            list={view.list}
            t={t}
            when={(at) => `${day(at)} ${time(at)}`}
            current={view.conversationId}
            // C3: one open conversation at a time; "New conversation" only when none is.
            canStart={view.status !== 'open' && !view.list?.some((c) => c.status === 'open')}
            onOpen={(id) => {
              session.show(id);
              setListing(false);
            }}
            onNew={() => {
              back();
              focusNext.current = 'composer';
              if (view.conversationId) session.newConversation();
              else inputRef.current?.focus();
            }}
            onBack={back}
          />
        ) : (
          <p class="log" role="status">
            {t.loading}
          </p>
        )
      ) : past ? (
        <MessageList items={past} {...log} seen={0} typing={null} attachments={files.show}>
          <button type="button" class="send alt" onClick={back}>
            {t.back}
          </button>
        </MessageList>
      ) : (
      <MessageList items={items} {...log} seen={seenMark(items, view.agentSeen)} visitorSeen={view.visitorSeen} typing={view.typing && agentName(view.typing.name)} tailKey={waiting ? `${panel}w` : panel} attachments={files.show}>
        {waiting && (
          <p class="queue" role="status">
            {waiting.position && <span>{t.place(waiting.position)}</span>}
            {waiting.typicalMs !== null && <span>{t.usually(usualWait(waiting.typicalMs))}</span>}
          </p>
        )}
        {files.pending}
        {prechat && <Prechat session={session} locale={locale} />}
        {ticketDone && !view.events.length && (
          <p class="card lead ok" role="status" tabIndex={-1} ref={(el) => {
              if (el && focusNext.current === 'ticket') {
                focusNext.current = null;
                el.focus();
              }
            }}>
            {t.becameTicket(view.ticket!.number)}
            {mailOn && ` ${t.byMail}`}
          </p>
        )}
        {onTicket && Ticket && <Ticket session={session} view={view} t={t} locale={locale} mailOn={mailOn} />}
        {panel === 'login' && (
          <p class="card lead" role="status">
            {t.login}
          </p>
        )}
        {blocked && (
          <p class="card lead" role="status">
            {t.blocked}
          </p>
        )}
        {panel === 'form' && !ticketDone && Offline && (
          <Offline
            siteFields={view.site?.offlineFields ?? []}
            ticket={view.ticket}
            t={t}
            mailOn={mailOn}
            onSubmit={(fields) => {
              focusNext.current = 'ticket'; // the confirmation takes the place, and the focus, of the form
              session.createTicket(fields);
            }}
          />
        )}
        {panel === 'end' && End && (
          <End
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
      )}
      {/* Hidden, not unmounted, while the form or the end panel stands in: a draft survives the end. */}
      <div
        hidden={panel !== 'composer' || prechat || listing || !!past}
        // SPEC W1: typing while the draft has text, stopped once it is empty, sent, or left.
        onInput={(e) => e.target instanceof HTMLTextAreaElement && session.setTyping(e.target.value.trim() !== '')}
        onFocusOut={() => session.setTyping(false)}
      >
        <Composer
          onSend={(text) => session.send(text)}
          label={t.composeLabel}
          placeholder={t.placeholder}
          sendLabel={t.send}
          counterLabel={t.characters}
          disabled={view.connection === 'failed' || panel !== 'composer'}
          inputRef={inputRef}
          attachLabel={t.attach}
          {...files.composer}
        />
      </div>
      <p class="sr-only" aria-live="polite">
        {said}
      </p>
    </section>
  );
}
