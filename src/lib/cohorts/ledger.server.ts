import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
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
import {
  excluded,
  fieldOf,
  jsonRows,
  jsonValue,
  packedRecords,
  perDatabase,
  runPrepared,
  type Database,
  type PreparedRun,
  type Queries,
} from '../platform/db/db.server.ts';
import type { CohortId } from './cohorts.ts';
import { ballotWeigher, UNVERIFIED, type BallotWeight } from './weighting.ts';

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
  /** The weight columns the ballot's row holds now: only a ballot whose weight differs is written again. */
  stored: BallotWeight;
  optionIds: readonly string[];
  now: number;
}

/** The stored weight columns of a ballot, as a BallotWeight. */
export function storedWeight(row: { cohort: CohortId; weight: string; sqrtWeight: number }): BallotWeight {
  return { cohort: row.cohort, weight: BigInt(row.weight), sqrtWeight: row.sqrtWeight };
}

/** What weighting needs of each token poll: how its snapshot weighs a wallet. */
type PollWeigher = ReturnType<typeof ballotWeigher>;

/** A ballot's poll and wallet, as weighing looks them up. */
type Voter = Pick<LedgerBallot, 'pollId' | 'address'>;

/** A stored weight sum of one (poll, option, cohort). */
interface WeightSum {
  pollId: string;
  optionId: string;
  cohort: CohortId;
  weight: string;
}

/**
 * What the wallets of some ballots weigh in their polls, and those polls'
 * stored weight sums, read in a write's transaction. A group commit reads it
 * before inserting its ballots, so they are inserted weighed instead of
 * weighed by a second statement over the rows just written.
 */
export class BallotWeights {
  static readonly none = new BallotWeights(new Map(), new Map(), new Set(), []);

  private readonly weighers: ReadonlyMap<string, PollWeigher>;
  /** Every [poll, wallet] asked, 0 for a wallet that held nothing at the snapshot. */
  private readonly balances: ReadonlyMap<string, bigint>;
  /** The polls read, weighted or not. */
  private readonly polls: ReadonlySet<string>;
  readonly sums: readonly WeightSum[];
  private readonly weighed = new Map<string, BallotWeight>();

  private constructor(
    weighers: ReadonlyMap<string, PollWeigher>,
    balances: ReadonlyMap<string, bigint>,
    polls: ReadonlySet<string>,
    sums: readonly WeightSum[],
  ) {
    this.weighers = weighers;
    this.balances = balances;
    this.polls = polls;
    this.sums = sums;
  }

  /** These weights and those of `voters` not read yet, in one round trip on `tx`, a transaction of `db`. */
  async with(db: Database, tx: Queries, voters: readonly Voter[]): Promise<BallotWeights> {
    const pollIds = [...new Set(voters.map((v) => v.pollId))].filter((id) => !this.polls.has(id));
    const asked = new Map<string, BalancePair>();
    for (const { pollId, address } of voters) {
      if (address === null) continue;
      const k = voterKey(pollId, address.toLowerCase());
      if (!this.balances.has(k)) asked.set(k, { pollId, address: address.toLowerCase() });
    }
    if (pollIds.length === 0 && asked.size === 0) return this;
    const prepared = ledgerStatements(db);
    const [weighted, balances, sums] = await runPrepared(tx, [
      [prepared.weighting, { polls: JSON.stringify(pollIds) }],
      [prepared.balances, { pairs: JSON.stringify([...asked.values()]) }],
      [prepared.current, { polls: JSON.stringify(pollIds) }],
    ]);
    const weighers = new Map(this.weighers);
    for (const row of weighted) {
      if (row.token) weighers.set(row.id, ballotWeigher(BigInt(row.supply ?? '0'), row.token));
    }
    const balanceOf = new Map(this.balances);
    for (const k of asked.keys()) balanceOf.set(k, 0n);
    for (const { pollId, address, balance } of balances[0]?.rows ?? []) {
      balanceOf.set(voterKey(pollId, address), BigInt(balance));
    }
    return new BallotWeights(weighers, balanceOf, new Set([...this.polls, ...pollIds]), [...this.sums, ...sums]);
  }

  /** A voter's weight (read by `with`); null when the poll takes none (no token, or no snapshot chosen yet). */
  of(voter: Voter): BallotWeight | null {
    const weigh = this.weighers.get(voter.pollId);
    if (!weigh) return null;
    if (voter.address === null) return UNVERIFIED;
    const address = voter.address.toLowerCase();
    const k = voterKey(voter.pollId, address);
    // A group commit asks twice per ballot: for its insert and for the ledger.
    const known = this.weighed.get(k);
    if (known) return known;
    const balance = this.balances.get(k);
    if (balance === undefined) throw new Error(`the weight of ${address} in ${voter.pollId} was not read`);
    const weight = weigh(address, balance);
    this.weighed.set(k, weight);
    return weight;
  }
}

function voterKey(pollId: string, address: string): string {
  return `${pollId}\u0000${address}`;
}

