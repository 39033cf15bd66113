import { describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, getResults } from '../helpers/polls.ts';
import { startServer } from '../helpers/server.ts';
import { startSqld, type Sqld } from '../helpers/sqld.ts';
import { auditVotes, startVoteLoad, waitUntil } from '../helpers/vote-load.ts';

const ENV = { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' };
const OPTIONS = ['a', 'b', 'c'];

describe.each([
  ['an embedded database file', false],
  ['a libSQL server (sqld)', true],
])('kill -9 of an instance under vote load, on %s', (_name, onSqld) => {
  it('keeps every ballot it answered 201, with an intact database whose counters match its rows', async () => {
    let sqld: Sqld | null = null;
    if (onSqld) sqld = await startSqld();
    const first = await startServer({ ...(sqld ? { databaseUrl: sqld.url } : {}), env: ENV });
    let second: Awaited<ReturnType<typeof startServer>> | null = null;
    try {
      const load = startVoteLoad({ url: first.url, pollId: 'open-change', optionIds: OPTIONS, voters: 16 });
      await waitUntil(() => load.report.acknowledged.size >= 400, 30_000, '400 acknowledged votes');
      // Mid-stream: the batcher has commits in flight and requests waiting.
      await first.kill();
      const report = await load.stop();
      const acknowledged = report.acknowledged.size;

      const audit = await auditVotes(first.databaseUrl, 'open-change', report.acknowledged);
      expect(audit.integrity).toBe('ok');
      expect(audit.missing).toEqual([]);
      expect(audit.wrongChoice).toEqual([]);
      // Votes committed whose answer the kill cut off are stored too, but never more than were sent.
      expect(audit.voteRows).toBeGreaterThanOrEqual(acknowledged);
      expect(audit.voteRows).toBeLessThanOrEqual(acknowledged + 16);
      for (const option of OPTIONS) {
        const { counter, choices, buckets } = audit.perOption[option] ?? { counter: -1, choices: -2, buckets: -3 };
        expect([option, counter, buckets]).toEqual([option, choices, choices]);
      }

      // Restarted on the same database, the site shows exactly the stored ballots.
      second = await startServer({ databaseUrl: first.databaseUrl, env: ENV });
      const poll = (await getResults(second.url, 'open-change')) as { totalVotes: number };
      expect(poll.totalVotes).toBe(audit.voteRows);
    } finally {
      await first.kill();
      await second?.stop();
      second?.cleanup();
      first.cleanup();
      await sqld?.stop();
      sqld?.cleanup();
    }
  });
});
