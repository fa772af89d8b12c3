/**
 * @module Hostile input for the browser tests (issue 6): a corpus of XSS payloads, and the detector that
 * tells whether any of them got through.
 *
 * Every payload is made for one place it is used (`make(tag)`): if it ever runs, it calls the page's
 * tripwire `__pwned('<tag>')` (instead of `alert`), so a failure names the payload and the surface. Payloads
 * that cannot run still mark themselves: whatever markup they would inject carries `__pwned`, a `data-pwn`
 * attribute, an `on*` handler, a `javascript:`/`data:` URL or a tag the app never renders.
 *
 * The detector (`installDetector`, an init script) watches every document and shadow root from the first
 * node on (it patches `attachShadow`, so the widget's shadow DOM is seen from its birth), and `__xss.scan()`
 * walks them again after rendering: an injected element is caught whether it stayed or was removed.
 */

/** The page-defined function every payload calls when it runs. */
export const TRIPWIRE = '__pwned';

export interface Payload {
  id: string;
  /** What it tries. */
  note: string;
  make(tag: string): string;
}

const call = (tag: string) => `${TRIPWIRE}('${tag}')`;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Characters as the server counts them (code points), for the per-field limits. */
export const chars = (text: string) => [...text].length;

export const PAYLOADS: readonly Payload[] = [
  { id: 'script', note: 'classic script element', make: (t) => `<script>${call(t)}</script>` },
  { id: 'img-onerror', note: 'img with an onerror handler', make: (t) => `<img src=x onerror="${call(t)}">` },
  { id: 'img-slash', note: 'slashes instead of spaces', make: (t) => `<img/src="x"/onerror=${call(t)}>` },
  { id: 'svg-onload', note: 'svg onload', make: (t) => `<svg onload=${call(t)}>` },
  { id: 'svg-script', note: 'script inside svg', make: (t) => `<svg><script>${call(t)}</script></svg>` },
  { id: 'iframe-srcdoc', note: 'attribute breakout into an iframe srcdoc', make: (t) => `"><iframe srcdoc="<script>${call(t)}</script>"></iframe>` },
  { id: 'iframe-js', note: 'iframe with a javascript: src', make: (t) => `<iframe src="javascript:${call(t)}"></iframe>` },
  { id: 'a-js', note: 'link with a javascript: href', make: (t) => `<a href="javascript:${call(t)}">click</a>` },
  { id: 'a-entity-js', note: 'javascript: spelled with entities', make: (t) => `<a href="&#106;&#97;vascript:${call(t)}">click</a>` },
  { id: 'a-tab-js', note: 'javascript: split by a tab entity', make: (t) => `<a href="jav&#x09;ascript:${call(t)}">click</a>` },
  { id: 'a-colon-js', note: 'javascript&colon;', make: (t) => `<a href="javascript&colon;${call(t)}">click</a>` },
  { id: 'iframe-data', note: 'data: URL document in an iframe', make: (t) => `<iframe src="data:text/html;base64,${b64(`<script>${call(t)}</script>`)}"></iframe>` },
  { id: 'object-data', note: 'object with a data: document', make: (t) => `<object data="data:text/html;base64,${b64(`<script>${call(t)}</script>`)}"></object>` },
  { id: 'embed-js', note: 'embed with a javascript: src', make: (t) => `<embed src="javascript:${call(t)}">` },
  { id: 'body-onload', note: 'body onload', make: (t) => `<body onload=${call(t)}>` },
  { id: 'details-ontoggle', note: 'details ontoggle (fires without a click)', make: (t) => `<details open ontoggle=${call(t)}><summary>x</summary></details>` },
  { id: 'input-autofocus', note: 'autofocus onfocus', make: (t) => `<input autofocus onfocus=${call(t)}>` },
  { id: 'video-source', note: 'media source onerror', make: (t) => `<video><source onerror="${call(t)}"></video>` },
  { id: 'marquee', note: 'marquee onstart', make: (t) => `<marquee onstart=${call(t)}>hi</marquee>` },
  { id: 'form-action', note: 'form with a javascript: action', make: (t) => `<form action="javascript:${call(t)}"><button type=submit>ok</button></form>` },
  { id: 'meta-refresh', note: 'meta refresh to javascript:', make: (t) => `<meta http-equiv="refresh" content="0;url=javascript:${call(t)}">` },
  { id: 'base-href', note: 'base href hijack', make: (t) => `<base href="javascript:${call(t)}//">` },
  { id: 'style-import', note: 'CSS @import and url() with javascript:', make: (t) => `<style>@import 'javascript:${call(t)}';body{background:url("javascript:${call(t)}")}</style>` },
  { id: 'css-expression', note: 'CSS expression() in a style attribute', make: (t) => `<div style="width:expression(${call(t)})" data-pwn="css">x</div>` },
  { id: 'attr-dq', note: 'double-quoted attribute breakout', make: (t) => `" onmouseover="${call(t)}" autofocus onfocus="${call(t)}" x="` },
  { id: 'attr-sq', note: 'single-quoted attribute breakout', make: (t) => `' onfocus='${call(t)}' autofocus x='` },
  { id: 'template-literal', note: 'template literal', make: (t) => '${' + call(t) + '}' },
  { id: 'template-braces', note: 'Angular/Vue-style template expression', make: (t) => `{{constructor.constructor("${call(t)}")()}}` },
  { id: 'preact-html', note: 'JSX dangerouslySetInnerHTML as text', make: (t) => `<div dangerouslySetInnerHTML={{ __html: "<img src=x onerror=${call(t)}>" }} />` },
  { id: 'vnode-json', note: 'a Preact VNode as JSON', make: (t) => `{"type":"img","props":{"src":"x","onerror":"${call(t)}"},"__k":null,"constructor":null}` },
  { id: 'md-link', note: 'markdown link to javascript:', make: (t) => `[click me](javascript:${call(t)})` },
  { id: 'md-image', note: 'markdown image with an attribute breakout', make: (t) => `![x](x" onerror="${call(t)})` },
  { id: 'md-autolink', note: 'markdown autolink to javascript:', make: (t) => `<javascript:${call(t)}>` },
  { id: 'js-url', note: 'bare javascript: URL', make: (t) => `javascript:${call(t)}` },
  { id: 'data-url', note: 'bare data: URL', make: (t) => `data:text/html;base64,${b64(`<script>${call(t)}</script>`)}` },
  {
    id: 'polyglot',
    note: 'the 0xsobky polyglot',
    make: (t) => `jaVasCript:/*-/*\`/*\\\`/*'/*"/**/(/* */oNcliCk=${call(t)} )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=${call(t)}//>\\x3e`,
  },
  { id: 'mxss-noscript', note: 'mXSS through noscript parsing', make: (t) => `<noscript><p title="</noscript><img src=x onerror=${call(t)}>">` },
  { id: 'mxss-math', note: 'mXSS through math/mglyph/style', make: (t) => `<math><mtext><table><mglyph><style><img src=x onerror=${call(t)}>` },
  { id: 'mxss-svg-style', note: 'mXSS through svg/style', make: (t) => `<svg></p><style><a id="</style><img src=1 onerror=${call(t)}>">` },
  { id: 'comment', note: 'comment breakout', make: (t) => `<!--><img src=x onerror=${call(t)}>-->` },
  { id: 'textarea-breakout', note: 'closing a textarea', make: (t) => `</textarea><img src=x onerror=${call(t)}>` },
  { id: 'title-breakout', note: 'closing a title', make: (t) => `</title><svg onload=${call(t)}>` },
  { id: 'script-breakout', note: 'closing a script', make: (t) => `</script><script>${call(t)}</script>` },
  { id: 'split-tag', note: 'filter evasion by nesting', make: (t) => `<scr<script>ipt>${call(t)}</scr</script>ipt>` },
  { id: 'entities', note: 'entities that must not be decoded twice', make: (t) => `&lt;img src=x onerror=${call(t)}&gt; &amp;lt;script&amp;gt;` },
  { id: 'svg-xlink', note: 'svg link with xlink:href', make: (t) => `<svg><a xlink:href="javascript:${call(t)}"><text x="9" y="9">x</text></a></svg>` },
  { id: 'eval-atob', note: 'handler that decodes its code', make: (t) => `<img src=x onerror=eval(atob('${b64(call(t))}'))>` },
  { id: 'backtick-call', note: 'tagged-template call, no parentheses', make: (t) => `<img src=x onerror=${TRIPWIRE}\`${t}\`>` },
  { id: 'unicode-escape', note: 'identifier written with a unicode escape', make: (t) => `<img src=x onerror="\\u005f_pwned('${t}')">` },
  { id: 'rtl', note: 'right-to-left override around markup', make: (t) => `\u202Etxt.exe<svg onload=${call(t)}>\u202C` },
  { id: 'zero-width', note: 'zero-width space and fullwidth brackets', make: (t) => `<\u200Bscript>${call(t)}<\u200B/script> ＜script＞${call(t)}＜/script＞` },
  {
    id: 'long',
    note: 'a long one near the 1000-character limit',
    make: (t) => `${'Olá, tudo bem? '.repeat(30)}<img src=x onerror="${call(t)}">${' ✓'.repeat(200)}<b data-pwn>${t}</b>`,
  },
];

