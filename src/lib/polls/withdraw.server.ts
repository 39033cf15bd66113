import { and, eq, inArray, sql } from 'drizzle-orm';
import { pollOptionCohorts, pollOptions, polls, voteBuckets, voteChoices, votes } from '../../../db/schema.ts';
import { writeTransaction, runPrepared, type Database, type Queries } from '../platform/db/db.server.ts';
import { LedgerDeltas, storedWeight } from '../cohorts/ledger.server.ts';
import { HOUR_MS } from './history.ts';
import type { FreshCounts, TransactionLimiter } from './store/cast-types.ts';
import { pollStatus } from './rules.ts';

/**
 * Taking a wallet's ballot back, while its poll is open and allows changes.
 *
 * It runs on the main connection in its own BEGIN IMMEDIATE transaction, even
 * where votes go through the writer thread: SQLite lets one writer in at a
 * time, so the withdrawal and a batch of votes each see the other's counters
 * either wholly before or wholly after, never half-written.
 */

export type WithdrawError = 'not_found' | 'no_wallet_ballot' | 'poll_closed' | 'ballot_final' | 'rate_limited';

export type WithdrawOutcome =
  | { ok: true; counts: FreshCounts }
  | { ok: false; status: number; error: WithdrawError; message: string; retryAfterSeconds?: number };

export interface WithdrawRequest {
  pollId: string;
  /** The signed-in wallet (EIP-55) whose ballot goes. */
  address: string;
  /** Rate-limit key: the client's address, counted against the vote allowance. */
  clientKey: string;
  now: number;
}

/** Why a ballot cannot be taken back, or null when it can: the page says this beside a final ballot. */
export function finalBallotReason(
  poll: { opensAt: number; closesAt: number | null; allowChange: boolean },
  now: number,
): { error: 'poll_closed' | 'ballot_final'; message: string; why: 'closed' | 'no_change' } | null {
  if (pollStatus(poll, now) !== 'open')
    return {
      error: 'poll_closed',
      why: 'closed',
      message: 'This poll has closed, so its ballots are final: its results and any resolution stay reproducible.',
    };
  if (!poll.allowChange)
    return {
      error: 'ballot_final',
      why: 'no_change',
      message: 'This poll takes one ballot per voter and does not allow changes, so a ballot cast in it is final.',
    };
  return null;
}

/**
 * Removes the wallet's ballot from the poll in one transaction: the ballot
 * and its choices, the options' counters and total (version bumped), the
 * hourly buckets of the hour its choices were made, and for a token poll the
 * cohort ledger (voters, votes, weight sums, cohort buckets). Afterwards the
 * reader may vote again.
 */
export async function withdrawBallot(
  db: Database,
  limiter: TransactionLimiter | null,
  request: WithdrawRequest,
): Promise<WithdrawOutcome> {
  return writeTransaction(db, async (tx): Promise<WithdrawOutcome> => {
    // Read inside the write lock: a definition synced or a ballot cast a moment ago is seen as it is.
    const [poll] = await tx
      .select({
        opensAt: polls.opensAt,
        closesAt: polls.closesAt,
        allowChange: polls.allowChange,
        weightingToken: polls.weightingToken,
      })
      .from(polls)
      .where(eq(polls.id, request.pollId));
    if (!poll) return { ok: false, status: 404, error: 'not_found', message: `There is no poll "${request.pollId}".` };
    const final = finalBallotReason(poll, request.now);
    if (final) return { ok: false, status: 409, error: final.error, message: final.message };
    if (limiter) {
      const [decision] = await limiter.countIn(tx, [{ key: request.clientKey, now: request.now }]);
      if (decision && !decision.allowed)
        return {
          ok: false,
          status: 429,
          error: 'rate_limited',
          message: 'Too many votes from your network in the last minute; try again shortly.',
          retryAfterSeconds: decision.retryAfterSeconds,
        };
    }
    const [ballot] = await tx
      .select({ id: votes.id, cohort: votes.cohort, weight: votes.weight, sqrtWeight: votes.sqrtWeight })
      .from(votes)
      .where(and(eq(votes.pollId, request.pollId), eq(votes.address, request.address)));
    if (!ballot)
      return { ok: false, status: 404, error: 'no_wallet_ballot', message: 'This wallet has no ballot in this poll.' };

    const choices = await tx
      .delete(voteChoices)
      .where(eq(voteChoices.voteId, ballot.id))
      .returning({ optionId: voteChoices.optionId, createdAt: voteChoices.createdAt });
    await tx.delete(votes).where(eq(votes.id, ballot.id));
    const optionIds = choices.map((c) => c.optionId);
    // All of a ballot's choices are written together, so they share one hour: the bucket they were counted in.
    const hour = Math.floor((choices[0]?.createdAt ?? request.now) / HOUR_MS) * HOUR_MS;
    if (optionIds.length > 0) {
      await tx
        .update(pollOptions)
        .set({ votes: sql`${pollOptions.votes} - 1` })
        .where(and(eq(pollOptions.pollId, request.pollId), inArray(pollOptions.optionId, optionIds)));
      await tx
        .update(voteBuckets)
        .set({ votes: sql`${voteBuckets.votes} - 1` })
        .where(
          and(
            eq(voteBuckets.pollId, request.pollId),
            eq(voteBuckets.hourStart, hour),
            inArray(voteBuckets.optionId, optionIds),
          ),
        );
    }
    if (poll.weightingToken !== null) await takeOutOfLedger(db, tx, request.pollId, optionIds, ballot, hour);
    const [totals] = await tx
      .update(polls)
      .set({
        totalVotes: sql`${polls.totalVotes} - 1`,
        verifiedVotes: sql`${polls.verifiedVotes} - 1`,
        version: sql`${polls.version} + 1`,
      })
      .where(eq(polls.id, request.pollId))
      .returning({
        totalVotes: polls.totalVotes,
        verifiedVotes: polls.verifiedVotes,
        version: polls.version,
        busyNetworkBallots: polls.busyNetworkBallots,
        busyNetworks: polls.busyNetworks,
      });
    if (!totals) throw new Error(`poll ${request.pollId} vanished while withdrawing a ballot`);
    const options = await tx
      .select({ optionId: pollOptions.optionId, votes: pollOptions.votes })
      .from(pollOptions)
      .where(eq(pollOptions.pollId, request.pollId));
    return { ok: true, counts: { ...totals, votes: new Map(options.map((o) => [o.optionId, o.votes])) } };
  });
}

/** The ballot's share of a token poll's cohort ledger, taken away as recordInLedger added it. */
async function takeOutOfLedger(
  db: Database,
  tx: Queries,
  pollId: string,
  optionIds: readonly string[],
  ballot: { cohort: (typeof votes.$inferSelect)['cohort']; weight: string; sqrtWeight: number },
  hour: number,
): Promise<void> {
  const ledger = new LedgerDeltas();
  // Weight sums are written whole (they overflow SQLite integers), so the stored ones are the base.
  const sums = await tx
    .select({
      optionId: pollOptionCohorts.optionId,
      cohort: pollOptionCohorts.cohort,
      weight: pollOptionCohorts.weight,
    })
    .from(pollOptionCohorts)
    .where(eq(pollOptionCohorts.pollId, pollId));
  for (const row of sums) ledger.knownWeight(pollId, row.optionId, row.cohort, BigInt(row.weight));
  ledger.move(pollId, optionIds, storedWeight(ballot), -1, hour);
  await runPrepared(tx, ledger.writes(db));
}
