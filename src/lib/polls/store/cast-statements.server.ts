import { eq, sql } from 'drizzle-orm';
import { pollNetworkBallots, pollOptions, polls, voteBuckets, voteChoices, votes } from '../../../../db/schema.ts';
import { excluded, fieldOf, jsonRows, perDatabase, type Database } from '../../platform/db/db.server.ts';
import type { CohortId } from '../../cohorts/cohorts.ts';
import type { ChoiceRow } from './batch.ts';
import type { NetworkRow } from './batch-networks.ts';
import { COUNT_FIELDS } from './columns.ts';

/**
 * castVotes' statements, built once per database handle: a batch changes only
 * their parameters, so no SQL is built per vote. Rows go in as a JSON array
 * of objects (one parameter, however many rows), each named field read by
 * jsonField.
 */

/** A new ballot, as castVotes inserts it (insertBallots); `weight` is a decimal string. */
export interface BallotRow {
  pollId: string;
  voterId: string;
  now: number;
  address: string | null;
  cohort: CohortId;
  weight: string;
  sqrtWeight: number;
}

const ballot = fieldOf<BallotRow>();
const choice = fieldOf<ChoiceRow>();
const network = fieldOf<NetworkRow>();

export const castStatements = perDatabase((db) => ({
  ...ballotStatements(db),
  ...countStatements(db),
  ...networkStatements(db),
}));

/** Writing ballots and their choices. */
function ballotStatements(db: Database) {
  const rows = jsonRows(sql.placeholder('rows'));
  return {
    // Every new ballot in one statement; a conflict (this browser or this
    // wallet already voted, earlier or earlier in this batch) inserts nothing
    // and returns no row.
    insertBallots: db
      .insert(votes)
      .select((qb) =>
        qb
          .select({
            id: sql<number>`null`.as(votes.id.name),
            pollId: ballot('pollId', votes.pollId),
            voterId: ballot('voterId', votes.voterId),
            address: ballot('address', votes.address),
            createdAt: ballot('now', votes.createdAt),
            updatedAt: ballot('now', votes.updatedAt),
            // A token poll's ballot is weighed before it is inserted (see BallotWeights); any other is unverified.
            cohort: ballot('cohort', votes.cohort),
            weight: ballot('weight', votes.weight),
            sqrtWeight: ballot('sqrtWeight', votes.sqrtWeight),
          })
          .from(rows)
          // SQLite needs a WHERE to tell an upsert's ON CONFLICT from a join's ON.
          .where(sql`true`),
      )
      // No target: a conflict on either unique index (browser or wallet) means "already voted".
      .onConflictDoNothing()
      .returning({ id: votes.id, pollId: votes.pollId, voterId: votes.voterId })
      .prepare(),
    insertChoices: db
      .insert(voteChoices)
      .select((qb) =>
        qb
          .select({
            voteId: choice('voteId', voteChoices.voteId),
            pollId: choice('pollId', voteChoices.pollId),
            optionId: choice('optionId', voteChoices.optionId),
            createdAt: choice('createdAt', voteChoices.createdAt),
          })
          .from(rows),
      )
      .prepare(),
  };
}

/** Adding a batch's net votes to a poll's counts, overall and by hour. */
function countStatements(db: Database) {
  return {
    // Adds :deltas ({ optionId: change }) to the poll's options and returns every option's count,
    // changed or not: the counts the voters are answered with, read in the same statement.
    addOptionVotes: db
      .update(pollOptions)
      .set({
        votes: sql`${pollOptions.votes} + coalesce((select value from ${jsonRows(sql.placeholder('deltas'))}
          where key = ${pollOptions.optionId}), 0)`,
      })
      .where(eq(pollOptions.pollId, sql.placeholder('pollId')))
      .returning({ optionId: pollOptions.optionId, votes: pollOptions.votes })
      .prepare(),
    // :deltas as above, for the hour starting at :hour
    addBuckets: db
      .insert(voteBuckets)
      .select((qb) =>
        qb
          .select({
            pollId: sql<string>`${sql.placeholder('pollId')}`.as(voteBuckets.pollId.name),
            optionId: sql<string>`key`.as(voteBuckets.optionId.name),
            hourStart: sql<number>`${sql.placeholder('hour')}`.as(voteBuckets.hourStart.name),
            votes: sql<number>`value`.as(voteBuckets.votes.name),
          })
          .from(jsonRows(sql.placeholder('deltas')))
          .where(sql`value != 0`),
      )
      .onConflictDoUpdate({
        target: [voteBuckets.pollId, voteBuckets.hourStart, voteBuckets.optionId],
        set: { votes: sql`${voteBuckets.votes} + ${excluded(voteBuckets.votes)}` },
      })
      .prepare(),
    addPollTotals: db
      .update(polls)
      .set({
        totalVotes: sql`${polls.totalVotes} + ${sql.placeholder('ballots')}`,
        verifiedVotes: sql`${polls.verifiedVotes} + ${sql.placeholder('verified')}`,
        busyNetworkBallots: sql`${polls.busyNetworkBallots} + ${sql.placeholder('busyBallots')}`,
        busyNetworks: sql`${polls.busyNetworks} + ${sql.placeholder('busyNetworks')}`,
        version: sql`${polls.version} + 1`,
      })
      .where(eq(polls.id, sql.placeholder('pollId')))
      .returning(COUNT_FIELDS)
      .prepare(),
  };
}

/** The ballots counted by client network (see BatchNetworks). */
function networkStatements(db: Database) {
  return {
    // The counts of :keys ({ pollId, network } objects) as they stand, before a batch adds to them.
    networkBallots: db
      .select({
        pollId: pollNetworkBallots.pollId,
        network: pollNetworkBallots.network,
        ballots: pollNetworkBallots.ballots,
      })
      .from(pollNetworkBallots)
      .where(
        sql`(${pollNetworkBallots.pollId}, ${pollNetworkBallots.network}) in
          (select value ->> '$.pollId', value ->> '$.network' from ${jsonRows(sql.placeholder('keys'))})`,
      )
      .prepare(),
    // Adds :rows (NetworkRow objects) to the networks' counts.
    addNetworkBallots: db
      .insert(pollNetworkBallots)
      .select((qb) =>
        qb
          .select({
            pollId: network('pollId', pollNetworkBallots.pollId),
            network: network('network', pollNetworkBallots.network),
            ballots: network('ballots', pollNetworkBallots.ballots),
          })
          .from(jsonRows(sql.placeholder('rows')))
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: [pollNetworkBallots.pollId, pollNetworkBallots.network],
        set: { ballots: sql`${pollNetworkBallots.ballots} + ${excluded(pollNetworkBallots.ballots)}` },
      })
      .prepare(),
  };
}
