/** Issue 15: the canned replies' type-ahead (title and category as the shortcut), the "/" trigger, the opening language. */
import { describe, expect, it } from 'vitest';
import type { CannedReply } from '../session/api';
import { openingLanguage, opensPicker, rankCanned } from './canned-search';

const reply = (id: string, title: string, category = '', text = 'texto'): CannedReply => ({ id, title, category, text, language: 'pt-BR' });
const REPLIES = [
  reply('late', 'Entrega atrasada', 'Logística', 'Seu pedido está a caminho.'),
  reply('hello', 'Boas-vindas', 'Saudação', 'Olá! Como posso ajudar?'),
  reply('track', 'Rastrear pedido', 'Logística', 'Use o código de rastreio.'),
  reply('refund', 'Reembolso', 'Financeiro', 'O estorno leva até 7 dias para a entrega no cartão.'),
  reply('bye', 'Até logo', '', 'Obrigado pelo contato!'),
];
const ids = (q: string) => rankCanned(REPLIES, q).map((r) => r.id);

describe('rankCanned', () => {
  it.each<[string, string, string[]]>([
    ['an empty query keeps all, by title', '', ['bye', 'hello', 'late', 'track', 'refund']],
    ['a leading slash is the trigger, not part of the query', '/', ['bye', 'hello', 'late', 'track', 'refund']],
    ['title start first, then text', 'entr', ['late', 'refund']],
    ['accents and case make no difference: the title first, then a text with "até"', 'ATE', ['bye', 'refund']],
    ['a word inside the title, then the text', 'pedido', ['track', 'late']],
    ['the category as a shortcut: all of its replies', 'logis', ['late', 'track']],
    ['title before category before text', 'sauda', ['hello']],
    ['"/reem" finds Reembolso', '/reem', ['refund']],
    ['nothing matches', 'xyz', []],
  ])('%s', (_name, q, expected) => {
    expect(ids(q)).toEqual(expected);
  });
});

describe('opensPicker', () => {
  it.each<[string, string, boolean]>([
    ['', '/', true],
    ['', 'a', false],
    ['a', 'a/', false],
    ['', '//', false],
    ['/', '//', false],
  ])('%j → %j opens it: %s', (before, after, expected) => {
    expect(opensPicker(before, after)).toBe(expected);
  });
});

describe('openingLanguage', () => {
  it('the visitor\'s language when known, else every language (never the console\'s)', () => {
    expect(openingLanguage('en')).toBe('en');
    expect(openingLanguage(null)).toBe('');
  });
});
