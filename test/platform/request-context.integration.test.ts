import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema.ts';
import { createSession } from '../../src/lib/auth/repo.server.ts';
import { castVote } from '../../src/lib/polls/store/cast.server.ts';
import { walletVoterId } from '../../src/lib/polls/store/wallets.server.ts';
import { openDatabase, type Database } from '../../src/lib/platform/db/db.server.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { newAccount } from '../helpers/wallet.ts';

/**
 * The Node server's fast path (GET /api/polls/<id>, POST /api/polls/<id>/votes)
 * and Astro's middleware (every other endpoint) both take the reader from one
 * request context. Asked the same things, they must answer alike.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let server: TestServer;
let db: Database;

beforeAll(async () => {
  server = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });
  db = await openDatabase({ url: server.databaseUrl });
});

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
  server?.cleanup();
});

/**
 * A session for a fresh wallet that has already voted "b" in the wallet-only
 * poll, last active `idleMs` ago: the fast path shows that ballot only to a
 * reader it takes for that wallet.
 */
async function walletSession(idleMs: number): Promise<{ cookie: string; address: string }> {
  const { address } = newAccount();
  const now = Date.now();
  const { token, session } = await createSession(db, address, now - idleMs);
  await db
    .update(sessions)
    .set({ createdAt: now - idleMs, lastActiveAt: now - idleMs })
    .where(eq(sessions.id, session.id));
  await castVote(db, {
    pollId: 'wallet-only',
    voterId: walletVoterId(address),
    address,
    optionIds: ['b'],
    now,
    allowChange: false,
  });
  return { cookie: `session=${token}`, address };
}

interface Seen {
  /** The wallet this path took the reader for, or null. */
  address: string | null;
  /** What the response did to the session cookie. */
  cookie: 'kept' | 'refreshed' | 'deleted';
}

function cookieEffect(response: Response): Seen['cookie'] {
  const session = response.headers.getSetCookie().find((c) => c.startsWith('session='));
  if (!session) return 'kept';
  if (/^session=;/.test(session) && /Max-Age=0/i.test(session)) return 'deleted';
  const expires = /Expires=([^;]+)/i.exec(session)?.[1];
  expect(Date.parse(expires ?? '')).toBeGreaterThan(Date.now() + 29 * DAY);
  return 'refreshed';
}

/** The fast path: the wallet-only poll's results carry this reader's ballot only if signed in as its wallet. */
async function seenByFastPath(cookie: string, address: string): Promise<Seen> {
  const response = await fetch(`${server.url}/api/polls/wallet-only`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { myVote: string[] | null };
  return { address: body.myVote?.join() === 'b' ? address : null, cookie: cookieEffect(response) };
}

/** Astro's middleware: GET /api/auth/me names the signed-in wallet. */
async function seenByAstro(cookie: string): Promise<Seen> {
  const response = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } });
  const body = (await response.json()) as { address?: string };
  return { address: response.status === 200 ? (body.address ?? null) : null, cookie: cookieEffect(response) };
}

describe('one request context for the fast path and Astro', () => {
  it.each([
    ['an active session', 0, 'kept', true],
    ['a session idle for two hours, which the request extends', 2 * HOUR, 'refreshed', true],
    ['a session idle for 31 days, which has expired', 31 * DAY, 'deleted', false],
  ] as const)('sees %s the same way', async (_name, idleMs, cookie, signedIn) => {
    // One session per path: the first request that refreshes a session makes the second see a fresh one.
    const forFast = await walletSession(idleMs);
    const forAstro = await walletSession(idleMs);
    const fast = await seenByFastPath(forFast.cookie, forFast.address);
    const astro = await seenByAstro(forAstro.cookie);
    expect(fast).toEqual({ address: signedIn ? forFast.address : null, cookie });
    expect(astro).toEqual({ address: signedIn ? forAstro.address : null, cookie });
  });

  it('clears a malformed or unknown session cookie on both paths', async () => {
    for (const cookie of ['session=not-a-token', `session=${'a'.repeat(32)}.${'b'.repeat(32)}`]) {
      expect(await seenByFastPath(cookie, '')).toEqual({ address: null, cookie: 'deleted' });
      expect(await seenByAstro(cookie)).toEqual({ address: null, cookie: 'deleted' });
    }
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }, true],
    ['an opaque Origin', { origin: 'null' }, true],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, true],
    ['a foreign Origin claiming same-site', { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }, true],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }, false],
    ['no Origin at all (not a browser)', {}, false],
  ] as const)('decides a write with %s the same way', async (_name, headers, refused) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' };
    const fast = await fetch(`${server.url}/api/polls/wallet-only/votes`, init);
    const astro = await fetch(`${server.url}/api/auth/logout`, init);
    for (const response of [fast, astro]) {
      const body = (await response.json()) as { error?: string };
      if (refused) expect([response.status, body.error]).toEqual([403, 'cross_site']);
      else expect(body.error).not.toBe('cross_site');
    }
  });

  it('takes the same-site Origin of the server it was sent to as this site', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: '{}' };
    const fast = await fetch(`${server.url}/api/polls/wallet-only/votes`, init);
    const astro = await fetch(`${server.url}/api/auth/logout`, init);
    expect(fast.status).not.toBe(403);
    expect(astro.status).not.toBe(403);
  });
});
