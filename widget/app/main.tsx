/**
 * @module The chat app chunk: loaded by papo.js when the visitor opens the chat (or in the background for a
 * returning visitor), mounted into the panel inside the widget's shadow root. It implements the loader's
 * `WidgetApp` (contract.ts): the window, and around it the unread count, the tab title, the opt-in sound,
 * "seen", identity, logout, and the on-screen keyboard on phones.
 */
import { render } from 'preact';
import { storageKeys, type Locale, type MountOptions, type WidgetApp } from '../contract';
import { pickLocale } from '../locale';
import { claimChime, titled } from './attention';
import { ChatWindow } from './ChatWindow';
import { loadStrings } from './i18n';
import { VisitorSession } from './session/session';
import { consentStorage } from './storage';
import { APP_CSS } from './styles';
import { unreadCount } from './timeline';

export function mount({ root, container, config, host, settings = null, identity = null, persist = false }: MountOptions): WidgetApp {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(APP_CSS);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = APP_CSS;
    root.appendChild(style);
  }
  // SPEC W8: nothing in the browser's storage before the visitor opens the chat or the site identifies them.
  const storage = consentStorage(persist || !!identity);
  const keys = storageKeys(config.siteKey);
  const session = new VisitorSession(config, storage, host);
  if (identity) session.identify(identity);
  const input: { current: HTMLTextAreaElement | null } = { current: null };

  /** The panel is shown (the loader may show it without `opened()`, restoring an open chat after a reload). */
  const looking = () => !container.hidden && document.visibilityState === 'visible';
  let unread = -1;
  let prefixed = false;
  let latest = session.view.latest;
  /** SPEC W2: seen while looking; the launcher's badge and the hidden tab's title; the sound in one tab. */
  const attend = () => {
    // Seen while the current conversation is on screen (not a past one); its update runs attend again, inside.
    if (looking() && !session.view.past) session.markSeen();
    const view = session.view;
    const n = unreadCount(view.events, view.visitorSeen);
    if (n !== unread) {
      // Issue 15: more unread while the chat is not on screen: the newest of them beside the launcher.
      const last = n > unread && !looking() && view.events.filter((e) => e.kind === 'message' && e.text && e.author.kind !== 'visitor').pop();
      const text = last ? last.text! : '';
      host.setUnread?.(
        (unread = n),
        last ? { name: (view.site?.widget?.agentDisplay !== 'anonymous' && last.author.name) || '', text: text.length > 80 ? `${text.slice(0, 79).replace(/\s+\S*$/, '')}…` : text } : undefined,
      );
    }
    const hidden = document.visibilityState === 'hidden' && n > 0;
    if (hidden || prefixed) document.title = titled(document.title, n, hidden);
    prefixed = hidden;
    if (view.latest === latest) return;
    latest = view.latest;
    if (latest && claimChime(storage.get(keys.chime), latest.conversationId, latest.seq)) {
      storage.set(keys.chime, `${latest.conversationId}:${latest.seq}`);
      if (view.sound && !looking()) void import('./beep').then((m) => m.beep());
    }
  };
  session.subscribe(attend);
  document.addEventListener('visibilitychange', attend);
  new MutationObserver(attend).observe(container, { attributeFilter: ['hidden'] });

  // Phones (the loader makes the panel full screen under 480px): the window follows the visual viewport,
  // so the composer stays above the on-screen keyboard.
  const viewport = window.visualViewport;
  const fit = () => {
    container.style.setProperty('--papo-vh', `${viewport!.height}px`);
    container.style.setProperty('--papo-vt', `${viewport!.offsetTop}px`);
  };
  viewport?.addEventListener('resize', fit);
  viewport?.addEventListener('scroll', fit);
  if (viewport) fit();

  /**
   * The language shown: `Papo.setLocale`, else the loader's pick (data-lang, the site's setting, the page,
   * the browser: config.locale), or the welcome's site setting when the loader could not read the settings.
   */
  let chosen: Locale | null = null;
  let shown: Locale | null = null;
  let focusWhenDrawn = false;
  const focus = () =>
    // The composer, or without one the first field of the form or panel shown instead.
    (input.current?.offsetParent ? input.current : container.querySelector<HTMLElement>('.card input, .card textarea, .card button'))?.focus();
  const draw = () => {
    const locale = chosen ?? ((!settings && session.view.site?.widget?.locale) || config.locale);
    if (locale === shown) return;
    shown = locale;
    void loadStrings(locale).then((t) => {
      if (locale !== shown) return; // another language was asked for meanwhile
      render(<ChatWindow session={session} t={t} locale={locale} onClose={host.requestClose} inputRef={input} settings={settings} />, container);
      if (focusWhenDrawn) focus();
      focusWhenDrawn = false;
    });
  };
  session.subscribe(draw);
  draw();
  session.start();
  return {
    opened: () => {
      storage.persist();
      session.start();
      if (container.firstChild) focus();
      else focusWhenDrawn = true;
      attend();
    },
    closed: () => undefined,
    identify: (proof) => {
      if (typeof proof !== 'object' || proof === null) return;
      storage.persist();
      session.identify(proof);
    },
    setLocale: (locale) => {
      chosen = pickLocale(locale);
      draw();
    },
    sendMessage: (text) => {
      if (typeof text !== 'string' || !text.trim()) return;
      session.start();
      session.send(text);
    },
    reset: () => {
      session.reset();
      // A new anonymous visitor connects only when needed: now if the window is open, else on open or send.
      if (!container.hidden) session.start();
    },
  };
}