/** Values for a visitor's page URL: what a raw socket may claim (a browser sends only http(s)). */
export const URL_PAYLOADS: readonly Payload[] = [
  { id: 'url-js', note: 'javascript: URL', make: (t) => `javascript:${call(t)}` },
  { id: 'url-js-case', note: 'mixed-case scheme', make: (t) => `JaVaScRiPt:${call(t)}` },
  { id: 'url-js-tab', note: 'a tab inside the scheme (URL parsers drop it)', make: (t) => `java\tscript:${call(t)}` },
  { id: 'url-js-lead', note: 'leading control character and space (URL parsers strip them)', make: (t) => `\u0001 javascript:${call(t)}` },
  { id: 'url-js-newline', note: 'comment then an encoded newline', make: (t) => `javascript://%0A${call(t)}` },
  { id: 'url-data', note: 'data: document', make: (t) => `data:text/html;base64,${b64(`<script>${call(t)}</script>`)}` },
  { id: 'url-vbscript', note: 'vbscript:', make: (t) => `vbscript:${call(t)}` },
];

/** http(s) page URLs with payloads in the query and the hash: a link to them is fine, as text they must show. */
export const HTTP_URL_PAYLOADS: readonly Payload[] = [
  { id: 'url-http-query', note: 'markup in the query and hash', make: (t) => `https://shop.example/busca?q=<script>${call(t)}</script>#"><img src=x onerror=${call(t)}>` },
  { id: 'url-relative', note: 'not a URL at all: an attribute breakout', make: (t) => `"><svg onload=${call(t)}>` },
];

