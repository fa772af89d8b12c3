/**
 * @module What the loader (papo.js) and the lazy app chunk agree on, and the public API's types. Types
 * only, plus the storage keys both read: nothing here adds bytes to the loader.
 */

export interface WidgetConfig {
  siteKey: string;
  /** Papo server origin, e.g. https://chat.example.com (from data-server, or the script's own origin). */
  server: string;
  /** `pt-BR`, `en` or `es`; picked from data-lang, the page's lang, then the browser. */
  locale: Locale;
  /** The queue this page's chats go to (`data-queue`, a queue name or id); the site's default when absent. */
  queue?: string;
}

export type Locale = 'pt-BR' | 'en' | 'es';

/** A message as the host page's `Papo.on('message')` listeners receive it. */
export interface PublicMessage {
  conversationId: string;
  text: string;
  from: 'visitor' | 'agent' | 'bot';
  agentName: string | null;
  at: number;
}

export interface PapoEvents {
  message: PublicMessage;
  open: undefined;
  close: undefined;
}

/** `window.Papo`: the host page's handle on the widget. */
export interface PapoApi {
  open(): void;
  close(): void;
  toggle(): void;
  /** Subscribes; answers the unsubscribe function. */
  on<E extends keyof PapoEvents>(event: E, listener: (payload: PapoEvents[E]) => void): () => void;
  off<E extends keyof PapoEvents>(event: E, listener: (payload: PapoEvents[E]) => void): void;
}

/** What the loader hands the app when it mounts it. */
export interface WidgetHost {
  emit<E extends keyof PapoEvents>(event: E, payload: PapoEvents[E]): void;
  /** The app's own close button. */
  requestClose(): void;
}

export interface MountOptions {
  root: ShadowRoot;
  container: HTMLElement;
  config: WidgetConfig;
  host: WidgetHost;
}

export interface WidgetApp {
  /** The panel became visible: move focus into it. */
  opened(): void;
  /** The panel was hidden. */
  closed(): void;
}

/** localStorage keys, per site. Nothing is written before the visitor first opens the chat. */
export const storageKeys = (siteKey: string) => ({
  open: `papo:${siteKey}:open`,
  session: `papo:${siteKey}:session`,
  outbox: `papo:${siteKey}:outbox`,
  /** A leave-a-message form sent but not answered yet (SPEC T1): resent with the same clientId. */
  ticket: `papo:${siteKey}:ticket`,
});
