import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './errors';
import { MAX_MESSAGE_CHARS } from './limits';
import {
  MessageText,
  parseBody,
  parseClientFrame,
  parseServerFrame,
  parseVisitorServerFrame,
  PROTOCOL_VERSION,
  type ConversationEvent,
  type ConversationSummary,
  type ServerFrame,
} from './protocol';
import { summaryFixture } from './test/summary';

const CLIENT_ID = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';

describe('parseClientFrame: valid frames', () => {
  it.each([
    ['hello without token', { type: 'hello', v: PROTOCOL_VERSION }],
    ['hello with null token and null resume', { type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null }],
    [
      'hello with token and resume',
      { type: 'hello', v: PROTOCOL_VERSION, token: 'v1.abc.def', resume: { conversationId: 'c1', afterSeq: 12 } },
    ],
    ['message.send without conversationId', { type: 'message.send', clientId: CLIENT_ID, text: 'Olá' }],
    ['message.send with null conversationId', { type: 'message.send', clientId: CLIENT_ID, conversationId: null, text: 'Olá' }],
    ['message.send with conversationId', { type: 'message.send', clientId: CLIENT_ID, conversationId: 'c1', text: 'Olá' }],
    ['watch', { type: 'watch', conversationId: 'c1', afterSeq: 0 }],
    ['watch with a later seq', { type: 'watch', conversationId: 'c1', afterSeq: 42 }],
    ['unwatch', { type: 'unwatch', conversationId: 'c1' }],
    ['ping without id', { type: 'ping' }],
    ['ping with id', { type: 'ping', id: 7 }],
    [
      'R11: hello with the page the widget runs on',
      { type: 'hello', v: PROTOCOL_VERSION, page: { url: 'https://shop.example.com/cart', title: 'Cart', referrer: 'https://google.com/' } },
    ],
    ['R11: hello with only the page URL', { type: 'hello', v: PROTOCOL_VERSION, page: { url: 'https://shop.example.com/' } }],
    ['R3: hello naming a queue', { type: 'hello', v: PROTOCOL_VERSION, queue: 'Sales' }],
    ['R9: message.send as a private note', { type: 'message.send', clientId: CLIENT_ID, conversationId: 'c1', text: 'VIP', note: true }],
    ['message.send with note false', { type: 'message.send', clientId: CLIENT_ID, conversationId: 'c1', text: 'Olá', note: false }],
    ['R8: conversation.end', { type: 'conversation.end', conversationId: 'c1' }],
  ])('%s parses to the same object', (_name, frame) => {
    const parsed = parseClientFrame(JSON.stringify(frame));
    expect(parsed).toEqual({ ok: true, value: frame });
  });
});

