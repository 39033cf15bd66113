import type { Database } from '../server/db.server.ts';
import {
  createSessionToken,
  needsActivityRefresh,
  parseSessionToken,
  secretMatches,
  sessionState,
  type SessionTimes,
} from './session.ts';

/** Session and nonce storage. The database handle comes first, so tests pass a temp database. */

export interface Session extends SessionTimes {
  id: string;
  address: string;
}

export const NONCE_LIFETIME_MS = 10 * 60 * 1000;

/** Stores a fresh nonce for ten minutes, clearing out expired ones on the way. */
export async function storeNonce(db: Database, nonce: string, now: number): Promise<void> {
  await db.$client.batch(
    [
      { sql: 'DELETE FROM auth_nonces WHERE expires_at <= ?', args: [now] },
      { sql: 'INSERT INTO auth_nonces (nonce, expires_at) VALUES (?, ?)', args: [nonce, now + NONCE_LIFETIME_MS] },
    ],
    'write',
  );
}

/**
 * Uses a nonce up: deletes it if it exists and has not expired, in one
 * statement, so two sign-ins racing with the same nonce cannot both succeed.
 */
export async function consumeNonce(db: Database, nonce: string, now: number): Promise<boolean> {
  const result = await db.$client.execute({
    sql: 'DELETE FROM auth_nonces WHERE nonce = ? AND expires_at > ? RETURNING nonce',
    args: [nonce, now],
  });
  return result.rows.length === 1;
}

/** A new session for an address; returns the token for the cookie (never stored). */
export async function createSession(
  db: Database,
  address: string,
  now: number,
): Promise<{ token: string; session: Session }> {
  const { id, secretHash, token } = createSessionToken();
  await db.$client.batch(
    [
      // Expired sessions go whenever a new one is made, so the table does not grow without bound.
      {
        sql: 'DELETE FROM sessions WHERE last_active_at <= ? OR created_at <= ?',
        args: [now - 30 * 86_400_000, now - 90 * 86_400_000],
      },
      {
        sql: 'INSERT INTO sessions (id, secret_hash, address, created_at, last_active_at) VALUES (?, ?, ?, ?, ?)',
        args: [id, secretHash, address, now, now],
      },
    ],
    'write',
  );
  return { token, session: { id, address, createdAt: now, lastActiveAt: now } };
}

export interface ValidatedSession {
  session: Session;
  /** True when this validation extended the session, so the cookie should be sent again. */
  refreshed: boolean;
}

/**
 * Checks a cookie token: known id, matching secret (constant time), not
 * expired. Expired sessions are deleted; activity extends a session at most
 * once an hour.
 */
export async function validateSessionToken(
  db: Database,
  token: string | null | undefined,
  now: number,
): Promise<ValidatedSession | null> {
  const parsed = parseSessionToken(token);
  if (!parsed) return null;
  const result = await db.$client.execute({
    sql: 'SELECT id, secret_hash, address, created_at, last_active_at FROM sessions WHERE id = ?',
    args: [parsed.id],
  });
  const row = result.rows[0];
  if (!row) return null;
  const storedHash = new Uint8Array(row.secret_hash as ArrayBuffer);
  if (!secretMatches(parsed.secret, storedHash)) return null;
  const session: Session = {
    id: String(row.id),
    address: String(row.address),
    createdAt: Number(row.created_at),
    lastActiveAt: Number(row.last_active_at),
  };
  if (sessionState(session, now) === 'expired') {
    await invalidateSession(db, session.id);
    return null;
  }
  if (!needsActivityRefresh(session, now)) return { session, refreshed: false };
  await db.$client.execute({ sql: 'UPDATE sessions SET last_active_at = ? WHERE id = ?', args: [now, session.id] });
  return { session: { ...session, lastActiveAt: now }, refreshed: true };
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.$client.execute({ sql: 'DELETE FROM sessions WHERE id = ?', args: [sessionId] });
}
