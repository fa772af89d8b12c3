/**
 * SPEC D7, D15 in the widget: a message or request refused as `storage_unavailable` (the server's disk is
 * full) is a passing error: it stays in the outbox, not failed, and goes again, same clientId, after the
 * server's `retryAfterMs`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame, ServerFrame, SiteStatus } from '../../shared/protocol';
import { resendDelay } from './session';
import { holding, RETRY_AFTER_MS, setup, welcome, type Harness } from './session.fixtures';

const full = (clientId: string, retryAfterMs?: number): ServerFrame => ({
  type: 'error',
  code: 'storage_unavailable',
  message: 'The server cannot store anything right now.',
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

describe('D15: storage_unavailable is a passing error that waits retryAfterMs (SPEC D7)', () => {
  it.each<[number | undefined, number]>([
    [5_000, 5_000],
    [3_600_000, 60_000],
    [undefined, RETRY_AFTER_MS],
  ])('D15: resendDelay(storage_unavailable, %s) is %s ms', (retryAfterMs, ms) => {
    expect(resendDelay('storage_unavailable', retryAfterMs)).toBe(ms);
  });

  it('D15: a message refused as storage_unavailable stays in the outbox, not failed, and is resent after retryAfterMs', () => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(full(frame!.clientId, 7_000));
    expect(t.session.view.outbox).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
    vi.advanceTimersByTime(6_999);
    expect(t.messages()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.messages()).toEqual([frame, frame]);
  });

  it('D15: a leave-a-message form refused as storage_unavailable is sent again, same clientId, after retryAfterMs', () => {
    const t = setup();
    t.deliver(welcome(null, 'token-2', OFFLINE));
    t.session.createTicket({ email: 'ana@example.com', message: 'Olá' });
    const [frame] = sentOf(t, 'ticket.create');
    t.deliver(full(frame!.clientId, 7_000));
    expect(t.session.view.ticket).toMatchObject({ clientId: frame!.clientId, state: 'sending' });
    vi.advanceTimersByTime(6_999);
    expect(sentOf(t, 'ticket.create')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sentOf(t, 'ticket.create')).toEqual([frame, frame]);
  });
});
