/**
 * @module papo.js, the script a site owner adds with one tag:
 *   <script async src="https://chat.example.com/widget/papo.js" data-site="pk_..."></script>
 *
 * It reads the site's widget settings (SPEC W4), draws the launcher in a Shadow DOM without Preact (host
 * CSS cannot reach in, ours cannot leak out), defines `window.Papo`, and imports the chat app chunk only
 * when the visitor opens the chat, when the site identifies the visitor or asks for the app through the
 * API, or when the browser is idle for a returning visitor. It never throws into the host page, a closed
 * widget covers nothing but its launcher (and a greeting the site asked for), and it writes nothing to
 * the browser's storage before the visitor opens the chat (SPEC W8).
 */
import type { IdentityInput, MountOptions, PapoApi, PapoCall, PapoEvents, WidgetApp, WidgetConfig, WidgetSettings } from './contract';
import { LOADER_STRINGS } from './loader-strings';
import { pickLocale } from './locale';

declare const __PAPO_APP_CHUNK__: string;

type Listener = (payload: never) => void;

// Safe-area insets keep the launcher clear of a phone's notch and home bar; `data-left` mirrors it all.
// The note (a greeting, or "the chat did not load") is the one bubble beside the launcher. The open
// window's box and the unread badge show only once the app runs: their rules come with it (LATE_CSS).
const CSS = `
:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;
bottom:max(20px,env(safe-area-inset-bottom))!important;right:max(20px,env(safe-area-inset-right))!important;
font:15px/1.4 system-ui,sans-serif!important;color:#1f2328!important}
:host([data-left]){left:max(20px,env(safe-area-inset-left))!important;right:auto!important}
.launcher{all:unset;box-sizing:border-box;position:relative;display:flex;align-items:center;gap:8px;min-width:60px;height:60px;
padding:0 16px;border-radius:30px;background:var(--papo-accent,#047857);color:var(--papo-on-accent,#fff);font-weight:600;
cursor:pointer;box-shadow:0 6px 20px #0004}
.launcher:focus-visible,.note :focus-visible{outline:3px solid #1f2328;outline-offset:2px}
.launcher svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
.launcher[aria-expanded=true] span,.launcher span:empty{display:none}
.launcher.failed{background:#8a2b2b;color:#fff}
.note{position:absolute;right:0;bottom:72px;width:260px;border-radius:10px;background:#1f2328;color:#fff;animation:papo-in .25s}
.note button{all:unset;display:block;padding:12px 36px 12px 14px;white-space:pre-wrap;overflow-wrap:anywhere;cursor:pointer}
.note b{display:block}
.note .dismiss{position:absolute;top:0;right:0;padding:6px 10px;font-size:18px}
:host([data-left]) .note{right:auto;left:0}
[hidden],:host([data-hidden]) :is(.launcher,.note){display:none!important}
@keyframes papo-in{from{opacity:0}}
@media (max-width:480px){:host([data-open]) .launcher{display:none}}
@media (prefers-reduced-motion:reduce){.note{animation:none}}
`;

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
};

/** The launcher's icons: a speech bubble, and an X while the chat is open. */
const ICON = ['M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z', 'M6 6l12 12M18 6L6 18'];

