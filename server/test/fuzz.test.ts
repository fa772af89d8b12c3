/**
 * Property-based fuzzing of the WebSocket gateway (issue 6, "Hostile input"; SPEC D9, D3, D11) against one
 * real server: random and mutated frames on real visitor and agent sockets, before and after hello, text
 * and binary, around the 64 KiB limit. Properties: the server keeps serving (/healthz after every run, and
 * a real server process survives them), every answer is a protocol frame, a bad frame gets one typed error
 * and changes nothing, every request with a client id is settled once, and an honest visitor and agent who
 * chat during the whole run get every message acked and delivered once, in order.
 *
 * Each fast-check run prints its seed on failure; replay one with FUZZ_SEED=<seed>.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE, isErrorCode } from '../../shared/errors';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS } from '../../shared/limits';
import { PROTOCOL_VERSION, type ServerFrame } from '../../shared/protocol';
import { visibleToVisitor } from '../domain/conversation';
import { freePort, NO_ABUSE_LIMITS, startChildServer } from './child-server';
import { openAgent, openVisitor, TestSocket } from './clients';
import { startTestServer, type TestServer } from './harness';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const options = (numRuns: number) => ({ numRuns, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) });

// ---------------------------------------------------------------------------------------------------------
// Values JSON.stringify cannot write, kept symbolic so a failing case prints small

const RAW = Symbol('raw'); // a number literal written as is: 1e999, -0, 9007199254740993
const DEEP = Symbol('deep'); // `depth` nested arrays or objects
const REF = Symbol('ref'); // a live conversation id, filled in at send time
type Raw = { [RAW]: string };
type Deep = { [DEEP]: { shape: '[' | '{'; depth: number } };
type Ref = { [REF]: 'VCONV' | 'HONEST' };
const raw = (literal: string): Raw => ({ [RAW]: literal });
const ref = (name: Ref[typeof REF]): Ref => ({ [REF]: name });

interface Refs {
  /** The fuzz visitor's current conversation. */
  VCONV: string | null;
  /** The honest pair's conversation: no fuzz visitor may read or write it (SPEC D11). */
  HONEST: string;
}

/** An object with exactly these own keys, `__proto__` included as a plain key (as JSON.parse makes it). */
function obj(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function render(value: unknown, refs: Refs): string {
  if (value !== null && typeof value === 'object') {
    if (RAW in value) return (value as Raw)[RAW];
    if (DEEP in value) {
      const { shape, depth } = (value as Deep)[DEEP];
      return shape === '[' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    }
    if (REF in value) return JSON.stringify(refs[(value as Ref)[REF]] ?? 'no-such-conversation');
    if (Array.isArray(value)) return `[${value.map((v) => render(v, refs)).join(',')}]`;
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${render(v, refs)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

const KNOWN_TYPES = ['hello', 'message.send', 'conversation.end', 'ticket.create', 'conversation.rate', 'transcript.email', 'watch', 'unwatch', 'ping'] as const;
type KnownType = (typeof KNOWN_TYPES)[number];
/** A frame type, message.send (the hot path) four times as often as each other. */
const frameType = fc.constantFrom<KnownType>(...KNOWN_TYPES, 'message.send', 'message.send', 'message.send');
/** Frames whose answer (or error) names their clientId (SPEC D4, T7). */
const REQUEST_TYPES: ReadonlySet<string> = new Set(['message.send', 'ticket.create', 'conversation.rate', 'transcript.email']);
const UUID_RE = /^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/iu;

const weirdString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  'a\udfff',
  '\u202e\u202d',
  '\u200b\u200d',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '🇧🇷',
  '\ufeff',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'ﷺ',
  '<img src=x onerror=alert(1)>',
  "'; DROP TABLE events; --",
  '../../etc/passwd',
  '${7*7}{{7*7}}',
  'null',
  'NaN',
  '__proto__',
  'constructor',
);
const anyString = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), weirdString);
const rawNumber = fc.constantFrom('1e999', '-1e999', '1e-400', '-0', '9007199254740993', '123456789012345678901234567890', '1E2', '5.0').map(raw);
/** Number literals JSON.parse turns into Infinity: not a number any frame field takes. */
const rawInfinity = fc.constantFrom('1e999', '-1e999').map(raw);
/** Nesting up to ~48 KB of brackets: deep enough to break a recursive walk, small enough for one frame. */
const deepTo = (arrays: number, objects: number) =>
  fc
    .oneof(
      fc.record({ shape: fc.constant('[' as const), depth: fc.integer({ min: 1, max: arrays }) }),
      fc.record({ shape: fc.constant('{' as const), depth: fc.integer({ min: 1, max: objects }) }),
    )
    .map((d): Deep => ({ [DEEP]: d }));
const deep = deepTo(12_000, 8_000);
/** Finite numbers, written in every way JSON allows. */
const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 2 ** 31, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  rawNumber.filter((r) => !r[RAW].endsWith('e999')),
);
/** Filler values; their nesting stays small so a frame with several of them stays under 64 KiB. */
const junk: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyString, edgeNumber, deepTo(300, 300), fc.constant(null), fc.boolean());
/** Keys that must never reach an object's prototype or shadow a method (CONVENTIONS: ignore __proto__). */
const extraKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', '😀', 'x', 'extra');
const extras = fc.array(fc.tuple(extraKey, junk), { maxLength: 3 });

const notString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant({ a: 1 }), deep, rawNumber);
const notStringOrNull = fc.oneof(notString, fc.constant(null));
const notNumber = fc.oneof(fc.constantFrom('NaN', 'Infinity', '1', '0', '', '0x10', '1_000'), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), deep);

/** A bad value for one field and the error code its frame must get. */
type Bad = { value: unknown; code: string };
const as = (arb: fc.Arbitrary<unknown>, code = 'invalid_frame'): fc.Arbitrary<Bad> => arb.map((value) => ({ value, code }));

