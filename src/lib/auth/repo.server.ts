import { and, eq, gt, lte, or, sql } from 'drizzle-orm';
import { authNonces, sessions } from '../../../db/schema.ts';
import { jsonRows, packedRecords, perDatabase, writeBatch, type Database } from '../platform/db/db.server.ts';
import { ReadBatch } from '../platform/caching/read-batch.ts';
import {
  ABSOLUTE_LIFETIME_MS,
  createSessionToken,
  INACTIVITY_TIMEOUT_MS,
  needsActivityRefresh,
  parseSessionToken,
  secretMatches,
  sessionState,
} from './session.ts';

/** Session and nonce storage. The database handle comes first, so tests pass a temp database. */

export type Session = Pick<typeof sessions.$inferSelect, 'id' | 'address' | 'createdAt' | 'lastActiveAt'>;

export const NONCE_LIFETIME_MS = 10 * 60 * 1000;

/** Stores a fresh nonce for ten minutes, clearing out expired ones on the way. */
export async function storeNonce(db: Database, nonce: string, now: number): Promise<void> {
  await writeBatch(db, [
    db.delete(authNonces).where(lte(authNonces.expiresAt, now)),
    db.insert(authNonces).values({ nonce, expiresAt: now + NONCE_LIFETIME_MS }),
  ]);
}

/** Whether a nonce was issued, has not expired and is not used up yet; consumeNonce decides in the end. */
export async function nonceIsLive(db: Database, nonce: string, now: number): Promise<boolean> {
  const [found] = await db
    .select({ nonce: authNonces.nonce })
    .from(authNonces)
    .where(and(eq(authNonces.nonce, nonce), gt(authNonces.expiresAt, now)));
  return found !== undefined;
}

/**
 * Uses a nonce up: deletes it if it exists and has not expired, in one
 * statement, so two sign-ins racing with the same nonce cannot both succeed.
 */
export async function consumeNonce(db: Database, nonce: string, now: number): Promise<boolean> {
  const used = await db
    .delete(authNonces)
    .where(and(eq(authNonces.nonce, nonce), gt(authNonces.expiresAt, now)))
    .returning({ nonce: authNonces.nonce });
  return used.length === 1;
}

/** A new session for an address; returns the token for the cookie (never stored). */
export async function createSession(
  db: Database,
  address: string,
  now: number,
): Promise<{ token: string; session: Session }> {
  const { id, secretHash, token } = createSessionToken();
  await writeBatch(db, [
    // Expired sessions go whenever a new one is made, so the table does not grow without bound.
    db
      .delete(sessions)
      .where(
        or(
          lte(sessions.lastActiveAt, now - INACTIVITY_TIMEOUT_MS),
          lte(sessions.createdAt, now - ABSOLUTE_LIFETIME_MS),
        ),
      ),
    db.insert(sessions).values({
      id,
      secretHash: Buffer.from(secretHash.buffer, secretHash.byteOffset, secretHash.byteLength),
      address,
      createdAt: now,
      lastActiveAt: now,
    }),
  ]);
  return { token, session: { id, address, createdAt: now, lastActiveAt: now } };
}

export interface ValidatedSession {
  session: Session;
  /** True when this validation extended the session, so the cookie should be sent again. */
  refreshed: boolean;
}

// Every request with a cookie looks its session up: the query is built once per database, and the
// lookups of one turn of the event loop share one run of it (see ReadBatch).
// The columns are named so that only a Session's fields (and the hash) ever reach Astro.locals.
const sessionsById = perDatabase((db) => {
  const query = db
    .select({
      // One row whatever the number of ids (see packedRows); the secret hash as hex, since JSON holds no bytes.
      rows: packedRecords<Session & { secretHash: string }>({
        id: sessions.id,
        address: sessions.address,
        createdAt: sessions.createdAt,
        lastActiveAt: sessions.lastActiveAt,
        secretHash: sql`hex(${sessions.secretHash})`,
      }),
    })
    .from(sessions)
    .where(sql`${sessions.id} in (select value from ${jsonRows(sql.placeholder('ids'))})`)
    .prepare();
  return new ReadBatch(async (ids: string[]) => {
    const [found] = await query.all({ ids: JSON.stringify(ids) });
    return new Map(
      (found?.rows ?? []).map(({ id, address, createdAt, lastActiveAt, secretHash }) => [
        id,
        { id, address, createdAt, lastActiveAt, secretHash: Buffer.from(secretHash, 'hex') },
      ]),
    );
  });
});

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
  const row = await sessionsById(db).get(parsed.id);
  if (!row) return null;
  const { secretHash, ...session } = row;
  if (!secretMatches(parsed.secret, secretHash)) return null;
  if (sessionState(session, now) === 'expired') {
    await invalidateSession(db, session.id);
    return null;
  }
  if (!needsActivityRefresh(session, now)) return { session, refreshed: false };
  await db.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, session.id));
  return { session: { ...session, lastActiveAt: now }, refreshed: true };
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}
