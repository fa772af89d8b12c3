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
import { t } from '../i18n/i18n';
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
import { useAction } from '../ui/use-action';
import { useNotifier } from '../session/use-notifier';

// Sections other than the conversations load on first use, each in its own chunk (console/admin/**).
const Admin = lazyComponent(() => import('../admin/Admin').then((m) => m.Admin));
const SupervisorBoard = lazyComponent(() => import('../admin/SupervisorBoard').then((m) => m.SupervisorBoard));
const LiveVisitors = lazyComponent(() => import('../admin/LiveVisitors').then((m) => m.LiveVisitors));
const Tickets = lazyComponent(() => import('../tickets/Tickets').then((m) => m.Tickets));

export interface WorkspaceProps {
  agent: AgentProfile;
  onSignOut: () => void;
  /** The socket was refused: the app checks whether the session still holds. */
  onSessionDoubt: () => void;
}

export function Workspace({ agent, onSignOut, onSessionDoubt }: WorkspaceProps) {
  const session = useMemo(() => new AgentSession(onSessionDoubt), []);
  const view = useView(session);
  const [chosenSection, setSection] = useState<Section>('conversations');
  const [chosenTab, setTab] = useState<ListId>('new');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [myPresence, setMyPresence] = useState<AgentPresence | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [deleted, setDeleted] = useState<string | null>(null);
  /** The ticket open in the Tickets section (the conversation panel opens one there too). */
  const [ticketId, setTicketId] = useState<string | null>(null);
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
  const sections: Section[] = supervisor ? ['conversations', 'tickets', 'supervisor', 'visitors', 'admin'] : ['conversations', 'tickets', 'visitors'];
  // Issue 11 F3: an admin changed this agent's role (the server closed the socket with 4007 and the app read
  // the agent again): say so, and leave a section the new role does not have.
  const section: Section = sections.includes(chosenSection) ? chosenSection : 'conversations';
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
  const openTicket = (id: string, entryId: string | null = null) => {
    setTicketId(id);
    setFoundEntry(entryId === null ? null : { id: entryId, n: ++entryReveals.current });
    setSection('tickets');
  };

  const open = (conversationId: string, summary?: ConversationSummary) => {
    setSection('conversations');
    session.open(conversationId, summary);
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
    if (target.kind === 'ticket') return openTicket(target.ticketId, target.entryId);
    const summary = hit.kind === 'conversation' ? hit.conversation : undefined;
    setSection('conversations');
    setHitOpened((n) => n + 1);
    if (target.seq === null) session.open(target.conversationId, summary);
    else session.openAt(target.conversationId, target.seq, summary, searchTerms(q));
  };
  const accepted = (summary: ConversationSummary) => {
    session.apply(summary);
    setTab('mine');
    open(summary.id);
  };
  const badge = view.offers.length + view.requests.length + view.unreadCounts.new + view.unreadCounts.mine;
  useNotifier(session, prefs, badge, (id) => open(id));

  const current = view.current;
  return (
    <div class={`workspace section-${section}${current && section === 'conversations' ? ' with-side' : ''}`}>
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
              setTicketId(id);
              setFoundEntry(null);
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
              setSection('conversations');
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
            onOpened={(id) => {
              setTab('mine');
              open(id);
            }}
          />
        </main>
      )}
      {section === 'admin' && (
        <main class="page">
          <Admin agent={agent} />
        </main>
      )}
    </div>
  );
}
