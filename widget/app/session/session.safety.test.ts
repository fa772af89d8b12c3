/**
 * Passing errors and blocks in the widget. A message or request refused as `rate_limited` (issue 6) or as
 * `storage_unavailable` (the server's disk is full, SPEC D15) stays in the outbox, not failed, and goes
 * again, same clientId, after the server's `retryAfterMs` (SPEC D7: a passing error); one suite runs over
 * both codes. A blocked visitor's window says the chat ended and stops trying (close 4004).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE, CLOSE_IS_FINAL, ERRORS } from '../../../shared/errors';
import type { ServerFrame, SiteStatus } from '../../../shared/protocol';
import { panelOf } from './panel';
import { resendDelay } from './resend';
import { ANA, eventFrame, ev, holding, RETRY_AFTER_MS, sentOf, setup, welcome } from './session.fixtures';

type PassingCode = 'rate_limited' | 'storage_unavailable';
const refused = (code: PassingCode, clientId: string, retryAfterMs?: number): ServerFrame => ({
  type: 'error',
  code,
  message: ERRORS[code].message,
  clientId,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const OFFLINE: SiteStatus = { online: false, offlineFields: [] };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('resendDelay: how long a passing error waits (SPEC D7, D15)', () => {
  it.each<[string, string, number | undefined, number]>([
    ['D7', 'rate_limited', 1500, 1500],
    ['D7', 'rate_limited', 0, 0],
    ['D7', 'rate_limited', 7_000, 7_000],
    ['D7', 'rate_limited', 60_000, 60_000],
    ['D7', 'rate_limited', 3_600_000, 60_000], // capped: a widget never sits on a message for an hour
    ['D7', 'rate_limited', -5, 0],
    ['D7', 'rate_limited', undefined, RETRY_AFTER_MS],
    ['D15', 'storage_unavailable', 5_000, 5_000],
    ['D15', 'storage_unavailable', 3_600_000, 60_000],
    ['D15', 'storage_unavailable', undefined, RETRY_AFTER_MS],
    ['D7', 'internal', undefined, RETRY_AFTER_MS],
    ['D7', 'internal', 9_000, RETRY_AFTER_MS], // only rate_limited and storage_unavailable name their own pause
    ['D7', 'shutting_down', undefined, RETRY_AFTER_MS],
  ])('%s: %s with retryAfterMs %s waits %s ms', (_rule, code, retryAfterMs, ms) => {
    expect(resendDelay(code, retryAfterMs)).toBe(ms);
  });
});

// `wait` and `formWait`: the retryAfterMs each code's refusals name in the tests below.
const PASSING: ReadonlyArray<{ code: PassingCode; rule: string; formRule: string; wait: number; formWait: number }> = [
  { code: 'rate_limited', rule: 'D7', formRule: 'T1/D7', wait: 5_000, formWait: 10_000 },
  { code: 'storage_unavailable', rule: 'D15', formRule: 'D15', wait: 7_000, formWait: 7_000 },
];

for (const { code, rule, formRule, wait, formWait } of PASSING) {
  describe(`${rule}: ${code} is a passing error that waits retryAfterMs`, () => {
    it(`${rule}: a message refused as ${code} stays in the outbox, not failed, and is resent after retryAfterMs`, () => {
      const t = holding(2);
      t.session.send('Olá');
      const [frame] = t.messages();
      t.deliver(refused(code, frame!.clientId, wait));
      expect(t.session.view.outbox).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
      expect(t.storedOutbox()).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
      vi.advanceTimersByTime(wait - 1);
      expect(t.messages()).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(t.messages()).toEqual([frame, frame]);
    });

    it(`${rule}: without retryAfterMs it waits the usual pause`, () => {
      const t = holding(2);
      t.session.send('Olá');
      const [frame] = t.messages();
      t.deliver(refused(code, frame!.clientId));
      vi.advanceTimersByTime(RETRY_AFTER_MS - 1);
      expect(t.messages()).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(t.messages()).toHaveLength(2);
    });

    it(`${rule}: refused again, it waits again; confirmed meanwhile, it is not resent`, () => {
      const t = holding(2);
      t.session.send('Olá');
      const [frame] = t.messages();
      t.deliver(refused(code, frame!.clientId, 1_000));
      vi.advanceTimersByTime(1_000);
      t.deliver(refused(code, frame!.clientId, 3_000));
      vi.advanceTimersByTime(2_999);
      expect(t.messages()).toHaveLength(2);
      t.deliver(eventFrame(ev(3, { author: { kind: 'visitor', id: 'visitor-1', name: null }, clientId: frame!.clientId, text: 'Olá' })));
      vi.advanceTimersByTime(60_000);
      expect(t.messages()).toHaveLength(2);
      expect(t.session.view.outbox).toEqual([]);
    });

    it(`${formRule}: a leave-a-message form refused as ${code} is sent again, same clientId, after retryAfterMs`, () => {
      const t = setup();
      t.deliver(welcome(null, 'token-2', OFFLINE));
      t.session.createTicket({ email: 'ana@example.com', message: 'Olá' });
      const [frame] = sentOf(t, 'ticket.create');
      t.deliver(refused(code, frame!.clientId, formWait));
      expect(t.session.view.ticket).toMatchObject({ clientId: frame!.clientId, state: 'sending' });
      vi.advanceTimersByTime(formWait - 1);
      expect(sentOf(t, 'ticket.create')).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(sentOf(t, 'ticket.create')).toEqual([frame, frame]);
    });
  });
}

describe('blocked: close 4004', () => {
  it('a 4004 close marks the view blocked: the panel says the chat ended in place of composer, form and end panel', () => {
    const t = holding(2);
    expect(panelOf(t.session.view)).toBe('composer');
    t.options().onClose?.(CLOSE.blocked, 'blocked');
    expect(t.session.view.blocked).toBe(true);
    expect(panelOf(t.session.view)).toBe('blocked');
  });

  it('blocked wins over the end panel and the offline form', () => {
    const t = holding(2);
    t.deliver(eventFrame(ev(3, { kind: 'closed', author: ANA, text: null })));
    expect(panelOf(t.session.view)).toBe('end');
    t.options().onClose?.(CLOSE.blocked, 'blocked');
    expect(panelOf(t.session.view)).toBe('blocked');

    const offline = setup();
    offline.deliver(welcome(null, 'token-2', OFFLINE));
    expect(panelOf(offline.session.view)).toBe('form');
    offline.options().onClose?.(CLOSE.blocked, 'blocked');
    expect(panelOf(offline.session.view)).toBe('blocked');
  });

  it.each([1001, 1006, 1011, CLOSE.auth_failed, CLOSE.unsupported_version, CLOSE.slow_reader])('close %s is not a block', (code) => {
    const t = holding(2);
    t.options().onClose?.(code, '');
    expect(t.session.view.blocked).toBe(false);
    expect(panelOf(t.session.view)).toBe('composer');
  });

  it('4004 is a final close: the socket client gives up on it (SPEC D8)', () => {
    expect(CLOSE_IS_FINAL.has(CLOSE.blocked)).toBe(true);
  });
});
