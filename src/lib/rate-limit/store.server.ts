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
    const result = await this.db.$client.execute({
      sql: `INSERT INTO rate_limits (bucket, window_start, count) VALUES (?1, ?2, 1)
            ON CONFLICT (bucket) DO UPDATE SET
              count = CASE WHEN rate_limits.window_start <= ?3 THEN 1 ELSE rate_limits.count + 1 END,
              window_start = CASE WHEN rate_limits.window_start <= ?3 THEN ?2 ELSE rate_limits.window_start END
            RETURNING count, window_start`,
      args: [`${this.name}:${clientBucket(key)}`, now, expired],
    });
    // Now and then, finished windows go, so the table follows active clients only.
    if (++this.hits % 1000 === 0) {
      await this.db.$client.execute({ sql: 'DELETE FROM rate_limits WHERE window_start <= ?', args: [expired] });
    }
    const row = result.rows[0];
    const count = Number(row?.count ?? 0);
    const retryAfterSeconds = Math.max(1, Math.ceil((Number(row?.window_start ?? now) + this.windowMs - now) / 1000));
    return count <= this.limit ? { allowed: true, retryAfterSeconds: 0 } : { allowed: false, retryAfterSeconds };
  }
}
