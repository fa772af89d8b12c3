/**
 * @module The console's side of issue 6, pure: the expiry choices of a block and the bodies they make
 * (BlockVisitorBody, BlockBody), a block's state and expiry as shown, the password change's checks, and
 * what the login screen says to a refused sign-in. The server checks everything again.
 */
import type { InferInput } from 'valibot';
import type { BlockBody, BlockInfo, BlockVisitorBody } from '../../shared/api';

/** PasswordBody's minimum for a new password (shared/api.ts). */
export const MIN_PASSWORD_CHARS = 10;

/** How long a block lasts: until lifted, or one of these. */
export const EXPIRY_CHOICES = ['none', '1h', '1d', '7d', '30d'] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];

const MINUTES: Record<ExpiryChoice, number | null> = { none: null, '1h': 60, '1d': 24 * 60, '7d': 7 * 24 * 60, '30d': 30 * 24 * 60 };

export function isExpiryChoice(value: string): value is ExpiryChoice {
  return (EXPIRY_CHOICES as readonly string[]).includes(value);
}

/** Minutes until the block lifts by itself; null: until an admin lifts it. */
export function expiryMinutes(choice: ExpiryChoice): number | null {
  return MINUTES[choice];
}

/** The `expiresAt` (ms epoch) of POST /blocks for a choice made at `now`; null: permanent. */
export function expiresAtOf(choice: ExpiryChoice, now: number): number | null {
  const minutes = MINUTES[choice];
  return minutes === null ? null : now + minutes * 60_000;
}

export interface BlockVisitorForm {
  reason: string;
  expiry: ExpiryChoice;
  /** Admins only; empty: no range. */
  cidr: string;
}

/** POST /conversations/:id/block: empty fields are left out, so the server's defaults apply. */
export function blockVisitorBody(form: BlockVisitorForm): InferInput<typeof BlockVisitorBody> {
  const reason = form.reason.trim();
  const cidr = form.cidr.trim();
  const minutes = MINUTES[form.expiry];
  return { ...(reason ? { reason } : {}), ...(minutes === null ? {} : { expiresInMinutes: minutes }), ...(cidr ? { cidr } : {}) };
}

export const BLOCK_KINDS = ['ip', 'cidr', 'visitor'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export interface BlockForm {
  kind: BlockKind;
  value: string;
  reason: string;
  expiry: ExpiryChoice;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Loose: hex groups and colons (with at most one ::), or an IPv4-mapped tail. The server parses it for real. */
const IPV6 = /^(?=.*:)[0-9a-f:.]{2,45}$/i;

/** Whether `value` looks like an address (v4 or v6); the server's parse is what counts. */
export function looksLikeIp(value: string): boolean {
  return IPV4.test(value) || (IPV6.test(value) && (value.match(/::/g)?.length ?? 0) <= 1);
}

/** Whether `value` looks like a range, e.g. 203.0.113.0/24 or 2001:db8::/32. */
export function looksLikeCidr(value: string): boolean {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const max = IPV4.test(ip) ? 32 : looksLikeIp(ip) ? 128 : -1;
  return Number(bits) <= max;
}

export type BlockProblem = 'required' | 'ip' | 'cidr' | 'too_long';

/** The add-a-block form's problem with its value, or null. */
export function blockValueProblem(kind: BlockKind, value: string): BlockProblem | null {
  const v = value.trim();
  if (v === '') return 'required';
  if (v.length > 64) return 'too_long';
  if (kind === 'ip' && !looksLikeIp(v)) return 'ip';
  if (kind === 'cidr' && !looksLikeCidr(v)) return 'cidr';
  return null;
}

/** CIDR of the block-and-end dialog: empty is fine (no range). */
export function cidrProblem(value: string): BlockProblem | null {
  const v = value.trim();
  return v === '' || looksLikeCidr(v) ? null : 'cidr';
}

/** POST /blocks for the form filled at `now`. */
export function blockBody(form: BlockForm, now: number): InferInput<typeof BlockBody> {
  const reason = form.reason.trim();
  return { kind: form.kind, value: form.value.trim(), ...(reason ? { reason } : {}), expiresAt: expiresAtOf(form.expiry, now) };
}

/** Active blocks first, the newest first within each group. */
export function sortBlocks(blocks: readonly BlockInfo[], now: number): BlockInfo[] {
  return [...blocks].sort((a, b) => Number(isActive(b, now)) - Number(isActive(a, now)) || b.createdAt - a.createdAt);
}

/** Active until its expiry passes; the server's `active` as of its answer, kept current by the clock. */
export function isActive(block: Pick<BlockInfo, 'active' | 'expiresAt'>, now: number): boolean {
  return block.active && (block.expiresAt === null || block.expiresAt > now);
}

export type PasswordProblem = 'required' | 'too_short' | 'mismatch' | 'same';

export interface PasswordForm {
  current: string;
  next: string;
  repeat: string;
}

/** The change-password form's problems, per field (PasswordBody: the new one has at least 10 characters). */
export function passwordProblems(f: PasswordForm): Partial<Record<keyof PasswordForm, PasswordProblem>> {
  const p: Partial<Record<keyof PasswordForm, PasswordProblem>> = {};
  if (f.current === '') p.current = 'required';
  if (f.next === '') p.next = 'required';
  else if (f.next.length < MIN_PASSWORD_CHARS) p.next = 'too_short';
  else if (f.next === f.current) p.next = 'same';
  if (!p.next && f.repeat !== f.next) p.repeat = 'mismatch';
  return p;
}

/** Whole seconds to wait, from the error's retryAfterMs and the time it came; at least 1 while any remains. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** What the login screen says to a refused sign-in. */
export type LoginRefusal =
  | { kind: 'credentials' }
  /** Too many attempts: the button waits until `until` (ms epoch; `now` when the server named no pause). */
  | { kind: 'rate_limited'; until: number }
  | { kind: 'disabled' }
  | { kind: 'blocked' }
  | { kind: 'other' };

export function loginRefusal(err: { code: string; retryAfterMs?: number | undefined }, now: number): LoginRefusal {
  switch (err.code) {
    case 'invalid_credentials':
      return { kind: 'credentials' };
    case 'rate_limited':
      return { kind: 'rate_limited', until: now + Math.max(0, err.retryAfterMs ?? 0) };
    case 'agent_disabled':
      return { kind: 'disabled' };
    case 'blocked':
      return { kind: 'blocked' };
    default:
      return { kind: 'other' };
  }
}
