import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/lib/rate-limit.ts';

describe('RateLimiter', () => {
  it('allows the limit per window per key, then answers with the wait', () => {
    const limiter = new RateLimiter(3, 60_000);
    const results = [0, 1, 2, 3].map((i) => limiter.hit('ip', 1000 + i));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]?.retryAfterSeconds).toBe(60);
    expect(limiter.hit('other-ip', 1004).allowed).toBe(true);
    expect(limiter.hit('ip', 61_000).allowed).toBe(true);
  });

  it('never limits when the limit is 0', () => {
    const limiter = new RateLimiter(0, 60_000);
    expect(Array.from({ length: 1000 }, () => limiter.hit('ip', 0).allowed).every(Boolean)).toBe(true);
  });
});
