/**
 * @module A frame's shape as plain data, and a tiny check of a value against it: what the widget uses to
 * read the server's frames without carrying valibot (DESIGN.md size budget). The shape is derived from the
 * protocol's valibot schema (`shapeOf`), at build time for the widget (vite.config.ts) and at run time in
 * tests, so it never drifts from `shared/protocol.ts`.
 *
 * It checks types: strings, numbers (integers and non-negative integers where the schema says so), booleans,
 * literals and picklists, objects, arrays, records, unions, optional and nullable. Lengths, patterns and
 * custom checks are the server's word (it validated what it stored); unknown keys are left, not stripped.
 */

/**
 * `s` string, `n` number, `I` safe integer, `i` non-negative safe integer, `b` boolean; `['=', ...values]` one
 * of these values; `['?', s]` optional; `['0', s]` nullable; `['a', s]` array; `['r', s]` record of s;
 * `['|', ...s]` union; `{ key: s }` an object with these keys (others are left).
 */
export type Shape =
  | 's'
  | 'n'
  | 'I'
  | 'i'
  | 'b'
  | readonly ['=', ...unknown[]]
  | readonly ['?' | '0' | 'a' | 'r', Shape]
  | readonly ['|', ...Shape[]]
  | { readonly [key: string]: Shape };

/** Whether `value` has `shape`. */
export function fits(shape: Shape, value: unknown): boolean {
  if (typeof shape === 'string') {
    if (shape === 's' || shape === 'b') return typeof value === (shape === 's' ? 'string' : 'boolean');
    return typeof value === 'number' && (shape === 'n' ? Number.isFinite(value) : Number.isSafeInteger(value) && (shape === 'I' || value >= 0));
  }
  if (Array.isArray(shape)) {
    const [kind, ...rest] = shape as readonly [string, ...unknown[]];
    const inner = rest[0] as Shape;
    if (kind === '=') return rest.includes(value);
    if (kind === '|') return (rest as Shape[]).some((s) => fits(s, value));
    if (kind === '?' || kind === '0') return value === (kind === '?' ? undefined : null) || fits(inner, value);
    if (kind === 'a') return Array.isArray(value) && value.every((v) => fits(inner, v));
    // 'r': a record; an array passes as an object, as valibot lets it
    return typeof value === 'object' && value !== null && Object.values(value).every((v) => fits(inner, v));
  }
  if (typeof value !== 'object' || value === null) return false;
  const entries = shape as { [key: string]: Shape };
  const record = value as Record<string, unknown>;
  return Object.keys(entries).every((key) => fits(entries[key]!, Object.hasOwn(record, key) ? record[key] : undefined));
}

/** The parts of a valibot schema `shapeOf` reads (valibot's schema objects are plain data too). */
interface SchemaLike {
  type: string;
  pipe?: ReadonlyArray<{ type: string; requirement?: unknown }>;
  wrapped?: SchemaLike;
  item?: SchemaLike;
  value?: SchemaLike;
  options?: ReadonlyArray<SchemaLike | unknown>;
  entries?: Record<string, SchemaLike>;
  literal?: unknown;
}

/** The shape of a valibot schema; throws on a schema kind it cannot express (so a new kind is noticed). */
export function shapeOf(schema: SchemaLike): Shape {
  const actions = schema.pipe?.map((a) => a.type) ?? [];
  switch (schema.type) {
    case 'string':
      return 's';
    case 'boolean':
      return 'b';
    case 'null':
      return ['=', null];
    case 'number': {
      if (!actions.includes('safe_integer') && !actions.includes('integer')) return 'n';
      const min = schema.pipe?.find((a) => a.type === 'min_value')?.requirement;
      return typeof min === 'number' && min >= 0 ? 'i' : 'I';
    }
    case 'literal':
      return ['=', schema.literal];
    case 'picklist':
      return ['=', ...(schema.options ?? [])];
    case 'optional':
      return ['?', shapeOf(schema.wrapped!)];
    case 'nullable':
      return ['0', shapeOf(schema.wrapped!)];
    case 'array':
      return ['a', shapeOf(schema.item!)];
    case 'record':
      return ['r', shapeOf(schema.value!)];
    case 'union':
    case 'variant':
      return ['|', ...(schema.options as SchemaLike[]).map(shapeOf)];
    case 'object':
      return Object.fromEntries(Object.entries(schema.entries!).map(([k, s]) => [k, shapeOf(s)]));
  }
  throw new Error(`shapeOf: valibot schema type "${schema.type}" has no shape`);
}

/**
 * Fields of the visitor's frames the widget never reads (SPEC size budget): its build leaves them out of the
 * shape it checks frames against, as unknown fields are left. A field the widget reads is still checked;
 * shared/frame-shape.test.ts fails when widget code names one of these.
 */
export const WIDGET_UNREAD_FIELDS = ['v', 'tokenExpiresAt', 'launcherText', 'strictIdentity', 'hasMore', 'createdAt', 'authorKind'];

/** `shape` without the object keys named in `keys`, at any depth. */
export function withoutKeys(shape: Shape, keys: readonly string[]): Shape {
  if (typeof shape === 'string') return shape;
  if (Array.isArray(shape)) {
    const list = shape as readonly unknown[];
    return (list[0] === '=' ? list : list.map((s, i) => (i ? withoutKeys(s as Shape, keys) : s))) as unknown as Shape;
  }
  const entries = Object.entries(shape as { [key: string]: Shape });
  return Object.fromEntries(entries.filter(([k]) => !keys.includes(k)).map(([k, s]) => [k, withoutKeys(s, keys)]));
}
