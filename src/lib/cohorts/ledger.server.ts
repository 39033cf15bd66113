import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import {
  cohortBuckets,
  pollCohorts,
  pollOptionCohorts,
  polls,
  tokenSnapshotBalances,
  tokenSnapshots,
  votes,
} from '../../../db/schema.ts';
import { HOUR_MS } from '../polls/history.ts';
import { excluded, jsonField, jsonRows, type Queries } from '../server/db.server.ts';
import type { CohortId } from './cohorts.ts';
import type { WeightingToken } from './ids.ts';
import { UNVERIFIED, weighBallot, type BallotWeight } from './weighting.ts';

/**
 * The cohort ledger of token polls: each ballot's cohort and weight, and the
 * per-(poll, cohort) and per-(poll, option, cohort) counters, changed in the
 * same transaction as the ballot. Polls without a token have no ledger.
 */

/** A ballot a write created, changed or claimed. */
export interface LedgerBallot {
  pollId: string;
  voteId: number;
  /** The wallet behind the ballot after this write, or null. */
  address: string | null;
  /** What the ballot counted as before this write; null for a new ballot. */
  before: { optionIds: readonly string[]; weight: BallotWeight } | null;
  optionIds: readonly string[];
  now: number;
}

/** The stored weight columns of a ballot, as a BallotWeight. */
export function storedWeight(row: { cohort: CohortId; weight: string; sqrtWeight: number }): BallotWeight {
  return { cohort: row.cohort, weight: BigInt(row.weight), sqrtWeight: row.sqrtWeight };
}

/** What weighting needs of each token poll: its token definition and the snapshot in use. */
interface PollWeighting {
  token: WeightingToken;
  supply: bigint;
}

/** Records `ballots` (in write order) in the ledger of the token polls among them. */
export async function recordInLedger(tx: Queries, ballots: readonly LedgerBallot[]): Promise<void> {
  const pollIds = [...new Set(ballots.map((b) => b.pollId))];
  if (pollIds.length === 0) return;
  const pairs = ballots.filter((b) => b.address !== null).map((b) => [b.pollId, b.address?.toLowerCase()]);
  const [weighted, balances, current] = await tx.batch([
    tx
      .select({ id: polls.id, token: polls.weightingToken, supply: tokenSnapshots.supply })
      .from(polls)
      .leftJoin(
        tokenSnapshots,
        and(eq(tokenSnapshots.token, polls.token), eq(tokenSnapshots.block, polls.weightingBlock)),
      )
      .where(and(inArray(polls.id, pollIds), isNotNull(polls.weightingToken))),
    tx
      .select({
        pollId: polls.id,
        address: tokenSnapshotBalances.address,
        balance: tokenSnapshotBalances.balance,
      })
      .from(jsonRows(pairs))
      .innerJoin(polls, eq(polls.id, sql`value ->> 0`))
      .innerJoin(
        tokenSnapshots,
        and(eq(tokenSnapshots.token, polls.token), eq(tokenSnapshots.block, polls.weightingBlock)),
      )
      .innerJoin(
        tokenSnapshotBalances,
        and(
          eq(tokenSnapshotBalances.snapshotId, tokenSnapshots.id),
          eq(tokenSnapshotBalances.address, sql`value ->> 1`),
        ),
      ),
    tx
      .select({
        pollId: pollOptionCohorts.pollId,
        optionId: pollOptionCohorts.optionId,
        cohort: pollOptionCohorts.cohort,
        weight: pollOptionCohorts.weight,
      })
      .from(pollOptionCohorts)
      .where(inArray(pollOptionCohorts.pollId, pollIds)),
  ]);
  const weighting = new Map<string, PollWeighting>();
  for (const row of weighted) {
    if (row.token) weighting.set(row.id, { token: row.token, supply: BigInt(row.supply ?? '0') });
  }
  if (weighting.size === 0) return;
  const balanceOf = new Map(balances.map((b) => [`${b.pollId}\u0000${b.address}`, BigInt(b.balance)]));

  const ledger = new LedgerDeltas();
  for (const row of current) ledger.knownWeight(row.pollId, row.optionId, row.cohort, BigInt(row.weight));
  // A ballot written twice in one batch was, the second time, what the first write made it.
  const latest = new Map<number, BallotWeight>();
  const updates: WeightUpdate[] = [];
  for (const ballot of ballots) {
    const poll = weighting.get(ballot.pollId);
    if (!poll) continue;
    const address = ballot.address?.toLowerCase() ?? null;
    const after =
      address === null
        ? UNVERIFIED
        : weighBallot(address, balanceOf.get(`${ballot.pollId}\u0000${address}`) ?? 0n, poll.supply, poll.token);
    const hour = Math.floor(ballot.now / HOUR_MS) * HOUR_MS;
    const before = ballot.before && { ...ballot.before, weight: latest.get(ballot.voteId) ?? ballot.before.weight };
    if (before) ledger.move(ballot.pollId, before.optionIds, before.weight, -1, hour);
    ledger.move(ballot.pollId, ballot.optionIds, after, 1, hour);
    latest.set(ballot.voteId, after);
    updates.push([ballot.voteId, after.cohort, after.weight.toString(), after.sqrtWeight]);
  }
  if (updates.length === 0) return;
  await tx.batch([setBallotWeights(tx, updates), ...ledger.writes(tx)]);
}

/** A ballot's new weight columns: [voteId, cohort, weight, sqrtWeight]. */
export type WeightUpdate = [number, CohortId, string, number];

