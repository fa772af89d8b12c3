/**
 * Papo widget: the public JavaScript API's types, for the script tag (`window.Papo`) and the npm entry
 * (`import { Papo } from 'papo/widget'`). Served beside papo.js at `/widget/papo.d.ts` and shipped as
 * `dist/widget/index.d.ts`. Written by hand to stand alone; `widget/papo-dts.check.ts` proves at typecheck
 * time that it says the same as `widget/contract.ts`.
 */

export type Locale = 'pt-BR' | 'en' | 'es';

/**
 * Who the host page says the visitor is, with its proof: a short-lived HS256 JWT signed by the site's
 * backend with the site's identity secret (claims `sub`, `email`, `name`, `exp`; preferred), or the user's
 * fields with `userHash`, the hex HMAC-SHA256 of `userId` keyed by that secret. A userHash signs the id
 * only: its `name` is shown as the visitor's name, its `email` is ignored (only a JWT vouches for one).
 */
export type IdentityInput =
  | { jwt: string }
  | { userId: string; userHash: string; email?: string; name?: string };

/** A message as `Papo.on('message')` listeners receive it. */
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
 * `window.Papo`. Every method may be called before papo.js has loaded (through the queue:
 * `window.Papo = window.Papo || []; Papo.push(['open'])`) and while the chat loads: the calls apply in
 * order. Nothing throws into the host page; a bad argument is ignored.
 */
export interface PapoApi {
  /** Opens the chat window (loads the chat the first time). */
  open(): void;
  close(): void;
  toggle(): void;
  /** Shows the launcher button again after `hideLauncher` (a strict site's still waits for `identify`). */
  showLauncher(): void;
  /** Hides the launcher button (e.g. the site opens the chat from its own button); `open()` still works. */
  hideLauncher(): void;
  /**
   * Says who the visitor is. Identification is consent: the chat loads in the background and may keep its
   * session in the browser. Another user than the current one starts a fresh session.
   */
  identify(identity: IdentityInput): void;
  /** Switches every visitor-facing string and date to `pt-BR`, `en` or `es`; overrides the site's choice. */
  setLocale(locale: Locale): void;
  /** Sends `text` as the visitor, as if typed in the chat (loads the chat if needed). */
  sendMessage(text: string): void;
  /**
   * A greeting bubble beside the launcher, as plain text: clicking it opens the chat, its close button
   * dismisses it, and opening the chat dismisses it. Shown only while the chat is closed.
   */
  showProactiveMessage(text: string, options?: ProactiveMessageOptions): void;
  /** Logout: forgets the visitor, its identity and everything the widget stored; the next chat is anonymous. */
  reset(): void;
  /** Subscribes; answers the unsubscribe function. A `ready` listener added after it fired is called at once. */
  on<E extends keyof PapoEvents>(event: E, listener: (payload: PapoEvents[E]) => void): () => void;
  off<E extends keyof PapoEvents>(event: E, listener: (payload: PapoEvents[E]) => void): void;
  /** The queue form, also after load: `Papo.push(['open'], ['setLocale', 'en'])` runs the calls in order. */
  push(...calls: PapoCall[]): void;
}

/** `Papo.load`'s options: what the script tag's data attributes say. */
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

/** The npm entry: `import { Papo } from 'papo/widget'`. */
export declare const Papo: PapoClient;

declare global {
  interface Window {
    /** The queue before papo.js runs, the API after. */
    Papo?: PapoApi | PapoCall[];
  }
}
