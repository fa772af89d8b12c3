/**
 * @module Storage episodes (SPEC D15): while the disk is full or failing, every write is refused with
 * `storage_unavailable`; the log gets one line when the first refusal comes, with its cause, and one when
 * writes are stored again, with how many were refused meanwhile. A full disk may be the log's disk too: a
 * line (and a stack trace) per refused message, as before, filled it further and buried the cause.
 */
import { AppError, isAppError } from '../errors';
import type { Logger } from '../log';

/** How long a client waits before resending what was refused for storage (the error's `retryAfterMs`). */
export const STORAGE_RETRY_AFTER_MS = 5_000;

/** The refusal a store throws for a write the storage could not take (SPEC D15). */
export function storageUnavailable(): AppError {
  return new AppError('storage_unavailable', undefined, { retryAfterMs: STORAGE_RETRY_AFTER_MS });
}

/**
 * Error codes that say the storage cannot take a write now. SQLite: SQLITE_FULL (the disk, or the size
 * limit a test sets with `max_page_count`) and any SQLITE_IOERR_* (a failing disk, a file-size limit). The
 * file system (uploaded files, SPEC W3): ENOSPC (no space), EDQUOT (the quota), EIO (a failing disk), EFBIG
 * (a file-size limit), EROFS (a disk the kernel remounted read-only after errors).
 */
const FS_STORAGE_FAILURES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG', 'EROFS']);

/**
 * SPEC D15: the storage cannot take a write now (see the codes above), from SQLite or from the file system.
 * Not the caller's fault and not a bug: the write is refused with `storage_unavailable`, and the client
 * tries again later. Looks through `cause` (Drizzle wraps the driver's error).
 */
export function isStorageFailure(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || FS_STORAGE_FAILURES.has(code)) return true;
  }
  return false;
}

export function isStorageUnavailable(err: unknown): boolean {
  return isAppError(err) && err.code === 'storage_unavailable';
}

/**
 * Counts refusals per episode and logs its start and end once each. An episode ends at the first commit
 * that comes `quietMs` or more after its last refusal: on a nearly full disk small writes still fit while
 * larger ones do not, and without that pause each small success would end an episode and the next refusal
 * start another, two lines at a time.
 */
export class StorageHealth {
  #refused = 0;
  #since: number | null = null;
  #lastRefusal = 0;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly context: Record<string, unknown> = {},
    private readonly quietMs = STORAGE_RETRY_AFTER_MS,
  ) {}

  /** A write failed because the storage could not take it (`cause`: the driver's error); `op` names it. */
  refused(cause: unknown, op: string): void {
    const at = this.now();
    this.#refused++;
    this.#lastRefusal = at;
    if (this.#since !== null) return;
    this.#since = at;
    const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
    this.log.error('storage unavailable: writes are refused (storage_unavailable) until it takes them again', {
      ...this.context,
      op,
      code: typeof code === 'string' ? code : undefined,
      cause: typeof message === 'string' ? message : String(cause),
    });
  }

  /** A write was stored (a transaction committed, a file was written). */
  committed(): void {
    if (this.#since === null) return;
    const at = this.now();
    if (at - this.#lastRefusal < this.quietMs) return;
    this.log.warn('storage is taking writes again', { ...this.context, refused: this.#refused, forMs: at - this.#since });
    this.#since = null;
    this.#refused = 0;
  }
}

/**
 * The logger every service gets: a record whose `err` is a `storage_unavailable` refusal is dropped, since
 * StorageHealth has logged the episode. Without this, each catch that meets the refusal (a routing pass, the
 * visit record, a sweep) would log it again, with its stack, every time.
 */
export function withoutStorageRefusals(log: Logger): Logger {
  const quiet =
    (level: keyof Logger): Logger[keyof Logger] =>
    (message, fields) => {
      if (fields && isStorageUnavailable(fields.err)) return;
      log[level](message, fields);
    };
  return { debug: quiet('debug'), info: quiet('info'), warn: quiet('warn'), error: quiet('error') };
}
