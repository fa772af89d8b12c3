import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fits, shapeOf, WIDGET_UNREAD_FIELDS, withoutKeys, type Shape } from './frame-shape';
import { parseVisitorServerFrame, VisitorServerFrame } from './protocol';

const shape = shapeOf(VisitorServerFrame);
const valibotOk = (value: unknown) => v.safeParse(VisitorServerFrame, value).success;

const event = {
  conversationId: 'c1',
  seq: 3,
  kind: 'message',
  author: { kind: 'agent', id: 'a1', name: 'Ana' },
  clientId: null,
  text: 'Olá',
  data: { reason: 'x', n: 1, flag: true, none: null, list: ['a'] },
  attachments: [{ id: 'f1', name: 'nota.pdf', mime: 'application/pdf', size: 10, kind: 'document' }],
  at: 1_700_000_000_000,
};
const FRAMES: unknown[] = [
  {
    type: 'welcome',
    v: 1,
    session: {
      role: 'visitor',
      visitorId: 'v1',
      token: 't',
      tokenExpiresAt: 1,
      conversation: { id: 'c1', status: 'open', lastSeq: 3, agentSeenSeq: 2, visitorSeenSeq: 3 },
      site: {
        online: true,
        offlineFields: [{ key: 'email', label: 'E-mail', type: 'email', required: true }],
        widget: {
          color: '#047857',
          position: 'left',
          launcherText: 'Fale conosco',
          greeting: null,
          agentDisplay: 'name',
          locale: 'pt-BR',
          prechat: { enabled: true, name: 'required', email: 'optional', queues: [{ id: 'q1', name: 'Vendas' }], consent: 'Aceito' },
          uploads: { enabled: true, maxBytes: 2048 },
          strictIdentity: false,
        },
      },
      identity: { userId: 'u1', name: null, email: 'a@b.c' },
    },
  },
  { type: 'history', conversationId: 'c1', events: [event], reset: true, lastSeq: 3, hasMore: false },
  { type: 'event', event },
  { type: 'ack', clientId: 'x', conversationId: 'c1', seq: 4 },
  { type: 'error', code: 'rate_limited', message: 'slow', retryAfterMs: 10 },
  { type: 'pong', id: 1 },
  { type: 'availability', online: false },
  { type: 'ticket', clientId: 'x', number: 7 },
  { type: 'done', clientId: 'x' },
  { type: 'typing', conversationId: 'c1', author: { kind: 'agent', id: 'a1', name: 'Ana' }, on: true },
  { type: 'seen', conversationId: 'c1', by: 'agent', seq: 3 },
  {
    type: 'conversations',
    clientId: 'x',
    conversations: [{ id: 'c1', status: 'closed', createdAt: 1, updatedAt: 2, lastSeq: 3, lastMessage: { text: 'oi', authorKind: 'bot', at: 2 }, unread: 0 }],
  },
];

/** Every path to a value inside `value`, as key lists. */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [at];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [at, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...at, k]))];
}
function replaced(value: unknown, path: Array<string | number>, by: unknown): unknown {
  if (path.length === 0) return by;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = replaced(copy[path[0]!], path.slice(1), by);
  return copy;
}

