import type { Database } from '../server/db.server.ts';
import { withCounts, type PollRecord } from './records.ts';
import { ballotKey, getBallot, getPoll, type CastResult, type CastVoteInput } from './repo.server.ts';
import { presentResults, type PollResults } from './results.ts';
import { checkBallot, describeBallotProblem, pollStatus } from './rules.ts';
import type { Limiter } from '../rate-limit/limiter.ts';

/**
 * Casting a vote, shared by the JSON endpoint and the no-JavaScript form
 * action so both enforce the same rules in the same order.
 */

export interface VoteRequest {
  pollId: string;
  /** The voter's id, or null when the request carried no voter cookie. */
  voterId: string | null;
  /** The signed-in wallet, or null; wallet-only polls key ballots by it. */
  address: string | null;
  optionIds: readonly string[];
  /** Rate-limit key: the client's address. */
  clientKey: string;
  now: number;
}

export type VoteError =
  'not_found' | 'poll_closed' | 'invalid_vote' | 'already_voted' | 'rate_limited' | 'sign_in_required';

export type VoteOutcome =
  | { ok: true; status: 200 | 201; voterId: string; newVoter: boolean; results: PollResults }
  | {
      ok: false;
      status: number;
      error: VoteError;
      message: string;
      results?: PollResults;
      retryAfterSeconds?: number;
    };

export interface VotingDeps {
  db: Database;
  /** A poll's definition, possibly a second old (its counts are not used). */
  definition: (pollId: string) => Promise<PollRecord | null>;
  /** Writes a ballot (through the group committer in the server). */
  cast: (input: CastVoteInput) => Promise<CastResult>;
  limiter: Limiter;
  newVoterId: () => string;
  /** Called after a successful write so live subscribers hear of it. */
  changed: (pollId: string) => void;
}

export async function submitVote(deps: VotingDeps, request: VoteRequest): Promise<VoteOutcome> {
  const { db, limiter } = deps;
  const poll = await deps.definition(request.pollId);
  if (!poll) return { ok: false, status: 404, error: 'not_found', message: `There is no poll "${request.pollId}".` };

  const status = pollStatus(poll, request.now);
  if (status !== 'open') {
    const message = status === 'closed' ? 'Voting in this poll has closed.' : 'This poll has not opened yet.';
    return { ok: false, status: 409, error: 'poll_closed', message };
  }
  if (poll.voters === 'wallet' && request.address === null) {
    return {
      ok: false,
      status: 401,
      error: 'sign_in_required',
      message: 'Sign in with your wallet to vote in this poll.',
    };
  }
  const problem = checkBallot({ ...poll, optionIds: poll.options.map((o) => o.optionId) }, request.optionIds);
  if (problem) return { ok: false, status: 400, error: 'invalid_vote', message: describeBallotProblem(problem) };

  // Counted only for ballots that could be recorded, so typos do not use up a reader's allowance.
  const rate = await limiter.hit(request.clientKey, request.now);
  if (!rate.allowed) {
    return {
      ok: false,
      status: 429,
      error: 'rate_limited',
      message: 'Too many votes from your network in the last minute; try again shortly.',
      retryAfterSeconds: rate.retryAfterSeconds,
    };
  }

  // Wallet-only polls count one ballot per wallet, whatever the browser.
  const walletVoter = poll.voters === 'wallet' && request.address !== null ? walletVoterId(request.address) : null;
  const newVoter = walletVoter === null && request.voterId === null;
  const voterId = walletVoter ?? request.voterId ?? deps.newVoterId();
  const { outcome, counts } = await deps.cast({
    pollId: poll.id,
    voterId,
    optionIds: request.optionIds,
    now: request.now,
    allowChange: poll.allowChange,
  });
  if (counts === null) {
    // The earlier ballot stands; show it with current counts.
    const [current, ballot] = await Promise.all([getPoll(db, poll.id), getBallot(db, poll.id, voterId)]);
    return {
      ok: false,
      status: 409,
      error: 'already_voted',
      message: 'You have already voted in this poll.',
      results: presentResults(current ?? poll, ballot, request.now),
    };
  }
  deps.changed(poll.id);
  const ballot = poll.options.filter((o) => request.optionIds.includes(o.optionId)).map((o) => o.optionId);
  const results = presentResults(withCounts(poll, counts), ballot, request.now);
  return { ok: true, status: outcome === 'created' ? 201 : 200, voterId, newVoter, results };
}

/** The ballot key of a signed-in wallet. */
export function walletVoterId(address: string): string {
  return ballotKey({ voters: 'wallet' }, { voterId: null, address }) ?? '';
}
