/** SPEC R8b (issue 15): an agent reopens the visitor's closed conversation; the widget's chat is open again. */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ANA, ev, eventFrame, holding } from './session.fixtures';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('R8b: closed, then reopened: the status is open again', () => {
  const t = holding(3);
  t.deliver(eventFrame(ev(4, { kind: 'closed', author: ANA, text: null })));
  expect(t.session.view.status).toBe('closed');
  t.deliver(eventFrame(ev(5, { kind: 'reopened', author: ANA, text: null })));
  expect(t.session.view.status).toBe('open');
});
