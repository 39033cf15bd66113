import type { Database } from '../../src/lib/server/db.server.ts';

/**
 * Writes `count` ballots straight into a poll, spread over its options and
 * the last 30 days, with counts and hourly buckets to match: what years of
 * voting would leave behind, in seconds rather than years.
 */
export async function seedVotes(
  db: Database,
  pollId: string,
  optionIds: string[],
  count: number,
  now: number,
): Promise<void> {
  const options = JSON.stringify(optionIds);
  const start = now - 30 * 86_400_000;
  const step = Math.max(1, Math.floor((30 * 86_400_000) / count));
  await db.$client.batch(
    [
      {
        sql: `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
              INSERT INTO votes (poll_id, voter_id, created_at, updated_at) SELECT ?, 'seed-' || i, ? + i * ?, ? + i * ? FROM n`,
        args: [count, pollId, start, step, start, step],
      },
      {
        sql: `INSERT INTO vote_choices (vote_id, poll_id, option_id, created_at)
              SELECT v.id, v.poll_id, json_extract(?, '$[' || (v.id % CAST(? AS INTEGER)) || ']'), v.created_at FROM votes v WHERE v.poll_id = ?`,
        args: [options, optionIds.length, pollId],
      },
      {
        sql: `INSERT INTO vote_buckets (poll_id, option_id, hour_start, votes)
              SELECT poll_id, option_id, created_at / 3600000 * 3600000, count(*) FROM vote_choices WHERE poll_id = ?
              GROUP BY option_id, created_at / 3600000`,
        args: [pollId],
      },
      {
        sql: `UPDATE poll_options SET votes = imported_votes + (SELECT count(*) FROM vote_choices c
              WHERE c.poll_id = poll_options.poll_id AND c.option_id = poll_options.option_id) WHERE poll_id = ?`,
        args: [pollId],
      },
      {
        sql: `UPDATE polls SET total_votes = imported_total + (SELECT count(*) FROM votes WHERE poll_id = ?), version = version + 1 WHERE id = ?`,
        args: [pollId, pollId],
      },
    ],
    'write',
  );
}
