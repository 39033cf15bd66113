import { describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, getResults } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startSqld, type Sqld } from '../helpers/sqld.ts';
import { auditVotes, expectVotesIntact, startVoteLoad, waitUntil } from '../helpers/vote-load.ts';

const ENV = { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' };
const OPTIONS = ['a', 'b', 'c'];

describe.each([
  ['an embedded database file', false],
  ['a libSQL server (sqld)', true],
])('kill -9 of an instance under vote load, on %s', (_name, onSqld) => {
  it('keeps every ballot it answered 201, with an intact database whose counters match its rows', async () => {
    const sqld: Sqld | null = onSqld ? await startSqld() : null;
    let first: TestServer | null = null;
    let second: TestServer | null = null;
    try {
      first = await startServer({ ...(sqld ? { databaseUrl: sqld.url } : {}), env: ENV });
      const load = startVoteLoad({ url: first.url, pollId: 'open-change', optionIds: OPTIONS, voters: 16 });
      await waitUntil(() => load.report.acknowledged.size >= 400, 30_000, '400 acknowledged votes');
      // Mid-stream: the batcher has commits in flight and requests waiting.
      await first.kill();
      const report = await load.stop();
      const acknowledged = report.acknowledged.size;

      const audit = await auditVotes(first.databaseUrl, 'open-change', report.acknowledged);
      expectVotesIntact(audit, acknowledged);
      // Votes committed whose answer the kill cut off are stored too, but never more than were sent.
      expect(audit.voteRows).toBeLessThanOrEqual(acknowledged + 16);

      // Restarted on the same database, the site shows exactly the stored ballots.
      second = await startServer({ databaseUrl: first.databaseUrl, env: ENV });
      const poll = (await getResults(second.url, 'open-change')) as { totalVotes: number };
      expect(poll.totalVotes).toBe(audit.voteRows);
    } finally {
      await first?.kill();
      await second?.stop();
      second?.cleanup();
      first?.cleanup();
      await sqld?.stop();
      sqld?.cleanup();
    }
  });
});

describe('kill -9 of the libSQL server (sqld) under vote load', () => {
  it('answers 503 while it is gone, keeps every ballot answered 201, and carries on once it is back', async () => {
    const sqld = await startSqld();
    let server: TestServer | null = null;
    try {
      server = await startServer({ databaseUrl: sqld.url, env: ENV });
      const load = startVoteLoad({ url: server.url, pollId: 'open-change', optionIds: OPTIONS, voters: 16 });
      await waitUntil(() => load.report.acknowledged.size >= 300, 30_000, '300 acknowledged votes');
      await sqld.kill();
      const unavailable = load.report.statuses.get(503) ?? 0;
      await waitUntil(() => (load.report.statuses.get(503) ?? 0) >= unavailable + 20, 30_000, '503 answers');
      await sqld.restart();
      const back = load.report.acknowledged.size;
      await waitUntil(() => load.report.acknowledged.size >= back + 100, 30_000, 'votes after sqld returned');
      const report = await load.stop();

      // No answer but 201 and 503: the instance neither crashed nor reported an error of its own.
      expect([...report.statuses.keys()].sort()).toEqual([201, 503]);
      expectVotesIntact(await auditVotes(sqld.url, 'open-change', report.acknowledged), report.acknowledged.size);
    } finally {
      await server?.stop();
      server?.cleanup();
      await sqld.stop();
      sqld.cleanup();
    }
  });
});
