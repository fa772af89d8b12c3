/**
 * @module The npm entry for bundler users: `import { Papo } from 'papo/widget'`. It adds papo.js to the page
 * once (`Papo.load`) and forwards every call to `window.Papo`, queueing the calls made before papo.js has
 * run in the queue papo.js reads at start (`window.Papo = window.Papo || []`). The widget itself still
 * comes from the Papo server, so a site's widget updates with its server, not with its bundle.
 *
 * @example
 *   import { Papo } from 'papo/widget';
 *   Papo.load({ site: 'pk_...', server: 'https://chat.example.com' }).then(() => console.log('ready'));
 *   Papo.on('message', (m) => console.log(m.text));
 *   Papo.open();
 */
import type { PapoApi, PapoCall, PapoClient, PapoLoadOptions } from './contract';

export type {
  IdentityInput,
  Locale,
  PapoApi,
  PapoCall,
  PapoClient,
  PapoEvents,
  PapoLoadOptions,
  ProactiveMessageOptions,
  PublicMessage,
} from './contract';

type PapoGlobal = { Papo?: PapoApi | PapoCall[] };

/** Calls `window.Papo[method]`, or queues the call while papo.js has not run yet. */
function call(method: keyof PapoApi, ...args: unknown[]): void {
  const w = window as unknown as PapoGlobal;
  const papo = (w.Papo ??= []);
  if (Array.isArray(papo)) papo.push([method, ...args]);
  else (papo[method] as (...a: unknown[]) => unknown)(...args);
}

let loading: Promise<void> | null = null;

/** The npm entry: `import { Papo } from 'papo/widget'`. */
export const Papo: PapoClient = {
  load(options: PapoLoadOptions): Promise<void> {
    return (loading ??= new Promise<void>((resolve, reject) => {
      const ready = () => resolve();
      call('on', 'ready', ready); // `ready` is remembered: heard even if papo.js already ran
      if (!Array.isArray((window as unknown as PapoGlobal).Papo) || document.querySelector('script[src$="/widget/papo.js"]')) return;
      const script = document.createElement('script');
      script.async = true;
      script.src = `${options.server.replace(/\/+$/, '')}/widget/papo.js`;
      script.dataset.site = options.site;
      script.dataset.server = options.server;
      if (options.lang) script.dataset.lang = options.lang;
      if (options.queue) script.dataset.queue = options.queue;
      script.onerror = () => {
        loading = null;
        reject(new Error(`papo.js did not load from ${script.src}`));
      };
      document.head.appendChild(script);
    }));
  },
  open: () => call('open'),
  close: () => call('close'),
  toggle: () => call('toggle'),
  showLauncher: () => call('showLauncher'),
  hideLauncher: () => call('hideLauncher'),
  identify: (identity) => call('identify', identity),
  setLocale: (locale) => call('setLocale', locale),
  sendMessage: (text) => call('sendMessage', text),
  showProactiveMessage: (text, options) => call('showProactiveMessage', text, options),
  reset: () => call('reset'),
  on(event, listener) {
    call('on', event, listener);
    return () => Papo.off(event, listener);
  },
  off: (event, listener) => call('off', event, listener),
  push: (...calls) => call('push', ...calls),
};
