/**
 * @module When what the server refused goes again (SPEC D7): never after a final error, later after a
 * passing one. D3 makes resending safe: the server answers a message or request it has already stored
 * with its first answer.
 */

/** Errors after which resending the same message cannot succeed (SPEC D7). */
export const FINAL_ERRORS = new Set(['message_too_long', 'message_empty', 'invalid_frame', 'forbidden', 'attachment_not_found', 'field_required', 'invalid_email', 'invalid_request']);
/** Errors after which the same request is resent later: the server stored nothing and may next time. */
export const PASSING_ERRORS = new Set(['internal', 'shutting_down', 'rate_limited', 'storage_unavailable']);
/** How long before a passing error's message is resent (D3 makes resending safe). */
const RETRY_AFTER_MS = 2000;
/**
 * The longest wait after which a form, a rating or a transcript request is resent by itself. A limit that
 * says "in an hour" (SPEC L3, L4) fails the request instead: the visitor sees it was not sent and may ask
 * again, rather than a "Sending..." that resends every minute for an hour.
 */
export const MAX_RESEND_WAIT_MS = 60_000;

/**
 * How long to wait before resending what a passing error refused (SPEC D7): the server's `retryAfterMs`
 * for `rate_limited` and `storage_unavailable` (at most a minute), else RETRY_AFTER_MS.
 */
export const resendDelay = (code: string, retryAfterMs?: number): number =>
  (code === 'rate_limited' || code === 'storage_unavailable') && retryAfterMs !== undefined ? Math.min(Math.max(retryAfterMs, 0), MAX_RESEND_WAIT_MS) : RETRY_AFTER_MS;
