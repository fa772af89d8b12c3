/**
 * @module Issue 15: the console's Team section (3CX's internal chat): the team channel and the agent's direct
 * chats with unread badges, the chat on screen with its live messages and those still being sent, and a
 * composer where Enter sends. Only agents ever see any of it. On a phone the list and the chat take turns
 * (the chat has a Back button to the list).
 */
import { useEffect, useRef } from 'preact/hooks';
import { directChannelId, peerOf, TEAM_CHANNEL } from '../../shared/internal-chat';
import { Composer } from '../../shared/ui/Composer';
import { useView } from '../../shared/ui/use-view';
import type { InternalMessage } from '../../shared/protocol';
import { clock, dayTime, errorText, t } from '../i18n/i18n';
import type { TeamChannel, TeamChat } from './team-chat';

export interface TeamPanelProps {
  team: TeamChat;
  /** This agent's id: its own messages are drawn on its side. */
  meId: string;
  /**
   * The chat the URL names (`/console/team/:channel`): `team`, or the id of the colleague of a direct chat
   * (an id the routes take as it is); null: the panel's own choice (the team channel).
   */
  channel?: string | null;
  /** The chat on screen changed: the URL follows (`replace` when the URL named none). */
  onChannel?: (channel: string | null, replace: boolean) => void;
}

/** A chat's name in the URL: `team`, or the other agent's id for a direct chat. */
function urlName(channelId: string | null, meId: string): string | null {
  return channelId === null || channelId === TEAM_CHANNEL ? channelId : peerOf(channelId, meId);
}

/** The chat a URL name opens (null for none, or for oneself). */
function fromUrl(name: string | null, meId: string): string | null {
  if (name === null || name === TEAM_CHANNEL) return name;
  return name === meId ? null : directChannelId(meId, name);
}

function channelName(c: Pick<TeamChannel, 'kind' | 'peer'>): string {
  return c.kind === 'team' ? t.team.teamChannel : c.peer?.name || t.team.someone;
}

function when(at: number): string {
  const d = new Date(at);
  return d.toDateString() === new Date().toDateString() ? clock.format(d) : dayTime.format(d);
}

