import { useEffect, useState } from 'preact/hooks';
import type { AgentProfile } from '../../shared/protocol';
import { api, ApiError } from '../session/api';
import { Login } from './Login';
import { Workspace } from './Workspace';
import { CONSOLE_BASE } from './route';

type Auth = { state: 'checking' } | { state: 'signed-out' } | { state: 'signed-in'; agent: AgentProfile };

export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });

  const check = () =>
    api.me().then(
      (agent) => setAuth({ state: 'signed-in', agent }),
      (err: unknown) => {
        // Only a refused session signs the agent out; a network error keeps the screen as it is.
        if (err instanceof ApiError && err.status === 401) setAuth({ state: 'signed-out' });
        else setAuth((a) => (a.state === 'checking' ? { state: 'signed-out' } : a));
      },
    );

  useEffect(() => {
    void check();
  }, []);

  if (auth.state === 'checking') return <main class="splash" aria-busy="true" />;
  if (auth.state === 'signed-out') return <Login onSignedIn={(agent) => setAuth({ state: 'signed-in', agent })} />;
  return (
    <Workspace
      agent={auth.agent}
      onSessionDoubt={() => void check()}
      onSignOut={() =>
        void api.logout().finally(() => {
          // Issue 15: whoever signs in next starts at the conversations, not on this agent's last screen (a
          // session that ran out keeps its URL instead: signing in again returns there).
          history.replaceState(null, '', CONSOLE_BASE);
          setAuth({ state: 'signed-out' });
        })
      }
    />
  );
}