describe('D9: parseClientFrame refuses bad input with a named code', () => {
  it.each([
    ['not JSON', 'invalid_json', '{"type":"ping"'],
    ['empty string', 'invalid_json', ''],
    ['plain words', 'invalid_json', 'hello'],
    ['a number', 'invalid_frame', '42'],
    ['a string', 'invalid_frame', '"ping"'],
    ['null', 'invalid_frame', 'null'],
    ['true', 'invalid_frame', 'true'],
    ['an array', 'invalid_frame', '[{"type":"ping"}]'],
    ['an empty array', 'invalid_frame', '[]'],
    ['an object without type', 'unknown_frame_type', '{}'],
    ['an unknown type', 'unknown_frame_type', '{"type":"launch"}'],
    ['a server frame type', 'unknown_frame_type', '{"type":"ack","clientId":"x","conversationId":"c","seq":1}'],
    ['a numeric type', 'unknown_frame_type', '{"type":1}'],
    ['a null type', 'unknown_frame_type', '{"type":null}'],
    ['an inherited name as type', 'unknown_frame_type', '{"type":"toString"}'],
    ['hello without v', 'invalid_frame', '{"type":"hello"}'],
    ['watch with negative afterSeq', 'invalid_frame', '{"type":"watch","conversationId":"c1","afterSeq":-1}'],
    ['watch with fractional afterSeq', 'invalid_frame', '{"type":"watch","conversationId":"c1","afterSeq":1.5}'],
    ['watch with empty conversationId', 'invalid_frame', '{"type":"watch","conversationId":"","afterSeq":0}'],
    ['watch with 65-char conversationId', 'invalid_frame', JSON.stringify({ type: 'watch', conversationId: 'c'.repeat(65), afterSeq: 0 })],
    ['unwatch without conversationId', 'invalid_frame', '{"type":"unwatch"}'],
    ['ping with a string id', 'invalid_frame', '{"type":"ping","id":"7"}'],
    ['R8: conversation.end without conversationId', 'invalid_frame', '{"type":"conversation.end"}'],
    ['R9: message.send with a string note flag', 'invalid_frame', JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: 'hi', note: 'yes' })],
    ['R11: hello with a page without url', 'invalid_frame', JSON.stringify({ type: 'hello', v: 1, page: { title: 'x' } })],
    ['R11: hello with a 2049-character page url', 'invalid_frame', JSON.stringify({ type: 'hello', v: 1, page: { url: 'u'.repeat(2049) } })],
    ['R3: hello with a 101-character queue', 'invalid_frame', JSON.stringify({ type: 'hello', v: 1, queue: 'q'.repeat(101) })],
    ['message.send without clientId', 'invalid_frame', JSON.stringify({ type: 'message.send', text: 'hi' })],
    ['message.send with non-UUID clientId', 'invalid_frame', JSON.stringify({ type: 'message.send', clientId: 'abc', text: 'hi' })],
    ['message.send without text', 'invalid_frame', JSON.stringify({ type: 'message.send', clientId: CLIENT_ID })],
    ['message.send with numeric text', 'invalid_frame', JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: 5 })],
    ['message.send with empty text', 'message_empty', JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: '' })],
    ['message.send with blank text', 'message_empty', JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: ' \n\t ' })],
    [
      'message.send with 1001 characters',
      'message_too_long',
      JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: 'a'.repeat(MAX_MESSAGE_CHARS + 1) }),
    ],
  ])('D9: %s answers %s', (_name, code, raw) => {
    const parsed = parseClientFrame(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.code).toBe(code);
    expect(parsed.message.length).toBeGreaterThan(0);
  });

  it('D9: a too-long message names the error code message and carries its clientId (D4)', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: 'x'.repeat(1001) }));
    expect(parsed).toEqual({ ok: false, code: 'message_too_long', message: ERRORS.message_too_long.message, clientId: CLIENT_ID });
  });

  it('D9: a blank message carries its clientId', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, conversationId: 'c1', text: '   ' }));
    expect(parsed).toMatchObject({ ok: false, code: 'message_empty', clientId: CLIENT_ID });
  });

  it('D9: 1001 emoji (code points) is too long', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: '😀'.repeat(1001) }));
    expect(parsed).toMatchObject({ ok: false, code: 'message_too_long', clientId: CLIENT_ID });
  });

  it('D9: a clientId longer than 64 characters is not echoed back', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'message.send', clientId: 'z'.repeat(65), text: 'hi' }));
    expect(parsed.ok).toBe(false);
    expect(parsed).not.toHaveProperty('clientId');
  });

  it('D9: a non-string clientId is not echoed back', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'message.send', clientId: 12, text: 'hi' }));
    expect(parsed).toMatchObject({ ok: false, code: 'invalid_frame' });
    expect(parsed).not.toHaveProperty('clientId');
  });

  it('D9: the unknown type is named in the message, cut short', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'x'.repeat(500) }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.code).toBe('unknown_frame_type');
    expect(parsed.message.length).toBeLessThan(100);
  });

  it('D9: a schema failure names the failing field', () => {
    const parsed = parseClientFrame('{"type":"watch","conversationId":"c1","afterSeq":"3"}');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.code).toBe('invalid_frame');
    expect(parsed.message).toMatch(/^afterSeq: /);
  });

  it('never throws on odd input', () => {
    for (const raw of ['\u0000', '{"type":"hello","v":1e400}', '{"__proto__":{"type":"ping"}}', '{"type":"message.send","text":{}}']) {
      expect(() => parseClientFrame(raw)).not.toThrow();
    }
  });
});

describe('parseClientFrame: message length counts code points', () => {
  it(`accepts exactly ${MAX_MESSAGE_CHARS} characters`, () => {
    const text = 'a'.repeat(MAX_MESSAGE_CHARS);
    expect(parseClientFrame(JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text }))).toEqual({
      ok: true,
      value: { type: 'message.send', clientId: CLIENT_ID, text },
    });
  });

  it('accepts 1000 emoji (2000 UTF-16 units)', () => {
    const text = '😀'.repeat(1000);
    expect(text.length).toBe(2000);
    const parsed = parseClientFrame(JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text }));
    expect(parsed).toEqual({ ok: true, value: { type: 'message.send', clientId: CLIENT_ID, text } });
  });

  it('keeps leading and trailing white space of a message that is not blank', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'message.send', clientId: CLIENT_ID, text: '  oi  ' }));
    expect(parsed.ok && parsed.value.type === 'message.send' && parsed.value.text).toBe('  oi  ');
  });
});

