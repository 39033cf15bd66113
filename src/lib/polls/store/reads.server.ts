import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { union } from 'drizzle-orm/sqlite-core';
import { pollOptions, polls, voteBuckets, voteChoices, votes } from '../../../../db/schema.ts';
import { perDatabase, type Database } from '../../platform/db/db.server.ts';
import { buildHistory, type HistoryPoint, type VoteBucket } from '../history.ts';
import type { PollOptionRecord, PollRecord } from '../records.ts';
import { presentResults, sortForListing, type PollResults } from '../results.ts';
import type { FreshCounts } from './cast-types.ts';
import { CHOSEN_OPTION, COUNT_FIELDS, OPTION_FIELDS } from './columns.ts';

/**
 * Reading polls, their counts and a reader's ballot, through drizzle. Every
 * function takes the database handle first so tests pass a temp database.
 */

/** The hot reads, prepared once per database handle. */
const statements = perDatabase((db) => ({
  poll: db
    .select({ poll: polls, option: OPTION_FIELDS })
    .from(polls)
    .innerJoin(pollOptions, eq(pollOptions.pollId, polls.id))
    .where(eq(polls.id, sql.placeholder('id')))
    .orderBy(pollOptions.position)
    .prepare(),
  ballot: db
    .select({ optionId: voteChoices.optionId })
    .from(votes)
    .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
    .innerJoin(pollOptions, CHOSEN_OPTION)
    .where(and(eq(votes.pollId, sql.placeholder('pollId')), eq(votes.voterId, sql.placeholder('voterId'))))
    .orderBy(pollOptions.position)
    .prepare(),
  // A signed-in reader's ballot is their wallet's, or else this browser's if no wallet claimed it;
  // an anonymous reader's is this browser's.
  readerBallot: db
    .select({ voteId: votes.id, address: votes.address, optionId: voteChoices.optionId, pollVersion: polls.version })
    .from(votes)
    .innerJoin(polls, eq(polls.id, votes.pollId))
    .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
    .innerJoin(pollOptions, CHOSEN_OPTION)
    .where(
      and(
        eq(votes.pollId, sql.placeholder('pollId')),
        sql`(${votes.address} = ${sql.placeholder('address')} or (${votes.voterId} = ${sql.placeholder('voterId')}
          and (${sql.placeholder('address')} is null or ${votes.address} is null)))`,
      ),
    )
    .orderBy(sql`${votes.address} is not null desc`, votes.id, pollOptions.position)
    .prepare(),
  // One single-row statement: cheaper than re-reading the poll with its options. The subquery
  // takes the id as a parameter: drizzle leaves columns unqualified in a one-table select.
  counts: db
    .select({
      ...COUNT_FIELDS,
      votes: sql<Map<string, number>>`(select json_group_object(${pollOptions.optionId}, ${pollOptions.votes})
        from ${pollOptions} where ${pollOptions.pollId} = ${sql.placeholder('id')})`.mapWith(
        (json: string | null) => new Map(Object.entries(JSON.parse(json ?? '{}') as Record<string, number>)),
      ),
    })
    .from(polls)
    .where(eq(polls.id, sql.placeholder('id')))
    .prepare(),
}));

/** One poll with its options, read by primary key in one statement: cost does not grow with votes. */
export async function getPoll(db: Database, id: string): Promise<PollRecord | null> {
  const rows = await statements(db).poll.all({ id });
  const first = rows[0];
  return first ? { ...first.poll, options: rows.map((r) => r.option) } : null;
}

export async function listPolls(db: Database): Promise<PollRecord[]> {
  const [all, options] = await Promise.all([
    db.select().from(polls).orderBy(polls.id),
    db.select().from(pollOptions).orderBy(pollOptions.pollId, pollOptions.position),
  ]);
  const byPoll = new Map<string, PollOptionRecord[]>();
  for (const { pollId, ...option } of options) {
    const list = byPoll.get(pollId) ?? [];
    list.push(option);
    byPoll.set(pollId, list);
  }
  return all.map((poll) => ({ ...poll, options: byPoll.get(poll.id) ?? [] }));
}

/** The options a voter chose in a poll, or null if they have not voted. */
export async function getBallot(db: Database, pollId: string, voterId: string): Promise<string[] | null> {
  const rows = await statements(db).ballot.all({ pollId, voterId });
  return rows.length === 0 ? null : rows.map((r) => r.optionId);
}

/** The ballot a reader's results show as theirs, and whether a wallet stands behind it. */
export interface ReaderBallot {
  optionIds: string[];
  verified: boolean;
  /** The poll's version when the ballot was read: counts at least this new include it. */
  pollVersion: number;
}

export interface Reader {
  /** The browser's voter cookie, or null. */
  voterId: string | null;
  /** The signed-in wallet (EIP-55), or null. */
  address: string | null;
}

/**
 * The reader's ballot: in a wallet-only poll the signed-in wallet's; in
 * others the wallet's if it has voted, else this browser's unless another
 * wallet claimed it.
 */
export async function getReaderBallot(
  db: Database,
  poll: Pick<PollRecord, 'id' | 'voters'>,
  reader: Reader,
): Promise<ReaderBallot | null> {
  if (poll.voters === 'wallet' && reader.address === null) return null;
  if (reader.voterId === null && reader.address === null) return null;
  const rows = await statements(db).readerBallot.all({
    pollId: poll.id,
    address: reader.address,
    voterId: poll.voters === 'wallet' ? null : reader.voterId,
  });
  const first = rows[0];
  if (!first) return null;
  const mine = rows.filter((r) => r.voteId === first.voteId);
  return { optionIds: mine.map((r) => r.optionId), verified: first.address !== null, pollVersion: first.pollVersion };
}

