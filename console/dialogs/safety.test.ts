/** The console's issue-6 helpers: expiry choices, block bodies (checked against shared/api.ts), password and login checks. */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BlockBody, BlockVisitorBody, PasswordBody } from '../../shared/api';
import { retryAfterOf } from '../session/api';
import {
  blockBody,
  blockValueProblem,
  blockVisitorBody,
  cidrProblem,
  EXPIRY_CHOICES,
  expiresAtOf,
  expiryMinutes,
  isActive,
  isExpiryChoice,
  loginRefusal,
  looksLikeCidr,
  looksLikeIp,
  passwordProblems,
  secondsLeft,
  sortBlocks,
  type ExpiryChoice,
} from './safety';

const NOW = 1_780_000_000_000;
const HOUR = 3_600_000;

describe('expiry choices', () => {
  it.each<[ExpiryChoice, number | null, number | null]>([
    ['none', null, null],
    ['1h', 60, NOW + HOUR],
    ['1d', 1_440, NOW + 24 * HOUR],
    ['7d', 10_080, NOW + 7 * 24 * HOUR],
    ['30d', 43_200, NOW + 30 * 24 * HOUR],
  ])('%s: %s minutes, expiresAt %s', (choice, minutes, expiresAt) => {
    expect(expiryMinutes(choice)).toBe(minutes);
    expect(expiresAtOf(choice, NOW)).toBe(expiresAt);
  });

  it('the choices are exactly none, 1 hour, 1 day, 7 days, 30 days; anything else is not one', () => {
    expect(EXPIRY_CHOICES).toEqual(['none', '1h', '1d', '7d', '30d']);
    for (const c of EXPIRY_CHOICES) expect(isExpiryChoice(c)).toBe(true);
    for (const c of ['', '2h', 'forever', 'NONE']) expect(isExpiryChoice(c)).toBe(false);
  });
});

describe('blockVisitorBody (POST /conversations/:id/block)', () => {
  it.each<[string, Parameters<typeof blockVisitorBody>[0], ReturnType<typeof blockVisitorBody>]>([
    ['nothing filled: an empty body (permanent, no reason)', { reason: '', expiry: 'none', cidr: '' }, {}],
    ['blank reason and cidr are left out', { reason: '   ', expiry: 'none', cidr: ' ' }, {}],
    ['reason trimmed', { reason: '  spam  ', expiry: 'none', cidr: '' }, { reason: 'spam' }],
    ['1 hour', { reason: '', expiry: '1h', cidr: '' }, { expiresInMinutes: 60 }],
    ['30 days', { reason: '', expiry: '30d', cidr: '' }, { expiresInMinutes: 43_200 }],
    ['all three', { reason: 'abuse', expiry: '7d', cidr: ' 203.0.113.0/24 ' }, { reason: 'abuse', expiresInMinutes: 10_080, cidr: '203.0.113.0/24' }],
  ])('%s', (_name, form, body) => {
    expect(blockVisitorBody(form)).toEqual(body);
    expect(v.safeParse(BlockVisitorBody, body).success).toBe(true);
  });
});

describe('blockBody (POST /blocks)', () => {
  it.each<[string, Parameters<typeof blockBody>[0], ReturnType<typeof blockBody>]>([
    ['ip, permanent', { kind: 'ip', value: ' 203.0.113.7 ', reason: '', expiry: 'none' }, { kind: 'ip', value: '203.0.113.7', expiresAt: null }],
    ['range for a day, with reason', { kind: 'cidr', value: '203.0.113.0/24', reason: ' botnet ', expiry: '1d' }, { kind: 'cidr', value: '203.0.113.0/24', reason: 'botnet', expiresAt: NOW + 24 * HOUR }],
    ['visitor for an hour', { kind: 'visitor', value: 'v-1', reason: '', expiry: '1h' }, { kind: 'visitor', value: 'v-1', expiresAt: NOW + HOUR }],
  ])('%s', (_name, form, body) => {
    expect(blockBody(form, NOW)).toEqual(body);
    expect(v.safeParse(BlockBody, body).success).toBe(true);
  });
});