describe('parseClientFrame: the output object holds only schema keys', () => {
  it('extra unknown keys are stripped', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'ping', id: 1, admin: true, extra: { a: 1 } }));
    expect(parsed).toEqual({ ok: true, value: { type: 'ping', id: 1 } });
    expect(parsed.ok && Object.keys(parsed.value)).toEqual(['type', 'id']);
  });

  it('extra keys in a nested resume point are stripped', () => {
    const parsed = parseClientFrame(
      JSON.stringify({ type: 'hello', v: 1, resume: { conversationId: 'c1', afterSeq: 3, evil: 1 } }),
    );
    expect(parsed).toEqual({ ok: true, value: { type: 'hello', v: 1, resume: { conversationId: 'c1', afterSeq: 3 } } });
  });

  it('a __proto__ key does not leak into the output object or its prototype', () => {
    const raw = '{"type":"message.send","clientId":"' + CLIENT_ID + '","text":"hi","__proto__":{"polluted":true,"isAdmin":true}}';
    const parsed = parseClientFrame(raw);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const value = parsed.value as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['clientId', 'text', 'type']);
    expect(Object.prototype.hasOwnProperty.call(value, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.polluted).toBeUndefined();
    expect(value.isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a __proto__ key inside a nested object does not leak either', () => {
    const raw = '{"type":"hello","v":1,"resume":{"conversationId":"c1","afterSeq":0,"__proto__":{"polluted":true}}}';
    const parsed = parseClientFrame(raw);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.type !== 'hello') return;
    const resume = parsed.value.resume as Record<string, unknown>;
    expect(Object.keys(resume).sort()).toEqual(['afterSeq', 'conversationId']);
    expect(Object.getPrototypeOf(resume)).toBe(Object.prototype);
    expect(resume.polluted).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------

const author = { kind: 'agent' as const, id: 'a1', name: 'Ana' };
const event: ConversationEvent = {
  conversationId: 'c1',
  seq: 3,
  kind: 'message',
  author,
  clientId: CLIENT_ID,
  text: 'Olá',
  at: 1_700_000_000_000,
};
const summary = summaryFixture({
  siteId: 's1',
  visitorId: 'v1',
  assignedAgentId: 'a1',
  assignedAgentName: 'Ana',
  lastSeq: 3,
  lastMessage: { text: 'Olá', authorKind: 'agent', at: 1_700_000_000_000 },
  createdAt: 1_699_999_999_000,
  updatedAt: 1_700_000_000_000,
  queueId: 'q1',
  queuedAt: 1_699_999_999_500,
  firstMessage: 'Oi, preciso de ajuda',
});
/** A summary with every workflow field set: an offer, a pending transfer, a conference guest, labels. */
const busySummary: ConversationSummary = {
  ...summary,
  visitorName: 'Bia',
  assignedAgentId: 'a1',
  priority: 3,
  offer: { agentId: 'a2', agentName: 'Bruno', expiresAt: 1_700_000_030_000 },
  request: { kind: 'transfer', fromAgentId: 'a1', toAgentId: null, toQueueId: 'q2', toName: 'Billing', expiresAt: 1_700_000_060_000 },
  participants: [{ id: 'a3', name: 'Carla' }],
  labels: ['vip', 'refund'],
  requesterEmail: 'bia@example.com',
};
const presence = { id: 'a1', name: 'Ana', role: 'supervisor' as const, state: 'available' as const, capacity: 3, queueIds: ['q1'], since: 1_700_000_000_000 };
const queue = { id: 'q1', siteId: 's1', name: 'Sales', strategy: 'round_robin' as const, offerTimeoutMs: 30_000 };

const serverFrames: Array<[string, ServerFrame]> = [
  [
    'welcome (visitor, no conversation)',
    {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      session: {
        role: 'visitor',
        visitorId: 'v1',
        token: 'v1.a.b',
        tokenExpiresAt: 1_800_000_000_000,
        conversation: null,
        site: { online: false, offlineFields: [{ key: 'name', label: 'Nome', type: 'text', required: false }] },
      },
    },
  ],
  [
    'welcome (visitor, open conversation)',
    {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      session: {
        role: 'visitor',
        visitorId: 'v1',
        token: 'v1.a.b',
        tokenExpiresAt: 1_800_000_000_000,
        conversation: { id: 'c1', status: 'open', lastSeq: 4 },
        site: { online: true, offlineFields: [] },
      },
    },
  ],
  [
    'welcome (agent)',
    {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      session: {
        role: 'agent',
        agent: { id: 'a1', name: 'Ana', email: 'ana@example.com', role: 'supervisor' },
        conversations: [summary, busySummary],
        presence: [presence],
        queues: [queue],
      },
    },
  ],
  [
    'welcome (agent, nothing yet)',
    {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      session: { role: 'agent', agent: { id: 'a1', name: 'Ana', email: 'ana@example.com', role: 'agent' }, conversations: [], presence: [], queues: [] },
    },
  ],
  ['history (replay)', { type: 'history', conversationId: 'c1', events: [event], reset: false, lastSeq: 3, hasMore: false }],
  ['history (reset, empty)', { type: 'history', conversationId: 'c1', events: [], reset: true, lastSeq: 0, hasMore: false }],
  ['event', { type: 'event', event }],
  ['event with summary', { type: 'event', event, conversation: summary }],
  ['event with a busy summary', { type: 'event', event, conversation: busySummary }],
  [
    'workflow event with data',
    {
      type: 'event',
      event: { ...event, kind: 'offered', author: { kind: 'system', id: null, name: null }, clientId: null, text: null, data: { agentId: 'a2', expiresAt: 1 } },
    },
  ],
  [
    'R12: a bot message',
    { type: 'event', event: { ...event, author: { kind: 'bot', id: null, name: null }, clientId: null } },
  ],
  ['labels_changed event with a list in data', { type: 'event', event: { ...event, kind: 'labels_changed', clientId: null, text: null, data: { labels: ['vip'] } } }],
  [
    'event of a kind this version does not know',
    { type: 'event', event: { ...event, kind: 'note', author: { kind: 'system', id: null, name: null }, clientId: null, text: null } },
  ],
  ['conversation', { type: 'conversation', conversation: { ...summary, status: 'closed', lastMessage: null, assignedAgentId: null, assignedAgentName: null } }],
  ['ack', { type: 'ack', clientId: CLIENT_ID, conversationId: 'c1', seq: 3 }],
  ['error', { type: 'error', code: 'hello_required', message: 'The first frame must be hello.' }],
  ['error with clientId', { type: 'error', code: 'message_too_long', message: 'too long', clientId: CLIENT_ID }],
  ['pong', { type: 'pong' }],
  ['pong with id', { type: 'pong', id: 9 }],
  ['R1: presence', { type: 'presence', agent: presence }],
  ['R1: presence of an offline agent', { type: 'presence', agent: { ...presence, state: 'offline', queueIds: [] } }],
  ['R10: gone', { type: 'gone', conversationId: 'c1' }],
];

describe('parseServerFrame', () => {
  it.each(serverFrames)('round-trips %s', (_name, frame) => {
    expect(parseServerFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it.each([
    ['not JSON', 'invalid_json', '{'],
    ['an unknown type', 'invalid_frame', '{"type":"hello","v":1}'],
    ['no type', 'invalid_frame', '{}'],
    ['an array', 'invalid_frame', '[]'],
    ['an ack without seq', 'invalid_frame', JSON.stringify({ type: 'ack', clientId: CLIENT_ID, conversationId: 'c1' })],
    ['an ack with negative seq', 'invalid_frame', JSON.stringify({ type: 'ack', clientId: CLIENT_ID, conversationId: 'c1', seq: -1 })],
    ['history without reset', 'invalid_frame', JSON.stringify({ type: 'history', conversationId: 'c1', events: [], lastSeq: 0, hasMore: false })],
    ['an event with an unknown author kind', 'invalid_frame', JSON.stringify({ type: 'event', event: { ...event, author: { ...author, kind: 'robot' } } })],
    ['an event with an object in data', 'invalid_frame', JSON.stringify({ type: 'event', event: { ...event, data: { nested: { a: 1 } } } })],
    ['R2: a summary with priority 4', 'invalid_frame', JSON.stringify({ type: 'conversation', conversation: { ...summary, priority: 4 } })],
    ['R2: a summary with priority -1', 'invalid_frame', JSON.stringify({ type: 'conversation', conversation: { ...summary, priority: -1 } })],
    ['a summary without the workflow fields (an older server)', 'invalid_frame', JSON.stringify({ type: 'conversation', conversation: { ...summary, bot: undefined, participants: undefined } })],
    ['R6: a summary with a request of an unknown kind', 'invalid_frame', JSON.stringify({ type: 'conversation', conversation: { ...busySummary, request: { ...busySummary.request, kind: 'handoff' } } })],
    ['R1: presence in an unknown state', 'invalid_frame', JSON.stringify({ type: 'presence', agent: { ...presence, state: 'busy' } })],
    ['R3: a welcome with a queue of an unknown strategy', 'invalid_frame', JSON.stringify({ type: 'welcome', v: 1, session: { role: 'agent', agent: { id: 'a1', name: 'Ana', email: 'a@b.c', role: 'agent' }, conversations: [], presence: [], queues: [{ ...queue, strategy: 'random' }] } })],
    ['an agent welcome without presence and queues (an older server)', 'invalid_frame', JSON.stringify({ type: 'welcome', v: 1, session: { role: 'agent', agent: { id: 'a1', name: 'Ana', email: 'a@b.c', role: 'agent' }, conversations: [] } })],
    ['gone without conversationId', 'invalid_frame', '{"type":"gone"}'],
    ['a welcome with an unknown role', 'invalid_frame', JSON.stringify({ type: 'welcome', v: 1, session: { role: 'robot' } })],
  ])('refuses %s with %s', (_name, code, raw) => {
    const parsed = parseServerFrame(raw);
    expect(parsed).toMatchObject({ ok: false, code });
  });

  it('strips keys a newer server adds', () => {
    const parsed = parseServerFrame(JSON.stringify({ type: 'pong', id: 1, future: 'x' }));
    expect(parsed).toEqual({ ok: true, value: { type: 'pong', id: 1 } });
  });
});

describe('parseBody', () => {
  const Body = v.object({ name: v.pipe(v.string(), v.minLength(1)), age: v.optional(v.number()) });

  it('answers the parsed value without unknown keys', () => {
    expect(parseBody(Body, { name: 'Ana', age: 30, role: 'admin' })).toEqual({ ok: true, value: { name: 'Ana', age: 30 } });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'Ana'],
    ['a missing field', {}],
    ['a wrong type', { name: 5 }],
    ['a failed check', { name: '' }],
  ])('refuses %s with invalid_request', (_name, data) => {
    const parsed = parseBody(Body, data);
    expect(parsed).toMatchObject({ ok: false, code: 'invalid_request' });
  });

  it('names the failing field in the message', () => {
    const parsed = parseBody(Body, { name: 'Ana', age: 'old' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toMatch(/^age: /);
  });

  it.each([
    ['   ', 'message_empty'],
    ['x'.repeat(MAX_MESSAGE_CHARS + 1), 'message_too_long'],
  ] as const)('a check named by an error code answers that code (%#)', (text, code) => {
    const parsed = parseBody(v.object({ text: MessageText }), { text });
    expect(parsed).toEqual({ ok: false, code, message: ERRORS[code].message });
  });
});

describe('parseVisitorServerFrame (the widget\'s parser: visitor frames only)', () => {
  const AGENT_ONLY = new Set(['conversation', 'presence', 'gone']);
  const isAgentWelcome = (f: unknown) => (f as { type: string; session?: { role: string } }).session?.role === 'agent';
  const forVisitors = serverFrames.filter(([, f]) => !AGENT_ONLY.has((f as { type: string }).type) && !isAgentWelcome(f));

  it.each(forVisitors)('reads %s (keys it does not know are left, not stripped)', (_name, frame) => {
    expect(parseVisitorServerFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it.each(serverFrames.filter(([, f]) => AGENT_ONLY.has((f as { type: string }).type) || isAgentWelcome(f)))(
    'refuses the agent-only %s with invalid_frame',
    (_name, frame) => {
      expect(parseVisitorServerFrame(JSON.stringify(frame))).toMatchObject({ ok: false, code: 'invalid_frame' });
    },
  );

  it('refuses bad JSON with invalid_json', () => {
    expect(parseVisitorServerFrame('{')).toMatchObject({ ok: false, code: 'invalid_json' });
  });
});
