import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import {
  cohortBuckets,
  pollCohorts,
  pollOptionCohorts,
  polls,
  tokenSnapshots,
  voteChoices,
  votes,
} from '../../../db/schema.ts';
import type { SnapshotSource } from '../chain/snapshot.ts';
import type { PollRecord } from '../polls/records.ts';
import type { Database } from '../platform/db/db.server.ts';
import type { CohortId } from './cohorts.ts';
import type { CohortCounters } from './counters.ts';
import type { WeightedBallot } from './decisive.ts';
import { buildCohortHistory, type CohortBucket, type CohortHistory } from './history.ts';

/**
 * Cohort reads of token polls. The results read takes counters only (a few
 * rows per poll, however many ballots); only "wallets that decide it" and
 * the public ballot list read ballots, and callers cache those.
 */

/** The snapshot a poll's weights come from, as the page states it. */
export interface WeightingSnapshot {
  block: number;
  takenAt: number;
  source: SnapshotSource;
  simulated: boolean;
}

export interface CohortData {
  version: number;
  mode: 'open' | 'latest' | 'block';
  /** The block `weighting: { block }` asks for, shown while that snapshot does not exist yet. */
  pin: number | null;
  snapshot: WeightingSnapshot | null;
  publicBallots: boolean;
  counters: CohortCounters[];
}

/** One token poll's cohort counters with its weighting snapshot; null for an unknown poll or one without token. */
export async function getCohortData(db: Database, pollId: string): Promise<CohortData | null> {
  const [[poll], cohorts, options] = await db.batch([
    db
      .select({
        version: polls.version,
        mode: polls.weighting,
        pin: polls.weightingPin,
        token: polls.weightingToken,
        publicBallots: polls.publicBallots,
        block: tokenSnapshots.block,
        takenAt: tokenSnapshots.takenAt,
        source: tokenSnapshots.source,
        simulated: tokenSnapshots.simulated,
      })
      .from(polls)
      .leftJoin(
        tokenSnapshots,
        and(eq(tokenSnapshots.token, polls.token), eq(tokenSnapshots.block, polls.weightingBlock)),
      )
      .where(eq(polls.id, pollId)),
    db
      .select({ cohort: pollCohorts.cohort, voters: pollCohorts.voters })
      .from(pollCohorts)
      .where(eq(pollCohorts.pollId, pollId)),
    db
      .select({
        cohort: pollOptionCohorts.cohort,
        id: pollOptionCohorts.optionId,
        votes: pollOptionCohorts.votes,
        weight: pollOptionCohorts.weight,
        sqrtWeight: pollOptionCohorts.sqrtWeight,
      })
      .from(pollOptionCohorts)
      .where(eq(pollOptionCohorts.pollId, pollId)),
  ]);
  if (!poll?.token) return null;
  const byCohort = new Map<CohortId, CohortCounters & { options: CohortCounters['options'][number][] }>();
  for (const c of cohorts) byCohort.set(c.cohort, { cohort: c.cohort, voters: c.voters, options: [] });
  for (const o of options) {
    const entry = byCohort.get(o.cohort) ?? { cohort: o.cohort, voters: 0, options: [] };
    entry.options.push({ id: o.id, votes: o.votes, weight: BigInt(o.weight), sqrtWeight: o.sqrtWeight });
    byCohort.set(o.cohort, entry);
  }
  return {
    version: poll.version,
    mode: poll.mode,
    pin: poll.pin,
    snapshot:
      poll.block === null || poll.takenAt === null || poll.source === null || poll.simulated === null
        ? null
        : { block: poll.block, takenAt: poll.takenAt, source: poll.source, simulated: poll.simulated },
    publicBallots: poll.publicBallots,
    counters: [...byCohort.values()],
  };
}

/** Every verified ballot's choices and weight, for "wallets that decide it". */
export async function getWeightedBallots(db: Database, pollId: string): Promise<WeightedBallot[]> {
  const rows = await db
    .select({ id: votes.id, weight: votes.weight, optionId: voteChoices.optionId })
    .from(votes)
    .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
    .where(and(eq(votes.pollId, pollId), isNotNull(votes.address)))
    .orderBy(asc(votes.id));
  const ballots: WeightedBallot[] = [];
  let lastId = -1;
  let current: { optionIds: string[]; weight: bigint } = { optionIds: [], weight: 0n };
  for (const row of rows) {
    if (row.id !== lastId) {
      lastId = row.id;
      current = { optionIds: [], weight: BigInt(row.weight) };
      ballots.push(current);
    }
    current.optionIds.push(row.optionId);
  }
  return ballots;
}

/** Net votes per option, cohort and hour, oldest first: sentiment by cohort over time. */
export async function getCohortBuckets(db: Database, pollId: string): Promise<CohortBucket[]> {
  return db
    .select({
      optionId: cohortBuckets.optionId,
      cohort: cohortBuckets.cohort,
      hourStart: cohortBuckets.hourStart,
      votes: cohortBuckets.votes,
    })
    .from(cohortBuckets)
    .where(eq(cohortBuckets.pollId, pollId))
    .orderBy(cohortBuckets.hourStart);
}

/**
 * Sentiment by cohort over time, floored at every point. Empty until the
 * poll has a weighting snapshot: before it, no ballot has a cohort that
 * means anything, and the results show no cohorts either.
 */
export async function getCohortHistory(
  db: Database,
  poll: Pick<PollRecord, 'id' | 'kind' | 'publicBallots' | 'weightingBlock' | 'options'>,
  period: 'hour' | 'day',
): Promise<CohortHistory> {
  const buckets = poll.weightingBlock === null ? [] : await getCohortBuckets(db, poll.id);
  return buildCohortHistory(
    poll.options.map((o) => o.optionId),
    buckets,
    period,
    { kind: poll.kind, publicBallots: poll.publicBallots },
  );
}

export interface PublicBallot {
  address: string;
  optionIds: string[];
  weight: string;
  cohort: CohortId;
}

/** Every verified ballot with its wallet, heaviest first: only for polls with `publicBallots`, after close. */
export async function getPublicBallots(db: Database, pollId: string): Promise<PublicBallot[]> {
  const rows = await db
    .select({
      address: votes.address,
      weight: votes.weight,
      cohort: votes.cohort,
      optionIds: sql<string>`(select json_group_array(${voteChoices.optionId}) from ${voteChoices}
        where ${voteChoices.voteId} = ${votes.id})`,
    })
    .from(votes)
    .where(and(eq(votes.pollId, pollId), isNotNull(votes.address)))
    .orderBy(asc(votes.address));
  // Weights are decimal strings beyond SQLite's integers, so the heaviest-first order is made here,
  // on a read that happens once a poll has closed, rather than kept in an index every vote writes.
  const weighed = rows.map((r) => ({ row: r, weight: BigInt(r.weight) }));
  weighed.sort((a, b) => (a.weight === b.weight ? 0 : a.weight > b.weight ? -1 : 1));
  return weighed.map(({ row }) => ({
    address: row.address ?? '',
    weight: row.weight,
    cohort: row.cohort,
    optionIds: JSON.parse(row.optionIds) as string[],
  }));
}