/** A string of exactly `n` code points (what MAX_MESSAGE_CHARS counts), mixing one- to four-byte characters. */
const textOfLength = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.array(fc.constantFrom('a', 'ç', '€', '中', '👍', '𝔘', '\u0301', ' '), { minLength: 1, maxLength: 8 })).map(([n, alphabet]) => {
    const chars = Array.from({ length: n }, (_, i) => (i === 0 ? 'x' : alphabet[i % alphabet.length]!));
    return chars.join('');
  });
const blank = fc.array(fc.constantFrom(' ', '\n', '\t', '\r', '\v', '\f', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028', '\u2029'), { maxLength: 30 }).map((a) => a.join(''));

const bad = {
  uuid: fc.oneof(as(notStringOrNull), as(fc.string({ maxLength: 70 }).filter((s) => !UUID_RE.test(s))), as(fc.uuid().map((u) => `${u}0`)), as(fc.uuid().map((u) => u.replaceAll('-', '')))),
  id: fc.oneof(as(fc.constant('')), as(fc.string({ minLength: 65, maxLength: 200 })), as(notStringOrNull)),
  optionalId: fc.oneof(as(fc.constant('')), as(fc.string({ minLength: 65, maxLength: 200 })), as(notString)),
  seq: fc.oneof(
    as(fc.integer({ max: -1 })),
    as(fc.integer().map((n) => n + 0.5)),
    as(fc.constantFrom(2 ** 53, 2 ** 60, 1e300)),
    as(fc.constantFrom('1e999', '-1e999', '9007199254740993', '1e300').map(raw)),
    as(notNumber),
  ),
  text: fc.oneof(as(notStringOrNull), as(blank, 'message_empty'), as(textOfLength(MAX_MESSAGE_CHARS + 1, MAX_MESSAGE_CHARS + 40), 'message_too_long'), as(fc.constant('x'.repeat(12_000)), 'message_too_long')),
  bool: as(fc.constantFrom<unknown>('true', 1, 0, null, [], {})),
  number: as(notNumber),
  /** A ping id is echoed in the pong: it must be a finite number (1e999 would come back as null). */
  pingId: as(fc.oneof(notNumber, rawInfinity)),
  score: as(fc.oneof(fc.constantFrom<unknown>(0, 6, -1, 2.5, 1e9, '5', null, true), fc.constantFrom('1e999', '-0').map(raw))),
  email: fc.oneof(as(notStringOrNull), as(fc.string({ maxLength: 60 }).filter((s) => !s.includes('@')), 'invalid_email'), as(fc.constant(`${'a'.repeat(250)}@example.com`), 'invalid_email')),
  comment: as(fc.oneof(notStringOrNull, fc.constant('b'.repeat(1001)))),
  fields: fc.oneof(
    as(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean())),
    as(fc.constant({ message: 1 })),
    as(fc.constant({ [`k${'x'.repeat(40)}`]: 'v' })),
    as(fc.constant({ message: 'y'.repeat(4001) })),
    as(fc.constant(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'v']))), 'invalid_request'),
  ),
  token: as(fc.oneof(notString, fc.constant('t'.repeat(1025)))),
  resume: as(fc.oneof(fc.constant('resume'), fc.constant([]), fc.record({ conversationId: fc.constant(''), afterSeq: fc.constant(0) }), fc.record({ conversationId: fc.uuid(), afterSeq: fc.constant(-1) }))),
  page: as(fc.oneof(fc.constant('page'), fc.constant({}), fc.record({ url: fc.constant('u'.repeat(2049)) }), fc.record({ url: fc.constant('/'), title: fc.constant(7) }))),
  queue: as(fc.oneof(notStringOrNull, fc.constant('q'.repeat(101)))),
};

const nonBlank = (s: string) => s.trim() !== '';
const validText = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter(nonBlank), weirdString.filter(nonBlank), textOfLength(MAX_MESSAGE_CHARS - 3, MAX_MESSAGE_CHARS));
const validSeq = fc.oneof(fc.constantFrom<unknown>(0, 1, 2, 3, 500, 501, 2 ** 53 - 1), fc.nat(), fc.constantFrom('-0', '1e-400', '1E2').map(raw));
const email = fc.constantFrom('ana@example.com', 'x+y@exemplo.com.br', ' Caixa@Example.COM ');

interface FieldSpec {
  key: string;
  required: boolean;
  valid: fc.Arbitrary<unknown>;
  bad: fc.Arbitrary<Bad>;
}

/** Every client frame's fields: a valid value and a bad one for each. `conv` is where conversation ids point. */
function specs(conv: fc.Arbitrary<unknown>): Record<KnownType, FieldSpec[]> {
  const clientId = { key: 'clientId', required: true, valid: fc.uuid(), bad: bad.uuid };
  const conversationId = { key: 'conversationId', required: true, valid: conv, bad: bad.id };
  return {
    hello: [
      { key: 'v', required: true, valid: fc.constant(PROTOCOL_VERSION), bad: bad.number },
      { key: 'token', required: false, valid: fc.constant(null), bad: bad.token },
      { key: 'resume', required: false, valid: fc.oneof(fc.constant(null), fc.record({ conversationId: conv, afterSeq: validSeq })), bad: bad.resume },
      { key: 'page', required: false, valid: fc.record({ url: fc.oneof(fc.webUrl().filter((u) => u.length <= 2048), anyString), title: anyString, referrer: anyString }, { requiredKeys: ['url'] }), bad: bad.page },
      { key: 'queue', required: false, valid: fc.oneof(fc.constantFrom('Support', 'support', 'Sales'), anyString), bad: bad.queue },
    ],
    'message.send': [
      clientId,
      { key: 'conversationId', required: false, valid: fc.oneof(conv, fc.constant(null)), bad: bad.optionalId },
      { key: 'text', required: true, valid: validText, bad: bad.text },
      { key: 'note', required: false, valid: fc.boolean(), bad: bad.bool },
    ],
    'conversation.end': [conversationId],
    'ticket.create': [
      clientId,
      {
        key: 'fields',
        required: true,
        valid: fc.oneof(fc.record({ name: anyString, email, message: validText }, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 40 }), fc.string({ maxLength: 100 }), { maxKeys: 5 })),
        bad: bad.fields,
      },
    ],
    'conversation.rate': [
      clientId,
      conversationId,
      { key: 'score', required: true, valid: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(raw('5.0'))), bad: bad.score },
      { key: 'comment', required: false, valid: anyString, bad: bad.comment },
    ],
    'transcript.email': [clientId, conversationId, { key: 'email', required: true, valid: email, bad: bad.email }],
    watch: [conversationId, { key: 'afterSeq', required: true, valid: validSeq, bad: bad.seq }],
    unwatch: [conversationId],
    ping: [{ key: 'id', required: false, valid: edgeNumber, bad: bad.pingId }],
  };
}

