/**
 * @module Error codes and WebSocket close codes: one table for the server, the widget and the console.
 *
 * HTTP answers carry `{ error: { code, message } }` with the status below; WebSocket answers carry an
 * `error` frame with the same `code` and `message`. Codes are stable API; messages are for people.
 */
import { MAX_MESSAGE_CHARS } from './limits';

export const ERRORS = {
  invalid_json: { status: 400, message: 'The body or frame is not valid JSON.' },
  invalid_request: { status: 400, message: 'The request does not match what this endpoint takes.' },
  invalid_cursor: { status: 400, message: 'This list cursor is not valid; load the list again from its first page.' },
  invalid_frame: { status: 400, message: 'The frame does not match the protocol.' },
  unknown_frame_type: { status: 400, message: 'This frame type does not exist in the protocol.' },
  unsupported_version: { status: 400, message: 'This protocol version is not supported; reload the page.' },
  message_empty: { status: 400, message: 'The message is empty.' },
  message_too_long: { status: 400, message: `A message has at most ${MAX_MESSAGE_CHARS} characters.` },
  site_not_found: { status: 404, message: 'No site has this key.' },
  origin_not_allowed: { status: 403, message: 'This page is not allowed to use this site key.' },
  token_invalid: { status: 401, message: 'The visitor token is not valid.' },
  token_expired: { status: 401, message: 'The visitor token has expired.' },
  not_authenticated: { status: 401, message: 'Sign in first.' },
  invalid_credentials: { status: 401, message: 'E-mail or password is wrong.' },
  hello_required: { status: 400, message: 'The first frame must be hello.' },
  forbidden: { status: 403, message: 'You may not do this.' },
  not_found: { status: 404, message: 'Nothing is here.' },
  conversation_not_found: { status: 404, message: 'No such conversation.' },
  conversation_closed: { status: 409, message: 'The conversation is closed.' },
  conversation_taken: { status: 409, message: 'Another agent holds this conversation.' },
  not_holder: { status: 403, message: 'Only the agent who holds this conversation (or a supervisor) may do this.' },
  offer_not_found: { status: 409, message: 'This offer has expired or went to another agent.' },
  request_not_found: { status: 409, message: 'No transfer or invitation is waiting for you here.' },
  request_pending: { status: 409, message: 'A transfer or invitation is already waiting on this conversation.' },
  at_capacity: { status: 409, message: 'You are at your capacity of concurrent conversations.' },
  not_available: { status: 409, message: 'Set yourself Available to take new conversations.' },
  target_unavailable: { status: 409, message: 'That agent or queue cannot take a conversation now.' },
  wrap_up_required: { status: 400, message: 'Choose a wrap-up reason to close the conversation.' },
  not_closed: { status: 409, message: 'Only a closed conversation can be archived.' },
  no_bot: { status: 409, message: 'This site has no bot.' },
  bot_token_invalid: { status: 401, message: 'The bot token is not valid for this site.' },
  conflict: { status: 409, message: 'This already exists.' },
  invalid_email: { status: 400, message: 'The e-mail address is not valid.' },
  field_required: { status: 400, message: 'A required field is empty.' },
  ticket_not_found: { status: 404, message: 'No such ticket.' },
  not_ended: { status: 409, message: 'Rate a conversation after it has ended.' },
  email_off: { status: 503, message: 'This server does not send e-mail.' },
  blocked: { status: 403, message: 'You can no longer use this chat.' },
  rate_limited: { status: 429, message: 'Too many requests; wait a moment and try again.' },
  agent_disabled: { status: 403, message: 'This agent account is disabled.' },
  webhook_not_allowed: { status: 400, message: 'Papo does not call this address: it is not public. An operator can allow it with BOT_WEBHOOK_ALLOW.' },
  role_changed: { status: 409, message: 'Your role changed; the console reconnects with the new permissions.' },
  identity_invalid: { status: 401, message: 'The identity proof is not valid for this site.' },
  identity_expired: { status: 401, message: 'The identity proof has expired; ask the site for a new one.' },
  identity_required: { status: 401, message: 'This site chats only with signed-in users.' },
  uploads_off: { status: 403, message: 'This site does not take files.' },
  file_too_large: { status: 413, message: 'The file is larger than this site allows.' },
  file_type_refused: { status: 415, message: 'This kind of file is not accepted: send an image (JPG, PNG, GIF, WEBP, BMP, TIFF, HEIF) or a document (PDF, Word, Excel, PowerPoint, TXT, RTF).' },
  attachment_not_found: { status: 404, message: 'No such file, or it was already sent.' },
  shutting_down: { status: 503, message: 'The server is restarting; reconnect shortly.' },
  storage_unavailable: { status: 503, message: 'The server cannot store anything right now (its disk is full or failing); nothing was stored, try again shortly.' },
  internal: { status: 500, message: 'Something went wrong on the server.' },
  // Issue 15 (site owners).
  last_site: { status: 409, message: 'This is the only site: create another before deleting it.' },
  // Issue 15, conversation screen (SPEC R8b).
  visitor_has_open_conversation: { status: 409, message: 'The visitor has another open conversation; continue there.' },
  // Issue 15 (flow: transfers, conferences, wrap-up, bot hand-off).
  nothing_to_wrap_up: { status: 409, message: 'You have no transfer or conference of this conversation left to wrap up.' },
  agent_not_found: { status: 404, message: 'No agent has this id or e-mail address.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}

/**
 * WebSocket close codes. 1001, 1009 and 1011 are RFC 6455's own (server going away; frame too big, sent by
 * `ws` itself when a frame passes `maxPayload`; internal error); application codes live in 4000-4999. A
 * socket the heartbeat finds dead is terminated, without a close frame.
 */
export const CLOSE = {
  going_away: 1001,
  frame_too_large: 1009,
  /** The server could not answer hello; reconnecting tries again. */
  internal: 1011,
  auth_failed: 4001,
  unsupported_version: 4002,
  hello_timeout: 4003,
  /** The visitor or its address was blocked: the chat ended and reconnecting is refused. */
  blocked: 4004,
  /**
   * The client did not read what was sent to it (bufferedAmount over the bound). Queued behind the unread
   * bytes, so a client still not reading sees 1006 instead when the server drops it (SPEC D13).
   */
  slow_reader: 4005,
  /** The agent's session ended (logout, password change, disabled, expired). */
  session_ended: 4006,
  /** An admin changed the agent's role: the console reconnects and gets the new role's powers (issue 11 F3). */
  role_changed: 4007,
  /**
   * The site's settings changed while this socket's hello was still being answered (strict identity turned
   * on, SPEC W6): the hello is not answered, and the reconnect says it again under the new settings. 1012,
   * the standard "service restart": passing, so every client reconnects by itself.
   */
  site_changed: 1012,
} as const;

export type CloseReason = keyof typeof CLOSE;

/** Close codes after which reconnecting with the same credentials cannot succeed. */
export const CLOSE_IS_FINAL: ReadonlySet<number> = new Set([CLOSE.unsupported_version, CLOSE.blocked]);
