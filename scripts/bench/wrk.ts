/**
 * `npm run bench:wrk -- --before <dir> --after <dir>` (or `npm run bench -- wrk …`): two builds of the site
 * on the hot paths under Debian's wrk, so a change can show it is no more than 5% slower. The server runs on
 * core 1 and wrk on core 0 (taskset), so wrk never takes the server's core, and wrk's own CPU is printed beside
 * each figure: near a full core, the figure is wrk's limit, not the server's. Every figure is a ratio to a
 * static file served by the same server in the same run, which cancels the machine's drift between runs.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import {
  drive,
  GENERATOR_CORE,
  loadDriver,
  SERVER_CORE,
  serverPin,
  WRK,
  type Driver,
  type DriveResult,
} from './driver.ts';
import { GENERATOR_BUSY, generatorLabel, median, noise } from './figures.ts';
import { BENCH_SECONDS, BENCH_VOTE_RATE_LIMIT, saveResults } from './lib.ts';
import { seedVotes } from './seed-votes.ts';
import { answerHelp } from '../usage.ts';

export const WRK_USAGE = `usage: npm run bench:wrk -- --before <dir> --after <dir> [--rounds 3] [--seconds ${BENCH_SECONDS}] [--connections 50] [--seed 10000]
   or: npm run bench -- wrk --before <dir> --after <dir> [...]   (the same, after rebuilding this checkout)

Two built copies of the site, started in turn (before, after, before, after, ...: --rounds each), each on a
fresh temp database (file: URL) seeded with --seed ballots in opg-distribution-retail. On each server, after a
one-second warm-up of each path, wrk (-t1, --connections, --seconds) loads in this order:
  /favicon.svg (yardstick), the article page /posts/opg-liquidity-ghost/, the poll page
  /polls/opg-distribution-retail/, the results read GET /api/polls/opg-distribution-retail, votes
  (POST /api/polls/opg-distribution-retail/votes, each one a new voter), /favicon.svg again.
Each figure is its requests/s over the mean of the two yardstick runs; the report gives per build the medians
of requests/s, p50 and p99 latency, the ratio to the yardstick, wrk's CPU (user+sys over wall, in cores) and
the server's, then per path the after/before ratio of the medians beside the noise (half the spread of
either build's own rounds): ok when ratio − noise is at least 0.95, SLOWER when ratio + noise is under it,
else "within noise" (exit code 1 unless every path is ok).
The server is pinned to core 1 and wrk to core 0 with taskset (scripts/bench/driver.ts, the driver npm run
bench uses too); it needs 2 cores, /usr/bin/wrk and /usr/bin/taskset. The vote rate limit is on but high (VOTE_RATE_LIMIT=${BENCH_VOTE_RATE_LIMIT}).
Other environment (DEMO, SITE_URL) is passed to both servers and must match what each build read.

A <dir> is a checkout holding package.json, dist/ (built) and node_modules/. To compare commit X with Y:
  git worktree add /tmp/before X && git worktree add /tmp/after Y      # detached, one per commit
  here=$PWD; for d in /tmp/before /tmp/after; do (cd $d && ln -s "$here/node_modules" node_modules && npm run build); done
run from this checkout (if X or Y has other dependencies than this one, run npm ci in it instead of linking), then
  npm run bench:wrk -- --before /tmp/before --after /tmp/after
and afterwards: git worktree remove /tmp/before && git worktree remove /tmp/after
A build compared with itself (--before . --after .) shows the noise floor. Figures of a shared or busy machine
are not comparable with others; raw figures land in bench-results/wrk.json.`;

/** The open poll whose page, results and ballots are measured; the article page carries another poll. */
const POLL = 'opg-distribution-retail';
const YARDSTICK = '/favicon.svg';
const WARM_UP_SECONDS = 1;
/** after ÷ before below this marks a path SLOWER: the "no more than 5% slower". */
const FLOOR = 0.95;
/**
 * The server gets less of its core than this on the yardstick, with wrk not busy: other work shares core 1
 * (taskset keeps our processes apart, not the machine's other ones) and the figures say little.
 */