/** What the server must answer. `error`: exactly one error frame, one of `codes`, naming `clientId` (or none). */
type Expect = { kind: 'error'; codes: readonly string[]; clientId: string | undefined } | { kind: 'valid'; type: KnownType } | { kind: 'unknown' };

interface Case {
  /** A value tree to render, the first `cut` characters of one, a raw text, or binary bytes. */
  payload: { value: unknown } | { truncated: unknown; cut: number } | { text: string } | { bytes: Uint8Array };
  expect: Expect;
}

/** A valid frame of `type`: each optional field present or not, extra keys sometimes. */
function validFrame(type: KnownType, spec: FieldSpec[]): fc.Arbitrary<Record<string, unknown>> {
  const fields = spec.map((f) => (f.required ? f.valid.map((v) => [[f.key, v]] as Array<[string, unknown]>) : fc.option(f.valid, { nil: undefined }).map((v) => (v === undefined ? [] : [[f.key, v] as [string, unknown]]))));
  return fc.tuple(fc.tuple(...fields), fc.option(extras, { nil: undefined })).map(([chosen, extra]) => obj([['type', type], ...chosen.flat(), ...(extra ?? [])]));
}

function echoOf(frame: Record<string, unknown>): string | undefined {
  const clientId = frame.clientId;
  return typeof clientId === 'string' && clientId.length <= 64 ? clientId : undefined;
}

/** Frames the server must refuse, each with the error it must get (SPEC D9). */
function garbage(conv: fc.Arbitrary<unknown>): fc.Arbitrary<Case> {
  const all = specs(conv);
  const notJson = fc.oneof(
    fc.string().filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
    fc.constantFrom('{', '{"type":', '{"type":"ping"', "{'type':'ping'}", '{type:"ping"}', 'NaN', 'undefined', '[1,]', '{"type":"ping",}', '"unterminated', '0x10', '01', '+1', '.5', '{"type":"ping"}{"type":"ping"}', '/* */{"type":"ping"}', '\ud800'),
  );
  const truncated = frameType
    .chain((type) => validFrame(type, all[type]))
    .chain((frame) => fc.record({ frame: fc.constant(frame), cut: fc.nat() }));
  const nonObject = fc.oneof(fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), rawNumber, deep.filter((d) => d[DEEP].shape === '['));
  const unknownType = fc.tuple(
    fc.oneof(
      fc.constant(undefined),
      notStringOrNull,
      anyString.filter((s) => !(KNOWN_TYPES as readonly string[]).includes(s)),
      fc.constantFrom('PING', 'Ping', ' ping', 'ping ', 'message.send ', 'message_send', 'hello\u0000', 'constructor', '__proto__', 'toString', 'message.delete', 'admin'),
    ),
    fc.array(fc.tuple(fc.oneof(extraKey, fc.constantFrom('clientId', 'text', 'conversationId')), junk), { maxLength: 4 }),
  );
  const invalidKnown = frameType
    .chain((type) => fc.record({ frame: validFrame(type, all[type]), field: fc.constantFrom(...all[type]) }))
    .chain(({ frame, field }) =>
      fc.oneof(
        field.bad.map((b) => ({ frame: obj([...Object.entries(frame).filter(([k]) => k !== field.key), [field.key, b.value]]), code: b.code })),
        ...(field.required ? [fc.constant({ frame: obj(Object.entries(frame).filter(([k]) => k !== field.key)), code: 'invalid_frame' })] : []),
      ),
    );
  return fc.oneof(
    notJson.map((text): Case => ({ payload: { text }, expect: { kind: 'error', codes: ['invalid_json'], clientId: undefined } })),
    truncated.map(({ frame, cut }): Case => ({ payload: { truncated: frame, cut }, expect: { kind: 'error', codes: ['invalid_json'], clientId: undefined } })),
    nonObject.map((value): Case => ({ payload: { value }, expect: { kind: 'error', codes: ['invalid_frame'], clientId: undefined } })),
    unknownType.map(([type, rest]): Case => ({
      payload: { value: obj([...rest, ...(type === undefined ? [] : [['type', type] as [string, unknown]])]) },
      expect: { kind: 'error', codes: ['unknown_frame_type'], clientId: undefined },
    })),
    invalidKnown.map(({ frame, code }): Case => ({ payload: { value: frame }, expect: { kind: 'error', codes: [code], clientId: echoOf(frame) } })),
  );
}

/** Valid frames of every type (with edge values), or garbage: what an arbitrary client might send. */
function anyFrame(conv: fc.Arbitrary<unknown>): fc.Arbitrary<Case> {
  const all = specs(conv);
  const valid = frameType.chain((type) => validFrame(type, all[type]).map((value): Case => ({ payload: { value }, expect: { kind: 'valid', type } })));
  const arrays = fc.constantFrom(...KNOWN_TYPES).map((type): Case => ({ payload: { value: { type, fields: ['x'], text: ['y'], conversationId: [] } }, expect: { kind: 'unknown' } }));
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: garbage(conv), weight: 2 }, { arbitrary: arrays, weight: 1 });
}

