import { and, eq, getTableColumns, inArray, isNull, like, notInArray, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { getAddress } from 'viem';
import { pollOptions, polls, voteBuckets, voteChoices, votes } from '../../../db/schema.ts';
import {
  excluded,
  excludedValues,
  jsonField,
  jsonRows,
  perDatabase,
  writeTransaction,
  type Database,
  type Queries,
} from '../server/db.server.ts';
import { buildHistory, HOUR_MS, type HistoryPoint, type VoteBucket } from './history.ts';
import type { PollOptionRecord, PollRecord } from './records.ts';
import { presentResults, sortForListing, type PollResults } from './results.ts';
import { WEIGHT_KEY_ZERO, type WeightingToken } from '../cohorts/ids.ts';
import { recordInLedger, storedWeight, type LedgerBallot } from '../cohorts/ledger.server.ts';
import type { PollDefinition } from './schemas.ts';
import { findOrphanedVotes, importedBallots, type StoredPollCounts } from './sync.ts';

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
    .innerJoin(
      pollOptions,
      and(eq(pollOptions.pollId, voteChoices.pollId), eq(pollOptions.optionId, voteChoices.optionId)),
    )
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
    .innerJoin(
      pollOptions,
      and(eq(pollOptions.pollId, voteChoices.pollId), eq(pollOptions.optionId, voteChoices.optionId)),
    )
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
      totalVotes: polls.totalVotes,
      verifiedVotes: polls.verifiedVotes,
      version: polls.version,
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
  votes: Map<string, number>;
}

export interface CastResult {
  outcome: CastOutcome;
  /** Null when nothing was written (already voted). */
  counts: FreshCounts | null;
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
export async function castVotes(db: Database, inputs: readonly CastVoteInput[]): Promise<CastResult[]> {
  return writeTransaction(db, async (tx) => {
    // "poll\0option" -> net change; "poll\0hour\0option" -> net change
    const deltas = new Map<string, number>();
    const buckets = new Map<string, number>();
    // poll -> new ballots; poll -> new ballots cast by a wallet
    const ballots = new Map<string, number>();
    const verified = new Map<string, number>();
    const add = (map: Map<string, number>, key: string, n: number): void => {
      map.set(key, (map.get(key) ?? 0) + n);
    };
    const outcomes: CastOutcome[] = [];
    const ledger: LedgerBallot[] = [];
    const choiceRows: [number, string, string, number][] = [];
    const record = (input: CastVoteInput, voteId: number, change: Map<string, number>): void => {
      for (const id of input.optionIds) {
        choiceRows.push([voteId, input.pollId, id, input.now]);
        add(change, id, 1);
      }
      add(ballots, input.pollId, 0);
      const hour = Math.floor(input.now / HOUR_MS) * HOUR_MS;
      for (const [id, n] of change) {
        add(deltas, `${input.pollId}\u0000${id}`, n);
        add(buckets, `${input.pollId}\u0000${hour}\u0000${id}`, n);
      }
    };

    // Every new ballot in one statement; a conflict (this browser or this
    // wallet already voted, earlier or earlier in this batch) inserts nothing
    // and returns no row.
    const inserted = await tx
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
            // Unweighted until the cohort ledger (token polls) weighs it, below.
            cohort: sql<'unverified'>`'unverified'`.as(votes.cohort.name),
            weight: sql<string>`'0'`.as(votes.weight.name),
            weightKey: sql<string>`${WEIGHT_KEY_ZERO}`.as(votes.weightKey.name),
            sqrtWeight: sql<number>`0`.as(votes.sqrtWeight.name),
          })
          .from(jsonRows(inputs.map((i) => [i.pollId, i.voterId, i.now, i.address ?? null])))
          // SQLite needs a WHERE to tell an upsert's ON CONFLICT from a join's ON.
          .where(sql`true`),
      )
      // No target: a conflict on either unique index (browser or wallet) means "already voted".
      .onConflictDoNothing()
      .returning({ id: votes.id, pollId: votes.pollId, voterId: votes.voterId });
    const newIds = new Map(inserted.map((r) => [`${r.pollId}\u0000${r.voterId}`, r.id]));

    for (const input of inputs) {
      const key = `${input.pollId}\u0000${input.voterId}`;
      const voteId = newIds.get(key);
      if (voteId !== undefined) {
        newIds.delete(key); // a repeat of this voter later in the batch is not new
        outcomes.push('created');
        add(ballots, input.pollId, 1);
        if (input.address) add(verified, input.pollId, 1);
        record(input, voteId, new Map());
        if (input.tokenPoll)
          ledger.push({ ...ledgerFields(input, voteId), address: input.address ?? null, before: null });
        continue;
      }
      if (!input.allowChange) {
        outcomes.push('already_voted');
        continue;
      }
      // Replacing a ballot is rare: its own statements are fine.
      if (choiceRows.length > 0) await insertChoices(tx, choiceRows.splice(0));
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
      const change = new Map<string, number>();
      for (const row of previous) add(change, row.optionId, -1);
      record(input, existing.id, change);
      if (input.tokenPoll) {
        ledger.push({
          ...ledgerFields(input, existing.id),
          address: existing.address,
          before: { optionIds: previous.map((r) => r.optionId), weight: storedWeight(existing) },
        });
      }
    }
    if (ballots.size === 0) return inputs.map(() => ({ outcome: 'already_voted' as const, counts: null }));

