/**
 * Issue 14: what the PostgreSQL driver decides by itself, as tables: which errors mean "the database cannot
 * serve now" (SPEC D15: storage_unavailable, the client retries) and which are the caller's or a bug; schema
 * names; advisory lock keys.
 */
import { describe, expect, it } from 'vitest';
import { advisoryKey, assertSchemaName, connectionConfig, isPgUnavailable, isPgUniqueViolation } from './driver';

/** An error as node-postgres makes them: a message, and a SQLSTATE or socket code when there is one. */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('isPgUnavailable', () => {
  it.each<[string, Error, boolean]>([
    ['server down (ECONNREFUSED)', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), true],
    ['connection reset', pgError('read ECONNRESET', 'ECONNRESET'), true],
    ['host unknown', pgError('getaddrinfo ENOTFOUND db', 'ENOTFOUND'), true],
    ['admin shutdown (57P01)', pgError('terminating connection due to administrator command', '57P01'), true],
    ['cannot connect now (57P03)', pgError('the database system is starting up', '57P03'), true],
    ['statement timeout (57014)', pgError('canceling statement due to statement timeout', '57014'), true],
    ['connection failure (08006)', pgError('connection failure', '08006'), true],
    ['disk full (53100)', pgError('could not extend file', '53100'), true],
    ['too many connections (53300)', pgError('sorry, too many clients already', '53300'), true],
    ['I/O error (58030)', pgError('could not write to file', '58030'), true],
    ['socket closed under a query', pgError('Connection terminated unexpectedly'), true],
    ['pool could not connect in time', pgError('timeout exceeded when trying to connect'), true],
    ['wrapped by drizzle (cause)', Object.assign(new Error('Failed query: select 1'), { cause: pgError('x', '57P01') }), true],
    ['unique violation (23505)', pgError('duplicate key value violates unique constraint', '23505'), false],
    ['syntax error (42601)', pgError('syntax error at or near', '42601'), false],
    ['undefined table (42P01)', pgError('relation "x" does not exist', '42P01'), false],
    ['deadlock (40P01): retried by the writer, not an outage', pgError('deadlock detected', '40P01'), false],
    ['a plain bug', new TypeError('x is not a function'), false],
  ])('%s: %s', (_name, err, expected) => {
    expect(isPgUnavailable(err)).toBe(expected);
  });

  it('a unique violation is told apart, also through a cause', () => {
    expect(isPgUniqueViolation(pgError('dup', '23505'))).toBe(true);
    expect(isPgUniqueViolation(Object.assign(new Error('Failed query'), { cause: pgError('dup', '23505') }))).toBe(true);
    expect(isPgUniqueViolation(pgError('fk', '23503'))).toBe(false);
  });
});

describe('schema names and lock keys', () => {
  it.each(['public', 't_store_0a1b2c', '_x', 'papo2'])('%s is a schema name', (name) => {
    expect(assertSchemaName(name)).toBe(name);
  });

  it.each(['Public', 'a-b', 'a b', '1abc', 'x;drop', '', 'a'.repeat(64)])('%j is refused with a TypeError naming DATABASE_SCHEMA', (name) => {
    expect(() => assertSchemaName(name)).toThrow(TypeError);
    expect(() => assertSchemaName(name)).toThrow(/DATABASE_SCHEMA/);
  });

  it('every connection lives in its schema, public after it (extensions), named after its node', () => {
    const config = connectionConfig('postgres://u@h/db', { schema: 'papo', nodeId: 'n1' });
    expect(config.options).toBe('-c search_path=papo,public');
    expect(config.application_name).toBe('papo:n1');
    expect(config.statement_timeout).toBeGreaterThan(0);
  });

  it('lock keys are per schema: two installations in one database never share a lock', () => {
    expect(advisoryKey('a', 'routing')).not.toBe(advisoryKey('b', 'routing'));
    expect(advisoryKey('a', 'routing')).toBe('papo:a:routing');
  });
});
