/**
 * @module What the loader (papo.js) and the lazy app chunk agree on, and the public API's types. Types
 * only, plus the storage keys both read: nothing here adds bytes to the loader. The public types (those
 * `index.ts` exports, and the `window.Papo` global) ship to site owners with their comments, as
 * `dist/widget/index.d.ts` and `/widget/papo.d.ts`, generated from this file by `papo-dts.ts`.
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

/**
 * Who the host page says the visitor is (`Papo.identify`), with its proof: a short-lived HS256
 * JWT signed by the site's backend with the site's identity secret (claims `sub`, `email`, `name`, `exp`;
 * preferred), or the user's fields with `userHash`, the hex HMAC-SHA256 of `userId` keyed by that secret.
 * A userHash signs the id only: its `name` is shown as the visitor's name, its `email` is ignored (only a
 * JWT vouches for one).
 */
export type IdentityInput =
  | { jwt: string }
  | { userId: string; userHash: string; email?: string; name?: string };

/** The site's widget settings (SPEC W4), as `GET /api/v1/widget/settings` and the welcome carry them. */
export type { WidgetSettings } from '../shared/protocol';

/** A message as the host page's `Papo.on('message')` listeners receive it. */
export interface PublicMessage {
  conversationId: string;
  text: string;
  from: 'visitor' | 'agent' | 'bot';
  agentName: string | null;
  at: number;
}

export interface PapoEvents {
  /** The widget is ready for calls: the launcher is drawn and the site's settings are read. */
  ready: undefined;
  message: PublicMessage;
  open: undefined;
  close: undefined;
  /** The number of agent messages the visitor has not seen, whenever it changes (0 after reading). */
  unread: number;
  /** A conversation of this visitor ended (by the visitor, an agent, or by becoming a ticket). */
  'conversation-ended': { conversationId: string };
}

/** `Papo.showProactiveMessage`'s options. */
export interface ProactiveMessageOptions {
  /** Who greets, shown above the text (e.g. "Ana, Café Papo"). */
  sender?: string;
}

/** One call in the queue form: `Papo.push(['open'])`, `Papo.push(['identify', { jwt }])`. */
export type PapoCall = readonly [method: string, ...args: unknown[]];

/**
 * `window.Papo`: the host page's handle on the widget. Every method may be called before papo.js has
 * loaded (through the queue: `window.Papo = window.Papo || []; Papo.push(['open'])`) and while the chat
 * app loads: the calls apply in order. Nothing throws into the host page; a bad argument is ignored.
 */
export interface PapoApi {
  /** Opens the chat window (loads the chat app the first time). */
  open(): void;
  close(): void;
  toggle(): void;
  /** Shows the launcher button again after `hideLauncher` (a strict site's still waits for `identify`). */
  showLauncher(): void;
  /** Hides the launcher button (e.g. the site opens the chat from its own button); `open()` still works. */
  hideLauncher(): void;
  /**
   * Says who the visitor is, with the proof the site's backend made. Identification is consent: the chat
   * app loads in the background and may keep its session in the browser. Another user than the current
   * one starts a fresh session.
   */
  identify(identity: IdentityInput): void;
  /** Switches every visitor-facing string and date to `pt-BR`, `en` or `es`; overrides the site's choice. */
  setLocale(locale: Locale): void;
  /** Sends `text` as the visitor, as if typed in the chat (loads the chat app if needed). */
  sendMessage(text: string): void;
  /**
   * A greeting bubble beside the launcher, as plain text: clicking it opens the chat, its close button
   * dismisses it, and opening the chat dismisses it. Shown only while the chat is closed.
   */
  showProactiveMessage(text: string, options?: ProactiveMessageOptions): void;
  /** Logout: forgets the visitor, its identity and everything the widget stored; the next chat is anonymous. */
  reset(): void;
  /**
   * Subscribes; answers the unsubscribe function. `ready` is remembered: a listener added after it fired
   * is called at once.
   */
  on<E extends keyof PapoEvents>(event: E, listener: (payload: PapoEvents[E]) => void): () => void;
  off<E extends keyof PapoEvents>(event: E, listener: (payload: PapoEvents[E]) => void): void;
  /** The queue form, also after load: `Papo.push(['open'], ['setLocale', 'en'])` runs the calls in order. */
  push(...calls: PapoCall[]): void;
}

