/** AgentSession: typing and seen for the conversation on screen (SPEC W1, W2). */
import { describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { TYPING_TTL_MS } from '../../shared/protocol';
import { browser, ev, history, range, started, summary, useBrowserFakes } from './test-agent-session';

useBrowserFakes();

/** The console window gains or loses the focus. */
function focus(has: boolean): void {
  Object.assign(browser.doc, { hasFocus: () => has });
  browser.win.dispatch(has ? 'focus' : 'blur');
}

const visitorTyping = (conversationId: string, on: boolean) => ({
  type: 'typing',
  conversationId,
  author: { kind: 'visitor', id: 'visitor-c1', name: null },
  on,
});

function onScreen(conversations = [summary('c1'), summary('c2')]) {
  const t = started(conversations);
  t.online();
  t.session.open('c1');
  t.socket().receive(history('c1', range('c1', 1, 2), true));
  return t;
}

describe('AgentSession: W1 typing', () => {
  it("shows the visitor typing in the conversation on screen, until TYPING_TTL_MS passes", () => {
    const t = onScreen();
    t.socket().receive(visitorTyping('c2', true));
    expect(t.session.view.visitorTyping).toBe(false);
    t.socket().receive(visitorTyping('c1', true));
    expect(t.session.view.visitorTyping).toBe(true);
    vi.advanceTimersByTime(TYPING_TTL_MS);
    expect(t.session.view.visitorTyping).toBe(false);
  });

  it("the visitor's next message or `on: false` ends it; another conversation on screen does not show it", () => {
    const t = onScreen();
    t.socket().receive(visitorTyping('c1', true));
    t.socket().receive({ type: 'event', event: ev('c1', 3) });
    expect(t.session.view.visitorTyping).toBe(false);
    t.socket().receive(visitorTyping('c1', true));
    t.socket().receive(visitorTyping('c1', false));
    expect(t.session.view.visitorTyping).toBe(false);
    t.socket().receive(visitorTyping('c1', true));
    t.session.open('c2');
    expect(t.session.view.visitorTyping).toBe(false);
  });

  it("sends the agent's typing for the conversation on screen, and off when it moves to another", () => {
    const t = onScreen();
    t.session.typing(true);
    t.session.typing(true);
    t.session.open('c2');
    expect(t.sentOf('typing')).toEqual([
      { type: 'typing', conversationId: 'c1', on: true },
      { type: 'typing', conversationId: 'c1', on: false },
    ]);
  });
});

describe('AgentSession: W2 seen', () => {
  it('sends seen for what is on screen only while the window is focused', () => {
    const t = onScreen();
    expect(t.sentOf('seen')).toEqual([]); // the fake window starts without the focus
    focus(true);
    expect(t.sentOf('seen')).toEqual([{ type: 'seen', conversationId: 'c1', seq: 2 }]);
    focus(false);
    t.socket().receive({ type: 'event', event: ev('c1', 3) });
    vi.advanceTimersByTime(5_000);
    expect(t.sentOf('seen')).toHaveLength(1);
    focus(true);
    expect(t.sentOf('seen').at(-1)).toEqual({ type: 'seen', conversationId: 'c1', seq: 3 });
  });

  it('new events while focused are seen, thinned to one frame a second with the newest following', () => {
    const t = onScreen();
    focus(true);
    t.socket().receive({ type: 'event', event: ev('c1', 3) });
    t.socket().receive({ type: 'event', event: ev('c1', 4) });
    expect(t.sentOf('seen').map((f) => f.type === 'seen' && f.seq)).toEqual([2]);
    vi.advanceTimersByTime(1_000);
    expect(t.sentOf('seen').map((f) => f.type === 'seen' && f.seq)).toEqual([2, 4]);
  });

  it("nothing is sent for what the agents had already seen (the summary's agentSeenSeq)", () => {
    const t = onScreen([summary('c1', { agentSeenSeq: 2 })]);
    focus(true);
    expect(t.sentOf('seen')).toEqual([]);
  });

  it("the visitor's seen mark comes from the summary, then from seen frames", () => {
    const t = onScreen([summary('c1', { visitorSeenSeq: 1 }), summary('c2')]);
    expect(t.session.view.visitorSeenSeq).toBe(1);
    t.socket().receive({ type: 'seen', conversationId: 'c1', by: 'visitor', seq: 2 });
    expect(t.session.view.visitorSeenSeq).toBe(2);
    t.socket().receive({ type: 'seen', conversationId: 'c1', by: 'agent', seq: 2 });
    expect(t.session.view.visitorSeenSeq).toBe(2);
    t.session.open('c2');
    expect(t.session.view.visitorSeenSeq).toBe(0);
  });
});
