/**
 * `npm run bench -- cohorts`: results by holder cohort at 100,000 verified
 * ballots, beside the plain results read and the article page of the same
 * run; verified votes (session check plus balance lookup) beside plain votes;
 * and re-weighting every ballot when a new snapshot lands.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveSnapshot } from '../../src/lib/chain/repo.server.ts';
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import { weightingTokenOf } from '../../src/lib/cohorts/weighting.ts';
import { reweightPolls } from '../../src/lib/cohorts/weighting.server.ts';
import { loadPollDefinitions } from '../../src/lib/polls/definitions.server.ts';
import { castVotes } from '../../src/lib/polls/store/cast.server.ts';
import type { CastVoteInput } from '../../src/lib/polls/store/cast-types.ts';
import { migrateDatabase, openDatabase, type Database } from '../../src/lib/platform/db/db.server.ts';
import { startServer } from '../../test/helpers/server.ts';
import { syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import {
  combinedRuns,
  drive,
  loadDriver,
  printRuns,
  serverPin,
  type DriveOptions,
  type DriveResult,
} from './driver.ts';
import { BENCH_SECONDS, BENCH_VOTE_RATE_LIMIT, envCount, saveResults } from './lib.ts';
import { seedSessions } from './seed-sessions.ts';

const POLLS = fileURLToPath(new URL('./cohort-polls/', import.meta.url));
const TOKENS = fileURLToPath(new URL('./tokens/', import.meta.url));
const ARTICLE = '/posts/opg-liquidity-ghost/';
const BALLOTS = envCount('BENCH_COHORT_BALLOTS', 100_000);
/**
 * Wallets that vote during the verified-vote load (BENCH_SECONDS long): holders with no ballot yet in
 * bench-token-open, each voting once. The run reports it when they run out before the time does.
 */
const VOTING_WALLETS = envCount('BENCH_VERIFIED_VOTERS', 60_000);
const CHUNK = 20_000;

const holderAddress = (i: number): string => `0x${(0x100000 + i).toString(16).padStart(40, '0')}`;

/** A snapshot of `count` holders with a long-tailed distribution (a few whales, many small holders). */
async function seedSnapshot(db: Database, block: number, takenAt: number, count: number, shift: number): Promise<void> {
  const token = loadTokenDefinition('BENCH', TOKENS);
  if (!token) throw new Error(`no BENCH token in ${TOKENS}`);
  const holders = Array.from({ length: count }, (_, i) => ({
    address: holderAddress(i),
    balance: 10n ** 18n * BigInt(Math.floor(1e7 / (1 + ((i + shift) % count)))) + BigInt(i),
  }));
  const snapshot = buildSnapshot({
    token,
    block,
    takenAt,
    holders,
    source: { kind: 'csv', file: `bench-${block}.csv`, sha256: '0'.repeat(64) },
    totalSupply: null,
    simulated: true,
  });
  await saveSnapshot(db, snapshot, Date.now(), holders);
}

