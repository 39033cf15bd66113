import type { Limiter } from '../rate-limit/limiter.ts';
import { DatabaseRateLimiter } from '../rate-limit/store.server.ts';
import type { Database, Queries } from '../platform/db/db.server.ts';
import type { NetworkLimits } from '../platform/runtime/config.ts';

/** Which limit refused a comment, as the API's `limit` field names it. */
export type CommentLimit = 'minute' | 'day' | 'network_minute' | 'network_day' | 'network_new_wallets';

export interface NetworkRefusal {
  limit: CommentLimit;
  message: string;
  retryAfterSeconds: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Limits on comments per client network, beside each wallet's own: wallets
 * cost nothing to make, networks do. A network is a client address as the
 * rate limits count it (an IPv4 address, an IPv6 /64: see clientBucket), so
 * everyone behind one NAT (an office, a campus, a mobile carrier's gateway)
 * shares these limits. Configured by COMMENT_NETWORK_PER_MINUTE,
 * COMMENT_NETWORK_PER_DAY, COMMENT_NETWORK_NEW_WALLETS and
 * REPORT_NETWORK_PER_MINUTE (ServerConfig.networkLimits); 0 turns one off.
 *
 * Counted in the shared rate-limit table, so every instance behind a load
 * balancer counts the same network once.
 */
export class CommentNetworkLimiter {
  private readonly checks: readonly { limiter: DatabaseRateLimiter; limit: CommentLimit; message: string }[];
  private readonly newWallets: DatabaseRateLimiter;
  private readonly newWalletsMessage: string;

  constructor(db: Database, limits: NetworkLimits) {
    this.checks = [
      {
        limiter: new DatabaseRateLimiter(db, 'comment-network-minute', limits.commentsPerMinute, MINUTE),
        limit: 'network_minute',
        message: `At most ${limits.commentsPerMinute} comments a minute may come from one network, and yours has reached that; wait a minute.`,
      },
      {
        limiter: new DatabaseRateLimiter(db, 'comment-network-day', limits.commentsPerDay, DAY),
        limit: 'network_day',
        message: `At most ${limits.commentsPerDay} comments a day may come from one network, and yours has reached that.`,
      },
    ];
    this.newWallets = new DatabaseRateLimiter(db, 'comment-network-new-wallets', limits.newWalletsPerDay, DAY);
    this.newWalletsMessage = `At most ${limits.newWalletsPerDay} new wallets a day may post their first comment from one network, and yours has reached that; a wallet that has commented before still can.`;
  }

  /**
   * Counts one comment from `client` on `tx`, the transaction that writes it,
   * so a refused comment (by these limits or any other rule that rolls the
   * transaction back) uses up none of them. Returns the first limit it would
   * pass, or null.
   */
  async count(tx: Queries, client: string, firstComment: boolean, now: number): Promise<NetworkRefusal | null> {
    const checks = firstComment
      ? [
          ...this.checks,
          { limiter: this.newWallets, limit: 'network_new_wallets' as const, message: this.newWalletsMessage },
        ]
      : this.checks;
    for (const { limiter, limit, message } of checks) {
      const [decision] = await limiter.countIn(tx, [{ key: client, now }]);
      if (decision && !decision.allowed) return { limit, message, retryAfterSeconds: decision.retryAfterSeconds };
    }
    return null;
  }
}

/** Reports a minute per network, beside each reader's own limit. */
export function reportNetworkLimiter(db: Database, limits: NetworkLimits): Limiter {
  return new DatabaseRateLimiter(db, 'report-network', limits.reportsPerMinute, MINUTE);
}
