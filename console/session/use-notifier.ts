/**
 * @module Carries out the notification decisions (notifications.ts) for the session's alerts: the chime,
 * desktop notifications, and the tab title badge.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { Prefs } from './api';
import type { AgentSession } from './agent-session';
import { t, visitorLabel } from '../i18n/i18n';
import { Chime, notificationPermission, planNotification, showDesktop, tabTitle } from './notifications';

/** `title`: the screen's (issue 15), which the badge precedes. */
export function useNotifier(session: AgentSession, prefs: Prefs | null, badge: number, onOpen: (conversationId: string) => void, title?: string): void {
  const chime = useMemo(() => new Chime(), []);
  // The latest values, read by the one alert listener.
  const latest = useRef({ prefs, onOpen });
  latest.current = { prefs, onOpen };

  useEffect(() => {
    // Browsers let audio start only after a user gesture: any click or key in the console unlocks it.
    const unlock = () => chime.unlock();
    document.addEventListener('pointerdown', unlock);
    document.addEventListener('keydown', unlock);
    const off = session.onAlert((alert) => {
      const { prefs: p, onOpen: open } = latest.current;
      if (!p) return;
      const attentive = document.visibilityState === 'visible' && document.hasFocus();
      const plan = planNotification(alert, { prefs: p, attentive, permission: notificationPermission() }, { ...t.notify, inviteTitle: t.fl.inviteTitle }, visitorLabel(alert.visitorId, alert.visitorName));
      if (plan.sound) chime.play();
      if (plan.desktop) showDesktop(plan.desktop, () => open(alert.conversationId));
    });
    return () => {
      off();
      document.removeEventListener('pointerdown', unlock);
      document.removeEventListener('keydown', unlock);
    };
  }, [session]);

  useEffect(() => {
    document.title = tabTitle(badge, title);
  }, [badge, title]);
}
