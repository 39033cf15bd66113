import { and, gte, lt, lte, sql } from 'drizzle-orm';
import { rateLimits } from '../../../db/schema.ts';
import { ALLOWED, decideHits, type RateDecision } from './limiter.ts';
import {
  excluded,
  fieldOf,
  jsonRows,
  perDatabase,
  runPrepared,
  type Database,
  type Queries,
} from '../platform/db/db.server.ts';
import { clientBucket } from '../platform/http/forwarded.ts';

/**
 * Rate limits counted in the database, so every instance behind a load
 * balancer shares one count per client. The hits of one turn of the event
 * loop are counted by one upsert: per bucket it starts a new window when the
 * old one has passed, otherwise adds the turn's hits, and returns the count,
 * so two instances cannot both admit the last allowed request. Votes are
 * counted inside their group commit instead (countIn). Before, each vote
 * wrote its own row in its own transaction, which more than doubled the
 * server's CPU per vote under load (docs/decisions/0013-vote-path-fourth-pass.md).
 * Keys are client addresses, counted per bucket (an IPv6 /64: see clientBucket).
 */
export class DatabaseRateLimiter {
  private readonly db: Database;
  private readonly name: string;
  private readonly limit: number;
  private readonly windowMs: number;
  private hits = 0;
  private pending = new Map<string, Waiting[]>();

  constructor(db: Database, name: string, limit: number, windowMs: number) {
    this.db = db;
    this.name = name;
    this.limit = limit;
    this.windowMs = windowMs;
  }

  hit(key: string, now: number): Promise<RateDecision> {
    if (this.limit === 0) return Promise.resolve(ALLOWED);
    return new Promise((resolve, reject) => {
      const bucket = this.bucketOf(key);
      if (this.pending.size === 0) setImmediate(() => void this.flush());
      const waiting = this.pending.get(bucket);
      if (waiting) waiting.push({ now, resolve, reject });
      else this.pending.set(bucket, [{ now, resolve, reject }]);
    });
  }

  /**
   * Counts `hits` on `tx`, a transaction the caller holds (a vote's group
   * commit), and decides each in order: the counts commit, or roll back, with
   * what the caller writes.
   */
  async countIn(tx: Queries, hits: readonly { key: string; now: number }[]): Promise<RateDecision[]> {
    if (this.limit === 0 || hits.length === 0) return hits.map(() => ALLOWED);
    const byBucket = new Map<string, { now: number; index: number }[]>();
    hits.forEach(({ key, now }, index) => {
      const bucket = this.bucketOf(key);
      const list = byBucket.get(bucket);
      if (list) list.push({ now, index });
      else byBucket.set(bucket, [{ now, index }]);
    });
    const decided = await this.count(tx, byBucket);
    const decisions: RateDecision[] = [];
    for (const [bucket, list] of byBucket) {
      list.forEach(({ index }, i) => (decisions[index] = decided.get(bucket)?.[i] ?? ALLOWED));
    }
    return decisions;
  }

  private bucketOf(key: string): string {
    return `${this.name}:${clientBucket(key)}`;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    try {
      const decided = await this.count(this.db, batch);
      for (const [bucket, waiting] of batch) {
        const decisions = decided.get(bucket) ?? [];
        waiting.forEach((w, i) => w.resolve(decisions[i] ?? ALLOWED));
      }
    } catch (error) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
    }
  }

  /** Adds each bucket's hits (in order) with one upsert on `on`, and decides them. */
  private async count(
    on: Queries,
    hits: ReadonlyMap<string, readonly { now: number }[]>,
  ): Promise<Map<string, RateDecision[]>> {
    // A bucket's hits of one turn count as one step at the first of their times: a window they
    // restart starts with the first of them, as it would have counted one by one.
    const rows = [...hits].map(([bucket, list]): HitsRow => ({
      bucket,
      count: list.length,
      windowStart: Math.min(...list.map((h) => h.now)),
    }));
    const [counted] = await runPrepared(on, [
      [limiterStatements(this.db).add, { rows: JSON.stringify(rows), windowMs: this.windowMs }],
    ]);
    const after = new Map(counted.map((row) => [row.bucket, row]));
    const decided = new Map<string, RateDecision[]>();
    for (const [bucket, list] of hits) {
      const row = after.get(bucket);
      if (!row) throw new Error(`the rate limit of ${bucket} was not counted`);
      decided.set(bucket, decideHits(row, list, { limit: this.limit, windowMs: this.windowMs }));
    }
    const before = this.hits;
    this.hits += rows.reduce((n, { count }) => n + count, 0);
    // Now and then, finished windows go, so the table follows active clients only. Only this
    // limiter's own buckets ("name:…", ':' < ';'): another's window may be longer (a day).
    if (Math.floor(before / 1000) !== Math.floor(this.hits / 1000)) {
      const expired = Math.max(...rows.map((row) => row.windowStart)) - this.windowMs;
      await on
        .delete(rateLimits)
        .where(
          and(
            gte(rateLimits.bucket, `${this.name}:`),
            lt(rateLimits.bucket, `${this.name};`),
            lte(rateLimits.windowStart, expired),
          ),
        );
    }
    return decided;
  }
}

interface Waiting {
  now: number;
  resolve: (decision: RateDecision) => void;
  reject: (error: unknown) => void;
}

/** A bucket's hits of one turn, and the time of the first: a window they restart starts then. */
interface HitsRow {
  bucket: string;
  count: number;
  windowStart: number;
}
const hitsRow = fieldOf<HitsRow>();

/** The limiter's upsert, prepared once per database: one HitsRow per bucket. */
const limiterStatements = perDatabase((db) => {
  const restart = sql`${rateLimits.windowStart} <= ${excluded(rateLimits.windowStart)} - ${sql.placeholder('windowMs')}`;
  return {
    add: db
      .insert(rateLimits)
      .select((qb) =>
        qb
          .select({
            bucket: hitsRow('bucket', rateLimits.bucket),
            windowStart: hitsRow('windowStart', rateLimits.windowStart),
            count: hitsRow('count', rateLimits.count),
          })
          .from(jsonRows(sql.placeholder('rows')))
          // SQLite needs a WHERE to tell an upsert's ON CONFLICT from a join's ON.
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: rateLimits.bucket,
        set: {
          count: sql<number>`CASE WHEN ${restart} THEN ${excluded(rateLimits.count)} ELSE ${rateLimits.count} + ${excluded(rateLimits.count)} END`,
          windowStart: sql<number>`CASE WHEN ${restart} THEN ${excluded(rateLimits.windowStart)} ELSE ${rateLimits.windowStart} END`,
        },
      })
      .returning({ bucket: rateLimits.bucket, count: rateLimits.count, windowStart: rateLimits.windowStart })
      .prepare(),
  };
});
