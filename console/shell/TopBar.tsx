/**
 * @module The top bar: sections, search (issue 12), availability (Available / Unavailable, and No answer when the server put
 * the agent there), connection status, name, settings and sign out.
 */
import type { SearchHit } from '../../shared/api';
import type { AgentPresence, AgentProfile, QueueInfo } from '../../shared/protocol';
import type { SocketStatus } from '../../shared/socket-client';
import { api, type Prefs } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';
import { SearchBox } from '../search/SearchBox';
import { SettingsMenu } from './SettingsMenu';
import { useAction } from '../ui/use-action';

export type Section = 'conversations' | 'tickets' | 'supervisor' | 'visitors' | 'admin' | 'team';

export interface TopBarProps {
  agent: AgentProfile;
  me: AgentPresence | null;
  connection: SocketStatus;
  section: Section;
  /** Sections this agent may open, in order. */
  sections: readonly Section[];
  onSection: (section: Section) => void;
  prefs: Prefs | null;
  onPrefs: (prefs: Prefs) => void;
  /** The state the server answered (the presence frame follows). */
  onPresence: (presence: AgentPresence) => void;
  onSignOut: () => void;
  badge: number;
  /** Open tickets, shown on the Tickets section; null before the first read. */
  ticketCount?: string | null;
  /** Issue 12: the search field; its hits name their queue. */
  queues?: QueueInfo[];
  onSearchHit?: (hit: SearchHit, q: string) => void;
  /** Issue 15: the search's question in the URL, and the change of it (null: the answer put away). */
  searchQuery?: string | null;
  onSearchQuery?: (q: string | null) => void;
  /** Issue 15: unread internal chat messages, shown on the Team section. */
  teamUnread?: number;
}

export function TopBar({ agent, me, connection, section, sections, onSection, prefs, onPrefs, onPresence, onSignOut, badge, ticketCount, queues = [], onSearchHit, searchQuery = null, onSearchQuery, teamUnread = 0 }: TopBarProps) {
  const availability = useAction();
  const state = me?.state ?? 'offline';
  const status = { online: t.online, connecting: t.connecting, offline: t.offline, failed: t.failed }[connection];
  const sectionName: Record<Section, string> = { conversations: t.sectionConversations, tickets: t.tk.section, supervisor: t.sectionSupervisor, visitors: t.sectionVisitors, admin: t.sectionAdmin, team: t.team.section };

  const choose = async (next: string) => {
    if (next !== 'available' && next !== 'unavailable') return;
    const answer = await availability.run(() => api.setAvailability(next));
    if (answer) onPresence(answer.presence);
  };

  return (
    <header class="topbar">
      <span class="logo">{t.brand}</span>
      <nav class="sections" aria-label={t.sections}>
        {sections.map((s) => (
          <button key={s} type="button" class={`section${s === section ? ' current' : ''}`} aria-current={s === section ? 'page' : undefined} onClick={() => onSection(s)}>
            {sectionName[s]}
            {s === 'conversations' && badge > 0 && <span class="badge">{badge}</span>}
            {s === 'team' && teamUnread > 0 && (
              <span class="badge" aria-label={t.team.unread(teamUnread)}>
                {teamUnread}
              </span>
            )}
            {s === 'tickets' && ticketCount && ticketCount !== '0' && (
              <span class="count" title={t.tk.openCount(Number.parseInt(ticketCount, 10))}>
                {ticketCount}
              </span>
            )}
          </button>
        ))}
      </nav>
      {onSearchHit && <SearchBox queues={queues} onOpen={onSearchHit} query={searchQuery} {...(onSearchQuery ? { onQuery: onSearchQuery } : {})} />}
      <div class={`availability state-${state}`}>
        <span class="dot" aria-hidden="true" />
        <label class="sr-only" for="availability">
          {t.availability}
        </label>
        <select id="availability" value={state} disabled={availability.busy || connection !== 'online'} onChange={(e) => void choose(e.currentTarget.value)}>
          <option value="available">{t.stateAvailable}</option>
          <option value="unavailable">{t.stateUnavailable}</option>
          {/* Entered by the server after a missed offer; leaving it is choosing Available (SPEC R4). */}
          {state === 'rona' && (
            <option value="rona" disabled>
              {t.stateRona}
            </option>
          )}
          {state === 'offline' && (
            <option value="offline" disabled>
              {t.stateOffline}
            </option>
          )}
        </select>
        {state === 'rona' && <span class="hint">{t.ronaHint}</span>}
        <ErrorLine error={availability.error} />
      </div>
      <span class={`status ${connection}`} role="status">
        <span class="dot" aria-hidden="true" />
        {status}
      </span>
      <span class="me" title={agent.email}>
        {agent.name}
      </span>
      <SettingsMenu agent={agent} prefs={prefs} onPrefs={onPrefs} />
      <button type="button" class="ghost" onClick={onSignOut}>
        {t.signOut}
      </button>
    </header>
  );
}
