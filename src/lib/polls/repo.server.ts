import type { InStatement, InValue, Row, Transaction } from '@libsql/client';
import type { Database } from '../server/db.server.ts';
import { buildHistory, HOUR_MS, type HistoryPoint, type VoteBucket } from './history.ts';
import type { PollOptionRecord, PollRecord } from './records.ts';
import { presentResults, sortForListing, type PollResults } from './results.ts';
import type { PollDefinition } from './schemas.ts';
import { findOrphanedVotes, importedBallots, type StoredPollCounts } from './sync.ts';

/**
 * Poll queries. Every function takes the database handle first so tests pass
 * a temp database. Writes that touch several rows run in one BEGIN IMMEDIATE
 * transaction (`transaction('write')`), so the write lock is taken up front
 * and concurrent writers queue instead of failing half-way.
 */

export class PollSyncError extends Error {
  override name = 'PollSyncError';
}

async function inWriteTransaction<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const tx = await db.$client.transaction('write');
  try {
    const result = await work(tx);
    if (!tx.closed) await tx.commit();
    return result;
  } finally {
    tx.close();
  }
}

const POLL_COLUMNS = `p.id, p.question, p.kind, p.max_choices, p.opens_at, p.closes_at, p.voters, p.results,
  p.allow_change, p.token, p.source, p.imported_total, p.total_votes, p.version`;
const OPTION_COLUMNS = `o.poll_id, o.option_id, o.position, o.label, o.labels, o.imported_votes, o.votes`;

function toOption(row: Row): PollOptionRecord {
  return {
    optionId: String(row.option_id),
    position: Number(row.position),
    label: String(row.label),
    labels: JSON.parse(String(row.labels ?? '{}')) as Record<string, string>,
    importedVotes: Number(row.imported_votes),
    votes: Number(row.votes),
  };
}

function toPoll(row: Row, options: PollOptionRecord[]): PollRecord {
  return {
    id: String(row.id),
    question: String(row.question),
    kind: row.kind === 'multiple' ? 'multiple' : 'single',
    maxChoices: Number(row.max_choices),
    opensAt: Number(row.opens_at),
    closesAt: row.closes_at === null ? null : Number(row.closes_at),
    voters: row.voters === 'wallet' ? 'wallet' : 'anyone',
    results: row.results as PollRecord['results'],
    allowChange: Number(row.allow_change) === 1,
    token: row.token === null ? null : String(row.token),
    source: row.source === null ? null : (JSON.parse(String(row.source)) as PollRecord['source']),
    importedTotal: Number(row.imported_total),
    totalVotes: Number(row.total_votes),
    version: Number(row.version),
    options,
  };
}

/** One poll with its options, read by primary key in one statement: cost does not grow with votes. */
export async function getPoll(db: Database, id: string): Promise<PollRecord | null> {
  const result = await db.$client.execute({
    sql: `SELECT ${POLL_COLUMNS}, ${OPTION_COLUMNS} FROM polls p JOIN poll_options o ON o.poll_id = p.id
          WHERE p.id = ? ORDER BY o.position`,
    args: [id],
  });
  const first = result.rows[0];
  return first ? toPoll(first, result.rows.map(toOption)) : null;
}

export async function listPolls(db: Database): Promise<PollRecord[]> {
  const [polls, options] = await db.$client.batch(
    [
      `SELECT ${POLL_COLUMNS} FROM polls p ORDER BY p.id`,
      `SELECT ${OPTION_COLUMNS} FROM poll_options o ORDER BY o.poll_id, o.position`,
    ],
    'read',
  );
  const byPoll = new Map<string, PollOptionRecord[]>();
  for (const row of options?.rows ?? []) {
    const list = byPoll.get(String(row.poll_id)) ?? [];
    list.push(toOption(row));
    byPoll.set(String(row.poll_id), list);
  }
  return (polls?.rows ?? []).map((row) => toPoll(row, byPoll.get(String(row.id)) ?? []));
}

/** The options a voter chose in a poll, or null if they have not voted. */
export async function getBallot(db: Database, pollId: string, voterId: string): Promise<string[] | null> {
  const result = await db.$client.execute({
    sql: `SELECT c.option_id FROM votes v JOIN vote_choices c ON c.vote_id = v.id
          JOIN poll_options o ON o.poll_id = c.poll_id AND o.option_id = c.option_id
          WHERE v.poll_id = ? AND v.voter_id = ? ORDER BY o.position`,
    args: [pollId, voterId],
  });
  return result.rows.length === 0 ? null : result.rows.map((r) => String(r.option_id));
}

