/**
 * @module Well-formed text (SPEC D14): JSON may carry a lone UTF-16 surrogate (`"\ud800"`), which no UTF-8
 * encoding holds. SQLite got such a string as the bytes ED A0 80 and read them back as three U+FFFD, so a
 * message was echoed live as sent and replayed differently. Every string that comes in is made
 * well-formed once, at the boundary that parses it, each lone surrogate becoming one U+FFFD, exactly as a
 * UTF-8 encoder (TextEncoder, Buffer.from) replaces it.
 *
 * Uses `String.prototype.isWellFormed`/`toWellFormed` (Node 20; browsers since 2023): the server's parsers
 * call this, the widget's bundle does not.
 */

/** The ES2024 string methods, typed here: the project's `lib` is ES2023. */
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * A surrogate written as a JSON escape: `\uD800`-`\uDFFF`, any case. Text decoded from UTF-8 holds no raw
 * surrogate that is not part of a pair, so in JSON made of such text only an escape can parse to a lone one.
 */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

/**
 * True when JSON text decoded from UTF-8 bytes (a WebSocket text frame: `ws` refuses invalid UTF-8, SPEC D9;
 * an HTTP body) may parse to a lone surrogate: the cheap test that keeps the message hot path from walking
 * every frame. It may say true for text that is fine (an escaped emoji pair, an escaped backslash followed
 * by `ud800`); it never says false for text that is not. Measured on a 200-byte message frame: 0.1 us, against
 * 3 us for its JSON.parse; `isWellFormed` on the whole frame was 0.5 us once it held an emoji, and the
 * walk it saves runs only when an escape is there.
 */
export function mayHoldLoneSurrogate(json: string): boolean {
  return json.includes('\\u') && ESCAPED_SURROGATE.test(json);
}

/** One string, well-formed: each lone surrogate replaced by U+FFFD; a well-formed string is returned as is. */
export function wellFormedString(text: string): string {
  return (text as WellFormedString).isWellFormed() ? text : (text as WellFormedString).toWellFormed();
}

/**
 * Makes every string in a parsed JSON value well-formed, keys included, in place (the value must be fresh
 * from JSON.parse or a query: plain objects and arrays only), and returns it. Iterative: a frame may nest
 * arrays thousands deep, and recursion would overflow the stack.
 *
 * @example wellFormed({ text: '\ud800 x' }) // { text: '\ufffd x' }
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return wellFormedString(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  const stack: object[] = [value];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string') node[i] = wellFormedString(item);
        else if (typeof item === 'object' && item !== null) stack.push(item);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const fixedKey = wellFormedString(key);
      const fixed = typeof item === 'string' ? wellFormedString(item) : item;
      if (fixedKey !== key) delete record[key];
      // defineProperty, not assignment: a key `__proto__` (an own property JSON.parse made) stays a plain key.
      if (fixedKey !== key || fixed !== item) Object.defineProperty(record, fixedKey, { value: fixed, writable: true, enumerable: true, configurable: true });
      if (typeof item === 'object' && item !== null) stack.push(item);
    }
  }
  return value;
}

/**
 * The first `max` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair: a
 * truncation never makes a lone surrogate.
 *
 * @example sliceWhole('ab😀', 3) // 'ab'
 */
export function sliceWhole(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
