import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideHits, type RateDecision } from '../../src/lib/rate-limit/limiter.ts';

const rule = { limit: 3, windowMs: 60_000 };
const ALLOWED: RateDecision = { allowed: true, retryAfterSeconds: 0 };

/** What one upsert per hit decides, hit by hit: the counting the batched upsert must equal. */
function oneByOne(
  stored: { count: number; windowStart: number } | null,
  nows: readonly number[],
  { limit, windowMs }: typeof rule,
): RateDecision[] {
  let row = stored;
  return nows.map((now) => {
    row =
      row === null || row.windowStart <= now - windowMs
        ? { count: 1, windowStart: now }
        : { ...row, count: row.count + 1 };
    return row.count <= limit
      ? ALLOWED
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((row.windowStart + windowMs - now) / 1000)) };
  });
}

describe('decideHits', () => {
  it.each<[string, { count: number; windowStart: number }, number[], boolean[]]>([
    ['a first batch within the limit', { count: 2, windowStart: 0 }, [0, 0], [true, true]],
    ['a batch that reaches the limit exactly', { count: 3, windowStart: 0 }, [0, 0, 0], [true, true, true]],
    ['a batch that crosses it', { count: 5, windowStart: 0 }, [1, 2, 3, 4, 5], [true, true, true, false, false]],
    ['a batch after the limit was used up', { count: 6, windowStart: 0 }, [10, 11], [false, false]],
    ['a single hit over the limit', { count: 4, windowStart: 0 }, [5], [false]],
  ])('%s', (_name, after, nows, allowed) => {
    expect(
      decideHits(
        after,
        nows.map((now) => ({ now })),
        rule,
      ).map((d) => d.allowed),
    ).toEqual(allowed);
  });

  it('says how long until the window resets, at least a second', () => {
    const [late, last] = decideHits({ count: 5, windowStart: 0 }, [{ now: 30_000 }, { now: 59_999 }], rule);
    expect(late).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(last).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('decides as one upsert per hit would, for any stored row and batch in one window', () => {
    fc.assert(
      fc.property(
        fc.option(fc.record({ count: fc.integer({ min: 1, max: 8 }), windowStart: fc.integer({ min: 0, max: 1000 }) })),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 1, max: 6 }),
        (stored, hits, at, limit) => {
          const now = at;
          const r = { limit, windowMs: rule.windowMs };
          const nows = Array.from({ length: hits }, () => now);
          // The upsert's view of the same batch: restart or add, then the count after.
          const restart = stored === null || stored.windowStart <= now - r.windowMs;
          const after = restart
            ? { count: hits, windowStart: now }
            : { count: stored.count + hits, windowStart: stored.windowStart };
          expect(
            decideHits(
              after,
              nows.map((n) => ({ now: n })),
              r,
            ),
          ).toEqual(oneByOne(stored, nows, r));
        },
      ),
    );
  });
});
