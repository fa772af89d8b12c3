/**
 * @module The chat app chunk: loaded by papo.js when the visitor opens the chat, mounted into the panel
 * inside the widget's shadow root.
 */
import { render } from 'preact';
import type { MountOptions, WidgetApp } from '../contract';
import { ChatWindow } from './ChatWindow';
import { STRINGS } from './i18n';
import { VisitorSession } from './session';
import { browserStorage } from './storage';
import { APP_CSS } from './styles';

export function mount({ root, container, config, host }: MountOptions): WidgetApp {
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
  render(
    <ChatWindow session={session} t={STRINGS[config.locale]} locale={config.locale} onClose={host.requestClose} inputRef={input} />,
    container,
  );
  session.start();
  return {
    // The composer, or without one the first field of the form or panel shown instead.
    opened: () => (input.current?.offsetParent ? input.current : container.querySelector<HTMLElement>('.card input, .card textarea, .card button'))?.focus(),
    closed: () => undefined,
  };
}
