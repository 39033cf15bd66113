import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { pollOptions, polls, voteChoices, votes } from '../../../../db/schema.ts';
import { writeTransaction, type Database, type Queries } from '../../platform/db/db.server.ts';
import { recordInLedger, storedWeight } from '../../cohorts/ledger.server.ts';
import type { FreshCounts } from './cast-types.ts';
import { BALLOT_FIELDS, CHOSEN_OPTION, COUNT_FIELDS } from './columns.ts';

/*
 * Ballots and wallets: a wallet's ballots, and a browser's anonymous ballot counted as a wallet's.
 */

type PollRow = typeof polls.$inferSelect;
type VoteRow = typeof votes.$inferSelect;

/** One choice of a wallet's ballot, with its poll and its option. */
export type WalletBallotChoice = Pick<PollRow, 'question' | 'questionLabels' | 'opensAt' | 'closesAt' | 'allowChange'> &
  Pick<typeof pollOptions.$inferSelect, 'optionId' | 'label' | 'labels'> & {
    voteId: VoteRow['id'];
    pollId: PollRow['id'];
    castAt: VoteRow['createdAt'];
    changedAt: VoteRow['updatedAt'];
    cohort: VoteRow['cohort'];
  };

/**
 * Every ballot a wallet cast, one row per choice with its poll and option: newest ballot first, its choices in
 * the poll's option order (the Account page and its download).
 */
export function getWalletBallotChoices(db: Database, address: string): Promise<WalletBallotChoice[]> {
  return db
    .select({
      voteId: votes.id,
      pollId: polls.id,
      question: polls.question,
      questionLabels: polls.questionLabels,
      opensAt: polls.opensAt,
      closesAt: polls.closesAt,
      allowChange: polls.allowChange,
      castAt: votes.createdAt,
      changedAt: votes.updatedAt,
      cohort: votes.cohort,
      optionId: pollOptions.optionId,
      label: pollOptions.label,
      labels: pollOptions.labels,
    })
    .from(votes)
    .innerJoin(polls, eq(polls.id, votes.pollId))
    .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
    .innerJoin(pollOptions, CHOSEN_OPTION)
    .where(eq(votes.address, address))
    .orderBy(desc(votes.createdAt), asc(votes.id), asc(pollOptions.position));
}

/** The voter id of a wallet's ballots in wallet-only polls, where the browser plays no part. */
export function walletVoterId(address: string): string {
  return `wallet:${address.toLowerCase()}`;
}

export type AttachOutcome =
  | { ok: true; counts: FreshCounts }
  | { ok: false; error: 'no_ballot' | 'wallet_already_voted' | 'claimed_by_another_wallet' };

/**
 * Counts a browser's anonymous ballot as the signed-in wallet's ("count my
 * vote as verified"). Refused, changing nothing, when that wallet already
 * has a ballot in the poll or another wallet claimed this one. Claiming it
 * again with the same wallet changes nothing and succeeds.
 */
export async function attachWallet(
  db: Database,
  input: { pollId: string; voterId: string; address: string; now: number },
): Promise<AttachOutcome> {
  return writeTransaction(db, async (tx) => {
    // BEGIN IMMEDIATE holds the write lock, so nothing changes between these checks and the write.
    const [[ballot], [walletBallot]] = await tx.batch([
      tx
        .select(BALLOT_FIELDS)
        .from(votes)
        .where(and(eq(votes.pollId, input.pollId), eq(votes.voterId, input.voterId))),
      tx
        .select({ id: votes.id })
        .from(votes)
        .where(and(eq(votes.pollId, input.pollId), eq(votes.address, input.address))),
    ]);
    if (!ballot) return { ok: false, error: 'no_ballot' };
    if (ballot.address !== null && ballot.address !== input.address) {
      return { ok: false, error: 'claimed_by_another_wallet' };
    }
    if (walletBallot && walletBallot.id !== ballot.id) return { ok: false, error: 'wallet_already_voted' };
    if (ballot.address === null) await countAsVerified(db, tx, ballot, input);
    const counts = await countsOf(tx, input.pollId);
    return counts ? { ok: true, counts } : { ok: false, error: 'no_ballot' };
  });
}

type Ballot = { id: number } & Parameters<typeof storedWeight>[0];

/** attachWallet's write: the ballot becomes the wallet's, verified, its choices moved to the wallet's cohort. */
async function countAsVerified(
  db: Database,
  tx: Queries,
  ballot: Ballot,
  input: { pollId: string; address: string; now: number },
): Promise<void> {
  const [, , choices] = await tx.batch([
    tx.update(votes).set({ address: input.address, updatedAt: input.now }).where(eq(votes.id, ballot.id)),
    tx
      .update(polls)
      .set({ verifiedVotes: sql`${polls.verifiedVotes} + 1`, version: sql`${polls.version} + 1` })
      .where(eq(polls.id, input.pollId)),
    tx.select({ optionId: voteChoices.optionId }).from(voteChoices).where(eq(voteChoices.voteId, ballot.id)),
  ]);
  // The same choices, now counted in the wallet's cohort instead of "not verified".
  const optionIds = choices.map((c) => c.optionId);
  await recordInLedger(db, tx, [
    {
      pollId: input.pollId,
      voteId: ballot.id,
      address: input.address,
      before: { optionIds, weight: storedWeight(ballot) },
      stored: storedWeight(ballot),
      optionIds,
      now: input.now,
    },
  ]);
}

/** A poll's counts as the transaction `tx` sees them, or null for an unknown poll. */
async function countsOf(tx: Queries, pollId: string): Promise<FreshCounts | null> {
  const [[poll], options] = await tx.batch([
    tx.select(COUNT_FIELDS).from(polls).where(eq(polls.id, pollId)),
    tx
      .select({ optionId: pollOptions.optionId, votes: pollOptions.votes })
      .from(pollOptions)
      .where(eq(pollOptions.pollId, pollId)),
  ]);
  if (!poll) return null;
  return { ...poll, votes: new Map(options.map((o) => [o.optionId, o.votes])) };
}
