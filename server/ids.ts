/**
 * @module Identifiers. Primary keys are UUIDv7: time-ordered, so SQLite appends to its B-trees instead of
 * inserting at random places (DESIGN.md: random v4 keys halve insert throughput).
 */
import { createHash, randomBytes } from 'node:crypto';

/** A UUIDv7 string (RFC 9562): 48-bit Unix milliseconds, version 7, 74 random bits. */
export function uuidv7(now: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An unguessable token (256 bits), base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What the store keeps of a bearer token: its SHA-256, so a copy of the database opens no session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