describe('frame shapes: the widget\'s check of the server\'s frames, derived from the valibot schema', () => {
  it.each(FRAMES.map((f) => [(f as { type: string }).type, f]))('a valid %s frame fits, as valibot says', (_type, frame) => {
    expect(valibotOk(frame)).toBe(true);
    expect(fits(shape, frame)).toBe(true);
    expect(parseVisitorServerFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it('never refuses a frame valibot accepts, and refuses what a wrong type breaks (any value at any place)', () => {
    const oddValues = fc.oneof(
      fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2 ** 60, '', 'x', [], {}, [1], { a: 1 }, undefined),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.constantFrom(...FRAMES), fc.nat(), oddValues, (frame, n, by) => {
        const all = paths(frame).filter((p) => p.length > 0);
        const path = all[n % all.length]!;
        const mutated = JSON.parse(JSON.stringify(replaced(frame, path, by)) ?? 'null') as unknown;
        if (valibotOk(mutated)) expect(fits(shape, mutated)).toBe(true);
        // Where valibot refuses for a type (not a length, pattern or custom check), the shape refuses too.
        const issues = v.safeParse(VisitorServerFrame, mutated).issues ?? [];
        if (issues.length > 0 && issues.every((i) => i.kind === 'schema')) expect(fits(shape, mutated)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it.each<[string, unknown]>([
    ['a negative seq', { type: 'ack', clientId: 'x', conversationId: 'c1', seq: -1 }],
    ['a fractional seq', { type: 'ack', clientId: 'x', conversationId: 'c1', seq: 1.5 }],
    ['a seen by someone else', { type: 'seen', conversationId: 'c1', by: 'bot', seq: 1 }],
    ['an event without its author', { type: 'event', event: { ...event, author: undefined } }],
    ['an author kind this version does not know', { type: 'event', event: { ...event, author: { kind: 'robot', id: null, name: null } } }],
    ['an object in event data', { type: 'event', event: { ...event, data: { nested: { a: 1 } } } }],
    ['an agent welcome', { type: 'welcome', v: 1, session: { role: 'agent', agent: {}, conversations: [], presence: [], queues: [] } }],
    ['presence (agents only)', { type: 'presence', agent: {} }],
    ['an array', []],
    ['null', null],
  ])('refuses %s', (_name, frame) => {
    expect(fits(shape, frame)).toBe(false);
    expect(parseVisitorServerFrame(JSON.stringify(frame))).toMatchObject({ ok: false, code: 'invalid_frame' });
  });

  it('shapeOf names a schema kind it cannot express, rather than guessing', () => {
    expect(() => shapeOf(v.date() as unknown as Parameters<typeof shapeOf>[0])).toThrow(/date/);
  });

  it('reads the number checks it keeps: integers, and non-negative integers', () => {
    const cases: Array<[Shape, unknown, boolean]> = [
      ['i', 0, true],
      ['i', -1, false],
      ['I', -1, true],
      ['I', 0.5, false],
      ['n', 0.5, true],
      ['n', '1', false],
    ];
    for (const [s, value, ok] of cases) expect([s, value, fits(s, value)]).toEqual([s, value, ok]);
    expect(shapeOf(v.pipe(v.number(), v.safeInteger(), v.minValue(0)))).toBe('i');
    expect(shapeOf(v.pipe(v.number(), v.safeInteger()))).toBe('I');
    expect(shapeOf(v.number())).toBe('n');
  });

  describe("the widget's shape: without the fields it never reads", () => {
    const widgetShape = withoutKeys(shape, WIDGET_UNREAD_FIELDS);

    it('still takes every valid frame, and a frame without an unread field', () => {
      for (const frame of FRAMES) expect(fits(widgetShape, frame)).toBe(true);
      const welcome = FRAMES[0] as { session: Record<string, unknown> };
      expect(fits(widgetShape, { ...welcome, v: undefined, session: { ...welcome.session, tokenExpiresAt: 'x' } })).toBe(true);
      expect(JSON.stringify(widgetShape)).not.toMatch(new RegExp(`"(${WIDGET_UNREAD_FIELDS.join('|')})":`));
    });

    it('still checks the fields the widget reads', () => {
      const event1 = (FRAMES[2] as { event: typeof event }).event;
      expect(fits(widgetShape, { type: 'ack', clientId: 'x', conversationId: 'c1', seq: -1 })).toBe(false);
      expect(fits(widgetShape, { type: 'event', event: { ...event1, author: { kind: 'robot', id: null, name: null } } })).toBe(false);
      expect(fits(widgetShape, { type: 'event', event: { ...event1, text: 1 } })).toBe(false);
      expect(fits(widgetShape, { type: 'welcome', v: 1, session: { role: 'agent', agent: {}, conversations: [], presence: [], queues: [] } })).toBe(false);
    });

    it('leaves out only fields no widget code names', () => {
      const files = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
          d.isDirectory() ? files(`${dir}/${d.name}`) : /\.tsx?$/.test(d.name) && !/\.(test|fixtures)\.tsx?$/.test(d.name) ? [`${dir}/${d.name}`] : [],
        );
      const app = files(new URL('../widget/app', import.meta.url).pathname).map((f) => readFileSync(f, 'utf8')).join('\n');
      // `v` is everyone's short name: the widget reads the welcome's version as `.v` or `{ v }` only.
      for (const key of WIDGET_UNREAD_FIELDS) {
        const read = key === 'v' ? /(frame|welcome)\??\.v\b|\{\s*v\s*[,}]/ : new RegExp(`\\b${key}\\b`);
        expect([key, read.test(app)]).toEqual([key, false]);
      }
    });
  });
});
