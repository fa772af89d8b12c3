/**
 * @module The signed-in console: top bar, offers and requests, and one section at a time: the conversations
 * (lists, the conversation on screen, its side panel), tickets, the supervisor board, live visitors, administration.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useView } from '../../shared/ui/use-view';
import type { SearchHit } from '../../shared/api';
import type { AgentPresence, AgentProfile, AgentRole, ConversationSummary } from '../../shared/protocol';
import { AgentSession } from '../session/agent-session';
import { api, type Prefs } from '../session/api';
import { ConversationView } from '../conversation/ConversationView';
import { ErrorLine } from '../ui/ErrorLine';
import { t, visitorLabel } from '../i18n/i18n';
import { Inbox } from '../inbox/Inbox';
import { lazyComponent } from '../ui/lazy';
import { isSupervisor, NO_FILTERS, type Filters, type ListId } from '../inbox/lists';
import { OfferPopover } from '../inbox/OfferPopover';
import { searchTerms } from '../../shared/search-text';
import { hitTarget, type FoundEntry } from '../search/search-model';
import { takeLostFocus } from '../ui/focus';
import { SidePanel } from '../conversation/SidePanel';
import { countLabel, useOpenTicketCount } from '../tickets/tickets-count';
import { TopBar, type Section } from './TopBar';
import { HOME, type Route } from './route';
import { useRoute } from './use-route';
import { TABS_BY_ROLE, type AdminTab } from '../admin/tabs';
import { useAction } from '../ui/use-action';
import { useNotifier } from '../session/use-notifier';

// Sections other than the conversations load on first use, each in its own chunk (console/admin/**).
const Admin = lazyComponent(() => import('../admin/Admin').then((m) => m.Admin));
const SupervisorBoard = lazyComponent(() => import('../admin/SupervisorBoard').then((m) => m.SupervisorBoard));
const LiveVisitors = lazyComponent(() => import('../admin/LiveVisitors').then((m) => m.LiveVisitors));
const Tickets = lazyComponent(() => import('../tickets/Tickets').then((m) => m.Tickets));
const TeamPanel = lazyComponent(() => import('../team/TeamPanel').then((m) => m.TeamPanel)); // issue 15

export interface WorkspaceProps {
  agent: AgentProfile;
  onSignOut: () => void;
  /** The socket was refused: the app checks whether the session still holds. */
  onSessionDoubt: () => void;
}