function payloadOf(c: Case, refs: Refs): string | Uint8Array {
  if ('bytes' in c.payload) return c.payload.bytes;
  if ('text' in c.payload) return c.payload.text;
  if ('truncated' in c.payload) {
    const text = render(c.payload.truncated, refs);
    return text.slice(0, c.payload.cut % text.length); // a proper prefix of an object is never JSON
  }
  return render(c.payload.value, refs);
}

// ---------------------------------------------------------------------------------------------------------
// Exchanging frames

/** Frames a socket may get at any time, caused by others (live events, inbox, presence, availability). */
const UNSOLICITED: ReadonlySet<string> = new Set(['event', 'conversation', 'presence', 'availability', 'gone']);
let marker = 1e9 + 0.25;

async function waitFor(socket: TestSocket, from: number, match: (f: ServerFrame) => boolean, what: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let i = from; ; ) {
    if (socket.invalid.length > 0) throw new Error(`the server sent frames outside the protocol: ${socket.invalid.join('; ')}`);
    for (; i < socket.frames.length; i++) if (match(socket.frames[i]!)) return i;
    if (socket.ws.readyState !== WebSocket.OPEN) throw new Error(`socket closed while waiting for ${what}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; last frames ${JSON.stringify(socket.frames.slice(-3)).slice(0, 500)}`);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        socket.ws.off('message', done).off('close', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(left, 50));
      socket.ws.on('message', done).on('close', done);
    });
  }
}

/**
 * Sends one case, then a ping; answers the frames the case caused: everything up to the pong, and for a
 * request with a client id, up to the frame that settles it (an ack may follow the pong: SPEC D2, D4).
 */
async function exchange(socket: TestSocket, c: Case, refs: Refs, settle?: string): Promise<{ frames: ServerFrame[]; clientId: string | undefined }> {
  const start = socket.frames.length;
  const sent = payloadOf(c, refs);
  if (typeof sent === 'string') socket.send(sent);
  else socket.ws.send(sent, { binary: true });
  const id = (marker += 1);
  socket.send({ type: 'ping', id });
  const pong = await waitFor(socket, start, (f) => f.type === 'pong' && f.id === id, 'pong');
  let end = pong;
  // A valid request is settled by its answer or an error naming it.
  const frame = 'value' in c.payload && c.payload.value !== null && typeof c.payload.value === 'object' ? (c.payload.value as Record<string, unknown>) : null;
  const clientId = settle ?? (frame && typeof frame.type === 'string' && REQUEST_TYPES.has(frame.type) && c.expect.kind !== 'error' ? echoOf(frame) : undefined);
  if (clientId !== undefined) {
    end = Math.max(end, await waitFor(socket, start, (f) => 'clientId' in f && f.clientId === clientId, `the answer to ${clientId}`));
  }
  const frames = socket.frames.slice(start, end + 1).filter((_, i) => i !== pong - start);
  count(frames);
  return { frames, clientId };
}