/** `Papo.load`'s options (the npm entry): what the script tag's data attributes say. */
export interface PapoLoadOptions {
  /** The site key (`pk_...`), as `data-site`. */
  site: string;
  /** The Papo server's origin, e.g. `https://chat.example.com`; papo.js is loaded from there. */
  server: string;
  /** As `data-lang`: the page's choice of `pt-BR`, `en` or `es`. */
  lang?: Locale;
  /** As `data-queue`: the queue this page's chats go to, by name or id. */
  queue?: string;
}

/** The npm entry's `Papo`: `window.Papo`'s methods, callable before and after `load`, plus `load`. */
export interface PapoClient extends PapoApi {
  /** Adds papo.js to the page (once); resolves when the widget is `ready`, rejects if papo.js cannot load. */
  load(options: PapoLoadOptions): Promise<void>;
}

declare global {
  interface Window {
    /** The queue before papo.js runs, the API after. */
    Papo?: PapoApi | PapoCall[];
  }
}

/** What the loader hands the app when it mounts it. */
export interface WidgetHost {
  emit<E extends keyof PapoEvents>(event: E, payload: PapoEvents[E]): void;
  /** The app's own close button. */
  requestClose(): void;
  /**
   * The launcher's badge: unread agent messages (0 hides it). The loader also emits `unread`. With `preview`
   * (issue 15: a new agent message while the chat is closed), the bubble beside the launcher shows it.
   */
  setUnread(count: number, preview?: { name: string; text: string }): void;
}

export interface MountOptions {
  root: ShadowRoot;
  container: HTMLElement;
  config: WidgetConfig;
  host: WidgetHost;
  /** The settings the loader read (null when that failed: the welcome brings them too). */
  settings: WidgetSettingsLike | null;
  /** Set by `Papo.identify` before the app loaded. */
  identity: IdentityInput | null;
  /**
   * SPEC W8: the visitor opened the chat before, or the site identified them, so the app may write to
   * browser storage. False: the app keeps everything in memory until `opened()` or `identify()`.
   */
  persist: boolean;
}

type WidgetSettingsLike = import('../shared/protocol').WidgetSettings;

export interface WidgetApp {
  /** The panel became visible: move focus into it. From now on the app may write to storage (SPEC W8). */
  opened(): void;
  /** The panel was hidden. */
  closed(): void;
  /** `Papo.identify`: another user than the current one starts a fresh session (SPEC W6). */
  identify(identity: IdentityInput): void;
  /** `Papo.setLocale`: every visitor-facing string and date switches at once. */
  setLocale(locale: Locale): void;
  /** `Papo.sendMessage`: sent as the visitor, as if typed in the composer. */
  sendMessage(text: string): void;
  /** `Papo.reset` (logout): forgets the visitor, its identity, outbox and storage; the next chat is anonymous. */
  reset(): void;
}

/** localStorage keys, per site. Nothing is written before the visitor first opens the chat. */
export const storageKeys = (siteKey: string) => ({
  open: `papo:${siteKey}:open`,
  session: `papo:${siteKey}:session`,
  /** SPEC D7: one key per unconfirmed message, `<this>:<clientId>` (an older widget's whole outbox sat here). */
  outbox: `papo:${siteKey}:outbox`,
  /** A leave-a-message form sent but not answered yet (SPEC T1): resent with the same clientId. */
  ticket: `papo:${siteKey}:ticket`,
  /** Highest agent-message seq a tab has chimed for, so one tab, not every tab, plays the sound (SPEC W2). */
  chime: `papo:${siteKey}:chime`,
  /** The visitor's choice of the new-message sound (opt-in: absent means off). */
  sound: `papo:${siteKey}:sound`,
});