export function TeamPanel({ team, meId, channel = null, onChannel }: TeamPanelProps) {
  const view = useView(team);
  const current = view.channels.find((c) => c.id === view.currentId) ?? null;
  const log = useRef<HTMLDivElement>(null);
  const composer = useRef<HTMLTextAreaElement | null>(null);

  // The URL names the chat (a link, a reload, Back and Forward): opened before the panel's own default.
  useEffect(() => {
    const id = fromUrl(channel, meId);
    if (id !== null) team.open(id);
  }, [team, channel]);
  useEffect(() => {
    team.shown(true);
    // A hidden tab reads nothing; shown again, what is on screen is read.
    const onVisible = () => team.shown(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      team.shown(false);
    };
  }, [team]);

  // The chat on screen names the URL: when the agent changes it, and at first only when the URL named none
  // (the first render's view may still be the chat shown before this URL's).
  const named = useRef(false);
  useEffect(() => {
    const first = !named.current;
    named.current = true;
    const name = urlName(view.currentId, meId);
    if (!onChannel || name === channel || (first && channel !== null)) return;
    if (name !== null || channel !== null) onChannel(name, channel === null);
  }, [view.currentId]);

  // Newest at the bottom: follow new messages while the reader is near the end.
  const count = view.messages.length + view.pending.length;
  useEffect(() => {
    const el = log.current;
    if (!el) return;
    // On a phone the page itself scrolls (the log is not a scroll box there).
    if (getComputedStyle(el).overflowY === 'visible') {
      if (document.documentElement.scrollHeight - window.scrollY - window.innerHeight < 240) window.scrollTo(0, document.documentElement.scrollHeight);
    } else if (el.scrollHeight - el.scrollTop - el.clientHeight < 160) el.scrollTop = el.scrollHeight;
  }, [count, view.currentId]);
  useEffect(() => {
    const el = log.current;
    if (!el) return;
    if (getComputedStyle(el).overflowY === 'visible') window.scrollTo(0, document.documentElement.scrollHeight);
    else el.scrollTop = el.scrollHeight;
  }, [view.currentId, view.loading]);

  const direct = view.channels.filter((c) => c.kind === 'direct');
  const teamChannel = view.channels.find((c) => c.kind === 'team');
  const pending = view.pending.filter((p) => p.channelId === view.currentId);
  const name = current ? channelName(current) : '';
  const label = current?.kind === 'direct' ? t.team.composeDirect(name) : t.team.composeTeam;

  const channelButton = (c: TeamChannel) => (
    <li key={c.id}>
      <button
        type="button"
        class={`team-channel${c.id === view.currentId ? ' current' : ''}${c.unread > 0 ? ' has-unread' : ''}`}
        aria-current={c.id === view.currentId ? 'true' : undefined}
        onClick={() => {
          team.open(c.id);
          composer.current?.focus();
        }}
      >
        <span class="avatar" aria-hidden="true">
          {c.kind === 'team' ? '#' : initials(channelName(c))}
        </span>
        <span class="team-channel-name">{channelName(c)}</span>
        {c.unread > 0 && (
          <span class="badge" aria-label={t.team.unread(c.unread)}>
            {c.unread}
          </span>
        )}
      </button>
    </li>
  );

  return (
    <section class={`team${view.currentId ? ' has-current' : ''}`} aria-labelledby="team-title">
      <nav class="team-list" aria-label={t.team.channels}>
        <h2 id="team-title">{t.team.title}</h2>
        <ul>{teamChannel ? channelButton(teamChannel) : channelButton({ id: 'team', kind: 'team', peer: null, lastSeq: 0, seenSeq: 0, lastMessageAt: null, unread: 0 })}</ul>
        <h3>{t.team.direct}</h3>
        {direct.length > 0 ? <ul>{direct.map(channelButton)}</ul> : <p class="hint">{t.team.noDirect}</p>}
        <label class="team-start" for="team-start">
          {t.team.startDirect}
        </label>
        <select
          id="team-start"
          value=""
          disabled={view.agents.length === 0}
          onChange={(e) => {
            const id = e.currentTarget.value;
            e.currentTarget.value = '';
            if (id) team.openDirect(id);
          }}
        >
          <option value="">{view.agents.length === 0 ? t.team.noAgents : t.team.chooseAgent}</option>
          {view.agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </nav>
      {current || view.currentId ? (
        <div class="team-chat">
          <header class="team-head">
            <button type="button" class="ghost team-back" onClick={() => team.open(null)} aria-label={t.team.back}>
              ←
            </button>
            <div>
              <h3 id="team-chat-title">{name}</h3>
              <p class="hint">{current?.kind === 'direct' ? t.team.directHint(name) : t.team.teamHint}</p>
            </div>
          </header>
          <div class="messages" ref={log} aria-busy={view.loading || undefined}>
            {view.hasMore && (
              <button type="button" class="older" onClick={() => team.loadOlder()}>
                {t.loadOlder}
              </button>
            )}
            {view.loading && <p class="hint">{t.team.loading}</p>}
            {view.error && <p class="error">{view.error === 'forbidden' ? t.team.cannotRead : errorText(view.error, view.error)}</p>}
            {!view.loading && !view.error && view.messages.length === 0 && pending.length === 0 && <p class="hint team-empty">{t.team.empty}</p>}
            <ol aria-live="polite" aria-relevant="additions" aria-labelledby="team-chat-title">
              {view.messages.map((m) => (
                <Message key={m.seq} m={m} mine={m.authorId === meId} />
              ))}
              {pending.map((p) => (
                <li key={p.clientId} class={`msg mine ${p.failed ? 'failed' : 'sending'}`}>
                  <p class="bubble">{p.text}</p>
                  {p.failed ? (
                    <span class="meta">
                      {t.notSent(errorText(p.failed, p.failed))}{' '}
                      <button type="button" class="link" onClick={() => team.retry(p.clientId)}>
                        {t.retry}
                      </button>{' '}
                      <button type="button" class="link" onClick={() => team.discard(p.clientId)}>
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
          <Composer
            id="team-compose"
            inputRef={composer}
            onSend={(text) => team.post(text)}
            label={label}
            placeholder={current?.kind === 'direct' ? t.team.placeholderDirect(name) : t.team.placeholderTeam}
            sendLabel={t.send}
            counterLabel={t.characters}
            disabled={view.error !== null}
          />
        </div>
      ) : null}
    </section>
  );
}

function Message({ m, mine }: { m: InternalMessage; mine: boolean }) {
  return (
    <li class={`msg ${mine ? 'mine' : 'theirs'}`} data-seq={m.seq}>
      <span class="who">{mine ? t.you : m.authorName}</span>
      <p class="bubble">{m.text}</p>
      <time class="meta" dateTime={new Date(m.at).toISOString()}>
        {when(m.at)}
      </time>
    </li>
  );
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '') + (words.length > 1 ? (words.at(-1)?.[0] ?? '') : '')).toUpperCase() || '?';
}
