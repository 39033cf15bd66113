import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/platform/db/db.server.ts';
import { DatabaseRateLimiter } from '../../src/lib/rate-limit/store.server.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

let db: Database;
let dispose: () => void;

beforeEach(async () => {
  ({ db, dispose } = await tempDatabase());
});
afterEach(() => dispose());

describe('DatabaseRateLimiter', () => {
  it('allows the limit per window per key, then answers with the wait, and starts afresh after the window', async () => {
    const limiter = new DatabaseRateLimiter(db, 'vote', 3, 60_000);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit('ip', 1000 + i));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]?.retryAfterSeconds).toBe(60);
    expect((await limiter.hit('other-ip', 1004)).allowed).toBe(true);
    expect((await limiter.hit('ip', 61_000)).allowed).toBe(true);
  });

  it('shares counts between limiters on the same database (other instances), separated by name', async () => {
    const one = new DatabaseRateLimiter(db, 'vote', 2, 60_000);
    const two = new DatabaseRateLimiter(db, 'vote', 2, 60_000);
    const nonce = new DatabaseRateLimiter(db, 'nonce', 2, 60_000);
    expect((await one.hit('ip', 0)).allowed).toBe(true);
    expect((await two.hit('ip', 1)).allowed).toBe(true);
    expect((await one.hit('ip', 2)).allowed).toBe(false);
    expect((await nonce.hit('ip', 3)).allowed).toBe(true);
  });

  it('counts the hits of one turn together, admitting exactly the first `limit` of them in order', async () => {
    const limiter = new DatabaseRateLimiter(db, 'vote', 3, 60_000);
    const decisions = await Promise.all([1, 2, 3, 4, 5].map((t) => limiter.hit('ip', 1000 + t)));
    expect(decisions).toEqual([
      { allowed: true, retryAfterSeconds: 0 },
      { allowed: true, retryAfterSeconds: 0 },
      { allowed: true, retryAfterSeconds: 0 },
      { allowed: false, retryAfterSeconds: 60 },
      { allowed: false, retryAfterSeconds: 60 },
    ]);
    // Other clients in the same turn have counts of their own; the table holds one row per client.
    const mixed = await Promise.all([limiter.hit('ip', 2000), limiter.hit('ip-2', 2000), limiter.hit('ip-2', 2001)]);
    expect(mixed.map((d) => d.allowed)).toEqual([false, true, true]);
    const rows = await db.$client.execute('SELECT bucket, count FROM rate_limits ORDER BY bucket');
    expect(rows.rows.map((r) => [r.bucket, Number(r.count)])).toEqual([
      ['vote:ip', 6],
      ['vote:ip-2', 2],
    ]);
    // A turn after the window restarts it.
    const later = await Promise.all([limiter.hit('ip', 62_000), limiter.hit('ip', 62_001)]);
    expect(later.map((d) => d.allowed)).toEqual([true, true]);
  });

  it('admits no more than the limit when two instances count the same client in the same turn', async () => {
    const one = new DatabaseRateLimiter(db, 'vote', 5, 60_000);
    const two = new DatabaseRateLimiter(db, 'vote', 5, 60_000);
    const decisions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? one : two).hit('ip', 1000 + i)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
  });

  it('gives every hit of a turn the database error when the count cannot be written, and counts again after', async () => {
    const limiter = new DatabaseRateLimiter(db, 'vote', 3, 60_000);
    await db.$client.execute('ALTER TABLE rate_limits RENAME TO rate_limits_away');
    const failed = await Promise.allSettled([limiter.hit('ip', 1), limiter.hit('ip', 2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await db.$client.execute('ALTER TABLE rate_limits_away RENAME TO rate_limits');
    expect(await limiter.hit('ip', 3)).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it("clears only its own finished windows: a minute limiter's clean-up keeps a daily limiter's count", async () => {
    const daily = new DatabaseRateLimiter(db, 'comment-day', 3, 86_400_000);
    const minute = new DatabaseRateLimiter(db, 'vote', 1_000_000, 60_000);
    for (let i = 0; i < 3; i++) expect((await daily.hit('ip', 1000 + i)).allowed).toBe(true);
    // 999 clients in the same minute, then one two minutes later: the thousandth hit clears finished windows.
    await Promise.all(Array.from({ length: 999 }, (_, i) => minute.hit(`client-${i}`, 1000)));
    await minute.hit('late', 120_000);
    const buckets = await db.$client.execute('SELECT bucket FROM rate_limits ORDER BY bucket');
    expect(buckets.rows.map((r) => r.bucket)).toEqual(['comment-day:ip', 'vote:late']);
    expect(await daily.hit('ip', 120_001)).toMatchObject({ allowed: false });
  });

  it('never limits when the limit is 0, and writes nothing', async () => {
    const limiter = new DatabaseRateLimiter(db, 'vote', 0, 60_000);
    for (let i = 0; i < 100; i++) expect((await limiter.hit('ip', i)).allowed).toBe(true);
    const rows = await db.$client.execute('SELECT count(*) AS n FROM rate_limits');
    expect(Number(rows.rows[0]?.n)).toBe(0);
  });
});
