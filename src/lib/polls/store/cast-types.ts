import type { Queries } from '../../platform/db/db.server.ts';
import type { RateDecision } from '../../rate-limit/limiter.ts';

/*
 * What casting ballots takes and gives back (castVotes in cast.server.ts), shared with the write path.
 */

export type CastOutcome = 'created' | 'replaced' | 'already_voted';

/** Counts as they stand right after a ballot was written, read in the same transaction. */
export interface FreshCounts {
  totalVotes: number;
  verifiedVotes: number;
  version: number;
  /** polls.busyNetworkBallots and busyNetworks: always read with the rest, so one answer has one version. */
  busyNetworkBallots: number;
  busyNetworks: number;
  votes: Map<string, number>;
}

export type CastResult =
  | {
      outcome: CastOutcome;
      /** Null when nothing was written (already voted). */
      counts: FreshCounts | null;
    }
  | { outcome: 'rate_limited'; counts: null; retryAfterSeconds: number };

/** A rate limit counted inside the vote's own transaction (see DatabaseRateLimiter.countIn). */
export interface TransactionLimiter {
  countIn(tx: Queries, hits: readonly { key: string; now: number }[]): Promise<RateDecision[]>;
}

export interface CastVoteInput {
  pollId: string;
  voterId: string;
  /** The signed-in wallet (EIP-55) casting it, which then counts as verified; null or absent for anonymous. */
  address?: string | null;
  optionIds: readonly string[];
  now: number;
  allowChange: boolean;
  /** The poll has a token: the ballot also goes into its cohort ledger. */
  tokenPoll?: boolean;
  /**
   * The client's address, counted by castVotes' rate limiter when it has one, and for a new ballot without a
   * wallet in its network's count (poll_network_ballots).
   */
  clientKey?: string;
}

/** A ballot counted in its network's count if it is new: one cast without a wallet, by a known client. */
export function countsByNetwork(input: CastVoteInput): boolean {
  return !input.address && input.clientKey !== undefined;
}
