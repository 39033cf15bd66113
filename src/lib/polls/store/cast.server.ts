import { and, eq, or, sql } from 'drizzle-orm';
import { voteChoices, votes } from '../../../../db/schema.ts';
import {
  PreparedBatch,
  runPrepared,
  writeTransaction,
  type Database,
  type Queries,
} from '../../platform/db/db.server.ts';
import type { RateDecision } from '../../rate-limit/limiter.ts';
import { BallotWeights, recordInLedger, storedWeight, type LedgerBallot } from '../../cohorts/ledger.server.ts';
import { UNVERIFIED, type BallotWeight } from '../../cohorts/weighting.ts';
import { networkHasher, type NetworkHasher } from '../networks.server.ts';
import { BatchChanges } from './batch.ts';
import { BatchNetworks } from './batch-networks.ts';
import { castStatements, type BallotRow } from './cast-statements.server.ts';
import {
  countsByNetwork,
  type CastOutcome,
  type CastResult,
  type CastVoteInput,
  type FreshCounts,
  type TransactionLimiter,
} from './cast-types.ts';
import { BALLOT_FIELDS } from './columns.ts';

/**
 * Records ballots, all in one BEGIN IMMEDIATE transaction (group commit: the
 * callers of one batch share a single commit, which is most of a write's
 * cost). The unique (poll_id, voter_id) index decides who voted first: each
 * insert conflicts instead of being checked beforehand, so two simultaneous
 * ballots from one voter never both count, in one batch or across batches.
 * Counts, hourly buckets and poll versions change in the same transaction,
 * and each result carries its poll's counts as that transaction left them.
 */
export async function castVotes(
  db: Database,
  inputs: readonly CastVoteInput[],
  limiter?: TransactionLimiter,
): Promise<CastResult[]> {
  const hashNetwork = inputs.some(countsByNetwork) ? await networkHasher(db) : null;
  return writeTransaction(db, async (tx) => {
    if (!limiter) return castIn(db, tx, inputs, hashNetwork);
    // The inputs' rate-limit hits are counted in the same transaction: refused ones are not cast,
    // and the counts roll back with the ballots if the batch fails.
    const refused = await refusedByLimit(tx, inputs, limiter);
    if (refused.size === 0) return castIn(db, tx, inputs, hashNetwork);
    const cast = await castIn(
      db,
      tx,
      inputs.filter((i) => !refused.has(i)),
      hashNetwork,
    );
    let next = 0;
    return inputs.map((input): CastResult => {
      const decision = refused.get(input);
      if (decision) return { outcome: 'rate_limited', counts: null, retryAfterSeconds: decision.retryAfterSeconds };
      return cast[next++] ?? { outcome: 'already_voted', counts: null };
    });
  });
}

/** Records one ballot in its own transaction; see castVotes. */
export async function castVote(db: Database, input: CastVoteInput, limiter?: TransactionLimiter): Promise<CastResult> {
  const [result] = await castVotes(db, [input], limiter);
  if (!result) throw new Error('castVotes returned no result');
  return result;
}

/** Counts the inputs' rate-limit hits in `tx`: the inputs refused, with the limiter's decision. */
async function refusedByLimit(
  tx: Queries,
  inputs: readonly CastVoteInput[],
  limiter: TransactionLimiter,
): Promise<Map<CastVoteInput, RateDecision>> {
  const limited = inputs.filter((i) => i.clientKey !== undefined);
  const decisions = await limiter.countIn(
    tx,
    limited.map((i) => ({ key: i.clientKey ?? '', now: i.now })),
  );
  const refused = new Map<CastVoteInput, RateDecision>();
  limited.forEach((input, i) => {
    const decision = decisions[i];
    if (decision && !decision.allowed) refused.set(input, decision);
  });
  return refused;
}

/** One castIn run: its transaction, statements, and what the batch has changed so far. */
interface CastRun {
  db: Database;
  tx: Queries;
  prepared: ReturnType<typeof castStatements>;
  changes: BatchChanges;
  networks: BatchNetworks;
  ledger: LedgerBallot[];
}

