import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/**
 * Session tokens as Lucia's current guide builds them (the lucia package is
 * deprecated): `<id>.<secret>`, both random. The database keeps the id and
 * SHA-256(secret); a token is valid when a stored hash matches in constant
 * time. Pure: randomness and clock come in as arguments where tests need them.
 */

export const SESSION_COOKIE = 'session';
export const INACTIVITY_TIMEOUT_MS = 30 * 24 * 60 * 60 * 1000;
export const ABSOLUTE_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;
/** Activity extends a session at most this often, to spare a write per request. */
export const ACTIVITY_REFRESH_MS = 60 * 60 * 1000;

/** 20 random bytes, base32: 160 bits, lower-case letters and digits. */
export function generateSecureRandomString(
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  return encodeBase32LowerCaseNoPadding(random(new Uint8Array(20)));
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

export interface NewSession {
  id: string;
  secretHash: Uint8Array;
  token: string;
}

export function createSessionToken(random?: (bytes: Uint8Array) => Uint8Array): NewSession {
  const id = generateSecureRandomString(random);
  const secret = generateSecureRandomString(random);
  return { id, secretHash: hashSecret(secret), token: `${id}.${secret}` };
}

/** Splits a cookie value into id and secret, or null when it is not shaped like a token. */
export function parseSessionToken(token: string | undefined | null): { id: string; secret: string } | null {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [id, secret] = parts as [string, string];
  if (!/^[a-z2-7]{32}$/.test(id) || !/^[a-z2-7]{32}$/.test(secret)) return null;
  return { id, secret };
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), storedHash);
}

export interface SessionTimes {
  createdAt: number;
  lastActiveAt: number;
}

export type SessionState = 'valid' | 'expired';

/** Expired after 30 days without activity or 90 days after sign-in, whichever comes first. */
export function sessionState(session: SessionTimes, now: number): SessionState {
  if (now - session.lastActiveAt >= INACTIVITY_TIMEOUT_MS) return 'expired';
  if (now - session.createdAt >= ABSOLUTE_LIFETIME_MS) return 'expired';
  return 'valid';
}

/** When the session ends if nothing else happens: the earlier of the two limits. */
export function sessionExpiresAt(session: SessionTimes): number {
  return Math.min(session.lastActiveAt + INACTIVITY_TIMEOUT_MS, session.createdAt + ABSOLUTE_LIFETIME_MS);
}

export function needsActivityRefresh(session: SessionTimes, now: number): boolean {
  return now - session.lastActiveAt >= ACTIVITY_REFRESH_MS;
}