    // Everything left depends only on what is known now, so it goes to the
    // database in one round trip: on a libSQL server each statement of an
    // interactive transaction is a request, and the write lock is held for all
    // of them. Each statement covers every poll of the batch.
    const split = (key: string): string[] => key.split('\u0000');
    const optionDeltas = [...deltas].filter(([, n]) => n !== 0).map(([key, n]) => [...split(key), n]);
    const bucketDeltas = [...buckets]
      .filter(([, n]) => n !== 0)
      .map(([key, n]) => {
        const [pollId, hour, optionId] = split(key);
        return [pollId, optionId, Number(hour), n];
      });
    const pollIds = [...ballots.keys()];
    const [, , , pollCounts, optionCounts] = await tx.batch([
      insertChoicesQuery(tx, choiceRows),
      tx
        .update(pollOptions)
        .set({
          votes: sql`${pollOptions.votes} + (select sum(value ->> 2) from ${jsonRows(optionDeltas)}
            where value ->> 0 = ${pollOptions.pollId} and value ->> 1 = ${pollOptions.optionId})`,
        })
        .where(
          sql`(${pollOptions.pollId}, ${pollOptions.optionId}) in (select value ->> 0, value ->> 1 from ${jsonRows(optionDeltas)})`,
        ),
      tx
        .insert(voteBuckets)
        .select((qb) =>
          qb
            .select({
              pollId: jsonField<string>(0, voteBuckets.pollId),
              optionId: jsonField<string>(1, voteBuckets.optionId),
              hourStart: jsonField<number>(2, voteBuckets.hourStart),
              votes: jsonField<number>(3, voteBuckets.votes),
            })
            .from(jsonRows(bucketDeltas))
            .where(sql`true`),
        )
        .onConflictDoUpdate({
          target: [voteBuckets.pollId, voteBuckets.hourStart, voteBuckets.optionId],
          set: { votes: sql`${voteBuckets.votes} + ${excluded(voteBuckets.votes)}` },
        }),
      tx
        .update(polls)
        .set({
          totalVotes: sql`${polls.totalVotes} + (select value ->> 1 from ${jsonRows([...ballots])} where value ->> 0 = ${polls.id})`,
          verifiedVotes: sql`${polls.verifiedVotes} + coalesce((select value ->> 1 from ${jsonRows([...verified])} where value ->> 0 = ${polls.id}), 0)`,
          version: sql`${polls.version} + 1`,
        })
        .where(inArray(polls.id, pollIds))
        .returning({
          id: polls.id,
          totalVotes: polls.totalVotes,
          verifiedVotes: polls.verifiedVotes,
          version: polls.version,
        }),
      tx
        .select({ pollId: pollOptions.pollId, optionId: pollOptions.optionId, votes: pollOptions.votes })
        .from(pollOptions)
        .where(inArray(pollOptions.pollId, pollIds)),
    ]);
    await recordInLedger(tx, ledger);
    const counts = new Map<string, FreshCounts>(
      pollCounts.map(({ id, ...poll }) => [id, { ...poll, votes: new Map() }]),
    );
    for (const o of optionCounts) counts.get(o.pollId)?.votes.set(o.optionId, o.votes);
    return inputs.map((input, i) => {
      const outcome = outcomes[i] ?? 'already_voted';
      return { outcome, counts: outcome === 'already_voted' ? null : (counts.get(input.pollId) ?? null) };
    });
  });
}

function ledgerFields(
  input: CastVoteInput,
  voteId: number,
): Pick<LedgerBallot, 'pollId' | 'voteId' | 'optionIds' | 'now'> {
  return { pollId: input.pollId, voteId, optionIds: input.optionIds, now: input.now };
}

function insertChoicesQuery(tx: Queries, rows: readonly [number, string, string, number][]) {
  return tx.insert(voteChoices).select((qb) =>
    qb
      .select({
        voteId: jsonField<number>(0, voteChoices.voteId),
        pollId: jsonField<string>(1, voteChoices.pollId),
        optionId: jsonField<string>(2, voteChoices.optionId),
        createdAt: jsonField<number>(3, voteChoices.createdAt),
      })
      .from(jsonRows(rows)),
  );
}

async function insertChoices(tx: Queries, rows: readonly [number, string, string, number][]): Promise<void> {
  await insertChoicesQuery(tx, rows);
}

/** Records one ballot in its own transaction; see castVotes. */
export async function castVote(db: Database, input: CastVoteInput): Promise<CastResult> {
  const [result] = await castVotes(db, [input]);
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
      await recordInLedger(tx, [
        {
          pollId: input.pollId,
          voteId: ballot.id,
          address: input.address,
          before: { optionIds, weight: storedWeight(ballot) },
          optionIds,
          now: input.now,
        },
      ]);
    }
    const [[poll], options] = await tx.batch([
      tx
        .select({ totalVotes: polls.totalVotes, verifiedVotes: polls.verifiedVotes, version: polls.version })
        .from(polls)
        .where(eq(polls.id, input.pollId)),
      tx
        .select({ optionId: pollOptions.optionId, votes: pollOptions.votes })
        .from(pollOptions)
        .where(eq(pollOptions.pollId, input.pollId)),
    ]);
    if (!poll) return { ok: false, error: 'no_ballot' };
    return { ok: true, counts: { ...poll, votes: new Map(options.map((o) => [o.optionId, o.votes])) } };
  });
}
