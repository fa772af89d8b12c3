/**
 * @module AppError: the one error type services throw for an expected refusal. Adapters map it to an HTTP
 * answer or an error frame; anything else is a bug, logged with context and answered as `internal`.
 */
import { ERRORS, type ErrorCode } from '../shared/errors';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** With `rate_limited` and `storage_unavailable`: when the caller may try again (HTTP Retry-After; the error frame's retryAfterMs). */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string = ERRORS[code].message, extra: { retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
