import { sessions } from '../../db/schema.ts';
import { createSessionToken } from '../../src/lib/auth/session.ts';
import { writeBatch, type Database } from '../../src/lib/platform/db/db.server.ts';

/** Sessions per transaction while seeding: large, since nobody waits on them. */
const CHUNK = 20_000;
/** Rows per INSERT: five values each, well under SQLite's limit of 32,766 per statement. */
const ROWS = 1_000;

/**
 * Signed-in wallets for the verified-vote benchmarks: a session for each address, made as a sign-in makes one
 * (createSessionToken, the row createSession writes), a few thousand to a transaction, where createSession commits
 * each one alone (about 1,000 a second here, too slow for the hundreds of thousands a run of wrk can use). Signing
 * and verifying that many SIWE messages would measure the signer and the sign-in, not the vote. Returns each
 * wallet's Cookie header value, in the order of `addresses`.
 */
export async function seedSessions(db: Database, addresses: readonly string[], now: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let first = 0; first < addresses.length; first += CHUNK) {
    const rows = addresses.slice(first, first + CHUNK).map((address) => {
      const { id, secretHash, token } = createSessionToken();
      cookies.push(`session=${token}`);
      const hash = Buffer.from(secretHash.buffer, secretHash.byteOffset, secretHash.byteLength);
      return { id, secretHash: hash, address, createdAt: now, lastActiveAt: now };
    });
    const inserts = [];
    for (let at = 0; at < rows.length; at += ROWS) inserts.push(db.insert(sessions).values(rows.slice(at, at + ROWS)));
    await writeBatch(db, inserts);
  }
  return cookies;
}