export function Workspace({ agent, onSignOut, onSessionDoubt }: WorkspaceProps) {
  const session = useMemo(() => new AgentSession(onSessionDoubt), []);
  const view = useView(session);
  // Issue 15: the screen is the URL's (route.ts); the section, list, conversation, ticket and admin tab follow it.
  const [route, navigate] = useRoute();
  /** The section under the search's answer: the one it was asked from. */
  const lastSection = useRef<Section>('conversations');
  const chosenSection = route.screen === 'search' ? lastSection.current : sectionOf(route);
  lastSection.current = chosenSection;
  /** The list last shown, for a return to the conversations from another section. */
  const lastList = useRef<ListId>('new');
  if (route.screen === 'conversations') lastList.current = route.list;
  const chosenTab = lastList.current;
  /** The conversation on screen stays open while the agent visits another section. */
  const conversationRoute = (list: ListId, conversationId = session.view.currentId): Route => ({ screen: 'conversations', list, conversationId });
  const setSection = (next: Section) => {
    if (next === 'conversations') navigate(conversationRoute(lastList.current));
    else if (next === 'tickets') navigate({ screen: 'tickets', ticket: null });
    else if (next === 'admin') navigate({ screen: 'admin', tab: route.screen === 'admin' ? route.tab : null, id: null });
    else if (next === 'team') navigate({ screen: 'team', channel: route.screen === 'team' ? route.channel : null });
    else navigate({ screen: next });
  };
  const setTab = (list: ListId) => navigate(conversationRoute(list));
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [myPresence, setMyPresence] = useState<AgentPresence | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [deleted, setDeleted] = useState<string | null>(null);
  /** The ticket open in the Tickets section, by number or id (the conversation panel opens one there too). */
  const ticketId = route.screen === 'tickets' ? route.ticket : null;
  const setTicketId = (ticket: string | null) => navigate({ screen: 'tickets', ticket });
  /** Bumped after every action, so the Closed and Archived lists read again what may have changed. */
  const [changes, setChanges] = useState(0);
  const applied = (summary: ConversationSummary) => {
    session.apply(summary);
    setChanges((n) => n + 1);
  };
  const profile = useAction();
  const steer = useAction();

  useEffect(() => {
    session.start();
    void profile.run(() => api.profile()).then((me) => {
      if (!me) return;
      setPrefs(me.prefs);
      setMyPresence(me.presence);
    });
    return () => session.stop();
  }, [session]);

  // The newer of the two: the socket's presence frames, or the answer to this console's own change.
  const me = view.me && myPresence ? (myPresence.since > view.me.since ? myPresence : view.me) : (view.me ?? myPresence);
  const supervisor = isSupervisor(agent.role);
  const sections: Section[] = supervisor ? ['conversations', 'tickets', 'team', 'supervisor', 'visitors', 'admin'] : ['conversations', 'tickets', 'team', 'visitors'];
  const team = useView(session.team); // issue 15: the Team section's unread badge
  // Issue 11 F3: an admin changed this agent's role (the server closed the socket with 4007 and the app read
  // the agent again): say so, and leave a section the new role does not have.
  const section: Section = sections.includes(chosenSection) ? chosenSection : 'conversations';
  // A URL this role has no screen for (or none at all) becomes the conversations' in place.
  useEffect(() => {
    const unknown = route.screen === 'search' && !route.q;
    if (section !== chosenSection || unknown) navigate(route.screen === 'conversations' ? route : HOME, { replace: true });
    else if (route.screen === 'admin' && route.tab && !TABS_BY_ROLE[agent.role].includes(route.tab)) navigate({ screen: 'admin', tab: null, id: null }, { replace: true });
  }, [section, chosenSection, route, agent.role]);
  /** The search's question is a URL too (/console/search?q=…), over the conversations; put away, it leaves. */
  const onSearchQuery = (q: string | null) => {
    if (q !== null) navigate({ screen: 'search', q }, { replace: route.screen === 'search' });
    else if (route.screen === 'search') navigate.leave(conversationRoute(lastList.current));
  };
  /** The conversation the URL names: opened on arrival, on Back and Forward; none puts the one on screen away. */
  const wanted = route.screen === 'conversations' ? route.conversationId : undefined;
  useEffect(() => {
    if (wanted === undefined) return;
    if (wanted === null) {
      if (session.view.currentId) session.closeCurrent();
    } else if (session.view.currentId !== wanted) session.open(wanted);
  }, [wanted]);
  // Back to the list (a phone's back, the browser's Back): the conversation that held the focus is gone from
  // the screen, and the focus goes to the list's tab rather than the page's top.
  const shownBefore = useRef(wanted);
  useEffect(() => {
    if (shownBefore.current && wanted === null) takeLostFocus(document.querySelector<HTMLElement>('.inbox [role=tab][aria-selected=true]'));
    shownBefore.current = wanted;
  }, [wanted]);
  // One the live lists do not hold (closed, archived, another's, a link from a colleague): its summary is read
  // once the socket's welcome brought the lists; one this agent may not see, or that is gone, says so.
  const missing = wanted && view.agent && view.currentId === wanted && !view.current;
  useEffect(() => {
    if (!missing) return;
    let live = true;
    api.detail(wanted).then(
      (answer) => live && session.view.currentId === wanted && session.apply(answer.conversation),
      () => live && session.forget(wanted),
    );
    return () => {
      live = false;
    };
  }, [missing, wanted]);
  const tab: ListId = chosenTab === 'others' && !supervisor ? 'mine' : chosenTab;
  const shownRole = useRef(agent.role);
  const [roleNotice, setRoleNotice] = useState<AgentRole | null>(null);
  // A role changed while the socket was reconnecting closes nothing: the welcome's role is then not the one
  // the app read, and the app reads the agent again.
  // (Keyed on the welcome's agent object, which each welcome replaces, not on its role alone.)
  useEffect(() => {
    if (view.agent && view.agent.role !== agent.role) onSessionDoubt();
  }, [view.agent, agent.role]);
  useEffect(() => {
    if (shownRole.current === agent.role) return;
    shownRole.current = agent.role;
    setRoleNotice(agent.role);
  }, [agent.role]);
  // Read again on every section change and after every conversation action (end and create ticket).
  const openTickets = useOpenTicketCount(`${section}:${changes}`);
  /**
   * The ticket entry a search hit named (issue 12), while that ticket is on screen; `n` grows with every hit
   * chosen, so the same entry chosen again is scrolled to again.
   */
  const [foundEntry, setFoundEntry] = useState<FoundEntry | null>(null);
  const entryReveals = useRef(0);
  const openTicket = (ticket: string, entryId: string | null = null) => {
    setFoundEntry(entryId === null ? null : { id: entryId, n: ++entryReveals.current });
    setTicketId(ticket);
  };

  const open = (conversationId: string, summary?: ConversationSummary, list = lastList.current) => {
    session.open(conversationId, summary);
    navigate(conversationRoute(list, conversationId));
  };
  /**
   * Counts conversation hits chosen: the search's answer, which held the focus, is gone, so the focus goes to
   * the conversation's title (MessageLog moves it on to the message once found).
   */
  const [hitOpened, setHitOpened] = useState(0);
  useEffect(() => {
    if (hitOpened > 0) takeLostFocus(document.getElementById('conversation-title'));
  }, [hitOpened]);
  /** Issue 12: a search hit opens its ticket, or its conversation (at the matching message for a message hit). */
  const openHit = (hit: SearchHit, q: string) => {
    const target = hitTarget(hit);
    if (target.kind === 'ticket') return openTicket(hit.kind === 'ticket' ? String(hit.ticket.number) : target.ticketId, target.entryId);
    const summary = hit.kind === 'conversation' ? hit.conversation : undefined;
    setHitOpened((n) => n + 1);
    if (target.seq === null) session.open(target.conversationId, summary);
    else session.openAt(target.conversationId, target.seq, summary, searchTerms(q));
    navigate(conversationRoute(lastList.current, target.conversationId));
  };
  const accepted = (summary: ConversationSummary) => {
    session.apply(summary);
    open(summary.id, undefined, 'mine');
  };
  const current = view.current;
  // Issue 15: the tab's title names the screen, so the history menu and a bookmark say where they lead.
  const screenTitle = [
    section === 'conversations' && current ? visitorLabel(current.visitorId, current.visitorName) : null,
    section === 'tickets' && ticketId && /^\d+$/.test(ticketId) ? `#${ticketId}` : null,
    { conversations: t.sectionConversations, tickets: t.tk.section, supervisor: t.sectionSupervisor, visitors: t.sectionVisitors, admin: t.sectionAdmin, team: t.team.section }[section],
    t.brand,
  ];
  const badge = view.offers.length + view.requests.length + view.unreadCounts.new + view.unreadCounts.mine;
  useNotifier(session, prefs, badge, (id) => open(id), screenTitle.filter((part) => part !== null).join(' · '));
  return (
    <div class={`workspace section-${section}${current && section === 'conversations' ? ' with-side' : ''}${wanted ? ' showing-conversation' : ''}`}>
      <TopBar
        agent={agent}
        me={me}
        connection={view.connection}
        section={section}
        sections={sections}
        onSection={setSection}
        prefs={prefs}
        onPrefs={setPrefs}
        onPresence={setMyPresence}
        onSignOut={onSignOut}
        badge={badge}
        ticketCount={openTickets.count === null ? null : countLabel(openTickets.count)}
        queues={view.queues}
        onSearchHit={openHit}
        searchQuery={route.screen === 'search' ? route.q : null}
        onSearchQuery={onSearchQuery}
        teamUnread={team.unreadTotal}
      />
      <OfferPopover
        offers={view.offers}
        requests={view.requests}
        queues={view.queues}
        presence={view.presence}
        onAccepted={accepted}
        notices={view.notices}
        wrapUps={view.wrapUps}
        onDismissNotice={(id) => session.dismissNotice(id)}
        onWrappedUp={(id) => session.wrappedUp(id)}
      />
      {roleNotice && (
        <div class="page-error role-notice" role="status">
          {t.roleChanged(roleNotice)}{' '}
          <button type="button" class="link" onClick={() => setRoleNotice(null)}>
            {t.dismiss}
          </button>
        </div>
      )}
      {profile.error && (
        <div class="page-error">
          <ErrorLine error={profile.error} />
        </div>
      )}
      {section === 'conversations' && (
        <>
          <Inbox
            agentId={agent.id}
            role={agent.role}
            lists={view.lists}
            unread={view.unread}
            unreadCounts={view.unreadCounts}
            queues={view.queues}
            currentId={view.currentId}
            tab={tab}
            onTab={setTab}
            filters={filters}
            onFilters={setFilters}
            onOpen={open}
            changes={changes}
          />
          <main class="pane">
            {/* Issue 15: a phone shows the list or the conversation; this goes back to the list (styles.css). */}
            {wanted && (
              <button type="button" class="link pane-back" onClick={() => navigate.up(conversationRoute(tab, null))}>
                {t.backToList}
              </button>
            )}
            {current ? (
              <ConversationView
                key={current.id}
                conversation={current}
                agent={agent}
                queues={view.queues}
                events={view.events}
                pending={view.pending.filter((p) => p.conversationId === current.id)}
                hasMore={view.hasMore}
                draft={drafts[current.id] ?? ''}
                onDraft={(text) => setDrafts((d) => ({ ...d, [current.id]: text }))}
                onSend={(text, note, attachments) => session.send(text, { note, attachments })}
                visitorTyping={view.visitorTyping}
                visitorSeenSeq={view.visitorSeenSeq}
                found={view.found}
                finding={view.finding}
                onTyping={(on) => session.typing(on)}
                onRetry={(reply) => {
                  session.discard(reply.clientId);
                  session.send(reply.text, { note: reply.note, ...(reply.attachments ? { attachments: reply.attachments } : {}) });
                }}
                onDiscard={(clientId) => session.discard(clientId)}
                onLoadOlder={() => void session.loadOlder()}
                onApplied={applied}
                onRemoved={(id) => {
                  setChanges((n) => n + 1);
                  setDeleted(id);
                  session.forget(id);
                }}
              />
            ) : (
              <p class="empty">{view.currentId ? t.opening : view.gone ? (view.gone === deleted ? t.deletedNotice : t.goneNotice) : t.pick}</p>
            )}
          </main>
          {current && (
            <SidePanel
              conversation={current}
              agentId={agent.id}
              queues={view.queues}
              events={view.events}
              hasMore={view.hasMore}
              onLoadOlder={() => void session.loadOlder()}
              onOpen={open}
              onOpenTicket={openTicket}
            />
          )}
        </>
      )}
      {section === 'tickets' && (
        <main class="page">
          <Tickets
            agent={agent}
            queues={view.queues}
            ticketId={ticketId}
            onTicket={(id) => {
              setFoundEntry(null);
              if (id === null) navigate.up({ screen: 'tickets', ticket: null });
              else setTicketId(id);
            }}
            onOpenConversation={(id) => open(id)}
            onChanged={openTickets.refresh}
            foundEntry={foundEntry}
          />
        </main>
      )}
      {section === 'supervisor' && (
        <main class="page">
          <ErrorLine error={steer.error} />
          <SupervisorBoard
            presence={view.presence}
            conversations={view.conversations}
            queues={view.queues}
            onPickAgent={(agentId) => {
              setTab(agentId === agent.id ? 'mine' : 'others');
              setFilters({ ...NO_FILTERS, agentId });
            }}
            onSetState={(agentId, state) => void steer.run(() => api.setAgentAvailability(agentId, state))}
          />
        </main>
      )}
      {section === 'visitors' && (
        <main class="page">
          <LiveVisitors
            onOpened={(id) => open(id, undefined, 'mine')}
          />
        </main>
      )}
      {section === 'admin' && (
        <main class="page">
          <Admin
            agent={agent}
            tab={route.screen === 'admin' ? route.tab : null}
            siteId={route.screen === 'admin' ? route.id : null}
            onTab={(tab: AdminTab, id: string | null = null) => navigate({ screen: 'admin', tab, id })}
          />
        </main>
      )}
      {section === 'team' && (
        <main class="page team-page">
          <TeamPanel
            team={session.team}
            meId={agent.id}
            channel={route.screen === 'team' ? route.channel : null}
            onChannel={(channel, replace) => navigate({ screen: 'team', channel }, { replace })}
          />
        </main>
      )}
    </div>
  );
}

/** The top bar's section a route belongs to. */
function sectionOf(route: Exclude<Route, { screen: 'search' }>): Section {
  switch (route.screen) {
    case 'conversations':
      return 'conversations';
    default:
      return route.screen;
  }
}