/** One UPDATE ... FROM for many ballots: a join, not a subquery per row. */
export function setBallotWeights(tx: Queries, updates: readonly WeightUpdate[]) {
  const rows = sql`(select value ->> 0 as vote_id, value ->> 1 as cohort, value ->> 2 as weight,
    value ->> 3 as sqrt_weight from ${jsonRows(updates)}) as w`;
  return tx
    .update(votes)
    .set({
      cohort: sql`w.cohort`,
      weight: sql`w.weight`,
      sqrtWeight: sql`w.sqrt_weight`,
    })
    .from(rows)
    .where(sql`${votes.id} = w.vote_id`);
}

/** Counter changes gathered over a batch, written as three upserts. */
export class LedgerDeltas {
  private readonly voters = new Map<string, number>();
  private readonly options = new Map<string, { votes: number; weight: bigint; sqrtWeight: number }>();
  private readonly buckets = new Map<string, number>();
  private readonly weights = new Map<string, bigint>();

  /** The stored weight sum of one (poll, option, cohort), which the writes add to. */
  knownWeight(pollId: string, optionId: string, cohort: CohortId, weight: bigint): void {
    this.weights.set(key(pollId, optionId, cohort), weight);
  }

  /** Adds (sign 1) or takes away (sign −1) one ballot's choices at `weight`. */
  move(pollId: string, optionIds: readonly string[], weight: BallotWeight, sign: 1 | -1, hour: number): void {
    const voters = key(pollId, weight.cohort);
    this.voters.set(voters, (this.voters.get(voters) ?? 0) + sign);
    for (const optionId of optionIds) {
      const k = key(pollId, optionId, weight.cohort);
      const o = this.options.get(k) ?? { votes: 0, weight: 0n, sqrtWeight: 0 };
      o.votes += sign;
      o.weight += BigInt(sign) * weight.weight;
      o.sqrtWeight += sign * weight.sqrtWeight;
      this.options.set(k, o);
      const b = key(pollId, optionId, weight.cohort, String(hour));
      this.buckets.set(b, (this.buckets.get(b) ?? 0) + sign);
    }
  }

  writes(tx: Queries) {
    const voters = [...this.voters].filter(([, n]) => n !== 0).map(([k, n]) => [...split(k), n]);
    const options = [...this.options].map(([k, o]) => [
      ...split(k),
      o.votes,
      ((this.weights.get(k) ?? 0n) + o.weight).toString(),
      o.sqrtWeight,
    ]);
    const buckets = [...this.buckets]
      .filter(([, n]) => n !== 0)
      .map(([k, n]) => {
        const [pollId, optionId, cohort, hour] = split(k);
        return [pollId, optionId, cohort, Number(hour), n];
      });
    return [
      tx
        .insert(pollCohorts)
        .select((qb) =>
          qb
            .select({
              pollId: jsonField<string>(0, pollCohorts.pollId),
              cohort: jsonField<CohortId>(1, pollCohorts.cohort),
              voters: jsonField<number>(2, pollCohorts.voters),
            })
            .from(jsonRows(voters))
            .where(sql`true`),
        )
        .onConflictDoUpdate({
          target: [pollCohorts.pollId, pollCohorts.cohort],
          set: { voters: sql`${pollCohorts.voters} + ${excluded(pollCohorts.voters)}` },
        }),
      tx
        .insert(pollOptionCohorts)
        .select((qb) =>
          qb
            .select({
              pollId: jsonField<string>(0, pollOptionCohorts.pollId),
              optionId: jsonField<string>(1, pollOptionCohorts.optionId),
              cohort: jsonField<CohortId>(2, pollOptionCohorts.cohort),
              votes: jsonField<number>(3, pollOptionCohorts.votes),
              // The new sum, worked out exactly here: SQLite integers cannot hold it.
              weight: jsonField<string>(4, pollOptionCohorts.weight),
              sqrtWeight: jsonField<number>(5, pollOptionCohorts.sqrtWeight),
            })
            .from(jsonRows(options))
            .where(sql`true`),
        )
        .onConflictDoUpdate({
          target: [pollOptionCohorts.pollId, pollOptionCohorts.optionId, pollOptionCohorts.cohort],
          set: {
            votes: sql`${pollOptionCohorts.votes} + ${excluded(pollOptionCohorts.votes)}`,
            weight: excluded(pollOptionCohorts.weight),
            sqrtWeight: sql`${pollOptionCohorts.sqrtWeight} + ${excluded(pollOptionCohorts.sqrtWeight)}`,
          },
        }),
      tx
        .insert(cohortBuckets)
        .select((qb) =>
          qb
            .select({
              pollId: jsonField<string>(0, cohortBuckets.pollId),
              optionId: jsonField<string>(1, cohortBuckets.optionId),
              cohort: jsonField<CohortId>(2, cohortBuckets.cohort),
              hourStart: jsonField<number>(3, cohortBuckets.hourStart),
              votes: jsonField<number>(4, cohortBuckets.votes),
            })
            .from(jsonRows(buckets))
            .where(sql`true`),
        )
        .onConflictDoUpdate({
          target: [cohortBuckets.pollId, cohortBuckets.cohort, cohortBuckets.hourStart, cohortBuckets.optionId],
          set: { votes: sql`${cohortBuckets.votes} + ${excluded(cohortBuckets.votes)}` },
        }),
    ] as const;
  }
}

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

function split(k: string): string[] {
  return k.split('\u0000');
}