/** Each payload made for its tag (`tagOf`), keeping those that fit in `max` characters (a field's limit). */
export function made(max: number, tagOf: (p: Payload) => string, list: readonly Payload[] = PAYLOADS): Array<{ payload: Payload; tag: string; text: string }> {
  return list
    .map((payload) => {
      const tag = tagOf(payload);
      return { payload, tag, text: payload.make(tag) };
    })
    .filter((x) => chars(x.text) <= max);
}

/** What the detector reports, in the page. */
export interface DetectorState {
  /** Injections seen by the mutation observers since the last `reset()`. */
  seen(): string[];
  /** Injections present now, in every document and open shadow root reachable from this one. */
  scan(): string[];
  /** The text of the document and of every open shadow root (what is rendered as text). */
  text(): string;
  reset(): void;
}

/**
 * Installed with `context.addInitScript(installDetector)`: defines `window.__xss` (DetectorState). Runs in
 * the page; self-contained (serialized by Playwright).
 */
export function installDetector(): void {
  const w = window as unknown as { __xss?: DetectorState };
  if (w.__xss) return;
  /** Attributes that take a URL. */
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'codebase', 'cite', 'ping', 'lowsrc', 'dynsrc']);
  /** Attributes that hold text for people, where the payload may well appear as text. */
  const TEXT_ATTRS = new Set(['title', 'alt', 'placeholder', 'value', 'label', 'datetime']);
  /** Elements the console and the widget never render: any of them is injected markup. */
  const FORBIDDEN = new Set([
    'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'marquee', 'math', 'xmp', 'plaintext', 'listing',
    'noscript', 'noembed', 'img', 'video', 'audio', 'source', 'track', 'picture', 'image', 'style', 'template',
  ]);
  const describe = (el: Element, why: string) =>
    `${why}: <${el.localName}${[...el.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')}>${(el.textContent ?? '').slice(0, 60)}`.slice(0, 400);
  const badUrl = (value: string) => {
    try {
      const protocol = new URL(value, location.href).protocol;
      return protocol === 'javascript:' || protocol === 'vbscript:' || protocol === 'data:';
    } catch {
      return /^[\s\u0000-\u001f]*(javascript|vbscript|data)\s*:/i.test(value);
    }
  };
  const sameOrigin = (value: string) => {
    try {
      return new URL(value, location.href).origin === location.origin;
    } catch {
      return false;
    }
  };
  const inspect = (el: Element): string[] => {
    const found: string[] = [];
    const tag = el.localName;
    if (tag === 'script') {
      const src = el.getAttribute('src');
      if (src === null) found.push(describe(el, 'inline script'));
      else if (!sameOrigin(src)) found.push(describe(el, 'script from another origin'));
    }
    if (FORBIDDEN.has(tag)) found.push(describe(el, `<${tag}> element`));
    if (tag === 'meta' && el.hasAttribute('http-equiv')) found.push(describe(el, 'meta http-equiv'));
    const icon = tag === 'link' && /\bicon\b/i.test(el.getAttribute('rel') ?? '') && el.getAttribute('href') === 'data:,';
    if (tag === 'link' && !icon && !sameOrigin(el.getAttribute('href') ?? '')) found.push(describe(el, 'link to another origin'));
    for (const a of [...el.attributes]) {
      const name = a.name.toLowerCase();
      const value = a.value;
      if (name.startsWith('on')) found.push(describe(el, `event handler attribute ${name}`));
      else if (name.includes('pwn')) found.push(describe(el, `marker attribute ${name}`));
      else if (name === 'srcdoc') found.push(describe(el, 'srcdoc'));
      else if (URL_ATTRS.has(name) || name.endsWith(':href')) {
        if (!icon && badUrl(value)) found.push(describe(el, `${name} with a script/data URL`));
      } else if (name === 'style') {
        if (/expression\s*\(|url\s*\(|javascript:|__pwned/i.test(value)) found.push(describe(el, 'style attribute'));
      } else if (!TEXT_ATTRS.has(name) && !name.startsWith('aria-') && value.includes('__pwned')) {
        found.push(describe(el, `payload in attribute ${name}`));
      }
    }
    return found;
  };

  const seen = new Set<string>();
  const checkTree = (node: Node) => {
    if (node.nodeType !== 1) return;
    const el = node as Element;
    for (const f of inspect(el)) seen.add(f);
    for (const d of el.querySelectorAll('*')) for (const f of inspect(d)) seen.add(f);
  };
  const observe = (root: Node) =>
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') for (const f of inspect(r.target as Element)) seen.add(f);
        else r.addedNodes.forEach(checkTree);
      }
    }).observe(root, { childList: true, subtree: true, attributes: true });
  observe(document);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit): ShadowRoot {
    const root = attach.call(this, init);
    observe(root);
    return root;
  };

  const roots = (): Array<Document | ShadowRoot> => {
    const out: Array<Document | ShadowRoot> = [document];
    for (let i = 0; i < out.length; i++) {
      for (const el of out[i]!.querySelectorAll('*')) {
        if (el.shadowRoot) out.push(el.shadowRoot);
        if (el instanceof HTMLIFrameElement) {
          try {
            if (el.contentDocument) out.push(el.contentDocument);
          } catch {
            // another origin: the iframe itself is already a finding
          }
        }
      }
    }
    return out;
  };
  w.__xss = {
    seen: () => [...seen],
    scan: () => roots().flatMap((r) => [...r.querySelectorAll('*')].flatMap(inspect)),
    text: () => roots().map((r) => ('documentElement' in r ? (r.body?.textContent ?? '') : [...r.childNodes].map((n) => n.textContent ?? '').join(''))).join('\n'),
    reset: () => seen.clear(),
  };
}
