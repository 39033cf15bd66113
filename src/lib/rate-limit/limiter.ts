import { problemResult, type ApiResult } from '../platform/http/results.ts';

/** Rate limiting's shape; the counting lives in src/lib/rate-limit/store.server.ts (shared through the database). */

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets, for Retry-After. */
  retryAfterSeconds: number;
}

/** What a hit within the limit is answered. */
export const ALLOWED: RateDecision = Object.freeze({ allowed: true, retryAfterSeconds: 0 });

/** Anything that can count hits per key within a window. */
export interface Limiter {
  hit(key: string, now: number): Promise<RateDecision>;
}

/**
 * The decisions for one bucket's hits of a batch, in the order they came,
 * from the bucket's count after the batch added them: the i-th of n hits is
 * counted as it would have been alone, count − n + i, so a batch admits
 * exactly the hits that one upsert per hit would have.
 */
export function decideHits(
  after: { count: number; windowStart: number },
  hits: readonly { now: number }[],
  rule: { limit: number; windowMs: number },
): RateDecision[] {
  const first = after.count - hits.length + 1;
  return hits.map((hit, i) =>
    first + i <= rule.limit
      ? ALLOWED
      : {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((after.windowStart + rule.windowMs - hit.now) / 1000)),
        },
  );
}

/** What a CSV download over CSV_RATE_LIMIT is told. */
export const CSV_LIMITED = 'Too many CSV downloads from your network in the last minute; try again shortly.';

/**
 * Counts one hit of `key` and answers what a refused one gets: 429 with
 * Retry-After and `message`, the sentence saying which limit it met; null
 * while the key is within its limit.
 */
export async function refuseOverLimit(
  limiter: Limiter,
  key: string,
  now: number,
  message: string,
): Promise<ApiResult | null> {
  const decision = await limiter.hit(key, now);
  if (decision.allowed) return null;
  return problemResult(429, 'rate_limited', message, {}, { 'retry-after': String(decision.retryAfterSeconds) });
}