/** Current version of each poll, for cheap change detection by live subscribers. */
export async function pollVersions(db: Database, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const result = await db.$client.execute({
    sql: `SELECT id, version FROM polls WHERE id IN (${ids.map(() => '?').join(', ')})`,
    args: [...ids],
  });
  return new Map(result.rows.map((r) => [String(r.id), Number(r.version)]));
}

export type CastOutcome = 'created' | 'replaced' | 'already_voted';

/** Counts as they stand right after a ballot was written, read in the same transaction. */
export interface FreshCounts {
  totalVotes: number;
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
  optionIds: readonly string[];
  now: number;
  allowChange: boolean;
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
  return inWriteTransaction(db, async (tx) => {
    // poll -> option -> net change; poll -> hour -> option -> net change
    const deltas = new Map<string, Map<string, number>>();
    const buckets = new Map<string, Map<number, Map<string, number>>>();
    const ballots = new Map<string, number>();
    const add = <K>(map: Map<K, number>, key: K, n: number): void => {
      map.set(key, (map.get(key) ?? 0) + n);
    };
    const outcomes: CastOutcome[] = [];
    const choiceRows: [InValue, string, string, number][] = [];
    const record = (input: CastVoteInput, voteId: InValue, change: Map<string, number>): void => {
      for (const id of input.optionIds) {
        choiceRows.push([voteId, input.pollId, id, input.now]);
        add(change, id, 1);
      }
      const pollDeltas = deltas.get(input.pollId) ?? new Map<string, number>();
      deltas.set(input.pollId, pollDeltas);
      const hours = buckets.get(input.pollId) ?? new Map<number, Map<string, number>>();
      buckets.set(input.pollId, hours);
      const hour = Math.floor(input.now / HOUR_MS) * HOUR_MS;
      const hourDeltas = hours.get(hour) ?? new Map<string, number>();
      hours.set(hour, hourDeltas);
      for (const [id, n] of change) {
        add(pollDeltas, id, n);
        add(hourDeltas, id, n);
      }
    };

    // Every new ballot in one statement; a conflict (this voter already voted,
    // earlier or earlier in this batch) inserts nothing and returns no row.
    const inserted = await tx.execute({
      sql: `INSERT INTO votes (poll_id, voter_id, created_at, updated_at)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 2 FROM json_each(?) WHERE true
            ON CONFLICT (poll_id, voter_id) DO NOTHING RETURNING id, poll_id, voter_id`,
      args: [JSON.stringify(inputs.map((i) => [i.pollId, i.voterId, i.now]))],
    });
    const newIds = new Map(inserted.rows.map((r) => [`${String(r.poll_id)}\u0000${String(r.voter_id)}`, r.id ?? null]));

    for (const input of inputs) {
      const key = `${input.pollId}\u0000${input.voterId}`;
      const voteId = newIds.get(key);
      if (voteId !== undefined) {
        newIds.delete(key); // a repeat of this voter later in the batch is not new
        outcomes.push('created');
        add(ballots, input.pollId, 1);
        record(input, voteId, new Map());
        continue;
      }
      if (!input.allowChange) {
        outcomes.push('already_voted');
        continue;
      }
      // Replacing a ballot is rare: its own statements are fine.
      if (choiceRows.length > 0) await tx.execute(choicesStatement(choiceRows.splice(0)));
      outcomes.push('replaced');
      const existing = await tx.execute({
        sql: 'UPDATE votes SET updated_at = ? WHERE poll_id = ? AND voter_id = ? RETURNING id',
        args: [input.now, input.pollId, input.voterId],
      });
      const existingId = existing.rows[0]?.id ?? null;
      const previous = await tx.execute({
        sql: 'DELETE FROM vote_choices WHERE vote_id = ? RETURNING option_id',
        args: [existingId],
      });
      const change = new Map<string, number>();
      for (const row of previous.rows) add(change, String(row.option_id), -1);
      record(input, existingId, change);
    }
    // Everything left depends only on what is known now, so it goes to the
    // database in one round trip: on a libSQL server each statement of an
    // interactive transaction is a request, and the write lock is held for all of them.
    const statements: InStatement[] = [];
    if (choiceRows.length > 0) statements.push(choicesStatement(choiceRows));
    // One statement per poll for counts and buckets, however many ballots the batch holds.
    const countReads: { pollId: string; poll: number; options: number }[] = [];
    for (const [pollId, pollDeltas] of deltas) {
      const changed = JSON.stringify(Object.fromEntries([...pollDeltas].filter(([, n]) => n !== 0)));
      statements.push({
        sql: `UPDATE poll_options SET votes = votes + (SELECT d.value FROM json_each(?1) d WHERE d.key = poll_options.option_id)
              WHERE poll_id = ?2 AND option_id IN (SELECT key FROM json_each(?1))`,
        args: [changed, pollId],
      });
      for (const [hour, hourDeltas] of buckets.get(pollId) ?? []) {
        statements.push({
          sql: `INSERT INTO vote_buckets (poll_id, option_id, hour_start, votes)
                SELECT ?, key, ?, value FROM json_each(?) WHERE value != 0
                ON CONFLICT (poll_id, hour_start, option_id) DO UPDATE SET votes = votes + excluded.votes`,
          args: [pollId, hour, JSON.stringify(Object.fromEntries(hourDeltas))],
        });
      }
      statements.push({
        sql: 'UPDATE polls SET total_votes = total_votes + ?, version = version + 1 WHERE id = ? RETURNING total_votes, version',
        args: [ballots.get(pollId) ?? 0, pollId],
      });
      statements.push({ sql: 'SELECT option_id, votes FROM poll_options WHERE poll_id = ?', args: [pollId] });
      countReads.push({ pollId, poll: statements.length - 2, options: statements.length - 1 });
    }
    const results = statements.length > 0 ? await tx.batch(statements) : [];
    const counts = new Map<string, FreshCounts>();
    for (const read of countReads) {
      const poll = results[read.poll]?.rows[0];
      counts.set(read.pollId, {
        totalVotes: Number(poll?.total_votes),
        version: Number(poll?.version),
        votes: new Map((results[read.options]?.rows ?? []).map((r) => [String(r.option_id), Number(r.votes)])),
      });
    }
    return inputs.map((input, i) => {
      const outcome = outcomes[i] ?? 'already_voted';
      return { outcome, counts: outcome === 'already_voted' ? null : (counts.get(input.pollId) ?? null) };
    });
  });
}

