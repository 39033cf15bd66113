import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db.server.ts';
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

  it('never limits when the limit is 0, and writes nothing', async () => {
    const limiter = new DatabaseRateLimiter(db, 'vote', 0, 60_000);
    for (let i = 0; i < 100; i++) expect((await limiter.hit('ip', i)).allowed).toBe(true);
    const rows = await db.$client.execute('SELECT count(*) AS n FROM rate_limits');
    expect(Number(rows.rows[0]?.n)).toBe(0);
  });
});
