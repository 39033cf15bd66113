/**
 * `npm run bench [-- paths|article|polls|cohorts|metrics|ingest|scale|sse|soak|memory|fuzz|abuse]`: throughput and
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
import { BENCH_SECONDS, BENCH_VOTE_RATE_LIMIT, combined, envCount, load, printTable, saveResults } from './lib.ts';
import { benchAbuse } from './abuse.ts';
import { benchCohorts } from './cohorts.ts';
import { benchMemory } from './memory.ts';
import { benchPaths } from './paths.ts';
import { benchScale, benchSoak, benchSse } from './scale.ts';
import { seedVotes } from './seed-votes.ts';
import { benchWrk, WRK_USAGE } from './wrk.ts';
import { answerHelp } from '../usage.ts';

answerHelp(
  process.argv[2] === 'wrk'
    ? WRK_USAGE
    : 'usage: npm run bench [-- paths|article|polls|cohorts|metrics|ingest|scale|sse|soak|memory|fuzz|abuse [before-dir]]\n' +
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
const VOTES = envCount('BENCH_VOTES', 100_000);

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

  let server: TestServer | null = null;
  try {
    server = await startServer({
      databaseUrl,
      env: { POLLS_DIR: BENCH_POLLS, VOTE_RATE_LIMIT: BENCH_VOTE_RATE_LIMIT },
    });
    const url = server.url;
    await load({ name: 'warm-up', url: `${url}/api/polls/bench-big`, connections: 10, seconds: 2 });
    const small = await load({
      name: 'results, 100 votes',
      serverPid: server.pid,
      url: `${url}/api/polls/bench-small`,
      connections: 50,
      seconds: BENCH_SECONDS,
    });
    const big = await load({
      name: 'results, 1,000,000 votes',
      serverPid: server.pid,
      url: `${url}/api/polls/bench-big`,
      connections: 50,
      seconds: BENCH_SECONDS,
    });
    printTable([small, big]);
    console.log(
      `results read at 1,000,000 votes runs at ${((big.requestsPerSecond / small.requestsPerSecond) * 100).toFixed(0)}% of the rate at 100 votes`,
    );

    // Every request carries no voter cookie, so each one is a new, distinct voter.
    const before = Number(
      ((await (await fetch(`${url}/api/polls/bench-open`)).json()) as { totalVotes: number }).totalVotes,
    );
    // Votes and the article page take turns (V A V A, see combined), so the host's drift moves both alike.
    const half = Math.max(1, Math.round(BENCH_SECONDS / 2));
    const serverPid = server.pid;
    const voteRun = (amount: number) =>
      load({
        name: 'votes, 200 concurrent voters',
        serverPid,
        url: `${url}/api/polls/bench-open/votes`,
        connections: 200,
        seconds: half,
        // A fixed count, so every request is answered before we compare with what was stored.
        amount,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ optionIds: [['a', 'b', 'c', 'd'][Math.floor(Math.random() * 4)]] }),
        }),
      });
    const articleRun = () =>
      load({
        name: 'article page, same server',
        serverPid,
        url: `${url}${ARTICLE}`,
        connections: 200,
        seconds: half,
      });
    const firstVotes = await voteRun(Math.ceil(VOTES / 2));
    const firstArticle = await articleRun();
    const secondVotes = await voteRun(Math.floor(VOTES / 2));
    const secondArticle = await articleRun();
    const votes = combined('votes, 200 concurrent voters', [firstVotes, secondVotes]);
    const article = combined('article page, same server', [firstArticle, secondArticle]);
    printTable([votes, article]);
    const after = Number(
      ((await (await fetch(`${url}/api/polls/bench-open`)).json()) as { totalVotes: number }).totalVotes,
    );
    const stored = after - before;
    console.log(
      `acknowledged votes: ${votes.status201}; stored: ${stored}; 5xx: ${votes.status5xx}; ` +
        `votes/s are ${((votes.requestsPerSecond / article.requestsPerSecond) * 100).toFixed(0)}% of the article page's requests/s`,
    );
    if (stored !== votes.status201 || votes.status5xx > 0) {
      console.error('MISMATCH: stored votes differ from 201 responses, or 5xx answers were seen');
      process.exitCode = 1;
    }
    const check = await openDatabase({ url: databaseUrl });
    const poll = await getPoll(check, 'bench-big');
    check.$client.close();
    saveResults('polls', {
      date: new Date().toISOString(),
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
if (!only || only === 'scale') await benchScale();
if (!only || only === 'sse') await benchSse();
if (!only || only === 'soak') await benchSoak(beforeDir);
if (!only || only === 'memory') await benchMemory(beforeDir);
if (!only || only === 'fuzz') await benchFuzz();
if (!only || only === 'abuse') await benchAbuse();
// Only when named: it needs two built checkouts.
if (only === 'wrk') await benchWrk(process.argv.slice(3));