/** Answers by type (and error code), over the whole file: printed at the end to show what the fuzzing reached. */
const tally = new Map<string, number>();
function count(frames: ServerFrame[]): void {
  for (const f of frames) {
    if (UNSOLICITED.has(f.type)) continue;
    const key = f.type === 'error' ? `error ${f.code}` : f.type;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
}

/** The frames a case caused besides live traffic. */
const solicited = (frames: ServerFrame[]) => frames.filter((f) => !UNSOLICITED.has(f.type));

/** SPEC D9: one error, typed, with a message, naming the client id when the frame had a usable one. */
function expectRefused(frames: ServerFrame[], expected: Extract<Expect, { kind: 'error' }>, label: string): void {
  const answers = solicited(frames);
  expect(answers.map((f) => f.type), label).toEqual(['error']);
  const error = answers[0] as Extract<ServerFrame, { type: 'error' }>;
  expect(expected.codes, label).toContain(error.code);
  expect(error.message.length, label).toBeGreaterThan(0);
  expect(error.clientId, label).toBe(expected.clientId);
}

/** After hello, for valid or unknown frames: what it caused is an answer its type may have, errors typed. */
function expectPlausible(frames: ServerFrame[], c: Case, clientId: string | undefined, label: string): void {
  const answers = solicited(frames);
  const value = 'value' in c.payload ? (c.payload.value as { type?: unknown } | null) : null;
  const type = value !== null && typeof value === 'object' ? value.type : undefined;
  for (const f of answers) {
    if (f.type === 'error') {
      expect(isErrorCode(f.code), `${label}: ${f.code}`).toBe(true);
      expect(f.message.length, label).toBeGreaterThan(0);
    } else if (f.type === 'pong') {
      expect(type, label).toBe('ping');
    } else if (f.type === 'history') {
      expect(type, label).toBe('watch');
    } else {
      expect(['ack', 'ticket', 'done'], label).toContain(f.type);
      expect((f as { clientId: string }).clientId, label).toBe(clientId);
    }
  }
  if (clientId !== undefined) expect(answers.filter((f) => 'clientId' in f && f.clientId === clientId), `${label}: settled once`).toHaveLength(1);
  if (type === 'hello') {
    // A second hello is refused; the session stands.
    expect(answers.map((f) => (f.type === 'error' ? f.code : f.type)), label).toEqual(['invalid_frame']);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The server, the honest pair, the fuzzing sockets

let server: TestServer;
let db: Database.Database;
type Side = { name: string; socket: TestSocket; sent: string[] };
let honest: { conversationId: string; visitor: Side; agent: Side; stop: boolean; loops: Promise<void>; failures: unknown[] };
/** The sockets the current test opened: each test fuzzes its own, so one failure does not spread. */
let testSockets: TestSocket[] = [];
let fuzzVisitor: TestSocket;

const refs = (): Refs => ({ VCONV: fuzzVisitor?.all('ack').at(-1)?.conversationId ?? null, HONEST: honest.conversationId });
function track<T extends { socket: TestSocket } | TestSocket>(opened: T): T {
  testSockets.push(opened instanceof TestSocket ? opened : opened.socket);
  return opened;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What garbage must not change: everything but the honest pair's conversation. */
function counts() {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM events WHERE conversation_id <> ?) AS events,
              (SELECT count(*) FROM tickets) AS tickets, (SELECT count(*) FROM visitors) AS visitors`,
    )
    .get(honest.conversationId) as Record<string, number>;
}

/** One side of the honest pair: a message, its ack, a short pause, again, until told to stop. */
async function chat(side: Side, conversationId: string): Promise<void> {
  for (let n = 0; !honest.stop; n++) {
    const clientId = randomUUID();
    side.sent.push(clientId);
    side.socket.send({ type: 'message.send', clientId, conversationId, text: `${side.name} ${n}: tudo certo? 👋` });
    await side.socket.next('ack', (a) => a.clientId === clientId, 15_000);
    await sleep(5 + Math.random() * 20);
  }
}

beforeAll(async () => {
  server = await startTestServer({ env: { ...NO_ABUSE_LIMITS, HELLO_TIMEOUT_MS: '300000' } });
  db = new Database(join(server.dir, 'papo.db'), { readonly: true, fileMustExist: true });
  const visitor = await openVisitor(server);
  const agent = await openAgent(server);
  const { conversationId } = await visitor.socket.say('bom dia, estou aqui do começo ao fim');
  agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
  await agent.socket.next('history', (h) => h.conversationId === conversationId);
  await agent.socket.say('bom dia! sou a Ana', conversationId); // C2: the honest agent holds it from here
  const side = (name: string, socket: TestSocket): Side => ({ name, socket, sent: [] });
  honest = { conversationId, visitor: side('visitante', visitor.socket), agent: side('agente', agent.socket), stop: false, loops: Promise.resolve(), failures: [] };
  honest.loops = Promise.all([chat(honest.visitor, conversationId), chat(honest.agent, conversationId)]).then(
    () => undefined,
    (err: unknown) => void honest.failures.push(err),
  );
});

beforeEach(async () => {
  testSockets = [];
  fuzzVisitor = track(await openVisitor(server)).socket;
});

afterEach(async () => {
  // The process keeps serving, every frame so far was a protocol frame, nothing was logged at warn or above.
  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(200);
  for (const socket of [honest.visitor.socket, honest.agent.socket, ...testSockets]) expect(socket.invalid).toEqual([]);
  expect(honest.failures).toEqual([]);
  expect(server.problems).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

afterAll(async () => {
  if (honest) {
    honest.stop = true;
    await honest.loops;
  }
  db?.close();
  await server?.stop();
});

describe('fuzzing the gateway', () => {
  it('D9: before hello, garbage gets its typed error, valid frames hello_required, pings a pong; nothing is stored', async () => {
    const socket = track(await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin }));
    const all = specs(fc.oneof(fc.constant(ref('HONEST')), fc.uuid()));
    const validNotHello = fc
      .constantFrom(...KNOWN_TYPES.filter((t) => t !== 'hello'))
      .chain((type) => validFrame(type, all[type]).map((value): Case => ({ payload: { value }, expect: { kind: 'valid', type } })));
    await fc.assert(
      fc.asyncProperty(fc.oneof(garbage(fc.oneof(fc.constant(ref('HONEST')), fc.uuid())), validNotHello), async (c) => {
        const before = counts();
        const { frames } = await exchange(socket, c, refs());
        if (c.expect.kind === 'error') expectRefused(frames, c.expect, 'garbage before hello');
        else if (c.expect.kind === 'valid' && c.expect.type === 'ping') expect(solicited(frames).map((f) => f.type)).toEqual(['pong']);
        else {
          const value = (c.payload as { value: Record<string, unknown> }).value;
          expectRefused(frames, { kind: 'error', codes: ['hello_required'], clientId: REQUEST_TYPES.has(value.type as string) ? (value.clientId as string) : undefined }, 'valid frame before hello');
        }
        expect(counts()).toEqual(before);
      }),
      options(250),
    );
    // Still a socket that can say hello.
    socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: null });
    expect((await socket.next('welcome')).session.role).toBe('visitor');
  });

  it('D9: after hello, every garbage frame on a visitor socket gets one typed error naming its clientId, and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(garbage(fc.oneof(fc.constant(ref('VCONV')), fc.constant(ref('HONEST')), fc.uuid())), async (c) => {
        const before = counts();
        const { frames } = await exchange(fuzzVisitor, c, refs());
        expectRefused(frames, c.expect as Extract<Expect, { kind: 'error' }>, 'visitor garbage');
        expect(counts()).toEqual(before);
      }),
      options(400),
    );
  });

  it('D9: the same on an agent socket', async () => {
    const fuzzAgent = track(await openAgent(server)).socket;
    await fc.assert(
      fc.asyncProperty(garbage(fc.oneof(fc.constant(ref('VCONV')), fc.constant(ref('HONEST')), fc.uuid())), async (c) => {
        const before = counts();
        const { frames } = await exchange(fuzzAgent, c, refs());
        expectRefused(frames, c.expect as Extract<Expect, { kind: 'error' }>, 'agent garbage');
        expect(counts()).toEqual(before);
      }),
      options(250),
    );
  });

  it('D9: binary frames, JSON or not, answer invalid_frame and change nothing', async () => {
    const fuzzAgent = track(await openAgent(server)).socket;
    const frames = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.constantFrom('{"type":"ping"}', `{"type":"message.send","clientId":"${randomUUID()}","text":"binário"}`).map((s) => new TextEncoder().encode(s)),
    );
    await fc.assert(
      fc.asyncProperty(frames, fc.boolean(), async (bytes, onAgent) => {
        const before = counts();
        const { frames: answer } = await exchange(onAgent ? fuzzAgent : fuzzVisitor, { payload: { bytes }, expect: { kind: 'unknown' } }, refs());
        expectRefused(answer, { kind: 'error', codes: ['invalid_frame'], clientId: undefined }, 'binary');
        expect(counts()).toEqual(before);
      }),
      options(150),
    );
  });

  it('D9: around 64 KiB, a frame over the limit closes only its socket with 1009; one at the limit is answered; nothing is stored', async () => {
    const kinds = fc.constantFrom('message' as const, 'text' as const, 'binary' as const);
    const sizes = fc.oneof(fc.integer({ min: MAX_FRAME_BYTES - 4, max: MAX_FRAME_BYTES + 4 }), fc.constantFrom(MAX_FRAME_BYTES * 2, MAX_FRAME_BYTES * 16));
    await fc.assert(
      fc.asyncProperty(kinds, sizes, async (kind, size) => {
        const { socket } = track(await openVisitor(server));
        const before = counts();
        const start = socket.frames.length;
        const clientId = randomUUID();
        const head = `{"type":"message.send","clientId":"${clientId}","text":"`;
        const payload =
          kind === 'message' ? head + 'x'.repeat(size - head.length - 2) + '"}' : kind === 'text' ? 'x'.repeat(size) : new Uint8Array(size).fill(0x7b);
        expect(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length).toBe(size);
        socket.ws.send(payload, { binary: typeof payload !== 'string' });
        if (size > MAX_FRAME_BYTES) {
          expect((await socket.closed).code).toBe(CLOSE.frame_too_large);
          expect(solicited(socket.frames.slice(start))).toEqual([]);
        } else {
          const error = await socket.next('error');
          expect(error.code).toBe(kind === 'message' ? 'message_too_long' : kind === 'text' ? 'invalid_json' : 'invalid_frame');
          expect(error.clientId).toBe(kind === 'message' ? clientId : undefined);
          socket.send({ type: 'ping', id: 1 });
          await socket.next('pong');
          await socket.close();
        }
        expect(socket.invalid).toEqual([]);
        expect(counts()).toEqual(before);
      }),
      options(24),
    );
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d]],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
    ['a UTF-16 surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['a truncated four-byte sequence', [0x22, 0xf0, 0x9f, 0x22]],
  ])('RFC 6455 8.1: a text frame with %s closes that socket with 1007, and stores nothing', async (_name, bytes) => {
    const { socket } = track(await openVisitor(server));
    const before = counts();
    socket.ws.send(Buffer.from(bytes), { binary: false });
    expect((await socket.closed).code).toBe(1007);
    expect(counts()).toEqual(before);
  });

  it('D9: deeply nested JSON in the type, a field or an unknown key is refused with a typed error, not a crash', async () => {
    for (const depth of [10, 1_000, 5_000, 12_000, 30_000]) {
      const array = '['.repeat(depth) + ']'.repeat(depth);
      const cases: Array<[string, string]> = [
        [`{"type":${array}}`, 'unknown_frame_type'],
        [`{"type":"watch","conversationId":"x","afterSeq":${array}}`, 'invalid_frame'],
        [`{"type":"ticket.create","clientId":"${randomUUID()}","fields":{"message":${array}}}`, 'invalid_frame'],
        [array, 'invalid_frame'],
      ];
      for (const [text, code] of cases) {
        const before = counts();
        const { frames } = await exchange(fuzzVisitor, { payload: { text }, expect: { kind: 'unknown' } }, refs());
        expect(solicited(frames).map((f) => (f.type === 'error' ? f.code : f.type)), `depth ${depth}: ${text.slice(0, 60)}`).toEqual([code]);
        expect(counts()).toEqual(before);
      }
      // Unknown keys are ignored, however deep: still a ping.
      const { frames } = await exchange(fuzzVisitor, { payload: { text: `{"type":"ping","id":3,"x":${array}}` }, expect: { kind: 'unknown' } }, refs());
      expect(solicited(frames)).toEqual([{ type: 'pong', id: 3 }]);
    }
  });

  it('D9: a ping whose id JSON cannot carry back (1e999 parses to Infinity) is refused, never answered with a pong outside the protocol', async () => {
    for (const id of ['1e999', '-1e999', '1e308', '-0', '5e-324']) {
      const { frames } = await exchange(fuzzVisitor, { payload: { text: `{"type":"ping","id":${id}}` }, expect: { kind: 'unknown' } }, refs());
      const expected = id.endsWith('e999') ? [{ type: 'error', code: 'invalid_frame' }] : [{ type: 'pong', id: Number(id) + 0 }]; // + 0: JSON has no -0
      expect(solicited(frames).map((f) => (f.type === 'error' ? { type: f.type, code: f.code } : f)), id).toEqual(expected);
      expect(fuzzVisitor.invalid).toEqual([]);
    }
  });

  it('valid and mutated frames on a visitor socket: protocol answers only, each request settled once, never a way into another conversation (D11)', async () => {
    const conv = fc.oneof(fc.constant(ref('VCONV')), fc.constant(ref('HONEST')), fc.uuid(), fc.string({ minLength: 1, maxLength: 64 }));
    await fc.assert(
      fc.asyncProperty(anyFrame(conv), async (c) => {
        const { frames, clientId } = await exchange(fuzzVisitor, c, refs());
        if (c.expect.kind === 'error') return expectRefused(frames, c.expect, 'visitor garbage');
        expectPlausible(frames, c, clientId, 'visitor frame');
        // SPEC D11: a frame naming the honest pair's conversation learns nothing of it and changes nothing.
        const value = (c.payload as { value: Record<string, unknown> }).value;
        const namesHonest = value !== null && typeof value === 'object' && Object.values(value).some((v) => v !== null && typeof v === 'object' && REF in v && (v as Ref)[REF] === 'HONEST');
        if (c.expect.kind === 'valid' && namesHonest && ['message.send', 'conversation.end', 'conversation.rate', 'transcript.email', 'watch'].includes(c.expect.type)) {
          const answers = solicited(frames);
          expect(answers.map((f) => f.type), JSON.stringify(value)).toEqual(['error']);
          expect(c.expect.type === 'transcript.email' ? ['conversation_not_found', 'email_off'] : ['conversation_not_found']).toContain((answers[0] as { code: string }).code);
        }
      }),
      options(400),
    );
  });

  it('valid and mutated frames on an agent socket: protocol answers only, each request settled once', async () => {
    // The agent writes only into the fuzz visitor's conversations or ones that do not exist; it may read the honest one.
    const conv = fc.oneof(fc.constant(ref('VCONV')), fc.uuid(), fc.string({ minLength: 1, maxLength: 64 }));
    const fuzzAgent = track(await openAgent(server)).socket;
    // The fuzz visitor opens a conversation for the agent to write into.
    await fuzzVisitor.say('alguém pode me ajudar?');
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyFrame(conv), fc.record({ conversationId: fc.constant(ref('HONEST')), afterSeq: validSeq }).map((w): Case => ({ payload: { value: { type: 'watch', ...w } }, expect: { kind: 'valid', type: 'watch' } }))), async (c) => {
        const { frames, clientId } = await exchange(fuzzAgent, c, refs());
        if (c.expect.kind === 'error') return expectRefused(frames, c.expect, 'agent garbage');
        expectPlausible(frames, c, clientId, 'agent frame');
      }),
      options(250),
    );
  });

  it('D3: replayed frames get the first answer again (the same ack, or the same refusal) and store nothing new', async () => {
    const action = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('new' as const), text: validText, named: fc.boolean() }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('replay' as const), index: fc.nat() }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('end' as const) }), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
        const { socket, session } = track(await openVisitor(server));
        const sent: Array<{ text: string; clientId: string }> = [];
        const first = new Map<string, string>();
        let conversation: string | null = null;
        /** Sends the exact text and answers what settled it: `ack <conversation> <seq>` or `error <code>`. */
        const answerOf = async (text: string, clientId: string) => {
          const { frames } = await exchange(socket, { payload: { text }, expect: { kind: 'unknown' } }, refs(), clientId);
          const answers = frames.filter((f) => 'clientId' in f && f.clientId === clientId);
          expect(answers, 'one answer per send').toHaveLength(1);
          const answer = answers[0]!;
          return answer.type === 'ack' ? `ack ${answer.conversationId} ${answer.seq}` : answer.type === 'error' ? `error ${answer.code}` : answer.type;
        };
        for (const a of actions) {
          if (a.kind === 'new') {
            const clientId = randomUUID();
            const text = JSON.stringify({ type: 'message.send', clientId, text: a.text, ...(a.named && conversation ? { conversationId: conversation } : {}) });
            const answer = await answerOf(text, clientId);
            first.set(clientId, answer);
            sent.push({ text, clientId });
            if (answer.startsWith('ack ')) conversation = answer.split(' ')[1]!;
          } else if (a.kind === 'replay' && sent.length > 0) {
            const { text, clientId } = sent[a.index % sent.length]!;
            expect(await answerOf(text, clientId), 'a replay answers what the first send answered').toBe(first.get(clientId));
          } else if (a.kind === 'end' && conversation) {
            await exchange(socket, { payload: { value: { type: 'conversation.end', conversationId: conversation } }, expect: { kind: 'unknown' } }, refs());
          }
        }
        // Each acked client id is stored once, at its acked sequence, in this visitor's conversations.
        const rows = db
          .prepare('SELECT e.client_id AS clientId, e.conversation_id AS conversationId, e.seq AS seq FROM events e JOIN conversations c ON c.id = e.conversation_id WHERE c.visitor_id = ? AND e.client_id IS NOT NULL')
          .all(session.visitorId) as Array<{ clientId: string; conversationId: string; seq: number }>;
        for (const [clientId, answer] of first) {
          const stored = rows.filter((r) => r.clientId === clientId);
          expect(stored.map((r) => `ack ${r.conversationId} ${r.seq}`)).toEqual(answer.startsWith('ack ') ? [answer] : []);
        }
        expect(rows).toHaveLength([...first.values()].filter((a) => a.startsWith('ack ')).length);
        expect(socket.invalid).toEqual([]);
        await socket.close();
      }),
      options(40),
    );
  });

  it('hello, mutated, on fresh sockets: a welcome, or a typed error (closing with 4001/4002 when it must); a resume point never opens another visitor`s conversation', async () => {
    const conv = fc.oneof(fc.constant(ref('HONEST')), fc.uuid());
    const all = specs(conv);
    const hello = fc.oneof(
      validFrame('hello', all.hello).map((value) => ({ value, outcome: 'welcome' as const })),
      validFrame('hello', all.hello).chain((frame) =>
        fc.oneof(
          fc.constantFrom<unknown>(0, 2, -1, 1.5, raw('1e999')).map((v) => ({ value: obj([...Object.entries(frame), ['v', v]]), outcome: 'unsupported_version' as const })),
          fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.constantFrom('v1.garbage.more', 'v1..', '.', 'null')).map((token) => ({ value: obj([...Object.entries(frame), ['token', token]]), outcome: 'token_invalid' as const })),
          fc.constantFrom(...all.hello).chain((field) => field.bad.map((b) => ({ value: obj([...Object.entries(frame).filter(([k]) => k !== field.key), [field.key, b.value]]), outcome: 'invalid_frame' as const }))),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(hello, async ({ value, outcome }) => {
        const socket = track(await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin }));
        const before = counts();
        socket.send(render(value, refs()));
        if (outcome === 'welcome') {
          const welcome = await socket.next('welcome');
          expect(welcome.session.role === 'visitor' && welcome.session.conversation).toBeNull();
          socket.send({ type: 'ping', id: 2 });
          await socket.next('pong');
          expect(socket.all('history')).toEqual([]);
          await socket.close();
        } else if (outcome === 'invalid_frame') {
          expect((await socket.next('error')).code).toBe('invalid_frame');
          socket.send({ type: 'ping', id: 2 });
          await socket.next('pong'); // still open, still before hello
          await socket.close();
        } else {
          expect((await socket.next('error')).code).toBe(outcome);
          expect((await socket.closed).code).toBe(outcome === 'unsupported_version' ? CLOSE.unsupported_version : CLOSE.auth_failed);
        }
        expect(socket.invalid).toEqual([]);
        expect(counts()).toEqual(before);
      }),
      options(60),
    );
  });

  it('the honest visitor and agent chatted through all of it: every message acked once and received once, in order', async () => {
    honest.stop = true;
    await honest.loops;
    expect(honest.failures).toEqual([]);
    const { visitor, agent, conversationId } = honest;
    const stored = db.prepare('SELECT seq, kind, client_id AS clientId FROM events WHERE conversation_id = ? ORDER BY seq').all(conversationId) as Array<{ seq: number; kind: string; clientId: string | null }>;
    const lastSeq = stored.at(-1)!.seq;
    await waitFor(visitor.socket, 0, (f) => f.type === 'event' && f.event.seq === lastSeq, 'the last event at the visitor');
    await waitFor(agent.socket, 0, (f) => f.type === 'event' && f.event.seq === lastSeq, 'the last event at the agent');

    // D1: gap-free; only the pair's messages (no fuzz frame got in).
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    const messages = stored.filter((e) => e.kind === 'message').map((e) => e.clientId);
    const first = [visitor.socket.all('ack')[0]!.clientId, agent.socket.all('ack')[0]!.clientId];
    expect(new Set(messages)).toEqual(new Set([...first, ...visitor.sent, ...agent.sent]));
    expect(messages).toHaveLength(new Set(messages).size);

    for (const side of [visitor, agent]) {
      // D4: one ack per message, in the order sent, at the sequence it is stored at.
      const acks = side.socket.all('ack');
      expect(acks.map((a) => a.clientId)).toEqual([acks[0]!.clientId, ...side.sent]);
      const seqs = acks.map((a) => a.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      for (const a of acks) expect(stored[a.seq - 1]!.clientId).toBe(a.clientId);
      expect(side.socket.all('error')).toEqual([]);
    }

    // D2/D5: each side received its conversation's events once, in order, without gaps (the visitor: the
    // kinds it may see; the agent watched from 0: all of them).
    const visitorSeqs = visitor.socket.all('event').filter((f) => f.event.conversationId === conversationId).map((f) => f.event.seq);
    expect(visitorSeqs).toEqual(stored.filter((e) => visibleToVisitor(e.kind)).map((e) => e.seq));
    const history = agent.socket.all('history').find((h) => h.conversationId === conversationId)!;
    const agentSeqs = [...history.events.map((e) => e.seq), ...agent.socket.all('event').filter((f) => f.event.conversationId === conversationId).map((f) => f.event.seq)];
    expect(agentSeqs).toEqual(stored.map((e) => e.seq));

    // D1 across the whole database, fuzzed conversations included.
    const gaps = db.prepare('SELECT c.id, c.last_seq AS lastSeq, count(e.seq) AS n, max(e.seq) AS top FROM conversations c LEFT JOIN events e ON e.conversation_id = c.id GROUP BY c.id').all() as Array<{ id: string; lastSeq: number; n: number; top: number }>;
    expect(gaps.filter((c) => c.n !== c.lastSeq || c.top !== c.lastSeq)).toEqual([]);
    const answers = [...tally].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
    console.info(`fuzz: the honest pair exchanged ${messages.length} messages meanwhile; ${gaps.length} conversations in the database; answers: ${answers.join(', ')}`);
  });
});

