import { and, asc, desc, eq, getTableColumns, inArray, isNull, like, notInArray, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { getAddress } from 'viem';
import { pollNetworkBallots, pollOptions, polls, voteBuckets, voteChoices, votes } from '../../../db/schema.ts';
import {
  excluded,
  excludedValues,
  jsonField,
  jsonRows,
  perDatabase,
  PreparedBatch,
  runPrepared,
  writeTransaction,
  type Database,
  type Queries,
} from '../platform/db/db.server.ts';
import type { RateDecision } from '../rate-limit/limiter.ts';
import { buildHistory, HOUR_MS, type HistoryPoint, type VoteBucket } from './history.ts';
import type { PollOptionRecord, PollRecord } from './records.ts';
import { presentResults, sortForListing, type PollResults } from './results.ts';
import type { WeightingToken } from '../cohorts/ids.ts';
import { BallotWeights, recordInLedger, storedWeight, type LedgerBallot } from '../cohorts/ledger.server.ts';
import type { CohortId } from '../cohorts/cohorts.ts';
import { UNVERIFIED } from '../cohorts/weighting.ts';
import type { PollDefinition } from './schemas.ts';
import { findOrphanedVotes, importedBallots, type StoredPollCounts } from './sync.ts';
import { busyChange } from './networks.ts';
import { networkHasher, type NetworkHasher } from './networks.server.ts';

/**
 * Poll queries, through drizzle. Every function takes the database handle
 * first so tests pass a temp database. Writes that touch several rows run in
 * one BEGIN IMMEDIATE transaction (writeTransaction), so the write lock is
 * taken up front and concurrent writers queue instead of failing half-way.
 */

export class PollSyncError extends Error {
  override name = 'PollSyncError';
}

/** An option's columns but its poll id, which the poll it is read with already carries. */
const { pollId: _pollId, ...OPTION_FIELDS } = getTableColumns(pollOptions);

/** A ballot's wallet and what it weighs in the cohort ledger, read before a write changes it. */
const BALLOT_FIELDS = {
  id: votes.id,
  address: votes.address,
  cohort: votes.cohort,
  weight: votes.weight,
  sqrtWeight: votes.sqrtWeight,
};

/** A poll's counters, as a vote write leaves them (FreshCounts without the options). */
const COUNT_FIELDS = {
  totalVotes: polls.totalVotes,
  verifiedVotes: polls.verifiedVotes,
  version: polls.version,
  busyNetworkBallots: polls.busyNetworkBallots,
  busyNetworks: polls.busyNetworks,
};

/** A ballot's choice joined to the option it names. */
const CHOSEN_OPTION = and(eq(pollOptions.pollId, voteChoices.pollId), eq(pollOptions.optionId, voteChoices.optionId));

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

/** Current version of each poll, for cheap change detection by live subscribers. */
export async function pollVersions(db: Database, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: polls.id, version: polls.version })
    .from(polls)
    .where(inArray(polls.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.version]));
}

export type CastOutcome = 'created' | 'replaced' | 'already_voted';

/** Counts as they stand right after a ballot was written, read in the same transaction. */
export interface FreshCounts {
  totalVotes: number;
  verifiedVotes: number;
  version: number;
  /** polls.busyNetworkBallots and busyNetworks: always read with the rest, so one answer has one version. */
  busyNetworkBallots: number;
  busyNetworks: number;
  votes: Map<string, number>;
}

export type CastResult =
  | {
      outcome: CastOutcome;
      /** Null when nothing was written (already voted). */
      counts: FreshCounts | null;
    }
  | { outcome: 'rate_limited'; counts: null; retryAfterSeconds: number };

/** A rate limit counted inside the vote's own transaction (see DatabaseRateLimiter.countIn). */
export interface TransactionLimiter {
  countIn(tx: Queries, hits: readonly { key: string; now: number }[]): Promise<RateDecision[]>;
}

