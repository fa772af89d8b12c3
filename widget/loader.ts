/**
 * @module papo.js, the script a site owner adds with one tag:
 *   <script async src="https://chat.example.com/widget/papo.js" data-site="pk_..."></script>
 *
 * It draws the launcher in a Shadow DOM without Preact (host CSS cannot reach in, ours cannot leak out),
 * defines `window.Papo`, and imports the chat app chunk only when the visitor opens the chat, or when the
 * browser is idle for a returning visitor with a conversation. It never throws into the host page, and a
 * closed or failed widget covers nothing but its launcher.
 */
import { storageKeys, type MountOptions, type PapoApi, type PapoEvents, type WidgetApp, type WidgetConfig } from './contract';
import { pickLocale } from './locale';

declare const __PAPO_APP_CHUNK__: string;

type Listener = (payload: never) => void;

const LABELS = {
  'pt-BR': { open: 'Abrir chat', close: 'Fechar chat', failed: 'O chat não carregou. Tente de novo.' },
  en: { open: 'Open chat', close: 'Close chat', failed: 'The chat did not load. Try again.' },
  es: { open: 'Abrir chat', close: 'Cerrar chat', failed: 'El chat no se cargó. Inténtalo de nuevo.' },
};

const CSS = `
:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;
  bottom:20px!important;right:20px!important;left:auto!important;top:auto!important;width:auto!important;height:auto!important;
  margin:0!important;padding:0!important;transform:none!important;opacity:1!important;visibility:visible!important}
.panel,.tip,.launcher{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;
  text-align:left;letter-spacing:normal;text-transform:none}
.launcher{all:unset;box-sizing:border-box;display:grid;place-items:center;width:60px;height:60px;border-radius:50%;
  background:var(--papo-accent,#047857);color:#fff;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.22);
  transition:transform .15s ease}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid #1f2328;outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.launcher .x,.launcher[aria-expanded=true] .bubble{display:none}
.launcher[aria-expanded=true] .x{display:block}
.launcher.failed{background:#8a2b2b}
.tip{position:absolute;right:0;bottom:72px;width:220px;padding:10px 12px;border-radius:10px;background:#1f2328;color:#fff;font-size:13px;
  pointer-events:none}
.panel{position:fixed;right:20px;bottom:92px;width:380px;height:min(640px,calc(100vh - 120px));display:flex;
  flex-direction:column;overflow:hidden;border-radius:16px;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.25)}
.panel[hidden],.tip[hidden]{display:none}
@media (max-width:480px){.panel{inset:0;width:auto;height:auto;border-radius:0}
  :host([data-open]) .launcher{display:none}}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}}
`;

function svg(className: string, paths: string[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const el = document.createElementNS(ns, 'svg');
  el.setAttribute('viewBox', '0 0 24 24');
  el.setAttribute('aria-hidden', 'true');
  el.setAttribute('class', className);
  for (const d of paths) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    el.appendChild(path);
  }
  return el;
}