function sameWeight(a: BallotWeight, b: BallotWeight): boolean {
  return a.cohort === b.cohort && a.weight === b.weight && a.sqrtWeight === b.sqrtWeight;
}

/**
 * Records `ballots` (in write order) in the ledger of the token polls among
 * them, on `tx`, a transaction of `db`, with the weights of `weights` and
 * whatever else they need. Every statement is prepared once per database
 * (see ledgerStatements): this runs in each group commit of a token poll,
 * where building the queries anew cost more than running them.
 */
export async function recordInLedger(
  db: Database,
  tx: Queries,
  ballots: readonly LedgerBallot[],
  weights: BallotWeights = BallotWeights.none,
): Promise<void> {
  if (ballots.length === 0) return;
  const all = await weights.with(db, tx, ballots);
  const ledger = new LedgerDeltas();
  for (const row of all.sums) ledger.knownWeight(row.pollId, row.optionId, row.cohort, BigInt(row.weight));
  // A ballot written twice in one batch was, the second time, what the first write made it.
  const latest = new Map<number, BallotWeight>();
  const updates: WeightUpdate[] = [];
  let moved = false;
  for (const ballot of ballots) {
    const after = all.of(ballot);
    if (!after) continue;
    const hour = Math.floor(ballot.now / HOUR_MS) * HOUR_MS;
    const before = ballot.before && { ...ballot.before, weight: latest.get(ballot.voteId) ?? ballot.before.weight };
    if (before) ledger.move(ballot.pollId, before.optionIds, before.weight, -1, hour);
    ledger.move(ballot.pollId, ballot.optionIds, after, 1, hour);
    moved = true;
    if (!sameWeight(latest.get(ballot.voteId) ?? ballot.stored, after)) {
      updates.push({
        voteId: ballot.voteId,
        cohort: after.cohort,
        weight: after.weight.toString(),
        sqrtWeight: after.sqrtWeight,
      });
    }
    latest.set(ballot.voteId, after);
  }
  if (!moved) return;
  await runPrepared(tx, [...(updates.length > 0 ? [setBallotWeights(db, updates)] : []), ...ledger.writes(db)]);
}

/** A ballot's new weight columns; `weight` is a decimal string. */
export interface WeightUpdate {
  voteId: number;
  cohort: CohortId;
  weight: string;
  sqrtWeight: number;
}

/** A voter whose balance a batch needs, at its poll's weighting snapshot. */
interface BalancePair {
  pollId: string;
  address: string;
}

/** The rows of the ledger's three upserts, as LedgerDeltas.writes sends them. */
interface VoterRow {
  pollId: string;
  cohort: CohortId;
  voters: number;
}
interface OptionRow {
  pollId: string;
  optionId: string;
  cohort: CohortId;
  votes: number;
  weight: string;
  sqrtWeight: number;
}
interface BucketRow {
  pollId: string;
  optionId: string;
  cohort: CohortId;
  hourStart: number;
  votes: number;
}
const voterRow = fieldOf<VoterRow>();
const optionRow = fieldOf<OptionRow>();
const bucketRow = fieldOf<BucketRow>();
const weightUpdate = (name: keyof WeightUpdate) => jsonValue(name);

/** Sets many ballots' weight columns in one UPDATE ... FROM: a join, not a subquery per row. */
export function setBallotWeights(db: Database, updates: readonly WeightUpdate[]): PreparedRun<unknown> {
  return [ledgerStatements(db).setWeights, { rows: JSON.stringify(updates) }];
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

  /** The three upserts, as runs of statements prepared on `db` (see runPrepared). */
  writes(db: Database): PreparedRun<unknown>[] {
    const voters = [...this.voters]
      .filter(([, n]) => n !== 0)
      .map(([k, voters]): VoterRow => {
        const [pollId = '', cohort] = split(k);
        return { pollId, cohort: cohort as CohortId, voters };
      });
    const options = [...this.options].map(([k, o]): OptionRow => {
      const [pollId = '', optionId = '', cohort] = split(k);
      return {
        pollId,
        optionId,
        cohort: cohort as CohortId,
        votes: o.votes,
        weight: ((this.weights.get(k) ?? 0n) + o.weight).toString(),
        sqrtWeight: o.sqrtWeight,
      };
    });
    const buckets = [...this.buckets]
      .filter(([, n]) => n !== 0)
      .map(([k, votes]): BucketRow => {
        const [pollId = '', optionId = '', cohort, hour] = split(k);
        return { pollId, optionId, cohort: cohort as CohortId, hourStart: Number(hour), votes };
      });
    const prepared = ledgerStatements(db);
    return [
      [prepared.addVoters, { rows: JSON.stringify(voters) }],
      [prepared.addOptions, { rows: JSON.stringify(options) }],
      [prepared.addBuckets, { rows: JSON.stringify(buckets) }],
    ];
  }
}

