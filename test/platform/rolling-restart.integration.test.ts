import { describe, expect, it } from 'vitest';
import { startNginx, type Nginx } from '../helpers/nginx.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { freePort } from '../helpers/ports.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { openSse, type SseStream } from '../helpers/sse.ts';
import { startSqld } from '../helpers/sqld.ts';
import { auditVotes, expectVotesIntact, startVoteLoad, waitUntil } from '../helpers/vote-load.ts';

const OPTIONS = ['a', 'b', 'c'];

describe('a rolling restart behind nginx, under load', () => {
  it('loses no acknowledged vote and shows readers and voters no error', async () => {
    const sqld = await startSqld();
    const ports = [await freePort(), await freePort()];
    // Behind nginx the instances answer for nginx's address, chosen before they start.
    const proxyPort = await freePort();
    const start = (port: number): Promise<TestServer> =>
      startServer({
        databaseUrl: sqld.url,
        env: {
          POLLS_DIR: FIXTURE_POLLS,
          VOTE_RATE_LIMIT: '0',
          TRUSTED_PROXIES: '127.0.0.1',
          SITE_URL: `http://127.0.0.1:${proxyPort}`,
          PORT: String(port),
        },
      });
    const instances: TestServer[] = [];
    const retired: TestServer[] = [];
    let nginx: Nginx | null = null;
    let stream: SseStream | null = null;
    try {
      instances.push(...(await Promise.all(ports.map(start))));
      nginx = await startNginx(ports, proxyPort);
      stream = await openSse(`${nginx.url}/api/polls/open-change/events`);
      const load = startVoteLoad({
        url: nginx.url,
        pollId: 'open-change',
        optionIds: OPTIONS,
        voters: 12,
        readers: 4,
        readPaths: ['/api/polls/open-change', '/tokens/opg/', '/', '/posts/opg-liquidity-ghost/comments/'],
      });
      for (const [i, port] of ports.entries()) {
        const before = load.report.acknowledged.size;
        await waitUntil(() => load.report.acknowledged.size >= before + 100, 30_000, '100 more acknowledged votes');
        // Deploying a new version: SIGTERM, wait for the drain, start again on the same port.
        const old = instances[i] as TestServer;
        await old.stop();
        expect(old.output()).toContain('drained, exiting');
        retired.push(old);
        instances[i] = await start(port);
        // nginx gives a refused instance 2 s (fail_timeout) before trying it again; let it rejoin first.
        const rejoined = load.report.acknowledged.size;
        await waitUntil(() => load.report.acknowledged.size >= rejoined + 100, 30_000, 'votes after the restart');
        await new Promise((r) => setTimeout(r, 2500));
      }
      const report = await load.stop();

      expect(report.serverErrors).toEqual([]);
      const statuses = Object.fromEntries(report.statuses);
      expect(Object.keys(statuses).sort()).toEqual(['200', '201']);
      const audit = await auditVotes(sqld.url, 'open-change', report.acknowledged);
      expectVotesIntact(audit, report.acknowledged.size);
      expect(audit.voteRows).toBe(report.acknowledged.size);
      // The stream opened before the restarts was on one of the instances: its drain told it when to come back.
      expect(stream.raw()).toContain('event: tally');
      expect(stream.raw()).toMatch(/retry: 3000\n\n$/);
    } finally {
      stream?.close();
      await nginx?.stop();
      nginx?.cleanup();
      for (const server of [...instances, ...retired]) {
        await server.stop();
        server.cleanup();
      }
      await sqld.stop();
      sqld.cleanup();
    }
  }, 120_000); // two drains, two starts and 400 votes on sqld: about 30 s here
});
