/** Rate limiting's shape; the counting lives in src/lib/rate-limit/store.server.ts (shared through the database). */

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets, for Retry-After. */
  retryAfterSeconds: number;
}

/** Anything that can count hits per key within a window. */
export interface Limiter {
  hit(key: string, now: number): Promise<RateDecision>;
}