function boot(): void {
  const w = window as unknown as { Papo?: unknown };
  // A second copy of the tag on the same page does nothing.
  const queued = w.Papo === undefined ? [] : w.Papo;
  if (!Array.isArray(queued)) return;
  const script = document.currentScript as HTMLScriptElement | null;
  const siteKey = script?.dataset.site;
  if (!script || !siteKey) {
    console.warn('[papo] no data-site');
    return;
  }
  const server = (script.dataset.server || new URL(script.src).origin).replace(/\/+$/, '');
  /** `Papo.setLocale` wins, then the tag's data-lang and the site's setting, then the page, then the browser. */
  let chosenLocale: string | undefined = script.dataset.lang;
  let settings: WidgetSettings | null = null;
  const locale = () =>
    pickLocale(chosenLocale, settings?.locale, document.documentElement.lang, ...navigator.languages);
  const config: WidgetConfig = { siteKey, server, locale: locale(), queue: script.dataset.queue };
  // contract.ts storageKeys' names; built here so the loader carries two of them, not the whole table.
  const prefix = `papo:${siteKey}:`;
  /** Storage may be off (private mode, a sandboxed frame): then nothing is read or stored and the widget
   * still works for this page. One guard for the loader's three uses (fewer bytes than three try blocks). */
  const storage = <T>(use: (s: Storage) => T) => {
    try {
      return use(localStorage);
    } catch {
      return null;
    }
  };
  const read = (key: string) => storage((s) => s.getItem(prefix + key));

  const hostEl = document.createElement('papo-widget');
  const root = hostEl.attachShadow({ mode: 'open' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Constructable stylesheets are missing (Safari < 16.4): a <style> works unless the page's CSP forbids it.
    root.appendChild(element('style', '', CSS));
  }
  const panel = element('div', 'panel');
  panel.hidden = true;
  // The bubble beside the launcher: the site's greeting (Papo.showProactiveMessage) or "the chat did not
  // load". Text only, never HTML; clicking it opens the chat.
  const note = element('div', 'note');
  note.setAttribute('role', 'status');
  note.hidden = true;
  const noteText = element('button', '');
  const dismiss = element('button', 'dismiss', '×');
  note.append(noteText, dismiss);
  const showNote = (text: string, sender?: unknown) => {
    noteText.textContent = text;
    if (typeof sender === 'string' && sender) noteText.prepend(element('b', '', sender));
    note.hidden = false;
  };
  const launcher = element('button', 'launcher');
  const label = element('span', 'label');
  // A button's content is presentational and its aria-label names it (with the unread count): no
  // aria-hidden needed on the icon and the badge. Nor type=button: no form reaches into a shadow root.
  const badge = element('span', 'badge');
  const ns = 'http://www.w3.org/2000/svg';
  const icon = document.createElementNS(ns, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  const iconPath = icon.appendChild(document.createElementNS(ns, 'path'));
  launcher.append(icon, label, badge);
  root.append(panel, note, launcher);
  (document.body ?? document.documentElement).appendChild(hostEl);

  const listeners: { [E in keyof PapoEvents]?: Set<Listener> } = {};
  // The payload is optional for the loader's own events without one (ready, open, close): `emit('open')`.
  const emit = <E extends keyof PapoEvents>(event: E, payload?: PapoEvents[E]) => {
    for (const listener of listeners[event] ?? []) {
      try {
        (listener as (p?: PapoEvents[E]) => void)(payload);
      } catch (err) {
        console.error(err); // the host page's listener failed: reported, and the others still run
      }
    }
  };

  let isOpen = false;
  let ready = false;
  let unread = 0;
  let shown = true;
  let identity: IdentityInput | null = null;
  /**
   * Issue 15: the server refused this page's origin. As Intercom and Crisp do on a domain that is not
   * trusted, the widget does not appear: a launcher that opens a chat which cannot send would promise what
   * the server will not do. The site owner reads the one console line; no app, no socket, no retry.
   */
  let refused = false;

  /** The launcher's name, labels and visibility from the current state. */
  const paint = () => {
    const text = LOADER_STRINGS[(config.locale = locale())];
    launcher.setAttribute(
      'aria-label',
      isOpen
        ? text.close
        : (label.textContent ? `${label.textContent}, ` : '') + text.open + (unread ? `, ${text.unread}: ${unread}` : ''),
    );
    dismiss.setAttribute('aria-label', text.dismiss);
    iconPath.setAttribute('d', ICON[+isOpen]!);
    launcher.setAttribute('aria-expanded', `${isOpen}`);
    hostEl.toggleAttribute('data-open', isOpen);
    badge.textContent = `${unread > 99 ? '99+' : unread || ''}`;
    // A strict site has no anonymous chat: its launcher waits for Papo.identify (SPEC W6).
    // Issue 15: a page on an origin the site does not allow shows no chat at all (see `refused`).
    hostEl.toggleAttribute('data-hidden', refused || !ready || !shown || (!!settings?.strictIdentity && !identity));
  };
  // Hidden until the site's settings are read, so the launcher never shows in the wrong colour or place.
  paint();

  // A server that cannot answer this cannot serve the chat either: the launcher waits for the answer (or
  // the failure, then the defaults).
  const settingsRead: Promise<void> = fetch(`${server}/api/v1/widget/settings?site=${encodeURIComponent(siteKey)}`)
    .then((r) => r.json())
    .then((body) => {
      const answer = body as { settings?: WidgetSettings; onAccent?: string; refused?: { message: string }; error?: { code: string; message: string } } | null;
      // A page on a refused origin, or a key no site has (a typo, a deleted site): the same quiet end, with
      // the server's one line for the site owner.
      const no = answer?.refused ?? (answer?.error?.code == 'site_not_found' && answer.error);
      if (no) console.error(no.message), (refused = true);
      const s = answer?.settings;
      if (!s) return;
      settings = s;
      // The server checked the colour (#rrggbb); a custom property cannot carry anything out of itself.
      hostEl.style.setProperty('--papo-accent', s.color);
      // The text on it: the server's pick (onAccent), so the loader carries no contrast arithmetic.
      if (answer.onAccent) hostEl.style.setProperty('--papo-on-accent', answer.onAccent);
      hostEl.toggleAttribute('data-left', s.position === 'left');
      label.textContent = s.launcherText || '';
    })
    .catch(() => undefined) // the defaults: the widget still works
    .then(() => {
      ready = true;
      paint();
      emit('ready');
    });

  let app: Promise<WidgetApp> | null = null;
  const loadApp = (): Promise<WidgetApp> => {
    // What is known when the app is asked for; later calls follow it in order (see `withApp`).
    const given = identity;
    return (app ??= settingsRead
      .then(() => (refused ? Promise.reject() : import(/* @vite-ignore */ new URL(__PAPO_APP_CHUNK__, script.src).href)))
      .then((mod: { mount: (options: MountOptions) => WidgetApp }) =>
        mod.mount({
          root,
          container: panel,
          config,
          settings,
          identity: given,
          // SPEC W8: identified, or the visitor opened the chat on this or an earlier page.
          persist: !!(given || isOpen || read('open') || read('session')),
          host: {
            emit,
            requestClose: () => setOpen(false),
            setUnread(count, preview) {
              // Issue 15: the newest agent message beside the closed launcher (Intercom's and Crisp's preview).
              if (preview && !isOpen) showNote(preview.text, preview.name);
              if (count === unread) return;
              unread = count;
              paint();
              emit('unread', count);
            },
          },
        }),
      )
      .catch((err: unknown) => {
        app = null;
        throw err;
      }));
  };
  /** Runs `fn` on the app once it is mounted, after every call made before it (promise callbacks run in order). */
  const withApp = (fn: (a: WidgetApp) => void) => void loadApp().then(fn, () => undefined);

  function setOpen(open: boolean, focus = true): void {
    if (open === isOpen || refused) return;
    isOpen = open;
    paint();
    // Opening is the visitor's consent to storage (SPEC W8); a close is stored only after an open.
    storage((s) => s.setItem(prefix + 'open', open ? '1' : '0'));
    if (!open) {
      panel.hidden = true;
      void app?.then((a) => a.closed());
      if (focus) launcher.focus();
      emit('close');
      return;
    }
    note.hidden = true;
    launcher.classList.remove('failed');
    loadApp().then(
      (a) => {
        if (!isOpen) return;
        panel.hidden = false;
        if (focus) a.opened();
        emit('open');
      },
      () => {
        // Nothing half-drawn stays on the page: back to the launcher, with a note.
        isOpen = false;
        paint();
        launcher.classList.add('failed');
        // Clicking the note tries again; it goes away by itself.
        showNote(LOADER_STRINGS[config.locale].failed);
        setTimeout(() => (note.hidden = true), 8000);
      },
    );
  }

  launcher.addEventListener('click', () => setOpen(!isOpen));
  noteText.addEventListener('click', () => setOpen(true));
  dismiss.addEventListener('click', () => {
    note.hidden = true;
    launcher.focus();
  });

  const api: PapoApi = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    showLauncher() {
      shown = true;
      paint();
    },
    hideLauncher() {
      shown = false;
      paint();
    },
    identify(given) {
      if (!given) return;
      const first = !app;
      identity = given;
      paint();
      // The first call loads the app in the background with this identity (identification is consent,
      // SPEC W8); later ones follow the calls before them.
      if (first) loadApp().catch(() => undefined);
      else withApp((a) => a.identify(given));
    },
    setLocale(next) {
      if (!LOADER_STRINGS[next]) return;
      chosenLocale = next;
      paint();
      if (app) withApp((a) => a.setLocale(next));
    },
    sendMessage(text) {
      if (typeof text === 'string') withApp((a) => a.sendMessage(text));
    },
    showProactiveMessage(text, options) {
      if (typeof text === 'string' && !isOpen) showNote(text, options?.sender);
    },
    reset() {
      identity = null;
      paint(); // a strict site's launcher waits for the next identify
      if (app) withApp((a) => a.reset());
      else {
        storage((s) => {
          for (const key of Object.keys(s)) if (key.startsWith(prefix)) s.removeItem(key);
        });
      }
    },
    on(event, listener) {
      (listeners[event] ??= new Set()).add(listener as Listener);
      // `ready` is a state as much as an event: a late listener still hears it.
      if (event === 'ready' && ready) setTimeout(listener as () => void);
      return () => api.off(event, listener);
    },
    off(event, listener) {
      listeners[event]?.delete(listener as Listener);
    },
    push(...calls) {
      for (const call of calls) {
        if (!Array.isArray(call)) continue;
        const [method, ...args] = call as PapoCall;
        // Own methods only: a queued 'hasOwnProperty' must not reach Object.prototype's.
        if (Object.hasOwn(api, method)) (api[method as keyof PapoApi] as (...a: unknown[]) => unknown)(...args);
      }
    },
  };
  w.Papo = api;
  // Calls queued before papo.js ran: window.Papo = window.Papo || []; Papo.push(['open']).
  api.push(...(queued as PapoCall[]));

  if (read('open') === '1') setOpen(true, false);
  else if (read('session')) {
    // A returning visitor: connect in the background so its conversation's news reach Papo.on listeners.
    const idle = (window as { requestIdleCallback?: (cb: () => void) => void }).requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 1500));
    idle(() => void loadApp().catch(() => undefined));
  }
}

try {
  boot();
} catch (err) {
  console.warn('[papo]', err);
}