export interface CastVoteInput {
  pollId: string;
  voterId: string;
  /** The signed-in wallet (EIP-55) casting it, which then counts as verified; null or absent for anonymous. */
  address?: string | null;
  optionIds: readonly string[];
  now: number;
  allowChange: boolean;
  /** The poll has a token: the ballot also goes into its cohort ledger. */
  tokenPoll?: boolean;
  /**
   * The client's address, counted by castVotes' rate limiter when it has one, and for a new ballot without a
   * wallet in its network's count (poll_network_ballots).
   */
  clientKey?: string;
}

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

/** A ballot counted in its network's count if it is new: one cast without a wallet, by a known client. */
function countsByNetwork(input: CastVoteInput): boolean {
  return !input.address && input.clientKey !== undefined;
}

/** castVotes' work on its transaction `tx`, once the rate limit has let `inputs` through. */
async function castIn(
  db: Database,
  tx: Queries,
  inputs: readonly CastVoteInput[],
  hashNetwork: NetworkHasher | null,
): Promise<CastResult[]> {
  if (inputs.length === 0) return [];
  const prepared = castStatements(db);
  const changes = new Map<string, PollChange>();
  const changeOf = (pollId: string): PollChange => {
    let change = changes.get(pollId);
    if (!change) {
      changes.set(
        pollId,
        (change = { ballots: 0, verified: 0, busyBallots: 0, busyNetworks: 0, options: {}, hours: new Map() }),
      );
    }
    return change;
  };
  const networks = new BatchNetworks(inputs, hashNetwork);
  const outcomes: CastOutcome[] = [];
  const ledger: LedgerBallot[] = [];
  const choiceRows: ChoiceRow[] = [];
  const record = (input: CastVoteInput, voteId: number, previous: readonly string[]): void => {
    const poll = changeOf(input.pollId);
    const hour = Math.floor(input.now / HOUR_MS) * HOUR_MS;
    let hourDeltas = poll.hours.get(hour);
    if (!hourDeltas) poll.hours.set(hour, (hourDeltas = {}));
    const add = (optionId: string, n: number): void => {
      poll.options[optionId] = (poll.options[optionId] ?? 0) + n;
      hourDeltas[optionId] = (hourDeltas[optionId] ?? 0) + n;
    };
    for (const id of previous) add(id, -1);
    for (const id of input.optionIds) {
      choiceRows.push([voteId, input.pollId, id, input.now]);
      add(id, 1);
    }
  };

  // Token polls' ballots are inserted with their weight, read before the insert.
  const tokenVoters = inputs.filter((i) => i.tokenPoll).map((i) => ({ pollId: i.pollId, address: i.address ?? null }));
  const weights = tokenVoters.length > 0 ? await BallotWeights.none.with(db, tx, tokenVoters) : BallotWeights.none;
  const weightOf = inputs.map(
    (i) => (i.tokenPoll && weights.of({ pollId: i.pollId, address: i.address ?? null })) || UNVERIFIED,
  );
  const insert = [
    prepared.insertBallots,
    {
      rows: JSON.stringify(
        inputs.map((input, i) => {
          const { cohort, weight, sqrtWeight } = weightOf[i] ?? UNVERIFIED;
          return [input.pollId, input.voterId, input.now, input.address ?? null, cohort, weight.toString(), sqrtWeight];
        }),
      ),
    },
  ] as const;
  // The networks' counts before this batch come back in the insert's round trip; the write lock the
  // transaction holds keeps them so until it commits.
  const keys = networks.keys();
  const [inserted, counted] =
    keys === null
      ? [(await runPrepared(tx, [insert]))[0], []]
      : await runPrepared(tx, [insert, [prepared.networkBallots, { keys }]]);
  networks.before(counted);
  const newIds = new Map(inserted.map((r) => [`${r.pollId}\u0000${r.voterId}`, r.id]));

  for (const [i, input] of inputs.entries()) {
    const key = `${input.pollId}\u0000${input.voterId}`;
    const voteId = newIds.get(key);
    if (voteId !== undefined) {
      newIds.delete(key); // a repeat of this voter later in the batch is not new
      outcomes.push('created');
      const poll = changeOf(input.pollId);
      poll.ballots += 1;
      if (input.address) poll.verified += 1;
      networks.add(i);
      record(input, voteId, []);
      if (input.tokenPoll)
        ledger.push({
          ...ledgerFields(input, voteId),
          address: input.address ?? null,
          before: null,
          stored: weightOf[i] ?? UNVERIFIED,
        });
      continue;
    }
    if (!input.allowChange) {
      outcomes.push('already_voted');
      continue;
    }
    // Replacing a ballot is rare: its own statements are fine.
    if (choiceRows.length > 0)
      await runPrepared(tx, [[prepared.insertChoices, { rows: JSON.stringify(choiceRows.splice(0)) }]]);
    outcomes.push('replaced');
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
    const previous = await tx
      .delete(voteChoices)
      .where(eq(voteChoices.voteId, existing.id))
      .returning({ optionId: voteChoices.optionId });
    record(
      input,
      existing.id,
      previous.map((r) => r.optionId),
    );
    if (input.tokenPoll) {
      ledger.push({
        ...ledgerFields(input, existing.id),
        address: existing.address,
        before: { optionIds: previous.map((r) => r.optionId), weight: storedWeight(existing) },
        stored: storedWeight(existing),
      });
    }
  }
  if (changes.size === 0) return inputs.map(() => ({ outcome: 'already_voted' as const, counts: null }));

  // Everything left depends only on what is known now, so it goes to the
  // database in one round trip: on a libSQL server each statement of an
  // interactive transaction is a request, and the write lock is held for all
  // of them. A batch nearly always holds one poll; statements for one poll are
  // the cheapest SQLite runs.
  const batch = new PreparedBatch(tx);
  batch.add(prepared.insertChoices, { rows: JSON.stringify(choiceRows) });
  const networkRows = networks.added(changeOf);
  if (networkRows) batch.add(prepared.addNetworkBallots, { rows: networkRows });
  const read = [...changes].map(([pollId, change]) => {
    for (const [hour, deltas] of change.hours) {
      batch.add(prepared.addBuckets, { pollId, hour, deltas: JSON.stringify(deltas) });
    }
    return {
      pollId,
      totals: batch.add(prepared.addPollTotals, {
        pollId,
        ballots: change.ballots,
        verified: change.verified,
        busyBallots: change.busyBallots,
        busyNetworks: change.busyNetworks,
      }),
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
  await recordInLedger(db, tx, ledger, weights);
  return inputs.map((input, i) => {
    const outcome = outcomes[i] ?? 'already_voted';
    return { outcome, counts: outcome === 'already_voted' ? null : (counts.get(input.pollId) ?? null) };
  });
}

/**
 * A batch's new ballots without a wallet, by poll and client network: what
 * their networks counted before the batch, and what it adds. A batch mostly
 * comes from a few clients, so each address is hashed once.
 */
class BatchNetworks {
  /** Each input's `<pollId> NUL <network hash>`, or null when it is not counted by network. */
  private readonly of: (string | null)[];
  private readonly counts = new Map<string, { before: number; added: number }>();

  constructor(inputs: readonly CastVoteInput[], hash: NetworkHasher | null) {
    const hashed = new Map<string, string>();
    this.of = inputs.map((input) => {
      if (!hash || !countsByNetwork(input)) return null;
      const address = input.clientKey ?? '';
      let network = hashed.get(address);
      if (network === undefined) hashed.set(address, (network = hash(address)));
      const key = `${input.pollId}\u0000${network}`;
      if (!this.counts.has(key)) this.counts.set(key, { before: 0, added: 0 });
      return key;
    });
  }

  /** The [pollId, network] pairs whose counts to read, as JSON; null when no ballot is counted by network. */
  keys(): string | null {
    return this.counts.size === 0 ? null : JSON.stringify([...this.counts.keys()].map((k) => k.split('\u0000')));
  }

  before(rows: readonly { pollId: string; network: string; ballots: number }[]): void {
    for (const row of rows) {
      const count = this.counts.get(`${row.pollId}\u0000${row.network}`);
      if (count) count.before = row.ballots;
    }
  }

  /** Input `index` was recorded as a new ballot. */
  add(index: number): void {
    const key = this.of[index];
    const count = key ? this.counts.get(key) : undefined;
    if (count) count.added += 1;
  }

  /** Moves each poll's busy-network figures by what the batch added; the rows to add, as JSON, or null. */
  added(changeOf: (pollId: string) => PollChange): string | null {
    const rows: [string, string, number][] = [];
    for (const [key, { before, added }] of this.counts) {
      if (added === 0) continue;
      const [pollId = '', network = ''] = key.split('\u0000');
      const moved = busyChange(before, before + added);
      const poll = changeOf(pollId);
      poll.busyBallots += moved.ballots;
      poll.busyNetworks += moved.networks;
      rows.push([pollId, network, added]);
    }
    return rows.length === 0 ? null : JSON.stringify(rows);
  }
}

/** A chosen option, as castVotes writes it: [voteId, pollId, optionId, createdAt]. */
type ChoiceRow = [number, string, string, number];

/**
 * What one batch changes in one poll: new ballots, those from busy networks, and net votes per option
 * overall and per hour.
 */
interface PollChange {
  ballots: number;
  verified: number;
  busyBallots: number;
  busyNetworks: number;
  options: Record<string, number>;
  hours: Map<number, Record<string, number>>;
}

/**
 * castVotes' statements, built once per database handle: a batch changes only
 * their parameters, so no SQL is built per vote.
 */
const castStatements = perDatabase((db) => {
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
            pollId: jsonField<string>(0, votes.pollId),
            voterId: jsonField<string>(1, votes.voterId),
            address: jsonField<string | null>(3, votes.address),
            createdAt: jsonField<number>(2, votes.createdAt),
            updatedAt: jsonField<number>(2, votes.updatedAt),
            // A token poll's ballot is weighed before it is inserted (see BallotWeights); any other is unverified.
            cohort: jsonField<CohortId>(4, votes.cohort),
            weight: jsonField<string>(5, votes.weight),
            sqrtWeight: jsonField<number>(6, votes.sqrtWeight),
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
            voteId: jsonField<number>(0, voteChoices.voteId),
            pollId: jsonField<string>(1, voteChoices.pollId),
            optionId: jsonField<string>(2, voteChoices.optionId),
            createdAt: jsonField<number>(3, voteChoices.createdAt),
          })
          .from(rows),
      )
      .prepare(),
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
    // The counts of :keys ([pollId, network] pairs) as they stand, before a batch adds to them.
    networkBallots: db
      .select({
        pollId: pollNetworkBallots.pollId,
        network: pollNetworkBallots.network,
        ballots: pollNetworkBallots.ballots,
      })
      .from(pollNetworkBallots)
      .where(
        sql`(${pollNetworkBallots.pollId}, ${pollNetworkBallots.network}) in
          (select value ->> 0, value ->> 1 from ${jsonRows(sql.placeholder('keys'))})`,
      )
      .prepare(),
    // Adds :rows ([pollId, network, ballots]) to the networks' counts.
    addNetworkBallots: db
      .insert(pollNetworkBallots)
      .select((qb) =>
        qb
          .select({
            pollId: jsonField<string>(0, pollNetworkBallots.pollId),
            network: jsonField<string>(1, pollNetworkBallots.network),
            ballots: jsonField<number>(2, pollNetworkBallots.ballots),
          })
          .from(rows)
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: [pollNetworkBallots.pollId, pollNetworkBallots.network],
        set: { ballots: sql`${pollNetworkBallots.ballots} + ${excluded(pollNetworkBallots.ballots)}` },
      })
      .prepare(),
  };
});