/** castVotes' work on its transaction `tx`, once the rate limit has let `inputs` through. */
async function castIn(
  db: Database,
  tx: Queries,
  inputs: readonly CastVoteInput[],
  hashNetwork: NetworkHasher | null,
): Promise<CastResult[]> {
  if (inputs.length === 0) return [];
  const run: CastRun = {
    db,
    tx,
    prepared: castStatements(db),
    changes: new BatchChanges(),
    networks: new BatchNetworks(inputs, hashNetwork),
    ledger: [],
  };
  const { weights, weightOf } = await weighBallots(db, tx, inputs);
  const newIds = await insertBallots(run, inputs, weightOf);
  const outcomes: CastOutcome[] = [];
  for (const [i, input] of inputs.entries()) {
    const key = `${input.pollId}\u0000${input.voterId}`;
    const voteId = newIds.get(key);
    if (voteId !== undefined) {
      newIds.delete(key); // a repeat of this voter later in the batch is not new
      recordNew(run, input, i, voteId, weightOf[i] ?? UNVERIFIED);
      outcomes.push('created');
    } else if (input.allowChange) {
      await replaceBallot(run, input);
      outcomes.push('replaced');
    } else {
      outcomes.push('already_voted');
    }
  }
  if (run.changes.polls.size === 0) return inputs.map(() => ({ outcome: 'already_voted' as const, counts: null }));
  const counts = await writeCounts(run);
  await recordInLedger(db, tx, run.ledger, weights);
  return inputs.map((input, i) => {
    const outcome = outcomes[i] ?? 'already_voted';
    return { outcome, counts: outcome === 'already_voted' ? null : (counts.get(input.pollId) ?? null) };
  });
}

/** Token polls' ballots are inserted with their weight, read before the insert; any other is unverified. */
async function weighBallots(
  db: Database,
  tx: Queries,
  inputs: readonly CastVoteInput[],
): Promise<{ weights: BallotWeights; weightOf: BallotWeight[] }> {
  const tokenVoters = inputs.filter((i) => i.tokenPoll).map((i) => ({ pollId: i.pollId, address: i.address ?? null }));
  const weights = tokenVoters.length > 0 ? await BallotWeights.none.with(db, tx, tokenVoters) : BallotWeights.none;
  const weightOf = inputs.map(
    (i) => (i.tokenPoll && weights.of({ pollId: i.pollId, address: i.address ?? null })) || UNVERIFIED,
  );
  return { weights, weightOf };
}

/**
 * Inserts every input's ballot unless its voter already has one; the new
 * ballots' ids by `<pollId> NUL <voterId>`.
 */
async function insertBallots(
  run: CastRun,
  inputs: readonly CastVoteInput[],
  weightOf: readonly BallotWeight[],
): Promise<Map<string, number>> {
  const rows = inputs.map((input, i): BallotRow => {
    const { cohort, weight, sqrtWeight } = weightOf[i] ?? UNVERIFIED;
    const { pollId, voterId, now } = input;
    return { pollId, voterId, now, address: input.address ?? null, cohort, weight: weight.toString(), sqrtWeight };
  });
  const insert = [run.prepared.insertBallots, { rows: JSON.stringify(rows) }] as const;
  // The networks' counts before this batch come back in the insert's round trip; the write lock the
  // transaction holds keeps them so until it commits.
  const keys = run.networks.keys();
  const [inserted, counted] =
    keys === null
      ? [(await runPrepared(run.tx, [insert]))[0], []]
      : await runPrepared(run.tx, [insert, [run.prepared.networkBallots, { keys }]]);
  run.networks.before(counted);
  return new Map(inserted.map((r) => [`${r.pollId}\u0000${r.voterId}`, r.id]));
}

