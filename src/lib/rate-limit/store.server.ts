import { lte, sql } from 'drizzle-orm';
import { rateLimits } from '../../../db/schema.ts';
import type { RateDecision } from './limiter.ts';
import type { Database } from '../server/db.server.ts';
import { clientBucket } from '../server/forwarded.ts';

/**
 * Rate limits counted in the database, so every instance behind a load
 * balancer shares one count per client. One upsert per hit: it starts a new
 * window when the old one has passed, otherwise adds one, and returns the
 * count, so two instances cannot both admit the last allowed request.
 * Keys are client addresses, counted per bucket (an IPv6 /64: see clientBucket).
 */
export class DatabaseRateLimiter {
  private readonly db: Database;
  private readonly name: string;
  private readonly limit: number;
  private readonly windowMs: number;
  private hits = 0;

  constructor(db: Database, name: string, limit: number, windowMs: number) {
    this.db = db;
    this.name = name;
    this.limit = limit;
    this.windowMs = windowMs;
  }

  async hit(key: string, now: number): Promise<RateDecision> {
    if (this.limit === 0) return { allowed: true, retryAfterSeconds: 0 };
    const expired = now - this.windowMs;
    const restart = sql<boolean>`${rateLimits.windowStart} <= ${expired}`;
    const [row] = await this.db
      .insert(rateLimits)
      .values({ bucket: `${this.name}:${clientBucket(key)}`, windowStart: now, count: 1 })
      .onConflictDoUpdate({
        target: rateLimits.bucket,
        set: {
          count: sql<number>`CASE WHEN ${restart} THEN 1 ELSE ${rateLimits.count} + 1 END`,
          windowStart: sql<number>`CASE WHEN ${restart} THEN ${now} ELSE ${rateLimits.windowStart} END`,
        },
      })
      .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
    // Now and then, finished windows go, so the table follows active clients only.
    if (++this.hits % 1000 === 0) {
      await this.db.delete(rateLimits).where(lte(rateLimits.windowStart, expired));
    }
    const count = row?.count ?? 0;
    const retryAfterSeconds = Math.max(1, Math.ceil(((row?.windowStart ?? now) + this.windowMs - now) / 1000));
    return count <= this.limit ? { allowed: true, retryAfterSeconds: 0 } : { allowed: false, retryAfterSeconds };
  }
}
