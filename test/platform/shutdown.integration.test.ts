import { describe, expect, it } from 'vitest';
import { getResults, vote } from '../helpers/polls.ts';
import { startServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';

describe('SIGTERM', () => {
  it('drains: live streams end with a retry hint, votes already answered stay, the process exits 0 well within 10 s', async () => {
    const server = await startServer({ env: { VOTE_RATE_LIMIT: '0' } });
    const stream = await openSse(`${server.url}/api/polls/opg-distribution-retail/events`);
    try {
      await stream.next('tally');
      const votes = await Promise.all(
        Array.from({ length: 20 }, () => vote(server.url, 'opg-distribution-retail', ['unchanged'])),
      );
      expect(votes.every((v) => v.status === 201)).toBe(true);
      const started = Date.now();
      await server.stop();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(server.output()).toContain('drained, exiting');
      // The stream was told when to come back before it ended.
      expect(stream.raw()).toMatch(/retry: 3000\n\n$/);
    } finally {
      stream.close();
    }
    const again = await startServer({ databaseUrl: server.databaseUrl });
    try {
      const poll = (await getResults(again.url, 'opg-distribution-retail')) as { totalVotes: number };
      expect(poll.totalVotes).toBe(20);
    } finally {
      await again.stop();
      again.cleanup();
      server.cleanup();
    }
  });
});