/** The ledger's statements, prepared once per database handle: a batch changes only their JSON parameters. */
const ledgerStatements = perDatabase((db) => {
  const rows = jsonRows(sql.placeholder('rows'));
  const inPolls = (column: AnySQLiteColumn) =>
    sql`${column} in (select value from ${jsonRows(sql.placeholder('polls'))})`;
  return {
    weighting: db
      .select({ id: polls.id, token: polls.weightingToken, supply: tokenSnapshots.supply })
      .from(polls)
      .leftJoin(
        tokenSnapshots,
        and(eq(tokenSnapshots.token, polls.token), eq(tokenSnapshots.block, polls.weightingBlock)),
      )
      .where(and(inPolls(polls.id), isNotNull(polls.weightingToken)))
      .prepare(),
    // (pollId, lower-case address) pairs, each with its balance at its poll's weighting snapshot.
    // Packed (see packedRecords): a row per ballot of the batch.
    balances: db
      .select({
        rows: packedRecords<{ pollId: string; address: string; balance: string }>({
          pollId: polls.id,
          address: tokenSnapshotBalances.address,
          balance: tokenSnapshotBalances.balance,
        }),
      })
      .from(jsonRows(sql.placeholder('pairs')))
      .innerJoin(polls, eq(polls.id, jsonValue<string>('pollId' satisfies keyof BalancePair)))
      .innerJoin(
        tokenSnapshots,
        and(eq(tokenSnapshots.token, polls.token), eq(tokenSnapshots.block, polls.weightingBlock)),
      )
      .innerJoin(
        tokenSnapshotBalances,
        and(
          eq(tokenSnapshotBalances.snapshotId, tokenSnapshots.id),
          eq(tokenSnapshotBalances.address, jsonValue<string>('address' satisfies keyof BalancePair)),
        ),
      )
      .prepare(),
    current: db
      .select({
        pollId: pollOptionCohorts.pollId,
        optionId: pollOptionCohorts.optionId,
        cohort: pollOptionCohorts.cohort,
        weight: pollOptionCohorts.weight,
      })
      .from(pollOptionCohorts)
      .where(inPolls(pollOptionCohorts.pollId))
      .prepare(),
    setWeights: db
      .update(votes)
      .set({ cohort: sql`w.cohort`, weight: sql`w.weight`, sqrtWeight: sql`w.sqrt_weight` })
      .from(
        sql`(select ${weightUpdate('voteId')} as vote_id, ${weightUpdate('cohort')} as cohort,
          ${weightUpdate('weight')} as weight, ${weightUpdate('sqrtWeight')} as sqrt_weight from ${rows}) as w`,
      )
      .where(sql`${votes.id} = w.vote_id`)
      .prepare(),
    addVoters: db
      .insert(pollCohorts)
      .select((qb) =>
        qb
          .select({
            pollId: voterRow('pollId', pollCohorts.pollId),
            cohort: voterRow('cohort', pollCohorts.cohort),
            voters: voterRow('voters', pollCohorts.voters),
          })
          .from(rows)
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: [pollCohorts.pollId, pollCohorts.cohort],
        set: { voters: sql`${pollCohorts.voters} + ${excluded(pollCohorts.voters)}` },
      })
      .prepare(),
    addOptions: db
      .insert(pollOptionCohorts)
      .select((qb) =>
        qb
          .select({
            pollId: optionRow('pollId', pollOptionCohorts.pollId),
            optionId: optionRow('optionId', pollOptionCohorts.optionId),
            cohort: optionRow('cohort', pollOptionCohorts.cohort),
            votes: optionRow('votes', pollOptionCohorts.votes),
            // The new sum, worked out exactly in JavaScript: SQLite integers cannot hold it.
            weight: optionRow('weight', pollOptionCohorts.weight),
            sqrtWeight: optionRow('sqrtWeight', pollOptionCohorts.sqrtWeight),
          })
          .from(rows)
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: [pollOptionCohorts.pollId, pollOptionCohorts.optionId, pollOptionCohorts.cohort],
        set: {
          votes: sql`${pollOptionCohorts.votes} + ${excluded(pollOptionCohorts.votes)}`,
          weight: excluded(pollOptionCohorts.weight),
          sqrtWeight: sql`${pollOptionCohorts.sqrtWeight} + ${excluded(pollOptionCohorts.sqrtWeight)}`,
        },
      })
      .prepare(),
    addBuckets: db
      .insert(cohortBuckets)
      .select((qb) =>
        qb
          .select({
            pollId: bucketRow('pollId', cohortBuckets.pollId),
            optionId: bucketRow('optionId', cohortBuckets.optionId),
            cohort: bucketRow('cohort', cohortBuckets.cohort),
            hourStart: bucketRow('hourStart', cohortBuckets.hourStart),
            votes: bucketRow('votes', cohortBuckets.votes),
          })
          .from(rows)
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: [cohortBuckets.pollId, cohortBuckets.cohort, cohortBuckets.hourStart, cohortBuckets.optionId],
        set: { votes: sql`${cohortBuckets.votes} + ${excluded(cohortBuckets.votes)}` },
      })
      .prepare(),
  };
});

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

function split(k: string): string[] {
  return k.split('\u0000');
}
