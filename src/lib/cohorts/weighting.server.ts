import { and, eq, isNotNull, sql } from 'drizzle-orm';
import {
  cohortBuckets,
  pollCohorts,
  pollOptionCohorts,
  polls,
  tokenSnapshotBalances,
  tokenSnapshots,
  voteChoices,
  votes,
} from '../../../db/schema.ts';
import { HOUR_MS } from '../polls/history.ts';
import { packedRecords, runPrepared, writeTransaction, type Database } from '../platform/db/db.server.ts';
import type { CohortId } from './cohorts.ts';
import { LedgerDeltas, setBallotWeights, storedWeight, type WeightUpdate } from './ledger.server.ts';
import { ballotWeigher, chooseWeightingBlock, weightsKey, type BallotWeight } from './weighting.ts';

/** Ballots per UPDATE when a poll is re-weighted: one JSON parameter of a few MB. */
const WEIGHTS_PER_STATEMENT = 25_000;

export interface Reweighted {
  pollId: string;
  /** The block weights now come from, or null while the token has no snapshot to use. */
  block: number | null;
  ballots: number;
}

/**
 * Chooses each token poll's weighting snapshot (see chooseWeightingBlock)
 * and, where the choice or the token's definition changed since its weights
 * were stored, re-weights every ballot and rebuilds its cohort counters.
 * Run after a snapshot lands and at start-up; polls already up to date cost
 * one small read.
 */
export async function reweightPolls(db: Database, now: number, token?: string): Promise<Reweighted[]> {
  const tokenPolls = await db
    .select({
      id: polls.id,
      token: polls.token,
      weighting: polls.weighting,
      pin: polls.weightingPin,
      current: polls.weightingBlock,
      weightedWith: polls.weightedWith,
      weightingToken: polls.weightingToken,
      opensAt: polls.opensAt,
      closesAt: polls.closesAt,
    })
    .from(polls)
    .where(and(isNotNull(polls.weightingToken), token === undefined ? undefined : eq(polls.token, token)));
  const done: Reweighted[] = [];
  for (const poll of tokenPolls) {
    if (!poll.token) continue;
    const snapshots = await db
      .select({ id: tokenSnapshots.id, block: tokenSnapshots.block, takenAt: tokenSnapshots.takenAt })
      .from(tokenSnapshots)
      // A snapshot of blocks a reorganisation replaced weights no ballot.
      .where(and(eq(tokenSnapshots.token, poll.token), eq(tokenSnapshots.reorganised, false)));
    const block = chooseWeightingBlock({ ...poll, mode: poll.weighting, now }, snapshots);
    const snapshot = snapshots.find((s) => s.block === block) ?? null;
    if (weightsKey(snapshot, poll.weightingToken) === poll.weightedWith) continue;
    done.push(await reweightPoll(db, poll.id, poll.token, block));
  }
  return done;
}

