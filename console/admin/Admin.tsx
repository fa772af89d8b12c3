/**
 * @module The administration area: tabs by role (SPEC R10). Supervisors manage canned replies and wrap-up
 * reasons; admins also queues, agents, sites with their bot and masking, and blocks (issue 6). The server
 * checks every call again.
 */
import type { AgentProfile } from '../../shared/protocol';
import { Agents } from './Agents';
import { Blocks } from './Blocks';
import { CannedReplies } from './CannedReplies';
import { t } from './i18n';
import { Queues } from './Queues';
import { Sites } from './Sites';
import { TABS_BY_ROLE, type AdminTab as Tab } from './tabs';
import { WrapUpReasons } from './WrapUpReasons';
import './admin.css';

export interface AdminProps {
  agent: AgentProfile;
  /** Issue 15: the tab the URL names (/console/admin/:tab), null for the role's first. */
  tab: Tab | null;
  /** The site the URL names (/console/admin/sites/:id). */
  siteId: string | null;
  /** Goes to a tab (a new URL), or to one site of the Sites tab. */
  onTab: (tab: Tab, id?: string | null) => void;
}

export function Admin({ agent, tab: picked, siteId, onTab: setPicked }: AdminProps) {
  const tabs = TABS_BY_ROLE[agent.role];
  const current = picked !== null && tabs.includes(picked) ? picked : (tabs[0] ?? null);

  if (current === null) {
    return (
      <section class="adm">
        <p class="adm-muted">{t.noAccess}</p>
      </section>
    );
  }

  // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Tab goes on into the panel.
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const index = e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : (tabs.indexOf(current) + step + tabs.length) % tabs.length;
    if (step === 0 && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next = tabs[index];
    if (next) {
      setPicked(next);
      document.getElementById(`adm-tab-${next}`)?.focus();
    }
  };

  return (
    <section class="adm" aria-label={t.admin}>
      <div class="adm-tabs" role="tablist" aria-label={t.admin} onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab}
            id={`adm-tab-${tab}`}
            type="button"
            role="tab"
            aria-selected={tab === current}
            aria-controls="adm-panel"
            tabIndex={tab === current ? 0 : -1}
            class={`adm-tab${tab === current ? ' current' : ''}`}
            onClick={() => setPicked(tab)}
          >
            {t.tabs[tab]}
          </button>
        ))}
      </div>
      <div id="adm-panel" class="adm-panel" role="tabpanel" aria-labelledby={`adm-tab-${current}`}>
        {current === 'canned' && <CannedReplies />}
        {current === 'reasons' && <WrapUpReasons />}
        {current === 'queues' && <Queues />}
        {current === 'agents' && <Agents me={agent} />}
        {current === 'sites' && <Sites siteId={siteId} onSite={(id) => setPicked('sites', id)} />}
        {current === 'blocks' && <Blocks />}
      </div>
    </section>
  );
}