function ledgerFields(
  input: CastVoteInput,
  voteId: number,
): Pick<LedgerBallot, 'pollId' | 'voteId' | 'optionIds' | 'now'> {
  return { pollId: input.pollId, voteId, optionIds: input.optionIds, now: input.now };
}

/** Records one ballot in its own transaction; see castVotes. */
export async function castVote(db: Database, input: CastVoteInput, limiter?: TransactionLimiter): Promise<CastResult> {
  const [result] = await castVotes(db, [input], limiter);
  if (!result) throw new Error('castVotes returned no result');
  return result;
}

/** Net votes per option per hour, for the sentiment-over-time chart. */
export async function getVoteBuckets(db: Database, pollId: string): Promise<VoteBucket[]> {
  return db
    .select({ optionId: voteBuckets.optionId, hourStart: voteBuckets.hourStart, votes: voteBuckets.votes })
    .from(voteBuckets)
    .where(eq(voteBuckets.pollId, pollId))
    .orderBy(voteBuckets.hourStart);
}

/**
 * Makes the database match the poll definitions in src/content/polls. Refuses,
 * changing nothing, when an edit would orphan votes (see findOrphanedVotes).
 */
export async function syncPollDefinitions(
  db: Database,
  definitions: readonly PollDefinition[],
  tokens: (symbol: string) => WeightingToken | null = () => null,
): Promise<void> {
  await writeTransaction(db, async (tx) => {
    const [storedPolls, storedOptions] = await tx.batch([
      tx
        .select({
          id: polls.id,
          cast: sql<number>`${polls.totalVotes} - ${polls.importedTotal}`,
          publicBallots: polls.publicBallots,
        })
        .from(polls),
      tx
        .select({
          pollId: pollOptions.pollId,
          optionId: pollOptions.optionId,
          castVotes: sql<number>`${pollOptions.votes} - ${pollOptions.importedVotes}`,
        })
        .from(pollOptions),
    ]);
    const stored: StoredPollCounts[] = storedPolls.map((p) => ({
      id: p.id,
      castBallots: p.cast,
      options: storedOptions.filter((o) => o.pollId === p.id),
    }));
    const problems = findOrphanedVotes(definitions, stored);
    // Voters were told before voting whether their ballots would be published; that cannot change under them.
    for (const d of definitions) {
      const before = storedPolls.find((p) => p.id === d.id);
      if (before && before.cast > 0 && before.publicBallots !== d.publicBallots) {
        problems.push(`${d.id}: publicBallots cannot change once ballots exist (it was ${before.publicBallots})`);
      }
    }
    if (problems.length > 0) {
      throw new PollSyncError(`poll definitions would orphan votes:\n- ${problems.join('\n- ')}`);
    }

    const writes: BatchItem<'sqlite'>[] = [];
    for (const d of definitions) {
      const imported = importedBallots(d);
      writes.push(
        tx
          .insert(polls)
          .values({
            id: d.id,
            question: d.question,
            questionLabels: d.questionLabels ?? {},
            kind: d.kind,
            maxChoices: d.kind === 'single' ? 1 : (d.maxChoices ?? d.options.length),
            opensAt: d.opensAt.getTime(),
            closesAt: d.closesAt?.getTime() ?? null,
            voters: d.voters,
            results: d.results,
            allowChange: d.allowChange,
            token: d.token ?? null,
            weighting: d.weighting === undefined ? 'open' : 'block' in d.weighting ? 'block' : 'latest',
            weightingPin: d.weighting && 'block' in d.weighting ? d.weighting.block : null,
            weightingToken: d.token ? tokens(d.token) : null,
            publicBallots: d.publicBallots,
            resolution: d.resolution ?? null,
            source: d.source
              ? {
                  name: d.source.name,
                  ...(d.source.url ? { url: d.source.url } : {}),
                  ...(d.source.capturedAt ? { capturedAt: d.source.capturedAt.toISOString() } : {}),
                }
              : null,
            importedTotal: imported,
            totalVotes: imported,
            version: 1,
          })
          .onConflictDoUpdate({
            target: polls.id,
            set: {
              ...excludedValues(polls, [
                'question',
                'questionLabels',
                'kind',
                'maxChoices',
                'opensAt',
                'closesAt',
                'voters',
                'results',
                'allowChange',
                'token',
                'weighting',
                'weightingPin',
                'weightingToken',
                'publicBallots',
                'resolution',
                'source',
                'importedTotal',
              ]),
              totalVotes: sql`${polls.totalVotes} - ${polls.importedTotal} + ${excluded(polls.importedTotal)}`,
              version: sql`${polls.version} + 1`,
            },
          }),
      );
      d.options.forEach((o, position) => {
        writes.push(
          tx
            .insert(pollOptions)
            .values({
              pollId: d.id,
              optionId: o.id,
              position,
              label: o.label,
              labels: o.labels ?? {},
              importedVotes: o.importedVotes,
              votes: o.importedVotes,
            })
            .onConflictDoUpdate({
              target: [pollOptions.pollId, pollOptions.optionId],
              set: {
                ...excludedValues(pollOptions, ['position', 'label', 'labels', 'importedVotes']),
                votes: sql`${pollOptions.votes} - ${pollOptions.importedVotes} + ${excluded(pollOptions.importedVotes)}`,
              },
            }),
        );
      });
      // Options without cast votes may go (findOrphanedVotes checked the others).
      writes.push(
        tx.delete(pollOptions).where(
          and(
            eq(pollOptions.pollId, d.id),
            notInArray(
              pollOptions.optionId,
              d.options.map((o) => o.id),
            ),
          ),
        ),
      );
    }
    writes.push(
      tx.delete(polls).where(
        notInArray(
          polls.id,
          definitions.map((d) => d.id),
        ),
      ),
    );
    await tx.batch(writes as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);

    // Wallet-only ballots from before votes.address existed name their wallet only in the voter id.
    const legacy = await tx
      .select({ id: votes.id, voterId: votes.voterId })
      .from(votes)
      .innerJoin(polls, eq(polls.id, votes.pollId))
      .where(and(eq(polls.voters, 'wallet'), like(votes.voterId, 'wallet:0x%'), isNull(votes.address)));
    for (const ballot of legacy) {
      const address = getAddress(ballot.voterId.slice('wallet:'.length));
      await tx.update(votes).set({ address }).where(eq(votes.id, ballot.id));
    }
  });
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
  const results = await Promise.all(
    polls.map(async (poll) => presentResults(poll, await getReaderBallot(db, poll, reader), now)),
  );
  return sortForListing(results);
}

/** A poll's current counts in one single-row statement (cheaper than re-reading the poll). */
export async function getPollCounts(db: Database, pollId: string): Promise<FreshCounts | null> {
  return (await statements(db).counts.get({ id: pollId })) ?? null;
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
    if (ballot.address === null) {
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
    const [[poll], options] = await tx.batch([
      tx.select(COUNT_FIELDS).from(polls).where(eq(polls.id, input.pollId)),
      tx
        .select({ optionId: pollOptions.optionId, votes: pollOptions.votes })
        .from(pollOptions)
        .where(eq(pollOptions.pollId, input.pollId)),
    ]);
    if (!poll) return { ok: false, error: 'no_ballot' };
    return { ok: true, counts: { ...poll, votes: new Map(options.map((o) => [o.optionId, o.votes])) } };
  });
}