/** Input `index`, inserted as ballot `voteId`: counted as a new ballot. */
function recordNew(run: CastRun, input: CastVoteInput, index: number, voteId: number, weight: BallotWeight): void {
  const poll = run.changes.of(input.pollId);
  poll.ballots += 1;
  if (input.address) poll.verified += 1;
  run.networks.add(index);
  run.changes.record(input, voteId, []);
  if (input.tokenPoll) {
    run.ledger.push({ ...ledgerFields(input, voteId), address: input.address ?? null, before: null, stored: weight });
  }
}

/** A voter's earlier ballot, changed to `input`'s choices. Replacing a ballot is rare: its own statements are fine. */
async function replaceBallot(run: CastRun, input: CastVoteInput): Promise<void> {
  const { tx, prepared } = run;
  const choices = run.changes.takeChoices();
  if (choices.length > 0) await runPrepared(tx, [[prepared.insertChoices, { rows: JSON.stringify(choices) }]]);
  // The wallet's ballot if it has one, else this browser's.
  const [existing] = await tx
    .select(BALLOT_FIELDS)
    .from(votes)
    .where(
      and(
        eq(votes.pollId, input.pollId),
        input.address
          ? or(eq(votes.address, input.address), eq(votes.voterId, input.voterId))
          : eq(votes.voterId, input.voterId),
      ),
    )
    .orderBy(sql`${votes.address} is not null desc`)
    .limit(1);
  if (!existing) throw new Error(`ballot of ${input.voterId} in ${input.pollId} vanished`);
  await tx.update(votes).set({ updatedAt: input.now }).where(eq(votes.id, existing.id));
  const previous = (
    await tx
      .delete(voteChoices)
      .where(eq(voteChoices.voteId, existing.id))
      .returning({ optionId: voteChoices.optionId })
  ).map((r) => r.optionId);
  run.changes.record(input, existing.id, previous);
  if (input.tokenPoll) {
    run.ledger.push({
      ...ledgerFields(input, existing.id),
      address: existing.address,
      before: { optionIds: previous, weight: storedWeight(existing) },
      stored: storedWeight(existing),
    });
  }
}

/**
 * Writes the batch's choices and counts and reads each poll's counts back.
 * Everything left depends only on what is known now, so it goes to the
 * database in one round trip: on a libSQL server each statement of an
 * interactive transaction is a request, and the write lock is held for all
 * of them. A batch nearly always holds one poll; statements for one poll are
 * the cheapest SQLite runs.
 */
async function writeCounts(run: CastRun): Promise<Map<string, FreshCounts>> {
  const { prepared, changes } = run;
  const batch = new PreparedBatch(run.tx);
  batch.add(prepared.insertChoices, { rows: JSON.stringify(changes.takeChoices()) });
  const networkRows = run.networks.added(changes);
  if (networkRows) batch.add(prepared.addNetworkBallots, { rows: networkRows });
  const read = [...changes.polls].map(([pollId, change]) => {
    for (const [hour, deltas] of change.hours) {
      batch.add(prepared.addBuckets, { pollId, hour, deltas: JSON.stringify(deltas) });
    }
    const { ballots, verified, busyBallots, busyNetworks } = change;
    return {
      pollId,
      totals: batch.add(prepared.addPollTotals, { pollId, ballots, verified, busyBallots, busyNetworks }),
      options: batch.add(prepared.addOptionVotes, { pollId, deltas: JSON.stringify(change.options) }),
    };
  });
  await batch.run();
  const counts = new Map<string, FreshCounts>();
  for (const { pollId, totals, options } of read) {
    const [poll] = totals();
    if (!poll) throw new Error(`poll ${pollId} vanished while voting`);
    counts.set(pollId, { ...poll, votes: new Map(options().map((o) => [o.optionId, o.votes])) });
  }
  return counts;
}

function ledgerFields(
  input: CastVoteInput,
  voteId: number,
): Pick<LedgerBallot, 'pollId' | 'voteId' | 'optionIds' | 'now'> {
  return { pollId: input.pollId, voteId, optionIds: input.optionIds, now: input.now };
}
