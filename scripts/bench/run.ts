/**
 * `npm run bench [-- paths|article|polls|cohorts|metrics|ingest|flows|scale|sse|soak|memory|fuzz|abuse]`: throughput and
 * latency of the built site, each figure beside a yardstick measured in the same run. HTTP load comes from the load
 * driver (driver.ts: wrk off the server's core where it can). `memory` and `soak` take a built checkout of earlier
 * code as a second argument, measured in the same run as this one. `article` (part of `paths`) and `wrk --before
 * <dir> --after <dir>` (two built checkouts under wrk, scripts/bench/wrk.ts) run only when named.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPoll } from '../../src/lib/polls/store/reads.server.ts';
import { syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import { migrateDatabase, openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { loadPollDefinitions } from '../../src/lib/polls/definitions.server.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { BENCH_SECONDS, BENCH_VOTE_RATE_LIMIT, envCount, saveResults } from './lib.ts';
import { combinedRuns, drive, loadDriver, printRuns, serverPin, type DriveResult } from './driver.ts';
import { benchAbuse } from './abuse.ts';
import { benchCohorts } from './cohorts.ts';
import { benchFlows } from './flows.ts';
import { benchMemory } from './memory.ts';
import { benchPaths } from './paths.ts';
import { benchScale, benchSoak, benchSse } from './scale.ts';
import { seedVotes } from './seed-votes.ts';
import { benchWrk, WRK_USAGE } from './wrk.ts';
import { answerHelp } from '../usage.ts';

answerHelp(
  process.argv[2] === 'wrk'
    ? WRK_USAGE
    : 'usage: npm run bench [-- paths|article|polls|cohorts|metrics|ingest|flows|scale|sse|soak|memory|fuzz|abuse [before-dir]]\n' +
        "HTTP load from wrk (apt-get install wrk), pinned off the server's core; autocannon, with a warning, without it\n" +
        'paths: the hot paths ÷ the article page, and the article page ÷ bare node:http and nginx (article: those alone)\n' +
        'memory and soak take a built checkout of earlier code as the second argument\n' +
        'npm run bench -- wrk --before <dir> --after <dir>: two builds under wrk (see npm run bench -- wrk --help)',
);
const ARTICLE = '/posts/opg-liquidity-ghost/';
const BENCH_POLLS = fileURLToPath(new URL('./polls/', import.meta.url));
const only = process.argv[2];
/** A built checkout of earlier code, for the sections that compare with it (memory, soak). */
const beforeDir = process.argv[3];

/** Results reads at 100 and 1,000,000 stored votes; vote throughput beside the article page. */
async function benchPolls(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-polls-'));
  const databaseUrl = `file:${join(dir, 'app.db')}`;
  const db = await openDatabase({ url: databaseUrl });
  await migrateDatabase(db);
  await syncPollDefinitions(db, loadPollDefinitions(BENCH_POLLS));
  const seeded = Date.now();
  await seedVotes(db, 'bench-small', ['a', 'b', 'c', 'd'], 100, Date.now());
  await seedVotes(db, 'bench-big', ['a', 'b', 'c', 'd'], 1_000_000, Date.now());
  console.log(`\n## polls: seeded 1,000,100 votes in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
  db.$client.close();

  const driver = loadDriver();
  console.log(`load: ${driver.describe}`);
  let server: TestServer | null = null;
  try {
    server = await startServer({
      databaseUrl,
      env: { POLLS_DIR: BENCH_POLLS, VOTE_RATE_LIMIT: BENCH_VOTE_RATE_LIMIT },
      before: serverPin(driver),
    });
    const url = server.url;
    const servers = [server.pid];
    const read = (path: string, seconds: number, connections: number): Promise<DriveResult> =>
      drive(driver, { url: `${url}${path}`, seconds, connections, servers });
    await read('/api/polls/bench-big', 2, 10);
    const small = await read('/api/polls/bench-small', BENCH_SECONDS, 50);
    const big = await read('/api/polls/bench-big', BENCH_SECONDS, 50);
    printRuns([
      { name: 'results, 100 votes', run: small },
      { name: 'results, 1,000,000 votes', run: big },
    ]);
    console.log(
      `results read at 1,000,000 votes runs at ${((big.requestsPerSecond / small.requestsPerSecond) * 100).toFixed(0)}% of the rate at 100 votes`,
    );

    // Every request carries no voter cookie, so each one is a new, distinct voter.
    const totalVotes = async (): Promise<number> =>
      ((await (await fetch(`${url}/api/polls/bench-open`)).json()) as { totalVotes: number }).totalVotes;
    const before = await totalVotes();
    // Votes and the article page take turns (V A V A, see combinedRuns), so the host's drift moves both alike.
    const half = Math.max(1, Math.round(BENCH_SECONDS / 2));
    const voteRun = (): Promise<DriveResult> =>
      drive(driver, {
        url: `${url}/api/polls/bench-open/votes`,
        seconds: half,
        connections: 200,
        voteOptions: ['a', 'b', 'c', 'd'],
        servers,
      });
    const articleRun = (): Promise<DriveResult> => read(ARTICLE, half, 200);
    const firstVotes = await voteRun();
    const firstArticle = await articleRun();
    const secondVotes = await voteRun();
    const secondArticle = await articleRun();
    const votes = combinedRuns([firstVotes, secondVotes]);
    const article = combinedRuns([firstArticle, secondArticle]);
    printRuns([
      { name: 'votes, 200 concurrent voters (server and its vote writer thread on one core)', run: votes },
      { name: 'article page, same server', run: article },
    ]);
    const stored = (await totalVotes()) - before;
    const answered = votes.requests - votes.non2xx;
    console.log(
      `votes answered 2xx: ${answered}; stored: ${stored}; non-2xx ${votes.non2xx}, socket errors ${votes.socketErrors}; ` +
        `votes/s are ${((votes.requestsPerSecond / article.requestsPerSecond) * 100).toFixed(0)}% of the article page's requests/s`,
    );
    // A timed run ends with up to one request per connection unanswered, which the server may still store.
    if (stored < answered || stored > answered + 2 * 200 || votes.non2xx > 0) {
      console.error('MISMATCH: stored votes differ from the 2xx answers, or answers outside 2xx were seen');
      process.exitCode = 1;
    }
    const check = await openDatabase({ url: databaseUrl });
    const poll = await getPoll(check, 'bench-big');
    check.$client.close();
    saveResults('polls', {
      date: new Date().toISOString(),
      driver: driver.describe,
      small,
      big,
      votes,
      article,
      stored,
      bigTotal: poll?.totalVotes,
    });
  } finally {
    await server?.stop();
    server?.cleanup();
  }
}