function choicesStatement(rows: [InValue, string, string, number][]): InStatement {
  return {
    sql: `INSERT INTO vote_choices (vote_id, poll_id, option_id, created_at)
          SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`,
    args: [JSON.stringify(rows, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))],
  };
}

/** Records one ballot in its own transaction; see castVotes. */
export async function castVote(db: Database, input: CastVoteInput): Promise<CastResult> {
  const [result] = await castVotes(db, [input]);
  if (!result) throw new Error('castVotes returned no result');
  return result;
}

/** Net votes per option per hour, for the sentiment-over-time chart. */
export async function getVoteBuckets(db: Database, pollId: string): Promise<VoteBucket[]> {
  const result = await db.$client.execute({
    sql: 'SELECT option_id, hour_start, votes FROM vote_buckets WHERE poll_id = ? ORDER BY hour_start',
    args: [pollId],
  });
  return result.rows.map((r) => ({
    optionId: String(r.option_id),
    hourStart: Number(r.hour_start),
    votes: Number(r.votes),
  }));
}

/**
 * Makes the database match the poll definitions in src/content/polls. Refuses,
 * changing nothing, when an edit would orphan votes (see findOrphanedVotes).
 */
export async function syncPollDefinitions(db: Database, definitions: readonly PollDefinition[]): Promise<void> {
  await inWriteTransaction(db, async (tx) => {
    const polls = await tx.execute('SELECT id, total_votes - imported_total AS cast FROM polls');
    const options = await tx.execute('SELECT poll_id, option_id, votes - imported_votes AS cast FROM poll_options');
    const stored: StoredPollCounts[] = polls.rows.map((p) => ({
      id: String(p.id),
      castBallots: Number(p.cast),
      options: options.rows
        .filter((o) => o.poll_id === p.id)
        .map((o) => ({ optionId: String(o.option_id), castVotes: Number(o.cast) })),
    }));
    const problems = findOrphanedVotes(definitions, stored);
    if (problems.length > 0) {
      await tx.rollback();
      throw new PollSyncError(`poll definitions would orphan votes:\n- ${problems.join('\n- ')}`);
    }

    const statements: { sql: string; args: InValue[] }[] = [];
    for (const d of definitions) {
      const imported = importedBallots(d);
      statements.push({
        sql: `INSERT INTO polls (id, question, kind, max_choices, opens_at, closes_at, voters, results, allow_change, token,
                source, imported_total, total_votes, version)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, 1)
              ON CONFLICT (id) DO UPDATE SET question = excluded.question, kind = excluded.kind,
                max_choices = excluded.max_choices, opens_at = excluded.opens_at, closes_at = excluded.closes_at,
                voters = excluded.voters, results = excluded.results, allow_change = excluded.allow_change,
                token = excluded.token, source = excluded.source,
                total_votes = polls.total_votes - polls.imported_total + excluded.imported_total,
                imported_total = excluded.imported_total, version = polls.version + 1`,
        args: [
          d.id,
          d.question,
          d.kind,
          d.kind === 'single' ? 1 : (d.maxChoices ?? d.options.length),
          d.opensAt.getTime(),
          d.closesAt?.getTime() ?? null,
          d.voters,
          d.results,
          d.allowChange ? 1 : 0,
          d.token ?? null,
          d.source
            ? JSON.stringify({
                name: d.source.name,
                ...(d.source.url ? { url: d.source.url } : {}),
                ...(d.source.capturedAt ? { capturedAt: d.source.capturedAt.toISOString() } : {}),
              })
            : null,
          imported,
        ],
      });
      d.options.forEach((o, position) => {
        statements.push({
          sql: `INSERT INTO poll_options (poll_id, option_id, position, label, labels, imported_votes, votes)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                ON CONFLICT (poll_id, option_id) DO UPDATE SET position = excluded.position, label = excluded.label,
                  labels = excluded.labels, votes = poll_options.votes - poll_options.imported_votes + excluded.imported_votes,
                  imported_votes = excluded.imported_votes`,
          args: [d.id, o.id, position, o.label, JSON.stringify(o.labels ?? {}), o.importedVotes],
        });
      });
      // Options without cast votes may go (findOrphanedVotes checked the others).
      statements.push({
        sql: `DELETE FROM poll_options WHERE poll_id = ? AND option_id NOT IN (SELECT value FROM json_each(?))`,
        args: [d.id, JSON.stringify(d.options.map((o) => o.id))],
      });
    }
    statements.push({
      sql: 'DELETE FROM polls WHERE id NOT IN (SELECT value FROM json_each(?))',
      args: [JSON.stringify(definitions.map((d) => d.id))],
    });
    for (const statement of statements) await tx.execute(statement);
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
  reader: { voterId: string | null; address: string | null },
  now: number,
): Promise<{ poll: PollRecord; results: PollResults } | null> {
  const poll = await getPoll(db, pollId);
  if (!poll) return null;
  const key = ballotKey(poll, reader);
  const ballot = key ? await getBallot(db, pollId, key) : null;
  return { poll, results: presentResults(poll, ballot, now) };
}

/** Every poll as this reader may see it, open first. */
export async function listPollsForReader(
  db: Database,
  reader: { voterId: string | null; address: string | null },
  now: number,
): Promise<PollResults[]> {
  const polls = await listPolls(db);
  const results = await Promise.all(
    polls.map(async (poll) => {
      const key = ballotKey(poll, reader);
      return presentResults(poll, key ? await getBallot(db, poll.id, key) : null, now);
    }),
  );
  return sortForListing(results);
}

/** A poll's current counts in one single-row statement (cheaper than re-reading the poll). */
export async function getPollCounts(db: Database, pollId: string): Promise<FreshCounts | null> {
  const result = await db.$client.execute({
    sql: `SELECT total_votes, version,
            (SELECT json_group_object(option_id, votes) FROM poll_options WHERE poll_id = ?1) AS votes
          FROM polls WHERE id = ?1`,
    args: [pollId],
  });
  const row = result.rows[0];
  if (!row) return null;
  return {
    totalVotes: Number(row.total_votes),
    version: Number(row.version),
    votes: new Map(Object.entries(JSON.parse(String(row.votes ?? '{}')) as Record<string, number>)),
  };
}

/**
 * Whose ballot a reader's is: their wallet's in wallet-only polls (the key
 * is `wallet:<address>`), their anonymous voter cookie's otherwise.
 */
export function ballotKey(
  poll: Pick<PollRecord, 'voters'>,
  reader: { voterId: string | null; address: string | null },
): string | null {
  if (poll.voters === 'wallet') return reader.address ? `wallet:${reader.address.toLowerCase()}` : null;
  return reader.voterId;
}
