import { useEffect, useMemo } from 'preact/hooks';
import { useView } from '../shared/ui/use-view';
import type { AgentProfile } from '../shared/protocol';
import { AgentSession } from './agent-session';
import { ConversationView } from './ConversationView';
import { t } from './i18n';
import { Inbox } from './Inbox';

export interface WorkspaceProps {
  agent: AgentProfile;
  onSignOut: () => void;
  /** The socket was refused: the app checks whether the session still holds. */
  onSessionDoubt: () => void;
}

export function Workspace({ agent, onSignOut, onSessionDoubt }: WorkspaceProps) {
  const session = useMemo(() => new AgentSession(onSessionDoubt), []);
  const view = useView(session);
  useEffect(() => {
    session.start();
    return () => session.stop();
  }, [session]);

  const waiting = view.conversations.filter((c) => c.assignedAgentId === null).length;
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) Papo · Console` : 'Papo · Console';
  }, [waiting]);

  const current = view.conversations.find((c) => c.id === view.currentId) ?? null;
  const status = { online: t.online, connecting: t.connecting, offline: t.offline, failed: t.failed }[view.connection];

  return (
    <div class="workspace">
      <header class="topbar">
        <span class="logo">{t.brand}</span>
        <span class={`status ${view.connection}`} role="status">
          <span class="dot" aria-hidden="true" />
          {status}
        </span>
        <span class="me">{agent.name}</span>
        <button type="button" class="ghost" onClick={onSignOut}>
          {t.signOut}
        </button>
      </header>
      <Inbox conversations={view.conversations} currentId={view.currentId} unread={view.unread} agentId={agent.id} onOpen={(id) => session.open(id)} />
      <main class="pane">
        {current ? (
          <ConversationView
            conversation={current}
            agentId={agent.id}
            events={view.events}
            pending={view.pending.filter((p) => p.conversationId === current.id)}
            hasMore={view.hasMore}
            onSend={(text) => session.send(text)}
            onLoadOlder={() => void session.loadOlder()}
          />
        ) : (
          <p class="empty">{t.pick}</p>
        )}
      </main>
    </div>
  );
}
