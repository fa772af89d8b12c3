import { describe, expect, it } from 'vitest';
import { webUrl } from './safe-url';

describe('issue 6: only web URLs become links', () => {
  it.each([
    ['https://loja.example/produto?id=1#x', 'https://loja.example/produto?id=1#x'],
    ['http://localhost:8787/', 'http://localhost:8787/'],
    ['HTTPS://LOJA.EXAMPLE/', 'https://loja.example/'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['java\tscript:alert(1)', null],
    ['\u0001javascript:alert(1)', null],
    ['data:text/html;base64,PHNjcmlwdD4=', null],
    ['vbscript:msgbox(1)', null],
    ['//evil.example/', null],
    ['not a url', null],
    ['', null],
    [null, null],
  ])('%j -> %j', (input, expected) => {
    expect(webUrl(input)).toBe(expected);
  });
});