describe('addresses and ranges (a first check; the server parses them)', () => {
  it.each([
    ['203.0.113.7', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['1.2.3', false],
    ['2001:db8::7', true],
    ['::1', true],
    ['::ffff:203.0.113.7', true],
    ['2001:db8::1::2', false],
    ['example.com', false],
    ['', false],
  ])('looksLikeIp(%s) = %s', (value, ok) => expect(looksLikeIp(value)).toBe(ok));

  it.each([
    ['203.0.113.0/24', true],
    ['10.0.0.0/8', true],
    ['203.0.113.7/32', true],
    ['203.0.113.0/33', false],
    ['2001:db8::/32', true],
    ['2001:db8::/128', true],
    ['2001:db8::/129', false],
    ['203.0.113.0', false],
    ['203.0.113.0/', false],
    ['/24', false],
    ['203.0.113.0/x', false],
  ])('looksLikeCidr(%s) = %s', (value, ok) => expect(looksLikeCidr(value)).toBe(ok));

  it.each<[Parameters<typeof blockValueProblem>[0], string, ReturnType<typeof blockValueProblem>]>([
    ['ip', '', 'required'],
    ['ip', '   ', 'required'],
    ['ip', '203.0.113.7', null],
    ['ip', '203.0.113.0/24', 'ip'],
    ['cidr', '203.0.113.7', 'cidr'],
    ['cidr', '203.0.113.0/24', null],
    ['visitor', '0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b', null],
    ['visitor', 'x'.repeat(65), 'too_long'],
  ])('blockValueProblem(%s, %j) = %s', (kind, value, problem) => expect(blockValueProblem(kind, value)).toBe(problem));

  it.each([
    ['', null],
    ['  ', null],
    ['203.0.113.0/24', null],
    ['203.0.113.7', 'cidr'],
    ['nonsense', 'cidr'],
  ])('cidrProblem(%j) = %s (empty: no range)', (value, problem) => expect(cidrProblem(value)).toBe(problem));
});

describe('blocks on the list', () => {
  const block = (id: string, createdAt: number, expiresAt: number | null, active = true) => ({ id, createdAt, expiresAt, active });

  it.each([
    [block('a', 1, null), NOW, true],
    [block('a', 1, NOW + 1), NOW, true],
    [block('a', 1, NOW), NOW, false],
    [block('a', 1, NOW + 1000), NOW + 1000, false],
    [block('a', 1, null, false), NOW, false],
  ])('isActive(%j at %s) = %s', (b, now, active) => expect(isActive(b, now)).toBe(active));

  it('active blocks come first, newest first within each group', () => {
    const list = [block('old', 1, null), block('expired-new', 9, NOW - 1), block('new', 5, NOW + HOUR), block('expired-old', 2, NOW - 5)];
    const sorted = sortBlocks(list.map((b) => ({ ...b, kind: 'ip' as const, value: '', reason: null, createdBy: null })), NOW);
    expect(sorted.map((b) => b.id)).toEqual(['new', 'old', 'expired-new', 'expired-old']);
  });
});

describe('passwordProblems', () => {
  it.each<[string, Parameters<typeof passwordProblems>[0], ReturnType<typeof passwordProblems>]>([
    ['all empty', { current: '', next: '', repeat: '' }, { current: 'required', next: 'required' }],
    ['new too short (9)', { current: 'old-password', next: '123456789', repeat: '123456789' }, { next: 'too_short' }],
    ['repeat differs', { current: 'old-password', next: 'new-password-1', repeat: 'new-password-2' }, { repeat: 'mismatch' }],
    ['same as the current one', { current: 'same-password', next: 'same-password', repeat: 'same-password' }, { next: 'same' }],
    ['fine at exactly 10', { current: 'x', next: '1234567890', repeat: '1234567890' }, {}],
    ['spaces count as characters', { current: 'x', next: '          ', repeat: '          ' }, {}],
  ])('%s', (_name, form, problems) => {
    expect(passwordProblems(form)).toEqual(problems);
    if (Object.keys(problems).length === 0) expect(v.safeParse(PasswordBody, { currentPassword: form.current, newPassword: form.next }).success).toBe(true);
  });
});

describe('login refusals', () => {
  it.each<[{ code: string; retryAfterMs?: number }, ReturnType<typeof loginRefusal>]>([
    [{ code: 'invalid_credentials' }, { kind: 'credentials' }],
    [{ code: 'rate_limited', retryAfterMs: 42_000 }, { kind: 'rate_limited', until: NOW + 42_000 }],
    [{ code: 'rate_limited' }, { kind: 'rate_limited', until: NOW }],
    [{ code: 'rate_limited', retryAfterMs: -1 }, { kind: 'rate_limited', until: NOW }],
    [{ code: 'agent_disabled' }, { kind: 'disabled' }],
    [{ code: 'blocked' }, { kind: 'blocked' }],
    [{ code: 'network' }, { kind: 'other' }],
    [{ code: 'internal' }, { kind: 'other' }],
  ])('%j -> %j', (err, refusal) => expect(loginRefusal(err, NOW)).toEqual(refusal));

  it.each([
    [NOW + 42_000, NOW, 42],
    [NOW + 41_001, NOW, 42],
    [NOW + 1, NOW, 1],
    [NOW, NOW, 0],
    [NOW - 5_000, NOW, 0],
  ])('secondsLeft(%s, %s) = %s', (until, now, seconds) => expect(secondsLeft(until, now)).toBe(seconds));

  it.each<[{ retryAfterMs?: unknown } | undefined, string | null, number | undefined]>([
    [{ retryAfterMs: 12_345 }, '13', 12_345],
    [{}, '13', 13_000],
    [undefined, '2', 2_000],
    [{ retryAfterMs: 'soon' }, null, undefined],
    [{}, '', undefined],
    [{}, 'Wed, 21 Oct 2015 07:28:00 GMT', undefined],
    [undefined, null, undefined],
  ])('retryAfterOf(%j, %j) = %s', (error, header, ms) => expect(retryAfterOf(error, header)).toBe(ms));
});
