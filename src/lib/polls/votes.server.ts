import type { Database } from '../platform/db/db.server.ts';
import { withCounts, type PollRecord } from './records.ts';
import { attachWallet, walletVoterId } from './store/wallets.server.ts';
import { getPoll, getReaderBallot } from './store/reads.server.ts';
import type { CastResult, CastVoteInput, FreshCounts } from './store/cast-types.ts';
import { presentResults, type PollResults } from './results.ts';
import { checkBallot, describeBallotProblem, pollStatus, type BallotProblem } from './rules.ts';
import { IdentityCache } from '../platform/caching/identity.ts';
import { resultsAfterVote } from './write/answers.ts';

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
      /** Why an `invalid_vote` ballot was refused, so a page can say it in its own language. */
      reason?: BallotProblem['reason'];
      results?: PollResults;
      retryAfterSeconds?: number;
    };

export interface VotingDeps {
  db: Database;
  /** A poll's definition, possibly a second old (its counts are not used). */
  definition: (pollId: string) => Promise<PollRecord | null>;
  /** Writes a ballot (through the group committer in the server), counting it against the vote rate limit. */
  cast: (input: CastVoteInput) => Promise<CastResult>;
  /** A new anonymous voter id, made at `now`. */
  newVoterId: (now: number) => string;
  /** Called after a successful write, with the counts it left, so caches and live subscribers hear of it. */
  changed: (pollId: string, counts: FreshCounts | null) => void;
}

export async function submitVote(deps: VotingDeps, request: VoteRequest): Promise<VoteOutcome> {
  const { db } = deps;
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
  const problem = checkBallot(ballotRules(poll), request.optionIds);
  if (problem)
    return {
      ok: false,
      status: 400,
      error: 'invalid_vote',
      reason: problem.reason,
      message: describeBallotProblem(problem),
    };

  // Wallet-only polls count one ballot per wallet, whatever the browser. Elsewhere a ballot is
  // the browser's, and a signed-in reader's is the wallet's too: signing out, or another browser,
  // gives nobody a second one.
  const walletVoter = poll.voters === 'wallet' && request.address !== null ? walletVoterId(request.address) : null;
  const newVoter = walletVoter === null && request.voterId === null;
  const voterId = walletVoter ?? request.voterId ?? deps.newVoterId(request.now);
  const cast = await deps.cast({
    pollId: poll.id,
    voterId,
    address: request.address,
    optionIds: request.optionIds,
    now: request.now,
    allowChange: poll.allowChange,
    tokenPoll: poll.token !== null,
    // Counted (in the ballot's own transaction) only for ballots that could be recorded, so typos
    // do not use up a reader's allowance.
    clientKey: request.clientKey,
  });
  if (cast.outcome === 'rate_limited') {
    return {
      ok: false,
      status: 429,
      error: 'rate_limited',
      message: 'Too many votes from your network in the last minute; try again shortly.',
      retryAfterSeconds: cast.retryAfterSeconds,
    };
  }
  const { outcome, counts } = cast;
  if (counts === null) {
    // The earlier ballot stands; show it with current counts.
    const [current, ballot] = await Promise.all([
      getPoll(db, poll.id),
      getReaderBallot(db, poll, { voterId, address: request.address }),
    ]);
    return {
      ok: false,
      status: 409,
      error: 'already_voted',
      message: 'You have already voted in this poll.',
      results: presentResults(current ?? poll, ballot, request.now),
    };
  }
  deps.changed(poll.id, counts);
  const optionIds = poll.options.filter((o) => request.optionIds.includes(o.optionId)).map((o) => o.optionId);
  // A new ballot is verified when a wallet cast it; a changed one keeps whatever it was.
  const verified =
    outcome === 'created'
      ? request.address !== null
      : ((await getReaderBallot(db, poll, { voterId, address: request.address }))?.verified ?? false);
  const results = resultsAfterVote(poll, counts, optionIds, verified, request.now);
  return { ok: true, status: outcome === 'created' ? 201 : 200, voterId, newVoter, results };
}

/** What checkBallot needs of a poll, made once per poll record rather than once per vote. */
function ballotRules(poll: PollRecord): Parameters<typeof checkBallot>[0] {
  let rules = rulesByPoll.get(poll);
  if (!rules) {
    rules = { kind: poll.kind, maxChoices: poll.maxChoices, optionIds: poll.options.map((o) => o.optionId) };
    rulesByPoll.set(poll, rules);
  }
  return rules;
}

const rulesByPoll = new IdentityCache<PollRecord, Parameters<typeof checkBallot>[0]>();

export type ClaimError = 'not_found' | 'poll_closed' | 'sign_in_required' | 'no_ballot' | 'wallet_already_voted';

export type ClaimOutcome =
  | { ok: true; results: PollResults }
  | { ok: false; status: number; error: ClaimError | 'claimed_by_another_wallet'; message: string };

/**
 * POST /api/polls/<id>/ballot/wallet and its form: "count my vote as
 * verified", attaching the signed-in wallet to this browser's anonymous
 * ballot. Nothing changes when it is refused.
 */
export async function claimBallot(
  deps: Pick<VotingDeps, 'db' | 'definition' | 'changed'>,
  request: { pollId: string; voterId: string | null; address: string | null; now: number },
): Promise<ClaimOutcome> {
  const poll = await deps.definition(request.pollId);
  if (!poll) return { ok: false, status: 404, error: 'not_found', message: `There is no poll "${request.pollId}".` };
  if (request.address === null) {
    return {
      ok: false,
      status: 401,
      error: 'sign_in_required',
      message: 'Sign in with your wallet to count your vote as verified.',
    };
  }
  if (pollStatus(poll, request.now) !== 'open') {
    return { ok: false, status: 409, error: 'poll_closed', message: 'Voting in this poll has closed.' };
  }
  const refused = (error: ClaimError | 'claimed_by_another_wallet', message: string): ClaimOutcome => ({
    ok: false,
    status: error === 'no_ballot' ? 404 : 409,
    error,
    message,
  });
  // Wallet-only ballots are the wallet's from the start; there is nothing anonymous to claim.
  if (request.voterId === null || poll.voters === 'wallet') {
    return refused('no_ballot', 'This browser has no anonymous ballot in this poll to count as verified.');
  }
  const claimed = await attachWallet(deps.db, {
    pollId: poll.id,
    voterId: request.voterId,
    address: request.address,
    now: request.now,
  });
  if (!claimed.ok) {
    if (claimed.error === 'no_ballot')
      return refused('no_ballot', 'This browser has no ballot in this poll to count as verified.');
    if (claimed.error === 'wallet_already_voted')
      return refused('wallet_already_voted', 'Your wallet has already voted in this poll; its ballot stands.');
    return refused('claimed_by_another_wallet', 'Another wallet has already counted this ballot as its own.');
  }
  deps.changed(poll.id, claimed.counts);
  const ballot = await getReaderBallot(deps.db, poll, request);
  return { ok: true, results: presentResults(withCounts(poll, claimed.counts), ballot, request.now) };
}
