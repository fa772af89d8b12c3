/**
 * Issue 6 in the widget: a blocked visitor's window says the chat ended and stops trying (close 4004), and a
 * message or request refused as `rate_limited` stays in the outbox and goes again after the server's
 * `retryAfterMs` (SPEC D7: a passing error).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE, CLOSE_IS_FINAL } from '../../shared/errors';
import type { ClientFrame, ServerFrame, SiteStatus } from '../../shared/protocol';
import { panelOf, resendDelay } from './session';
import { ANA, eventFrame, ev, holding, RETRY_AFTER_MS, setup, welcome, type Harness } from './session.fixtures';

const limited = (clientId: string, retryAfterMs?: number): ServerFrame => ({
  type: 'error',
  code: 'rate_limited',
  message: 'Too many requests; wait a moment and try again.',
  clientId,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const OFFLINE: SiteStatus = { online: false, offlineFields: [] };
const sentOf = <T extends ClientFrame['type']>(t: Harness, type: T) => t.client.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('resendDelay: how long a passing error waits (SPEC D7)', () => {
  it.each<[string, number | undefined, number]>([
    ['rate_limited', 1500, 1500],
    ['rate_limited', 0, 0],
    ['rate_limited', 7_000, 7_000],
    ['rate_limited', 60_000, 60_000],
    ['rate_limited', 3_600_000, 60_000], // capped: a widget never sits on a message for an hour
    ['rate_limited', -5, 0],
    ['rate_limited', undefined, RETRY_AFTER_MS],
    ['internal', undefined, RETRY_AFTER_MS],
    ['internal', 9_000, RETRY_AFTER_MS], // only rate_limited names its own pause
    ['shutting_down', undefined, RETRY_AFTER_MS],
  ])('%s with retryAfterMs %s waits %s ms', (code, retryAfterMs, ms) => {
    expect(resendDelay(code, retryAfterMs)).toBe(ms);
  });
});

describe('D7: rate_limited is a passing error that waits retryAfterMs', () => {
  it('D7: a message refused as rate_limited stays in the outbox, not failed, and is resent after retryAfterMs', () => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(limited(frame!.clientId, 5_000));
    expect(t.session.view.outbox).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
    expect(t.storedOutbox()).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
    vi.advanceTimersByTime(4_999);
    expect(t.messages()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.messages()).toEqual([frame, frame]);
  });

  it('D7: without retryAfterMs it waits the usual pause', () => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(limited(frame!.clientId));
    vi.advanceTimersByTime(RETRY_AFTER_MS - 1);
    expect(t.messages()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.messages()).toHaveLength(2);
  });

  it('D7: refused again, it waits again; confirmed meanwhile, it is not resent', () => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(limited(frame!.clientId, 1_000));
    vi.advanceTimersByTime(1_000);
    t.deliver(limited(frame!.clientId, 3_000));
    vi.advanceTimersByTime(2_999);
    expect(t.messages()).toHaveLength(2);
    t.deliver(eventFrame(ev(3, { author: { kind: 'visitor', id: 'visitor-1', name: null }, clientId: frame!.clientId, text: 'Olá' })));
    vi.advanceTimersByTime(60_000);
    expect(t.messages()).toHaveLength(2);
    expect(t.session.view.outbox).toEqual([]);
  });

  it('T1/D7: a leave-a-message form refused as rate_limited is sent again, same clientId, after retryAfterMs', () => {
    const t = setup();
    t.deliver(welcome(null, 'token-2', OFFLINE));
    t.session.createTicket({ email: 'ana@example.com', message: 'Olá' });
    const [frame] = sentOf(t, 'ticket.create');
    t.deliver(limited(frame!.clientId, 10_000));
    expect(t.session.view.ticket).toMatchObject({ clientId: frame!.clientId, state: 'sending' });
    vi.advanceTimersByTime(9_999);
    expect(sentOf(t, 'ticket.create')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sentOf(t, 'ticket.create')).toEqual([frame, frame]);
  });
});

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
