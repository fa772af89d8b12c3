import { describe, expect, it } from 'vitest';
import { initials, linkify } from './text';

describe('linkify: only http(s) and mailto become links, every character kept', () => {
  it.each([
    ['no link here', ['no link here']],
    ['veja https://loja.com.br/pedido?id=7.', ['veja ', { href: 'https://loja.com.br/pedido?id=7', text: 'https://loja.com.br/pedido?id=7' }, '.']],
    ['http://a.b', [{ href: 'http://a.b/', text: 'http://a.b' }]],
    ['(https://x.com/a)', ['(', { href: 'https://x.com/a', text: 'https://x.com/a' }, ')']],
    ['escreva para ana@loja.com.br!', ['escreva para ', { href: 'mailto:ana@loja.com.br', text: 'ana@loja.com.br' }, '!']],
    ['mailto:ana@loja.com', [{ href: 'mailto:ana@loja.com', text: 'mailto:ana@loja.com' }]],
    ['javascript:alert(1)', ['javascript:alert(1)']],
    ['JaVaScRiPt:alert(document.cookie) https://ok.com', ['JaVaScRiPt:alert(document.cookie) ', { href: 'https://ok.com/', text: 'https://ok.com' }]],
    ['data:text/html,<script>alert(1)</script>', ['data:text/html,<script>alert(1)</script>']],
    ['mailto:javascript:alert(1)', ['mailto:javascript:alert(1)']],
    ['https://', ['https://']],
    ['Olá 👋🏽 https://ex.com/ção 日本語', ['Olá 👋🏽 ', { href: 'https://ex.com/%C3%A7%C3%A3o', text: 'https://ex.com/ção' }, ' 日本語']],
  ] as const)('%s', (text, pieces) => {
    expect(linkify(text)).toEqual(pieces);
    // Nothing is lost or changed: the pieces put together are the text as sent.
    expect(linkify(text).map((p) => (typeof p === 'string' ? p : p.text)).join('')).toBe(text);
  });
});

describe('initials', () => {
  it.each([
    ['Ana', 'A'],
    ['Ana Admin', 'AA'],
    ['  maria  da silva ', 'MS'],
    ['Ágata Ñúñez', 'ÁÑ'],
    ['🙂 Bot', '🙂B'],
    ['', ''],
  ])('%j → %j', (name, expected) => expect(initials(name)).toBe(expected));
});