function boot(): void {
  const w = window as unknown as { Papo?: unknown };
  // A second copy of the tag on the same page does nothing.
  if (w.Papo !== undefined && !Array.isArray(w.Papo)) return;
  const queued: unknown[] = Array.isArray(w.Papo) ? w.Papo : [];
  const script = document.currentScript as HTMLScriptElement | null;
  const siteKey = script?.dataset.site;
  if (!script || !siteKey) {
    console.warn('[papo] papo.js needs a data-site attribute on its script tag');
    return;
  }
  const config: WidgetConfig = {
    siteKey,
    server: (script.dataset.server || new URL(script.src).origin).replace(/\/+$/, ''),
    locale: pickLocale(script.dataset.lang, document.documentElement.lang, ...(navigator.languages ?? [navigator.language])),
    queue: script.dataset.queue,
  };
  const text = LABELS[config.locale];
  const keys = storageKeys(siteKey);
  const read = (key: string) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  };
  const write = (key: string, value: string) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      /* storage may be off (private mode); the widget still works for this page */
    }
  };

  const hostEl = document.createElement('papo-widget');
  const root = hostEl.attachShadow({ mode: 'open' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Constructable stylesheets are missing (Safari < 16.4): a <style> works unless the page's CSP forbids it.
    const style = document.createElement('style');
    style.textContent = CSS;
    root.appendChild(style);
  }
  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.hidden = true;
  const tip = document.createElement('div');
  tip.className = 'tip';
  tip.setAttribute('role', 'status');
  tip.hidden = true;
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-label', text.open);
  launcher.append(
    svg('bubble', ['M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z']),
    svg('x', ['M6 6l12 12', 'M18 6L6 18']),
  );
  root.append(panel, tip, launcher);
  (document.body ?? document.documentElement).appendChild(hostEl);

  const listeners: { [E in keyof PapoEvents]?: Set<Listener> } = {};
  const emit = <E extends keyof PapoEvents>(event: E, payload: PapoEvents[E]) => {
    for (const listener of listeners[event] ?? []) {
      try {
        (listener as (p: PapoEvents[E]) => void)(payload);
      } catch (err) {
        setTimeout(() => {
          throw err; // reported like any listener error, without breaking the widget
        });
      }
    }
  };

  let app: Promise<WidgetApp> | null = null;
  let isOpen = false;
  const loadApp = (): Promise<WidgetApp> =>
    (app ??= import(/* @vite-ignore */ new URL(__PAPO_APP_CHUNK__, script.src).href)
      .then((mod: { mount: (options: MountOptions) => WidgetApp }) =>
        mod.mount({ root, container: panel, config, host: { emit, requestClose: () => setOpen(false) } }),
      )
      .catch((err: unknown) => {
        app = null;
        throw err;
      }));

  function setOpen(open: boolean, focus = true): void {
    if (open === isOpen) return;
    isOpen = open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? text.close : text.open);
    hostEl.toggleAttribute('data-open', open);
    write(keys.open, open ? '1' : '0');
    if (!open) {
      panel.hidden = true;
      void app?.then((a) => a.closed());
      if (focus) launcher.focus();
      emit('close', undefined);
      return;
    }
    tip.hidden = true;
    launcher.classList.remove('failed');
    loadApp().then(
      (a) => {
        if (!isOpen) return;
        panel.hidden = false;
        if (focus) a.opened();
        emit('open', undefined);
      },
      () => {
        // Nothing half-drawn stays on the page: back to the launcher, with a note.
        isOpen = false;
        hostEl.removeAttribute('data-open');
        launcher.setAttribute('aria-expanded', 'false');
        launcher.setAttribute('aria-label', text.open);
        launcher.classList.add('failed');
        tip.textContent = text.failed;
        tip.hidden = false;
        // The note never blocks the page (pointer-events: none) and goes away by itself.
        setTimeout(() => (tip.hidden = true), 8000);
      },
    );
  }

  launcher.addEventListener('click', () => setOpen(!isOpen));

  const api: PapoApi = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    on(event, listener) {
      (listeners[event] ??= new Set()).add(listener as Listener);
      return () => api.off(event, listener);
    },
    off(event, listener) {
      listeners[event]?.delete(listener as Listener);
    },
  };
  w.Papo = api;
  // Calls queued before papo.js ran: window.Papo = window.Papo || []; Papo.push(['open']).
  for (const call of queued) {
    if (!Array.isArray(call)) continue;
    const [method, ...args] = call as [keyof PapoApi, ...unknown[]];
    const fn = api[method] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn === 'function') fn(...args);
  }

  if (read(keys.open) === '1') setOpen(true, false);
  else if (read(keys.session)) {
    // A returning visitor: connect in the background so its conversation's news reach Papo.on listeners.
    const idle = (window as { requestIdleCallback?: (cb: () => void) => void }).requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 1500));
    idle(() => void loadApp().catch(() => undefined));
  }
}

try {
  boot();
} catch (err) {
  console.warn('[papo] the chat widget could not start', err);
}
