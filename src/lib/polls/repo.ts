import type { InValue, Row, Transaction } from '@libsql/client';
import type { Database } from '../server/db.ts';
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

/** One poll with its options, read by primary key: cost does not grow with votes. */
export async function getPoll(db: Database, id: string): Promise<PollRecord | null> {
  const [polls, options] = await db.$client.batch(
    [
      { sql: `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.id = ?`, args: [id] },
      { sql: `SELECT ${OPTION_COLUMNS} FROM poll_options o WHERE o.poll_id = ? ORDER BY o.position`, args: [id] },
    ],
    'read',
  );
  const row = polls?.rows[0];
  return row ? toPoll(row, (options?.rows ?? []).map(toOption)) : null;
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

export interface CastVoteInput {
  pollId: string;
  voterId: string;
  optionIds: readonly string[];
  now: number;
  allowChange: boolean;
}

/**
 * Records a ballot. The unique (poll_id, voter_id) index decides who voted
 * first: the insert conflicts instead of being checked beforehand, so two
 * simultaneous ballots from one voter can never both count. Counts, hourly
 * buckets and the poll's version change in the same transaction.
 */
export async function castVote(db: Database, input: CastVoteInput): Promise<CastOutcome> {
  const { pollId, voterId, optionIds, now, allowChange } = input;
  return inWriteTransaction(db, async (tx) => {
    const inserted = await tx.execute({
      sql: `INSERT INTO votes (poll_id, voter_id, created_at, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (poll_id, voter_id) DO NOTHING RETURNING id`,
      args: [pollId, voterId, now, now],
    });
    let voteId: InValue;
    const deltas = new Map<string, number>();
    const outcome: CastOutcome = inserted.rows.length > 0 ? 'created' : 'replaced';
    if (inserted.rows[0]) {
      voteId = inserted.rows[0].id ?? null;
    } else {
      if (!allowChange) {
        await tx.rollback();
        return 'already_voted';
      }
      const existing = await tx.execute({
        sql: 'SELECT id FROM votes WHERE poll_id = ? AND voter_id = ?',
        args: [pollId, voterId],
      });
      voteId = existing.rows[0]?.id ?? null;
      const previous = await tx.execute({
        sql: 'SELECT option_id FROM vote_choices WHERE vote_id = ?',
        args: [voteId],
      });
      for (const row of previous.rows) deltas.set(String(row.option_id), -1);
      await tx.execute({ sql: 'DELETE FROM vote_choices WHERE vote_id = ?', args: [voteId] });
      await tx.execute({ sql: 'UPDATE votes SET updated_at = ? WHERE id = ?', args: [now, voteId] });
    }
    for (const id of optionIds) deltas.set(id, (deltas.get(id) ?? 0) + 1);
    const changed = JSON.stringify(Object.fromEntries([...deltas].filter(([, d]) => d !== 0)));

    await tx.execute({
      sql: `INSERT INTO vote_choices (vote_id, poll_id, option_id, created_at) SELECT ?, ?, value, ? FROM json_each(?)`,
      args: [voteId, pollId, now, JSON.stringify(optionIds)],
    });
    await tx.execute({
      sql: `UPDATE poll_options SET votes = votes + (SELECT d.value FROM json_each(?1) d WHERE d.key = poll_options.option_id)
            WHERE poll_id = ?2 AND option_id IN (SELECT key FROM json_each(?1))`,
      args: [changed, pollId],
    });
    await tx.execute({
      sql: `INSERT INTO vote_buckets (poll_id, option_id, hour_start, votes)
            SELECT ?, key, ?, value FROM json_each(?) WHERE true
            ON CONFLICT (poll_id, hour_start, option_id) DO UPDATE SET votes = votes + excluded.votes`,
      args: [pollId, Math.floor(now / HOUR_MS) * HOUR_MS, changed],
    });
    await tx.execute({
      sql: 'UPDATE polls SET total_votes = total_votes + ?, version = version + 1 WHERE id = ?',
      args: [outcome === 'created' ? 1 : 0, pollId],
    });
    return outcome;
  });
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
  voterId: string | null,
  now: number,
): Promise<{ poll: PollRecord; results: PollResults } | null> {
  const poll = await getPoll(db, pollId);
  if (!poll) return null;
  const ballot = voterId ? await getBallot(db, pollId, voterId) : null;
  return { poll, results: presentResults(poll, ballot, now) };
}

/** Every poll as this reader may see it, open first. */
export async function listPollsForReader(db: Database, voterId: string | null, now: number): Promise<PollResults[]> {
  const polls = await listPolls(db);
  const results = await Promise.all(
    polls.map(async (poll) => presentResults(poll, voterId ? await getBallot(db, poll.id, voterId) : null, now)),
  );
  return sortForListing(results);
}
