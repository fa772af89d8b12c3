import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../shared/limits';
import {
  agentProblems,
  cannedReplyProblems,
  labelProblem,
  messageTextProblem,
  msToSeconds,
  queueProblems,
  secondsToMs,
  toggled,
  webhookValue,
} from './forms';

const reply = { title: 'Saudação', text: 'Olá {{visitor.name}}!', category: '', language: 'pt-BR' };

describe('cannedReplyProblems', () => {
  it.each([
    ['a complete reply has none', {}, {}],
    ['a blank title is required', { title: '  ' }, { title: 'required' }],
    ['a blank text is required', { text: '\n' }, { text: 'required' }],
    ['a text over the message limit is too long', { text: 'a'.repeat(MAX_MESSAGE_CHARS + 1) }, { text: 'too_long' }],
    ['a category is optional', { category: '' }, {}],
    ['a language is required', { language: '' }, { language: 'required' }],
    ['a language must be a tag', { language: 'português' }, { language: 'language' }],
    ['en and es-419 are tags', { language: 'es-419' }, {}],
  ])('%s', (_name, over, expected) => {
    expect(cannedReplyProblems({ ...reply, ...over })).toEqual(expected);
  });
});

describe('labelProblem', () => {
  it.each([
    ['Resolvido', null],
    ['   ', 'required'],
    ['x'.repeat(81), 'too_long'],
  ])('%j -> %s', (label, expected) => {
    expect(labelProblem(label)).toBe(expected);
  });
});

describe('seconds and milliseconds', () => {
  it.each([
    ['30', 30_000],
    [' 7,5 ', 7_500],
    ['0.05', 50],
    ['', null],
    ['-3', null],
    ['1e3', null],
    ['abc', null],
  ])('%j seconds is %s ms', (text, ms) => {
    expect(secondsToMs(text)).toBe(ms);
  });

  it.each([
    [30_000, '30'],
    [50, '0.05'],
    [7_500, '7.5'],
  ])('%d ms shows as %s s', (ms, text) => {
    expect(msToSeconds(ms)).toBe(text);
  });
});

describe('queueProblems', () => {
  it.each([
    ['a name and 30 s', { name: 'Vendas', timeoutSeconds: '30' }, true, {}],
    ['no name', { name: ' ', timeoutSeconds: '30' }, true, { name: 'required' }],
    ['under 5 s', { name: 'Vendas', timeoutSeconds: '4' }, true, { timeoutSeconds: 'range' }],
    ['over 10 min', { name: 'Vendas', timeoutSeconds: '601' }, true, { timeoutSeconds: 'range' }],
    ['not a number', { name: 'Vendas', timeoutSeconds: 'dez' }, true, { timeoutSeconds: 'range' }],
    ['an empty timeout', { name: 'Vendas', timeoutSeconds: '' }, true, { timeoutSeconds: 'required' }],
    ['an untouched 50 ms timeout of an existing queue', { name: 'Vendas', timeoutSeconds: '0.05' }, false, {}],
  ])('%s', (_name, form, changed, expected) => {
    expect(queueProblems(form, changed)).toEqual(expected);
  });
});

describe('agentProblems', () => {
  const agent = { email: 'ana@example.com', name: 'Ana', password: 'correct horse', capacity: '3' };
  it.each([
    ['a complete new agent', {}, true, {}],
    ['a new agent without e-mail', { email: '' }, true, { email: 'required' }],
    ['a malformed e-mail', { email: 'ana@example' }, true, { email: 'email' }],
    ['a blank name', { name: ' ' }, true, { name: 'required' }],
    ['a short password', { password: 'short' }, true, { password: 'too_short' }],
    ['capacity zero', { capacity: '0' }, true, { capacity: 'range' }],
    ['capacity 51', { capacity: '51' }, true, { capacity: 'range' }],
    ['a fractional capacity', { capacity: '2.5' }, true, { capacity: 'range' }],
    ['editing asks neither e-mail nor password', { email: '', password: '' }, false, {}],
    ['editing still checks capacity', { capacity: '' }, false, { capacity: 'required' }],
  ])('%s', (_name, over, creating, expected) => {
    expect(agentProblems({ ...agent, ...over }, creating)).toEqual(expected);
  });
});

describe('webhookValue', () => {
  it.each([
    ['', { ok: true, value: null }],
    ['  ', { ok: true, value: null }],
    [' https://bot.example.com/hook ', { ok: true, value: 'https://bot.example.com/hook' }],
    ['http://localhost:9000/papo', { ok: true, value: 'http://localhost:9000/papo' }],
    ['ftp://bot.example.com', { ok: false, problem: 'url' }],
    ['bot.example.com', { ok: false, problem: 'url' }],
  ])('%j', (text, expected) => {
    expect(webhookValue(text)).toEqual(expected);
  });
});

describe('messageTextProblem', () => {
  it.each([
    ['Olá! Posso ajudar?', null],
    [' \n ', 'required'],
    ['👋'.repeat(MAX_MESSAGE_CHARS), null],
    ['a'.repeat(MAX_MESSAGE_CHARS + 1), 'too_long'],
  ])('%j -> %s', (text, expected) => {
    expect(messageTextProblem(text)).toBe(expected);
  });
});

describe('toggled', () => {
  it.each([
    [['a'], 'b', true, ['a', 'b']],
    [['a', 'b'], 'a', false, ['b']],
    [['a'], 'a', true, ['a']],
    [[], 'a', false, []],
  ])('%j with %s %s', (ids, id, on, expected) => {
    expect(toggled(ids, id, on)).toEqual(expected);
  });
});