export async function benchCohorts(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cohorts-'));
  const databaseUrl = `file:${join(dir, 'app.db')}`;
  const db = await openDatabase({ url: databaseUrl });
  await migrateDatabase(db);
  const holders = BALLOTS + VOTING_WALLETS;
  const seeded = Date.now();
  await seedSnapshot(db, 100, Date.parse('2025-12-01T00:00:00Z'), holders, 0);
  await syncPollDefinitions(db, loadPollDefinitions(POLLS), (symbol) => {
    const token = loadTokenDefinition(symbol, TOKENS);
    return token && weightingTokenOf(token);
  });
  await reweightPolls(db, Date.now());
  // Every ballot through the write path votes take (group commit and cohort ledger), one per wallet.
  const start = Date.now() - 30 * 86_400_000;
  for (const pollId of ['bench-token', 'bench-token-latest']) {
    for (let first = 0; first < BALLOTS; first += CHUNK) {
      const ballots: CastVoteInput[] = [];
      for (let i = first; i < Math.min(BALLOTS, first + CHUNK); i++) {
        ballots.push({
          pollId,
          voterId: `seed-${i}`,
          address: holderAddress(i),
          optionIds: [['a', 'b', 'c', 'd'][i % 4] ?? 'a'],
          now: start + i * 20_000,
          allowChange: false,
          tokenPoll: true,
        });
      }
      await castVotes(db, ballots);
    }
  }
  console.log(
    `\n## cohorts: a ${holders.toLocaleString('en-US')}-holder snapshot and 2 × ${BALLOTS.toLocaleString('en-US')} verified ballots seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
  );

  // A new snapshot: the `snapshot: latest` poll re-weights every ballot, the default one keeps its weights.
  await seedSnapshot(db, 200, Date.now() - 60_000, holders, 7);
  const reweightStarted = performance.now();
  const reweighted = await reweightPolls(db, Date.now());
  const reweightMs = Math.round(performance.now() - reweightStarted);
  console.log(
    `re-weighting ${reweighted.map((r) => `${r.pollId} (${r.ballots.toLocaleString('en-US')} ballots)`).join(', ')} ` +
      `after a new snapshot: ${reweightMs} ms (goal: < 2,000 ms)`,
  );

  const cookies = await seedSessions(
    db,
    Array.from({ length: VOTING_WALLETS }, (_, i) => holderAddress(BALLOTS + i)),
    Date.now(),
  );
  db.$client.close();

  const driver = loadDriver();
  const server = await startServer({
    databaseUrl,
    env: { POLLS_DIR: POLLS, TOKENS_DIR: TOKENS, VOTE_RATE_LIMIT: BENCH_VOTE_RATE_LIMIT },
    timeoutMs: 60_000,
    before: serverPin(driver),
  });
  try {
    const url = server.url;
    const servers = [server.pid];
    console.log(`load: ${driver.describe}`);
    const run = (path: string, seconds: number, connections: number, more: Partial<DriveOptions> = {}) =>
      drive(driver, { url: `${url}${path}`, seconds, connections, servers, ...more });
    await run('/api/polls/bench-token', 2, 10);
    // Two rounds, each scenario in turn (see combinedRuns), BENCH_SECONDS in all per scenario.
    const half = Math.max(1, Math.round(BENCH_SECONDS / 2));
    const scenarios = [
      ['article page', ARTICLE],
      ['plain results read', '/api/polls/bench-plain'],
      [`cohort results read, ${BALLOTS.toLocaleString('en-US')} verified ballots`, '/api/polls/bench-token'],
    ] as const;
    const readRuns = scenarios.map((): DriveResult[] => []);
    for (let round = 0; round < 2; round++) {
      for (const [i, [, path]] of scenarios.entries()) readRuns[i]?.push(await run(path, half, 50));
    }
    const reads = scenarios.map(([name], i) => ({ name, run: combinedRuns(readRuns[i] ?? []) }));
    printRuns(reads);
    const [article, plain, cohort] = reads.map((r) => r.run) as [DriveResult, DriveResult, DriveResult];
    const ratio = (a: { requestsPerSecond: number }, b: { requestsPerSecond: number }): string =>
      `${((a.requestsPerSecond / b.requestsPerSecond) * 100).toFixed(0)}%`;
    console.log(
      `plain results read: ${ratio(plain, article)} of the article page (goal ≥ 80%); ` +
        `cohort results read: ${ratio(cohort, plain)} of the plain read (goal ≥ 90%), p99 ${cohort.p99Ms} ms against ${plain.p99Ms} ms`,
    );

    const plainVotesRun = () => run('/api/polls/bench-plain-open/votes', half, 200, { voteOptions: ['a'] });
    const articleRun = () => run(ARTICLE, half, 200);
    const totalVotes = async (pollId: string): Promise<number> =>
      ((await (await fetch(`${url}/api/polls/${pollId}`)).json()) as { totalVotes: number }).totalVotes;
    // The verified run (each wallet votes once) sits between two halves of the others: A B V B A.
    const plainFirst = await plainVotesRun();
    const articleFirst = await articleRun();
    const verifiedBefore = await totalVotes('bench-token-open');
    const verifiedRun = await run('/api/polls/bench-token-open/votes', BENCH_SECONDS, 200, {
      voteOptions: ['b'],
      cookies,
    });
    const verifiedStored = (await totalVotes('bench-token-open')) - verifiedBefore;
    const articleSecond = await articleRun();
    const plainSecond = await plainVotesRun();
    const plainVotes = combinedRuns([plainFirst, plainSecond]);
    const article200 = combinedRuns([articleFirst, articleSecond]);
    printRuns([
      { name: 'plain votes, 200 concurrent voters', run: plainVotes },
      { name: 'verified votes (session + balance), 200 concurrent wallets', run: verifiedRun },
      { name: 'article page, 200 connections', run: article200 },
    ]);
    const answered = verifiedRun.requests - verifiedRun.non2xx;
    // Each wallet may vote once in bench-token-open: past the last one, ballots are refused (409) and say nothing.
    const walletsLasted = verifiedRun.requests <= VOTING_WALLETS;
    const verifiedOk = walletsLasted && verifiedRun.non2xx === 0 && verifiedStored >= answered;
    console.log(
      `plain votes: ${ratio(plainVotes, article200)} of the article page (goal ≥ 60%); verified votes: ${ratio(verifiedRun, article200)} (goal ≥ 50%); ` +
        `${answered} verified ballots answered 2xx, ${verifiedStored} stored, from ${VOTING_WALLETS} wallets` +
        (walletsLasted ? '' : ': the wallets ran out, raise BENCH_VERIFIED_VOTERS'),
    );
    if (!verifiedOk) process.exitCode = 1;
    saveResults('cohorts', {
      date: new Date().toISOString(),
      driver: driver.describe,
      ballots: BALLOTS,
      reweightMs,
      article,
      plain,
      cohort,
      plainVotes,
      verifiedVotes: verifiedRun,
      verifiedStored,
      article200,
    });
    if (reweightMs >= 2000) process.exitCode = 1;
  } finally {
    await server.stop();
    server.cleanup();
  }
}
