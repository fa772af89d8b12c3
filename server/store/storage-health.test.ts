import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { createLogger } from '../log';
import { isStorageFailure, STORAGE_RETRY_AFTER_MS, StorageHealth, storageUnavailable, withoutStorageRefusals } from './storage-health';

function setup() {
  const lines: string[] = [];
  let now = 1_000_000;
  const health = new StorageHealth(createLogger('debug', (l) => lines.push(l)), () => now, { database: 'papo.db' });
  const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  return { lines, health, full, advance: (ms: number) => (now += ms) };
}

describe('D15: StorageHealth logs one line per episode', () => {
  it('D15: many refusals log one line with the cause, no stack; the first commit after a quiet pause logs the end with the count', () => {
    const { lines, health, full, advance } = setup();
    for (let i = 0; i < 500; i++) health.refused(full, 'write');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/error .*writes are refused.* database=papo.db op=write code=SQLITE_FULL cause="database or disk is full"\n$/);
    expect(lines[0]).not.toMatch(/\bat /);
    advance(STORAGE_RETRY_AFTER_MS);
    health.committed();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/warn .*taking writes again database=papo.db refused=500 forMs=5000\n$/);
  });

  it('D15: a commit that comes sooner after a refusal (a small write that still fits) does not end the episode', () => {
    const { lines, health, full, advance } = setup();
    health.refused(full, 'write');
    advance(STORAGE_RETRY_AFTER_MS - 1);
    health.committed();
    health.refused(full, 'write');
    advance(1);
    health.committed();
    expect(lines).toHaveLength(1);
    advance(STORAGE_RETRY_AFTER_MS);
    health.committed();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/refused=2 /);
  });

  it('D15: commits without an episode log nothing; a second episode logs again', () => {
    const { lines, health, full, advance } = setup();
    health.committed();
    expect(lines).toEqual([]);
    health.refused(full, 'write');
    advance(STORAGE_RETRY_AFTER_MS);
    health.committed();
    health.refused(full, 'conversations.markSeen');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/op=conversations.markSeen/);
  });
});

describe('D15: withoutStorageRefusals', () => {
  it('D15: drops a record about a storage refusal and keeps every other', () => {
    const lines: string[] = [];
    const log = withoutStorageRefusals(createLogger('debug', (l) => lines.push(l)));
    log.error('routing pass failed', { err: storageUnavailable() });
    log.warn('could not record the visit', { err: storageUnavailable() });
    log.error('routing pass failed', { err: new Error('a bug') });
    log.warn('refused', { err: new AppError('conflict') });
    log.info('Papo is listening');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/error routing pass failed err="Error: a bug/);
    expect(lines[1]).toMatch(/warn  refused err="AppError: This already exists/);
    expect(lines[2]).toMatch(/info  Papo is listening/);
  });
});

describe('D15: isStorageFailure says which errors are the storage refusing a write', () => {
  const failure = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    ['SQLite: disk or max_page_count full', failure('SQLITE_FULL'), true],
    ['SQLite: a write that failed at the disk', failure('SQLITE_IOERR_WRITE'), true],
    ["SQLite: wrapped as a Drizzle error's cause", new Error('query failed', { cause: failure('SQLITE_FULL') }), true],
    ['files: no space left', failure('ENOSPC'), true],
    ['files: over the quota', failure('EDQUOT'), true],
    ['files: the disk failing', failure('EIO'), true],
    ['files: over the file-size limit', failure('EFBIG'), true],
    ['files: the disk remounted read-only', failure('EROFS'), true],
    ['a constraint', failure('SQLITE_CONSTRAINT_UNIQUE'), false],
    ['files: a missing folder', failure('ENOENT'), false],
    ['files: no permission', failure('EACCES'), false],
    ['an error without a code', new Error('boom'), false],
    ['not an error', { code: 'ENOSPC' }, false],
  ])('%s', (_what, err, expected) => {
    expect(isStorageFailure(err)).toBe(expected);
  });
});