const SERVER_STARVED = 0.8;

interface HotPath {
  name: string;
  path: string;
  vote: boolean;
}

const HOT_PATHS: readonly HotPath[] = [
  { name: 'article page', path: '/posts/opg-liquidity-ghost/', vote: false },
  { name: 'poll page', path: `/polls/${POLL}/`, vote: false },
  { name: 'results read', path: `/api/polls/${POLL}`, vote: false },
  // Last, so the ballots it adds (and the writer thread it wakes) touch no read measured after it but the yardstick.
  { name: 'vote', path: `/api/polls/${POLL}/votes`, vote: true },
];

/** A run as the shared driver reports it (generatorCores: wrk's own CPU). */
type WrkRun = DriveResult;

interface BuildRun {
  side: 'before' | 'after';
  round: number;
  yardstick: WrkRun[];
  paths: Record<string, WrkRun & { ratio: number }>;
  /** Ballots stored during the vote run against those wrk saw answered 2xx. */
  votes: { answered: number; stored: number };
}

interface Settings {
  before: string;
  after: string;
  rounds: number;
  seconds: number;
  connections: number;
  seed: number;
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number, not ${raw}`);
  return value;
}

function builtDir(name: string, raw: string | undefined): string {
  if (!raw) throw new Error(`--${name} <dir> is required`);
  const dir = resolve(raw);
  for (const entry of ['package.json', 'dist/serve.mjs', 'node_modules']) {
    if (!existsSync(join(dir, entry))) throw new Error(`--${name} ${dir} has no ${entry}: see --help`);
  }
  return dir;
}

function settingsOf(args: string[]): Settings {
  const { values } = parseArgs({
    args,
    options: {
      before: { type: 'string' },
      after: { type: 'string' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  return {
    before: builtDir('before', values.before),
    after: builtDir('after', values.after),
    rounds: positive('rounds', values.rounds, 3),
    seconds: positive('seconds', values.seconds, BENCH_SECONDS),
    connections: positive('connections', values.connections, 50),
    seed: positive('seed', values.seed, 10_000),
  };
}

function checkMachine(): Driver {
  if (!existsSync(WRK)) throw new Error(`${WRK} is missing (apt-get install wrk)`);
  const driver = loadDriver();
  if (!driver.pinned)
    throw new Error('the server and wrk need a core each: this process sees one, or taskset is missing');
  return driver;
}

/** One wrk run from the shared driver, on the core it pins wrk to. */
async function wrk(
  driver: Driver,
  server: TestServer,
  path: string,
  options: { seconds: number; connections: number; voteOptions?: string[] },
): Promise<WrkRun> {
  return drive(driver, { ...options, url: `${server.url}${path}`, servers: [server.pid] });
}

interface PollRead {
  totalVotes: number;
  options: { id: string }[];
}

async function readPoll(server: TestServer): Promise<PollRead> {
  const response = await fetch(`${server.url}/api/polls/${POLL}`);
  if (!response.ok) throw new Error(`GET /api/polls/${POLL} answered ${response.status}`);
  return (await response.json()) as PollRead;
}

/**
 * A server of `root` on a fresh temp database, seeded: a first start migrates it with the build's own
 * migrations and syncs its polls, the ballots are written while it is stopped (seedVotes, as the polls
 * bench does), and the second start, pinned to SERVER_CORE, is the one measured.
 */
async function seededServer(
  driver: Driver,
  root: string,
  seed: number,
): Promise<{ server: TestServer; optionIds: string[] }> {
  const pin = serverPin(driver);
  const env = { VOTE_RATE_LIMIT: BENCH_VOTE_RATE_LIMIT };
  const first = await startServer({ root, env, before: pin });
  let optionIds: string[] = [];
  try {
    optionIds = (await readPoll(first)).options.map((o) => o.id);
  } finally {
    await first.stop();
  }
  const db = await openDatabase({ url: first.databaseUrl });
  try {
    await seedVotes(db, POLL, optionIds, seed, Date.now());
  } finally {
    db.$client.close();
  }
  const server = await startServer({ root, env, before: pin, databaseUrl: first.databaseUrl });
  const cleanup = (): void => {
    server.cleanup();
    first.cleanup();
  };
  return { server: { ...server, cleanup }, optionIds };
}

async function measureBuild(
  driver: Driver,
  side: 'before' | 'after',
  round: number,
  root: string,
  s: Settings,
): Promise<BuildRun> {
  const { server, optionIds } = await seededServer(driver, root, s.seed);
  try {
    const load = { seconds: s.seconds, connections: s.connections };
    for (const hot of [{ path: YARDSTICK, vote: false }, ...HOT_PATHS]) {
      await wrk(driver, server, hot.path, {
        ...load,
        seconds: WARM_UP_SECONDS,
        ...(hot.vote ? { voteOptions: optionIds } : {}),
      });
    }
    const yardstick = [await wrk(driver, server, YARDSTICK, load)];
    const runs: Record<string, WrkRun> = {};
    let votes = { answered: 0, stored: 0 };
    for (const hot of HOT_PATHS) {
      if (!hot.vote) {
        runs[hot.name] = await wrk(driver, server, hot.path, load);
        continue;
      }
      const before = (await readPoll(server)).totalVotes;
      const run = await wrk(driver, server, hot.path, { ...load, voteOptions: optionIds });
      votes = { answered: run.requests - run.non2xx, stored: (await readPoll(server)).totalVotes - before };
      runs[hot.name] = run;
    }
    yardstick.push(await wrk(driver, server, YARDSTICK, load));
    const base = yardstick.reduce((sum, r) => sum + r.requestsPerSecond, 0) / yardstick.length;
    const paths = Object.fromEntries(
      Object.entries(runs).map(([name, run]) => [name, { ...run, ratio: run.requestsPerSecond / base }]),
    );
    return { side, round, yardstick, paths, votes };
  } finally {
    await server.stop();
    server.cleanup();
  }
}

function describeRun(run: BuildRun): string {
  const yard = run.yardstick.map((r) => `${r.requestsPerSecond} req/s (wrk ${r.generatorCores} cores)`).join(', ');
  const paths = Object.entries(run.paths).map(
    ([name, r]) => `${name} ${r.requestsPerSecond} req/s = ${r.ratio.toPrecision(3)}× (wrk ${r.generatorCores})`,
  );
  return `${run.side} ${run.round}: yardstick ${yard}; ${paths.join('; ')}; votes answered ${run.votes.answered}, stored ${run.votes.stored}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Runs the comparison with `args` (the command line after the script or section name). */
export async function benchWrk(args: string[]): Promise<void> {
  const s = settingsOf(args);
  const driver = checkMachine();
  console.log(
    `\n## wrk: before ${s.before}, after ${s.after}; ${s.rounds} rounds each, in turn; ${s.seconds} s per run, ` +
      `${s.connections} connections, 1 wrk thread on core ${GENERATOR_CORE}, server on core ${SERVER_CORE}`,
  );
  const runs: BuildRun[] = [];
  for (let round = 1; round <= s.rounds; round++) {
    for (const [side, dir] of [
      ['before', s.before],
      ['after', s.after],
    ] as const) {
      const run = await measureBuild(driver, side, round, dir, s);
      console.log(describeRun(run));
      runs.push(run);
      if (run.votes.stored < run.votes.answered) {
        console.error(`MISMATCH: ${run.votes.answered} ballots answered 2xx, only ${run.votes.stored} stored`);
        process.exitCode = 1;
      }
    }
  }

  const sideRuns = (side: 'before' | 'after') => runs.filter((r) => r.side === side);
  const names = ['yardstick', ...HOT_PATHS.map((p) => p.name)];
  const pick = (side: 'before' | 'after', name: string): (WrkRun & { ratio: number })[] =>
    sideRuns(side).flatMap((r) => {
      if (name === 'yardstick') return r.yardstick.map((y) => ({ ...y, ratio: 1 }));
      const run = r.paths[name];
      return run ? [run] : [];
    });
  const summary = names.flatMap((name) =>
    (['before', 'after'] as const).map((side) => {
      const list = pick(side, name);
      const generatorCores = Math.max(...list.map((r) => r.generatorCores));
      return {
        path: name,
        build: side,
        'req/s': Math.round(median(list.map((r) => r.requestsPerSecond))),
        'p50 ms': round2(median(list.map((r) => r.p50Ms))),
        'p99 ms': round2(median(list.map((r) => r.p99Ms))),
        '× yardstick': Number(median(list.map((r) => r.ratio)).toPrecision(3)),
        'wrk cores (max)': generatorLabel(generatorCores),
        'server cores': round2(median(list.map((r) => r.serverCores))),
        'non-2xx': list.reduce((sum, r) => sum + r.non2xx, 0),
        'socket errors': list.reduce((sum, r) => sum + r.socketErrors, 0),
      };
    }),
  );
  console.log('\nmedians per build (wrk cores: user+sys over wall; BUSY: wrk may be the limit)');
  console.table(summary);

  const verdicts = HOT_PATHS.map(({ name }) => {
    const befores = pick('before', name).map((r) => r.ratio);
    const afters = pick('after', name).map((r) => r.ratio);
    const before = median(befores);
    const after = median(afters);
    // How far one build's own rounds stray from their median: a difference inside it is not shown either way.
    const spread = Math.max(noise(befores), noise(afters));
    const p99Before = median(pick('before', name).map((r) => r.p99Ms));
    const p99After = median(pick('after', name).map((r) => r.p99Ms));
    const ratio = after / before;
    return {
      path: name,
      'before × yardstick': Number(before.toPrecision(3)),
      'after × yardstick': Number(after.toPrecision(3)),
      'after ÷ before': Number(ratio.toFixed(3)),
      'p99 after ÷ before': Number((p99After / Math.max(p99Before, 1e-9)).toFixed(2)),
      'noise ±': `${Math.round(spread * 100)}%`,
      // Shown only when the whole band around the ratio lies on one side of the floor.
      verdict: ratio - spread >= FLOOR ? 'ok' : ratio + spread < FLOOR ? 'SLOWER' : 'within noise',
    };
  });
  console.log(
    `after ÷ before per path, ± the noise (the larger half-spread of either build's own rounds): ok when even ` +
      `ratio − noise is at least ${FLOOR}, SLOWER when ratio + noise is under it, else within noise (run longer)`,
  );
  console.table(verdicts);
  const yardstickCores = median(runs.flatMap((r) => r.yardstick.map((y) => y.serverCores)));
  const yardstickWrk = median(runs.flatMap((r) => r.yardstick.map((y) => y.generatorCores)));
  if (yardstickCores < SERVER_STARVED && yardstickWrk < GENERATOR_BUSY) {
    console.error(
      `the server had ${yardstickCores} of its core on the yardstick (median): other work shares core ${SERVER_CORE}, ` +
        'so these figures measure the machine more than the builds; run again on an idle machine',
    );
  }
  const bad = runs.some((r) => Object.values(r.paths).some((p) => p.non2xx + p.socketErrors > 0));
  if (bad) console.error('some runs had non-2xx answers or socket errors: see the table');
  if (verdicts.some((v) => v.verdict !== 'ok') || bad) process.exitCode = 1;
  saveResults('wrk', { date: new Date().toISOString(), settings: s, runs, summary, verdicts });
}

if (import.meta.main) {
  answerHelp(WRK_USAGE);
  try {
    await benchWrk(process.argv.slice(2));
  } catch (error) {
    console.error(`bench:wrk: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