/** Metrics over a million holders, in a process of its own so its memory is measured alone. */
async function benchMetrics(): Promise<void> {
  const child = spawn(process.execPath, ['--expose-gc', 'scripts/bench/metrics.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const result = JSON.parse(out) as {
    holders: number;
    ms: number;
    inputRssMb: number;
    peakRssMb: number;
    addedMb: number;
  };
  console.log(
    `\n## metrics: ${result.holders.toLocaleString('en-US')} holders in ${result.ms} ms; memory added by the work ${result.addedMb} MB ` +
      `(process ${result.inputRssMb} MB with the holders loaded, ${result.peakRssMb} MB at peak). Goal: < 2,000 ms, < 500 MB.`,
  );
  saveResults('metrics', { date: new Date().toISOString(), ...result });
  if (result.ms >= 2000 || result.addedMb >= 500) process.exitCode = 1;
}

/** Ingestion of 100,000 Transfer logs from a local node, in a process of its own. */
async function benchIngest(): Promise<void> {
  const child = spawn(process.execPath, ['scripts/bench/ingest.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    logs: number;
    ingestMs: number;
    logsPerSecond: number;
  };
  console.log(
    `\n## ingestion: ${result.logs.toLocaleString('en-US')} Transfer logs from a local Hardhat node in ${result.ingestMs} ms: ` +
      `${result.logsPerSecond.toLocaleString('en-US')} logs/s end to end (goal: >= 20,000)`,
  );
  saveResults('ingest', { date: new Date().toISOString(), ...result });
  if (result.logsPerSecond < 20_000) process.exitCode = 1;
}

/**
 * The endpoint fuzz test (test/site/fuzz.integration.test.ts) with a bigger budget and a fresh seed, printed so a
 * failure can be replayed: `FUZZ_SEED=<seed> FUZZ_RUNS=<runs> npm test -- test/site/fuzz.integration.test.ts`.
 */
async function benchFuzz(): Promise<void> {
  const runs = envCount('FUZZ_RUNS', 20_000);
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`\n## endpoint fuzzing: ${runs.toLocaleString('en-US')} random requests, seed ${seed}`);
  const child = spawn(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--config',
      'test/vitest.config.ts',
      'test/site/fuzz.integration.test.ts',
    ],
    { stdio: 'inherit', env: { ...process.env, SKIP_BUILD: '1', FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) } },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  saveResults('fuzz', { date: new Date().toISOString(), runs, seed, passed: code === 0 });
  if (code !== 0) process.exitCode = 1;
}

if (!only || only === 'paths') await benchPaths();
// A part of paths, so only when named.
if (only === 'article') await benchPaths(true);
if (!only || only === 'polls') await benchPolls();
if (!only || only === 'cohorts') await benchCohorts();
if (!only || only === 'metrics') await benchMetrics();
if (!only || only === 'ingest') await benchIngest();
if (!only || only === 'flows') await benchFlows();
if (!only || only === 'scale') await benchScale();
if (!only || only === 'sse') await benchSse();
if (!only || only === 'soak') await benchSoak(beforeDir);
if (!only || only === 'memory') await benchMemory(beforeDir);
if (!only || only === 'fuzz') await benchFuzz();
if (!only || only === 'abuse') await benchAbuse();
// Only when named: it needs two built checkouts.
if (only === 'wrk') await benchWrk(process.argv.slice(3));