describe('the real server process', () => {
  it('D9: keeps serving after hostile frames that would throw in a frame handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papo-fuzz-'));
    const child = await startChildServer({ databasePath: join(dir, 'papo.db'), port: await freePort() });
    try {
      const target = child.asTestServer();
      const before = await TestSocket.open(`${target.wsUrl}?role=visitor&site=${target.siteKey}`, { origin: target.origin });
      const after = await openVisitor(target);
      const depth = 6_000;
      const hostile = [`{"type":${'['.repeat(depth)}${']'.repeat(depth)}}`, `{"type":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`, '{"type":"ping","id":1e999}'];
      const sample = fc.sample(garbage(fc.uuid()), { numRuns: 150, ...(SEED === undefined ? {} : { seed: SEED }) });
      for (const socket of [before, after.socket]) {
        for (const text of hostile) socket.send(text);
        for (const c of sample) {
          const payload = payloadOf(c, { VCONV: null, HONEST: randomUUID() });
          if (typeof payload === 'string') socket.send(payload);
          else socket.ws.send(payload, { binary: true });
        }
        socket.send({ type: 'ping', id: 99 });
        await socket.next('pong', (p) => p.id === 99, 15_000);
      }
      expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
      expect(child.child.exitCode).toBeNull();
      expect((await after.socket.say('ainda aqui')).seq).toBeGreaterThan(0);
      expect(before.invalid).toEqual([]);
      expect(after.socket.invalid).toEqual([]);
      expect(child.output()).toBe('');
    } finally {
      await child.kill('SIGKILL');
    }
  });
});
