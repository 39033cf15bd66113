import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentBlocks, comments, rateLimits } from '../../db/schema.ts';
import { openDatabase, type Database } from '../../src/lib/platform/db/db.server.ts';
import { postsApi, type ApiAnswer } from '../helpers/comments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * Limits per client network (issue 35: 300 free wallets from 5 addresses
 * posted 1,500 replies in a minute) and the edits a blocked author or a
 * hidden comment may not get. Every request here comes from 127.0.0.1: one
 * network, as everyone behind one NAT is.
 */

let server: TestServer;
let db: Database;
const admin = newAccount();
const SLUG = 'opg-liquidity-ghost';
const LIMITS = {
  COMMENT_NETWORK_PER_MINUTE: '8',
  COMMENT_NETWORK_PER_DAY: '12',
  COMMENT_NETWORK_NEW_WALLETS: '5',
  REPORT_NETWORK_PER_MINUTE: '3',
};

beforeAll(async () => {
  server = await startServer({
    env: { ADMIN_ADDRESSES: admin.address, ...LIMITS },
  });
  db = await openDatabase({ url: server.databaseUrl });
});

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
  server?.cleanup();
});

type Answer = ApiAnswer;

const call = (method: string, path: string, cookie: string | null, body?: unknown): Promise<Answer> =>
  postsApi(server.url, method, `${SLUG}/comments${path}`, cookie, body);

const post = (cookie: string, body: string): Promise<Answer> => call('POST', '', cookie, { body });

function expectLimited(answer: Answer, limit: string, sentence: RegExp): void {
  expect(answer.status).toBe(429);
  expect(answer.json).toMatchObject({ error: 'rate_limited', limit });
  expect(answer.json.message).toMatch(sentence);
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
}

/** What the network's limits have counted, by limit. */
async function counted(): Promise<Record<string, number>> {
  const rows = await db.select().from(rateLimits).where(like(rateLimits.bucket, '%network%'));
  return Object.fromEntries(rows.map((r) => [r.bucket.replace(/:.*/, ''), r.count]));
}

const storedBy = async (address: string): Promise<number> =>
  (await db.select({ id: comments.id }).from(comments).where(eq(comments.address, address))).length;

describe('limits per client network', () => {
  it('lets 5 new wallets a day post a first comment from one network, 20 a minute and 300 a day (here 8 and 12)', async () => {
    const wallets = Array.from({ length: 6 }, () => newAccount());
    const cookies = await Promise.all(wallets.map((w) => signIn(server.url, w)));

    for (const [n, cookie] of cookies.slice(0, 5).entries())
      expect((await post(cookie, `first ${n}`)).status).toBe(201);
    const sixth = await post(cookies[5] ?? '', 'a sixth new wallet');
    expectLimited(
      sixth,
      'network_new_wallets',
      /At most 5 new wallets a day may post their first comment from one network/,
    );
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    // Nothing was written, and the refusal used up no limit.
    expect(await storedBy(wallets[5]?.address ?? '')).toBe(0);
    expect(await counted()).toEqual({
      'comment-network-minute': 5,
      'comment-network-day': 5,
      'comment-network-new-wallets': 5,
    });

    // Wallets that have commented before still can, up to the minute's limit of the network.
    for (const cookie of cookies.slice(0, 3)) expect((await post(cookie, 'again')).status).toBe(201);
    const ninth = await post(cookies[3] ?? '', 'one a minute too many');
    expectLimited(ninth, 'network_minute', /At most 8 comments a minute may come from one network/);
    expect(Number(ninth.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await counted())['comment-network-minute']).toBe(8);

    // A minute later (its window moved back in the shared count), the day's limit holds.
    await db
      .update(rateLimits)
      .set({ windowStart: Date.now() - 61_000 })
      .where(like(rateLimits.bucket, 'comment-network-minute:%'));
    for (const cookie of cookies.slice(0, 4)) expect((await post(cookie, 'later that day')).status).toBe(201);
    const day = await post(cookies[4] ?? '', 'one a day too many');
    expectLimited(day, 'network_day', /At most 12 comments a day may come from one network/);
    expect(Number(day.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    expect(await counted()).toMatchObject({ 'comment-network-day': 12 });
  });

  it('limits reports per network as well, beside each reader', async () => {
    const [a, b, c] = await db
      .insert(comments)
      .values(
        [1, 2, 3].map((n) => ({
          postSlug: SLUG,
          address: newAccount().address,
          body: `report me ${n}`,
          createdAt: Date.now(),
        })),
      )
      .returning({ id: comments.id });
    const first = await signIn(server.url, newAccount());
    const second = await signIn(server.url, newAccount());
    for (const target of [a, b, c]) {
      expect((await call('POST', `/${target?.id}/report`, first, { reason: 'spam' })).status).toBe(201);
    }
    const refused = await call('POST', `/${a?.id}/report`, second, {
      reason: 'spam',
    });
    expectLimited(refused, 'network_minute', /At most 3 reports a minute may come from one network/);
  });
});

describe('edits', () => {
  it('refuses a blocked author 403 blocked, and an edit of a hidden comment 409 hidden, changing nothing', async () => {
    // A fresh network budget for this test: the one above used the day's.
    await db.delete(rateLimits);
    const author = newAccount();
    const cookie = await signIn(server.url, author);
    const posted = await post(cookie, 'words to edit');
    expect(posted.status).toBe(201);
    const id = (posted.json.comments as { id: number; body: string }[]).find((c) => c.body === 'words to edit')?.id;
    const hidden = await post(cookie, 'words a moderator hides');
    const hiddenId = (hidden.json.comments as { id: number; body: string }[]).find(
      (c) => c.body === 'words a moderator hides',
    )?.id;

    // Hidden by a moderator: the author's edit is refused, though the 15 minutes have not passed.
    const moderator = await signIn(server.url, admin);
    expect((await call('POST', `/${hiddenId}/hide`, moderator, { hidden: true })).status).toBe(200);
    const ofHidden = await call('PATCH', `/${hiddenId}`, cookie, {
      body: 'sneaked in after the hide',
    });
    expect(ofHidden.status).toBe(409);
    expect(ofHidden.json).toMatchObject({ error: 'hidden' });
    expect(ofHidden.json.message).toMatch(/hidden/);

    await db.insert(commentBlocks).values({
      address: author.address.toLowerCase(),
      reason: 'Spam links',
      blockedBy: admin.address,
      createdAt: Date.now(),
      endsAt: null,
    });
    const blocked = await call('PATCH', `/${id}`, cookie, {
      body: 'edited while blocked',
    });
    expect(blocked.status).toBe(403);
    expect(blocked.json).toMatchObject({ error: 'blocked' });
    expect(blocked.json.message).toContain('Spam links');

    const stored = await db
      .select({
        id: comments.id,
        body: comments.body,
        editedAt: comments.editedAt,
      })
      .from(comments);
    expect(stored.find((c) => c.id === id)).toMatchObject({
      body: 'words to edit',
      editedAt: null,
    });
    expect(stored.find((c) => c.id === hiddenId)).toMatchObject({
      body: 'words a moderator hides',
      editedAt: null,
    });

    // Unblocked, the author edits again within the window.
    await db.delete(commentBlocks).where(eq(commentBlocks.address, author.address.toLowerCase()));
    expect(
      (
        await call('PATCH', `/${id}`, cookie, {
          body: 'edited after the block',
        })
      ).status,
    ).toBe(200);
  });
});