/** Every ballot of one poll weighed at `block` (none while null), and its ledger rebuilt, in one transaction. */
async function reweightPoll(db: Database, pollId: string, token: string, block: number | null): Promise<Reweighted> {
  return writeTransaction(db, async (tx) => {
    const [[poll], [snapshot]] = await tx.batch([
      tx.select({ weightingToken: polls.weightingToken }).from(polls).where(eq(polls.id, pollId)),
      tx
        .select({ id: tokenSnapshots.id, supply: tokenSnapshots.supply })
        .from(tokenSnapshots)
        .where(and(eq(tokenSnapshots.token, token), eq(tokenSnapshots.block, block ?? -1))),
    ]);
    const definition = poll?.weightingToken;
    if (!definition) return { pollId, block: null, ballots: 0 };
    // One row holding every (ballot, choice) as JSON: 100,000 ballots as rows would cost more in
    // building row objects than SQLite spends finding them.
    const [packed] = await tx
      .select({
        rows: packedRecords<PackedChoice>({
          id: votes.id,
          address: votes.address,
          balance: tokenSnapshotBalances.balance,
          optionId: voteChoices.optionId,
          createdAt: voteChoices.createdAt,
          cohort: votes.cohort,
          weight: votes.weight,
          sqrtWeight: votes.sqrtWeight,
        }),
      })
      .from(votes)
      .leftJoin(
        tokenSnapshotBalances,
        and(
          eq(tokenSnapshotBalances.snapshotId, snapshot?.id ?? -1),
          eq(tokenSnapshotBalances.address, sql`lower(${votes.address})`),
        ),
      )
      .leftJoin(voteChoices, eq(voteChoices.voteId, votes.id))
      .where(eq(votes.pollId, pollId));
    const rows = packed?.rows ?? [];
    const ballots = new Map<
      number,
      { address: string | null; balance: string | null; stored: BallotWeight; optionIds: string[]; hour: number }
    >();
    for (const { id, address, balance, optionId, createdAt, cohort, weight, sqrtWeight } of rows) {
      let ballot = ballots.get(id);
      if (!ballot) {
        const hour = createdAt === null ? 0 : Math.floor(createdAt / HOUR_MS) * HOUR_MS;
        const stored = storedWeight({ cohort, weight, sqrtWeight });
        ballots.set(id, (ballot = { address, balance, stored, optionIds: [], hour }));
      }
      if (optionId !== null) ballot.optionIds.push(optionId);
    }
    const supply = BigInt(snapshot?.supply ?? '0');
    const ledger = new LedgerDeltas();
    const updates: WeightUpdate[] = [];
    const weigh = ballotWeigher(supply, definition);
    for (const [id, ballot] of ballots) {
      const weight = weigh(ballot.address, BigInt(ballot.balance ?? '0'));
      ledger.move(pollId, ballot.optionIds, weight, 1, ballot.hour);
      const { stored } = ballot;
      // Most balances do not move between two snapshots; their ballots need no write.
      if (stored.cohort === weight.cohort && stored.weight === weight.weight && stored.sqrtWeight === weight.sqrtWeight)
        continue;
      updates.push({
        voteId: id,
        cohort: weight.cohort,
        weight: weight.weight.toString(),
        sqrtWeight: weight.sqrtWeight,
      });
    }
    await tx.batch([
      tx.delete(pollCohorts).where(eq(pollCohorts.pollId, pollId)),
      tx.delete(pollOptionCohorts).where(eq(pollOptionCohorts.pollId, pollId)),
      tx.delete(cohortBuckets).where(eq(cohortBuckets.pollId, pollId)),
    ]);
    for (let first = 0; first < updates.length; first += WEIGHTS_PER_STATEMENT) {
      await runPrepared(tx, [setBallotWeights(db, updates.slice(first, first + WEIGHTS_PER_STATEMENT))]);
    }
    await runPrepared(tx, ledger.writes(db));
    await tx
      .update(polls)
      .set({
        weightingBlock: block,
        weightedWith: weightsKey(snapshot ? { id: snapshot.id, block: block ?? -1 } : null, definition),
        version: sql`${polls.version} + 1`,
      })
      .where(eq(polls.id, pollId));
    return { pollId, block, ballots: ballots.size };
  });
}

/** One (ballot, choice) of a poll, with the ballot's balance at the weighting snapshot and its stored weight. */
interface PackedChoice extends Record<string, unknown> {
  id: number;
  address: string | null;
  balance: string | null;
  optionId: string | null;
  createdAt: number | null;
  cohort: CohortId;
  weight: string;
  sqrtWeight: number;
}

/** For CLI scripts: one line per poll whose weights a new snapshot changed. */
export function reportReweighted(done: readonly Reweighted[]): void {
  for (const r of done) {
    console.log(
      r.block === null
        ? `poll ${r.pollId}: no snapshot to weight its ${r.ballots} ballots by yet`
        : `poll ${r.pollId}: ${r.ballots} ballots re-weighted at block ${r.block}`,
    );
  }
}
