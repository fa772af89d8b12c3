import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBody, parseClientFrame, SendMessageFrame } from './protocol';
import { mayHoldLoneSurrogate, sliceWhole, wellFormed, wellFormedString } from './well-formed';

const CLIENT_ID = '0b6f3c1e-8a4d-4e2b-9f1a-2c3d4e5f6a7b';

describe('D14: wellFormedString', () => {
  const cases: Array<[string, string, string]> = [
    ['plain text is returned as is', 'olá', 'olá'],
    ['a pair is an emoji and stays', 'a😀b', 'a😀b'],
    ['a lone high surrogate becomes one U+FFFD', '\ud800 x', '\ufffd x'],
    ['a lone low surrogate becomes one U+FFFD', 'x \udfff', 'x \ufffd'],
    ['a low before a high is two lone halves', '\udc00\ud800', '\ufffd\ufffd'],
    ['a high at the very end', 'fim\ud83d', 'fim\ufffd'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(wellFormedString(input)).toBe(expected);
  });
});

describe('D14: wellFormed walks a parsed value', () => {
  it('fixes strings in objects and arrays, keys included, and leaves other values alone', () => {
    const value = JSON.parse('{"a":"\\ud800","b":[1,"\\udc00",{"c\\ud800":"ok"}],"n":null,"t":true}');
    expect(wellFormed(value)).toEqual({ a: '\ufffd', b: [1, '\ufffd', { 'c\ufffd': 'ok' }], n: null, t: true });
  });

  it('a "__proto__" key stays a plain own key and the prototype is untouched', () => {
    const value = wellFormed(JSON.parse('{"__proto__":"\\ud800","x":1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe('\ufffd');
  });

  it('an array nested 100,000 deep does not overflow the stack', () => {
    const raw = `${'['.repeat(100_000)}"\\ud800"${']'.repeat(100_000)}`;
    let node: unknown = wellFormed(JSON.parse(raw));
    for (let i = 0; i < 100_000; i++) node = (node as unknown[])[0];
    expect(node).toBe('\ufffd');
  });
});

describe('D14: mayHoldLoneSurrogate never misses one', () => {
  it('any string, as JSON.stringify writes it and as UTF-8 carries it: the cheap test says true whenever the parsed text is not well-formed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const json = Buffer.from(JSON.stringify({ text })).toString('utf8');
        const parsed = (JSON.parse(json) as { text: string }).text;
        return mayHoldLoneSurrogate(json) || wellFormedString(parsed) === parsed;
      }),
      { numRuns: 1000 },
    );
  });

  it('skips the frames people send: ASCII, accents and unescaped emoji', () => {
    expect(mayHoldLoneSurrogate(JSON.stringify({ type: 'message.send', text: 'Olá, meu pedido 👋 não chegou' }))).toBe(false);
  });

  it('catches escapes in any case', () => {
    expect(mayHoldLoneSurrogate('{"t":"\\uD800"}')).toBe(true);
    expect(mayHoldLoneSurrogate('{"t":"\\udfff"}')).toBe(true);
    expect(mayHoldLoneSurrogate('{"t":"\\uDbFf"}')).toBe(true);
  });
});

describe('D14: the parsers hand on well-formed text', () => {
  it('parseClientFrame replaces a lone surrogate before the length check', () => {
    const raw = `{"type":"message.send","clientId":"${CLIENT_ID}","text":"${'\\ud800'.repeat(1000)}"}`;
    const parsed = parseClientFrame(raw);
    expect(parsed.ok && parsed.value.type === 'message.send' && parsed.value.text).toBe('\ufffd'.repeat(1000));
  });

  it('parseBody replaces a lone surrogate in a body', () => {
    const parsed = parseBody(SendMessageFrame, JSON.parse(`{"type":"message.send","clientId":"${CLIENT_ID}","text":"a\\udc00"}`));
    expect(parsed.ok && parsed.value.text).toBe('a\ufffd');
  });
});

describe('D14: sliceWhole never cuts a pair in two', () => {
  const cases: Array<[string, number, string]> = [
    ['abc', 5, 'abc'],
    ['abcdef', 3, 'abc'],
    // A cut through an emoji drops its first half too; a cut right after one keeps it.
    ['ab😀', 3, 'ab'],
    ['ab😀c', 4, 'ab😀'],
  ];
  it.each(cases)('sliceWhole(%j, %i) is %j', (text, max, expected) => {
    expect(sliceWhole(text, max)).toBe(expected);
  });
});