/**
 * getReaderBallot's rule for every poll of a list in one statement: the wallet's ballots, and this browser's
 * where the poll counts them. Each half is an equality on one of the unique indexes, so it costs an index
 * lookup per poll however many ballots there are; one OR over both leaves SQLite free to walk a poll's ballots.
 */
export function readerBallotsQuery(db: Database, pollIds: readonly string[]) {
  const address = sql.placeholder('address');
  const half = (match: SQL) =>
    db
      .select({
        pollId: votes.pollId,
        voteId: votes.id,
        address: votes.address,
        optionId: voteChoices.optionId,
        position: pollOptions.position,
        pollVersion: polls.version,
      })
      .from(polls)
      .innerJoin(votes, and(eq(votes.pollId, polls.id), match))
      .innerJoin(voteChoices, eq(voteChoices.voteId, votes.id))
      .innerJoin(pollOptions, CHOSEN_OPTION)
      .where(inArray(polls.id, [...pollIds]));
  // A ballot both halves find (the wallet's, cast in this browser) comes once: union, not union all.
  return union(
    half(sql`${votes.address} = ${address}`),
    half(
      sql`${polls.voters} <> 'wallet' and ${votes.voterId} = ${sql.placeholder('voterId')}
        and (${address} is null or ${votes.address} is null)`,
    ),
  );
}

/**
 * The statement, prepared once per list of polls (which changes only when a poll is added): built and
 * compiled per request, it cost /polls/ more than the reads it saved. A few lists at most are kept.
 */
const readerBallotStatements = perDatabase(
  () => new Map<string, ReturnType<ReturnType<typeof readerBallotsQuery>['prepare']>>(),
);

/** The reader's ballot in each of these polls (getReaderBallot's rule), in one statement; absent where none. */
export async function getReaderBallots(
  db: Database,
  pollIds: readonly string[],
  reader: Reader,
): Promise<Map<string, ReaderBallot>> {
  const ballots = new Map<string, ReaderBallot>();
  if (pollIds.length === 0 || (reader.voterId === null && reader.address === null)) return ballots;
  const kept = readerBallotStatements(db);
  const key = pollIds.join('\n');
  let statement = kept.get(key);
  if (!statement) {
    if (kept.size >= 8) kept.clear();
    statement = readerBallotsQuery(db, pollIds).prepare();
    kept.set(key, statement);
  }
  const rows = await statement.all({ address: reader.address, voterId: reader.voterId });
  // The wallet's ballot first in each poll: that one is the reader's.
  rows.sort(
    (a, b) =>
      a.pollId.localeCompare(b.pollId) ||
      Number(b.address !== null) - Number(a.address !== null) ||
      a.voteId - b.voteId ||
      a.position - b.position,
  );
  const ballotIds = new Map<string, number>();
  for (const row of rows) {
    const ballot = ballots.get(row.pollId);
    if (!ballot) {
      ballotIds.set(row.pollId, row.voteId);
      ballots.set(row.pollId, {
        optionIds: [row.optionId],
        verified: row.address !== null,
        pollVersion: row.pollVersion,
      });
    } else if (ballotIds.get(row.pollId) === row.voteId) ballot.optionIds.push(row.optionId);
  }
  return ballots;
}

/** Current version of each poll, for cheap change detection by live subscribers. */
export async function pollVersions(db: Database, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: polls.id, version: polls.version })
    .from(polls)
    .where(inArray(polls.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.version]));
}

/** Net votes per option per hour, for the sentiment-over-time chart. */
export async function getVoteBuckets(db: Database, pollId: string): Promise<VoteBucket[]> {
  return db
    .select({ optionId: voteBuckets.optionId, hourStart: voteBuckets.hourStart, votes: voteBuckets.votes })
    .from(voteBuckets)
    .where(eq(voteBuckets.pollId, pollId))
    .orderBy(voteBuckets.hourStart);
}

/** Each option's cumulative votes and share at the end of every hour or day with votes. */
export async function getPollHistory(db: Database, poll: PollRecord, period: 'hour' | 'day'): Promise<HistoryPoint[]> {
  // Imported results are placed when they were captured, else when the poll closed or opened.
  const importedAt = poll.source?.capturedAt ? Date.parse(poll.source.capturedAt) : (poll.closesAt ?? poll.opensAt);
  return buildHistory(
    poll.options.map((o) => o.optionId),
    poll.options.map((o) => o.importedVotes),
    poll.importedTotal > 0 ? importedAt : null,
    await getVoteBuckets(db, poll.id),
    period,
  );
}

/** A poll and what this reader may see of it (their own ballot included), or null for an unknown poll. */
export async function getPollForReader(
  db: Database,
  pollId: string,
  reader: Reader,
  now: number,
): Promise<{ poll: PollRecord; results: PollResults } | null> {
  const poll = await getPoll(db, pollId);
  if (!poll) return null;
  return { poll, results: presentResults(poll, await getReaderBallot(db, poll, reader), now) };
}

/** Every poll as this reader may see it, open first. */
export async function listPollsForReader(db: Database, reader: Reader, now: number): Promise<PollResults[]> {
  const polls = await listPolls(db);
  const ballots = await getReaderBallots(
    db,
    polls.map((poll) => poll.id),
    reader,
  );
  return sortForListing(polls.map((poll) => presentResults(poll, ballots.get(poll.id) ?? null, now)));
}

/** A poll's current counts in one single-row statement (cheaper than re-reading the poll). */
export async function getPollCounts(db: Database, pollId: string): Promise<FreshCounts | null> {
  return (await statements(db).counts.get({ id: pollId })) ?? null;
}
