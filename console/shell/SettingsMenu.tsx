/**
 * @module The agent's own settings (3CX "Configurações > Chat"): notification sound and message preview,
 * kept on the server (PUT /me/prefs), and the browser's permission for desktop notifications, which can
 * only be asked from a click. Also the way to change one's password (issue 6).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgentProfile } from '../../shared/protocol';
import { api, type Prefs } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { t } from '../i18n/i18n';
import { askNotificationPermission, notificationPermission } from '../session/notifications';
import { PasswordDialog } from '../dialogs/PasswordDialog';
import { useAction } from '../ui/use-action';
import { useDismiss } from '../ui/use-dismiss';

export function SettingsMenu({ agent, prefs, onPrefs }: { agent: AgentProfile; prefs: Prefs | null; onPrefs: (prefs: Prefs) => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState(false);
  const [permission, setPermission] = useState(notificationPermission);
  const save = useAction();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (open) root.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [open]);
  useDismiss(open, root, button, () => setOpen(false));

  const toggle = async (key: keyof Prefs, value: boolean) => {
    const answer = await save.run(() => api.setPrefs({ [key]: value }));
    if (answer) onPrefs(answer.prefs);
  };

  return (
    <div class="menu" ref={root}>
      <button ref={button} type="button" class="ghost" aria-haspopup="true" aria-expanded={open} aria-controls="settings-panel" onClick={() => setOpen(!open)}>
        {t.settings}
      </button>
      {open && (
        <div id="settings-panel" class="menu-panel" role="group" aria-label={t.settings}>
          <p class="who-am-i">
            <strong>{agent.name}</strong> <span class="hint">{agent.email}</span>
          </p>
          <label class="check">
            <input type="checkbox" checked={prefs?.sound ?? false} disabled={!prefs || save.busy} onChange={(e) => void toggle('sound', e.currentTarget.checked)} />
            {t.prefSound}
          </label>
          <label class="check">
            <input type="checkbox" checked={prefs?.preview ?? false} disabled={!prefs || save.busy} onChange={(e) => void toggle('preview', e.currentTarget.checked)} />
            {t.prefPreview}
          </label>
          <p class="hint">
            {permission === 'granted' ? t.desktopOn : permission === 'denied' ? t.desktopDenied : permission === 'unsupported' ? t.desktopUnsupported : null}
          </p>
          {permission === 'default' && (
            <button type="button" class="ghost" onClick={() => void askNotificationPermission().then(setPermission)}>
              {t.desktopAsk}
            </button>
          )}
          <ErrorLine error={save.error} />
          <button
            type="button"
            class="ghost"
            onClick={() => {
              setOpen(false);
              setPassword(true);
            }}
          >
            {t.sf.changePassword}
          </button>
        </div>
      )}
      {password && (
        <PasswordDialog
          onClose={() => {
            setPassword(false);
            button.current?.focus();
          }}
        />
      )}
    </div>
  );
}
