/**
 * @module The chat app chunk: loaded by papo.js when the visitor opens the chat, mounted into the panel
 * inside the widget's shadow root. It implements the loader's `WidgetApp` (contract.ts).
 */
import { render } from 'preact';
import type { Locale, MountOptions, WidgetApp } from '../contract';
import { ChatWindow } from './ChatWindow';
import { loadStrings } from './i18n';
import { pickLocale } from '../locale';
import { VisitorSession } from './session';
import { browserStorage } from './storage';
import { APP_CSS } from './styles';

export function mount({ root, container, config, host, settings }: MountOptions): WidgetApp {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(APP_CSS);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = APP_CSS;
    root.appendChild(style);
  }
  const session = new VisitorSession(config, browserStorage(), host);
  const input: { current: HTMLTextAreaElement | null } = { current: null };
  /** The language shown: `Papo.setLocale`, else the site's setting, else the page's (config.locale). */
  let chosen: Locale | null = null;
  let shown: Locale | null = null;
  let focusWhenDrawn = false;
  const focus = () =>
    // The composer, or without one the first field of the form or panel shown instead.
    (input.current?.offsetParent ? input.current : container.querySelector<HTMLElement>('.card input, .card textarea, .card button'))?.focus();
  const draw = () => {
    const locale = chosen ?? session.view.site?.widget?.locale ?? settings?.locale ?? config.locale;
    if (locale === shown) return;
    shown = locale;
    void loadStrings(locale).then((t) => {
      if (locale !== shown) return; // another language was asked for meanwhile
      render(<ChatWindow session={session} t={t} locale={locale} onClose={host.requestClose} inputRef={input} />, container);
      if (focusWhenDrawn) focus();
      focusWhenDrawn = false;
    });
  };
  session.subscribe(draw);
  draw();
  session.start();
  return {
    opened: () => {
      if (container.firstChild) focus();
      else focusWhenDrawn = true;
    },
    closed: () => undefined,
    identify: () => undefined,
    setLocale: (locale) => {
      chosen = pickLocale(locale);
      draw();
    },
    sendMessage: (text) => session.send(text),
    reset: () => undefined,
  };
}
