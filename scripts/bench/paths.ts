/**
 * `npm run bench -- paths`: the site's hot paths against the article page, and the article page against two
 * servers that only send its bytes, all in one run through the load driver (wrk, pinned off the server's core:
 * driver.ts). The server starts fresh as a new user's does (a new database, the demo loaded), with the vote rate
 * limit raised. Each round measures every figure once, with the article page between every few of them; a figure's
 * ratio is its rate over the article page runs on either side of it (figures.ts: bracketedRatios), and the report
 * gives the median of three rounds beside their noise and the goal. `npm run bench -- article` runs only the article
 * page and its two yardsticks; BENCH_ONLY="poll list" measures only the figures whose names hold it (with the
 * yardsticks). Why it is built this way: docs/decisions/0023-bench-under-wrk.md.
 */
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { freePort } from '../../test/helpers/ports.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { findNginx, nginxArgs } from '../nginx.ts';
import {
  drive,
  loadDriver,
  serverPin,
  serverUsPerRequest,
  spawnOnServerCore,
  type Driver,
  type DriveResult,
} from './driver.ts';
import {
  bracketedRatios,
  GENERATOR_BUSY,
  generatorLabel,
  judgeGoal,
  median,
  noise,
  type GoalVerdict,
  type RoundRun,
} from './figures.ts';
import { BENCH_SECONDS, BENCH_VOTE_RATE_LIMIT, envCount, saveResults } from './lib.ts';
import { seedSessions } from './seed-sessions.ts';

const ARTICLE = '/posts/opg-liquidity-ghost/';
/** The demo's open token poll: its page shows results by holder cohort, and signed-in wallets vote in it. */
const COHORT_POLL = 'opgsim-distribution-retail';
/** Plain ballots go to the other open poll, so the polls whose pages are read keep the demo's figures. */
const PLAIN_VOTE_POLL = 'opg-distribution-retail';
const CONNECTIONS = 50;
const ROUNDS = envCount('BENCH_ROUNDS', 3);
/** The article page runs before the first figure of a round, after every ARTICLE_EVERY figures, and after the last. */
const ARTICLE_EVERY = 4;
const WARM_UP_SECONDS = 1;
/** The server's share of its core on the article page below which other work is taking that core. */
const SERVER_STARVED = 0.8;
/** Signed-in wallets per round for the verified votes, each voting once: enough for 12,000 votes/s all run long. */
const VERIFIED_WALLETS = envCount('BENCH_VERIFIED_VOTERS', Math.max(20_000, 12_000 * BENCH_SECONDS));

type Target = 'site' | 'bare' | 'nginx';

interface Figure {
  name: string;
  target: Target;
  path: string;
  /** A reader with the voter cookie of a ballot cast before the run. */
  voted?: boolean;
  /** POST a new ballot each (plain), or one per signed-in wallet (verified). */
  vote?: 'plain' | 'verified';
  /** The least ratio to the article page the figure should reach; for the yardsticks, article page ÷ this one. */
  goal: number | null;
}

const PAGES = [
  ['poll page', '/polls/opg-liquidity-ghost/'],
  ['poll page with cohorts', `/polls/${COHORT_POLL}/`],
  ['embed page', `/polls/${COHORT_POLL}/embed/`],
  ['token page', '/tokens/opgsim/'],
  ['poll list', '/polls/'],
] as const;

const YARDSTICKS: readonly Figure[] = [
  { name: 'bare node:http, same bytes', target: 'bare', path: '/', goal: 0.8 },
  { name: 'nginx, same file', target: 'nginx', path: '/article.html', goal: null },
];

const READS: readonly Figure[] = [
  ...PAGES.flatMap(([page, path]) =>
    (['', '/zh'] as const).flatMap((prefix) => [
      {
        name: `${page} (${prefix ? 'zh' : 'en'}, no cookie)`,
        target: 'site' as const,
        path: `${prefix}${path}`,
        goal: 0.5,
      },
      {
        name: `${page} (${prefix ? 'zh' : 'en'}, voted)`,
        target: 'site' as const,
        path: `${prefix}${path}`,
        voted: true,
        goal: 0.3,
      },
    ]),
  ),
  { name: 'results read', target: 'site', path: `/api/polls/${COHORT_POLL}`, goal: 0.8 },
];

/** Last in every round, so the ballots they add touch no read measured after them but the article page. */
const VOTES: readonly Figure[] = [
  { name: 'votes', target: 'site', path: `/api/polls/${PLAIN_VOTE_POLL}/votes`, vote: 'plain', goal: 0.4 },
  { name: 'verified votes', target: 'site', path: `/api/polls/${COHORT_POLL}/votes`, vote: 'verified', goal: 0.3 },
];

interface Yardstick {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

interface Setup {
  driver: Driver;
  server: TestServer;
  targets: Record<Target, Yardstick | null>;
  voterCookie: string;
  /** Session cookies per round (0: the warm-up), each a wallet that has not voted. */
  wallets: string[][];
  options: Record<string, string[]>;
  dir: string;
}

interface Measured {
  round: number;
  name: string;
  run: DriveResult;
  /** Ballots stored during a vote run (the poll's total before and after). */
  stored?: number;
}

/** Waits for a child that prints `listening on http://…/`. */
function listening(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+?)\/?$/m.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before listening:\n${out}`)));
  });
}

function stopper(child: ChildProcess, signal: NodeJS.Signals): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await new Promise((resolve) => child.once('exit', resolve));
  };
}

/** The article page's body and headers, less those a server writes itself. */
async function articleBytes(server: TestServer): Promise<{ body: Buffer; headers: [string, string][] }> {
  const response = await fetch(`${server.url}${ARTICLE}`);
  if (!response.ok) throw new Error(`${ARTICLE} answered ${response.status}`);
  const own = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    headers: [...response.headers].filter(([name]) => !own.has(name)),
  };
}

/** scripts/bench/static-baseline.ts: bare node:http sending the article's bytes, on the server's core. */
async function startBare(driver: Driver, dir: string): Promise<Yardstick> {
  const child = spawnOnServerCore(
    driver,
    process.execPath,
    ['scripts/bench/static-baseline.ts', join(dir, 'www', 'article.html'), join(dir, 'headers.json')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return { url: await listening(child, 'static-baseline.ts'), pid: child.pid ?? 0, stop: stopper(child, 'SIGTERM') };
}

/**
 * Debian's nginx (as scripts/nginx.ts and the tests run it: its own prefix, in the foreground) with one worker on
 * the server's core, sending the article's file with the article's headers; no access log, as neither other server
 * keeps one. Null, with a warning, where nginx is not installed.
 */
async function startNginxYardstick(
  driver: Driver,
  dir: string,
  headers: readonly [string, string][],
): Promise<Yardstick | null> {
  const binary = findNginx();
  if (!binary) {
    console.warn('bench: nginx is not installed, so the nginx yardstick is left out (apt-get install nginx)');
    return null;
  }
  const type = headers.find(([name]) => name === 'content-type')?.[1] ?? 'text/html; charset=utf-8';
  const quoted = (value: string): string => {
    // nginx reads \" and \\ in a quoted string as the characters; a $ would start a variable.
    if (value.includes('$')) throw new Error(`a header value nginx cannot be given as it is: ${value}`);
    return `"${value.replace(/["\\]/g, '\\$&')}"`;
  };
  const added = headers
    .filter(([name]) => name !== 'content-type')
    .map(([name, value]) => `      add_header ${name} ${quoted(value)} always;`);
  const runtime = join(dir, 'nginx');
  mkdirSync(runtime, { recursive: true });
  const port = await freePort();
  const config = join(runtime, 'nginx.conf');
  writeFileSync(
    config,
    [
      'worker_processes 1;',
      // Workers started by root would switch to nobody, who cannot read the temp directory (as in scripts/nginx.ts).
      process.getuid?.() === 0 ? `user ${userInfo().username};` : '',
      `pid ${runtime}/nginx.pid;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      '  server_tokens off;',
      '  sendfile on;',
      '  tcp_nopush on;',
      // As node:http: a kept-alive connection is never closed for its count of requests.
      '  keepalive_requests 100000000;',
      // The article's own ETag comes from add_header; nginx's Last-Modified and ranges would add bytes it lacks.
      '  etag off;',
      '  max_ranges 0;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${runtime}/${t};`),
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    root ${join(dir, 'www')};`,
      '    location / {',
      `      default_type ${quoted(type)};`,
      '      add_header Last-Modified "";',
      ...added,
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawnOnServerCore(driver, binary, nginxArgs(runtime, config), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null || tries > 200) {
      child.kill('SIGTERM');
      const errors = existsSync(join(runtime, 'error.log')) ? readFileSync(join(runtime, 'error.log'), 'utf8') : '';
      throw new Error(`nginx did not start:\n${log}${errors}`);
    }
    const up = await fetch(`${url}/article.html`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // SIGTERM is nginx's fast shutdown; the master's children are its worker.
  return { url, pid: child.pid ?? 0, stop: stopper(child, 'SIGTERM') };
}

/** The bytes one answer puts on the wire: status line, headers and body. */
function wireBytes(url: string): Promise<{ headers: number; body: number }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = 0;
      res.on('data', (chunk: Buffer) => (body += chunk.length));
      res.on('end', () => {
        const raw = res.rawHeaders;
        let headers = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i + 1 < raw.length; i += 2) headers += `${raw[i]}: ${raw[i + 1]}\r\n`.length;
        resolve({ headers, body });
      });
    }).on('error', reject);
  });
}

async function totalVotes(server: TestServer, pollId: string): Promise<number> {
  const response = await fetch(`${server.url}/api/polls/${pollId}`);
  if (!response.ok) throw new Error(`GET /api/polls/${pollId} answered ${response.status}`);
  return ((await response.json()) as { totalVotes: number }).totalVotes;
}

async function optionIds(server: TestServer, pollId: string): Promise<string[]> {
  const response = await fetch(`${server.url}/api/polls/${pollId}`);
  return ((await response.json()) as { options: { id: string }[] }).options.map((o) => o.id);
}

/** A reader's voter cookie, from the Set-Cookie of a real first ballot in the cohort poll. */
async function castFirstBallot(server: TestServer, option: string): Promise<string> {
  const response = await fetch(`${server.url}/api/polls/${COHORT_POLL}/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ optionIds: [option] }),
  });
  const cookie = /^(voter=[^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (response.status !== 201 || !cookie)
    throw new Error(`the first ballot answered ${response.status}, no voter cookie`);
  return cookie;
}

/**
 * Signed-in wallets for the warm-up's and each round's verified votes (seedSessions), none of which has voted or
 * holds OPGSIM.
 */
async function signedInWallets(server: TestServer, rounds: number, perRound: number): Promise<string[][]> {
  const db = await openDatabase({ url: server.databaseUrl });
  try {
    const wallets: string[][] = [];
    for (let round = 0; round < rounds; round++) {
      // Digits only, so each address is its own EIP-55 form.
      const addresses = Array.from(
        { length: perRound },
        (_, i) => `0x${String(10 ** 12 + round * perRound + i).padStart(40, '0')}`,
      );
      wallets.push(await seedSessions(db, addresses, Date.now()));
    }
    return wallets;
  } finally {
    db.$client.close();
  }
}

async function setUp(articleOnly: boolean): Promise<Setup> {
  const driver = loadDriver();
  if (process.env.DEMO === 'off') throw new Error('this section reads the demo’s pages: run it without DEMO=off');
  const server = await startServer({
    env: { VOTE_RATE_LIMIT: BENCH_VOTE_RATE_LIMIT },
    before: serverPin(driver),
    timeoutMs: 90_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-paths-'));
  const started: Yardstick[] = [];
  try {
    const { body, headers } = await articleBytes(server);
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'www', 'article.html'), body);
    writeFileSync(join(dir, 'headers.json'), JSON.stringify(headers));
    const bare = await startBare(driver, dir);
    started.push(bare);
    const nginx = await startNginxYardstick(driver, dir, headers);
    if (nginx) started.push(nginx);
    const site = { url: server.url, pid: server.pid, stop: async () => undefined };
    const setup: Setup = {
      driver,
      server,
      targets: { site, bare, nginx },
      voterCookie: '',
      wallets: [],
      options: {},
      dir,
    };
    if (articleOnly) return setup;
    for (const pollId of [COHORT_POLL, PLAIN_VOTE_POLL]) setup.options[pollId] = await optionIds(server, pollId);
    setup.voterCookie = await castFirstBallot(server, setup.options[COHORT_POLL]?.[0] ?? '');
    for (const figure of READS) {
      const headers: Record<string, string> = figure.voted ? { cookie: setup.voterCookie } : {};
      const status = (await fetch(`${server.url}${figure.path}`, { headers })).status;
      if (status !== 200) throw new Error(`${figure.name}: ${figure.path} answered ${status}, not 200`);
    }
    const made = performance.now();
    setup.wallets = await signedInWallets(server, ROUNDS + 1, VERIFIED_WALLETS);
    console.log(
      `${((ROUNDS + 1) * VERIFIED_WALLETS).toLocaleString('en-US')} signed-in wallets made in ` +
        `${((performance.now() - made) / 1000).toFixed(1)} s (${VERIFIED_WALLETS.toLocaleString('en-US')} for the warm-up and for each round)`,
    );
    return setup;
  } catch (error) {
    for (const yardstick of started) await yardstick.stop();
    await server.stop();
    server.cleanup();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** One run of a figure (null: the article page); `round` 0 is the warm-up, which votes with wallets of its own. */
async function measure(setup: Setup, figure: Figure | null, round: number, seconds: number): Promise<Measured | null> {
  const target = setup.targets[figure?.target ?? 'site'];
  if (!target) return null;
  const name = figure?.name ?? 'article page';
  const path = figure?.path ?? ARTICLE;
  const pollId = figure?.vote === 'verified' ? COHORT_POLL : PLAIN_VOTE_POLL;
  const before = figure?.vote ? await totalVotes(setup.server, pollId) : 0;
  const run = await drive(setup.driver, {
    url: `${target.url}${path}`,
    seconds,
    connections: CONNECTIONS,
    servers: [target.pid],
    ...(figure?.voted ? { headers: { cookie: setup.voterCookie } } : {}),
    ...(figure?.vote ? { voteOptions: setup.options[pollId] ?? [] } : {}),
    ...(figure?.vote === 'verified' ? { cookies: setup.wallets[round] ?? [] } : {}),
  });
  if (!figure?.vote) return { round, name, run };
  return { round, name, run, stored: (await totalVotes(setup.server, pollId)) - before };
}

/**
 * One round's order (null: the article page): the article page first, after every ARTICLE_EVERY figures and last;
 * the reads reversed in even rounds, the votes last in every round.
 */
function roundOrder(figures: readonly Figure[], round: number): (Figure | null)[] {
  const reads = figures.filter((f) => !f.vote);
  const ordered = [...(round % 2 === 0 ? reads.reverse() : reads), ...figures.filter((f) => f.vote)];
  const order: (Figure | null)[] = [null];
  ordered.forEach((figure, i) => {
    order.push(figure);
    if ((i + 1) % ARTICLE_EVERY === 0 || i === ordered.length - 1) order.push(null);
  });
  return order;
}

function describe(m: Measured, ratio: number | undefined): string {
  const r = m.run;
  const parts = [
    `round ${m.round} · ${m.name}: ${r.requestsPerSecond} req/s`,
    ratio === undefined ? '' : ` = ${ratio.toPrecision(3)}× article page`,
    ` (p99 ${r.p99Ms} ms; ${r.generator} ${generatorLabel(r.generatorCores)} cores, server ${r.serverCores})`,
    r.non2xx + r.socketErrors > 0 ? ` non-2xx ${r.non2xx}, socket errors ${r.socketErrors}` : '',
    m.stored === undefined ? '' : `; ${r.requests - r.non2xx} answered 2xx, ${m.stored} new ballots stored`,
  ];
  return parts.join('');
}

interface Row {
  figure: string;
  'req/s': number;
  'p99 ms': number;
  ratio: string;
  'noise ±': string;
  goal: string;
  verdict: GoalVerdict | '';
  'generator cores (max)': string;
  'server cores': number;
  'server µs/request': number;
  'ratio by server CPU': string;
  'non-2xx': number;
  'socket errors': number;
}

function summarize(
  name: string,
  figure: Figure | null,
  measured: Measured[],
  ratios: number[],
  cpuRatios: number[],
): Row {
  const runs = measured.filter((m) => m.name === name).map((m) => m.run);
  const yardstick = figure?.target === 'bare' || figure?.target === 'nginx';
  // A yardstick's row reads the other way: the article page ÷ it.
  const values = yardstick ? ratios.map((r) => 1 / r) : ratios;
  const cpuValues = yardstick ? cpuRatios.filter((r) => r > 0).map((r) => 1 / r) : cpuRatios;
  const ratio = median(values);
  const spread = noise(values);
  const goal = figure?.goal ?? null;
  const busy = (list: readonly DriveResult[]): boolean => list.some((r) => r.generatorCores >= GENERATOR_BUSY);
  const ownBusy = busy(runs);
  const articleBusy = busy(measured.filter((m) => m.name === 'article page').map((m) => m.run));
  const verdict =
    goal === null || !values.length
      ? ''
      : judgeGoal(values, cpuValues, goal, {
          numerator: yardstick ? articleBusy : ownBusy,
          denominator: yardstick ? ownBusy : articleBusy,
        });
  return {
    figure: yardstick ? `article page ÷ ${name}` : name,
    'req/s': Math.round(median(runs.map((r) => r.requestsPerSecond))),
    'p99 ms': Math.round(median(runs.map((r) => r.p99Ms)) * 100) / 100,
    ratio: !figure ? '1' : values.length ? `${ratio.toPrecision(3)}×` : 'none',
    'noise ±': figure && values.length ? `${Math.round(spread * 100)}%` : '',
    goal: goal === null ? '' : `≥ ${goal}`,
    verdict,
    'generator cores (max)': generatorLabel(Math.max(...runs.map((r) => r.generatorCores))),
    'server cores': Math.round(median(runs.map((r) => r.serverCores)) * 100) / 100,
    'server µs/request': Math.round(median(runs.map(serverUsPerRequest))),
    'ratio by server CPU': !figure ? '1' : cpuValues.length ? `${median(cpuValues).toPrecision(3)}×` : 'none',
    'non-2xx': runs.reduce((sum, r) => sum + r.non2xx, 0),
    'socket errors': runs.reduce((sum, r) => sum + r.socketErrors, 0),
  };
}

/**
 * Runs the section; `articleOnly` (`npm run bench -- article`) measures the article page and its yardsticks alone.
 */
export async function benchPaths(articleOnly = false): Promise<void> {
  const setup = await setUp(articleOnly);
  const { driver, server, targets } = setup;
  // BENCH_ONLY (a piece of the figures' names, e.g. "poll list"): those figures alone, between article-page runs.
  const only = process.env.BENCH_ONLY;
  const figures = articleOnly
    ? YARDSTICKS
    : [...YARDSTICKS, ...READS, ...VOTES].filter((f) => !only || f.target !== 'site' || f.name.includes(only));
  const section = articleOnly ? 'article' : 'paths';
  try {
    const bytes = await Promise.all(
      (['site', 'bare', 'nginx'] as const).map(async (t) => {
        const target = targets[t];
        if (!target) return `${t}: not run`;
        const b = await wireBytes(`${target.url}${t === 'site' ? ARTICLE : t === 'bare' ? '/' : '/article.html'}`);
        return `${t === 'site' ? 'article page' : t === 'bare' ? 'node:http' : 'nginx'} ${b.body} + ${b.headers} header bytes`;
      }),
    );
    console.log(
      `\n## ${section}: ${figures.length} figures and the article page, ${ROUNDS} rounds of ${BENCH_SECONDS} s a run, ` +
        `${CONNECTIONS} connections; ${driver.describe}\n` +
        `the article page ${ARTICLE} and its yardsticks, the same bytes: ${bytes.join('; ')}`,
    );
    if (!articleOnly) {
      console.log(
        `votes: a new voter per ballot in ${PLAIN_VOTE_POLL}; verified votes: a signed-in wallet per ballot in ` +
          `${COHORT_POLL}; both with the server's vote writer thread on the server's core` +
          `${driver.pinned ? '' : ' (unpinned here)'}; "voted": the voter cookie of a ballot in ${COHORT_POLL}`,
      );
    }
    for (const figure of [null, ...figures]) {
      await measure(setup, figure, 0, WARM_UP_SECONDS);
    }
    const measured: Measured[] = [];
    const ratios = new Map<string, number[]>();
    const cpuRatios = new Map<string, number[]>();
    for (let round = 1; round <= ROUNDS; round++) {
      const runs: Measured[] = [];
      for (const figure of roundOrder(figures, round)) {
        const m = await measure(setup, figure, round, BENCH_SECONDS);
        if (m) runs.push(m);
      }
      const bracketed = (rate: (run: DriveResult) => number): Map<string, number> =>
        bracketedRatios(
          runs.map((m): RoundRun =>
            m.name === 'article page'
              ? { yardstick: true, rate: rate(m.run) }
              : { yardstick: false, name: m.name, rate: rate(m.run) },
          ),
        );
      const roundRatios = bracketed((run) => run.requestsPerSecond);
      // Requests per second of server CPU: what each would answer with its core to itself, whatever the generator did.
      const roundCpuRatios = bracketed((run) => (serverUsPerRequest(run) > 0 ? 1e6 / serverUsPerRequest(run) : 0));
      for (const m of runs) console.log(describe(m, roundRatios.get(m.name)));
      for (const [name, ratio] of roundRatios) ratios.set(name, [...(ratios.get(name) ?? []), ratio]);
      for (const [name, ratio] of roundCpuRatios) cpuRatios.set(name, [...(cpuRatios.get(name) ?? []), ratio]);
      measured.push(...runs);
    }

    const rows = [
      summarize('article page', null, measured, [], []),
      ...figures
        .filter((f) => targets[f.target])
        .map((f) => summarize(f.name, f, measured, ratios.get(f.name) ?? [], cpuRatios.get(f.name) ?? [])),
    ];
    console.log(
      `\nmedians of ${ROUNDS} rounds; ratio: the figure ÷ the article page runs either side of it (a yardstick's row: ` +
        'the article page ÷ it); noise: half the spread of the rounds; ok when even ratio less noise reaches the ' +
        'goal, below when even ratio plus noise misses it; generator BUSY at ≥ 0.9 of a core: there it may be the ' +
        'limit; ratio by server CPU: the same ratio of requests per second of server CPU, which a busy generator ' +
        'does not hold down, and which judges the goal ("by server CPU") where a busy generator could have decided it',
    );
    console.table(rows);
    const article = measured.filter((m) => m.name === 'article page').map((m) => m.run);
    const articleServer = median(article.map((r) => r.serverCores));
    if (
      driver.pinned &&
      articleServer < SERVER_STARVED &&
      Math.max(...article.map((r) => r.generatorCores)) < GENERATOR_BUSY
    ) {
      console.error(
        `the server had ${articleServer} of its core on the article page (median) while the generator was not busy: ` +
          'other work shares its core, so these figures measure the machine more than the site; run again on an idle machine',
      );
    }
    const votes = measured.filter((m) => m.stored !== undefined);
    for (const m of votes) {
      const answered = m.run.requests - m.run.non2xx;
      const wallets = setup.wallets[m.round]?.length ?? 0;
      // A vote run ends with its open requests unanswered; the server may still store those.
      if (m.stored !== undefined && m.stored < answered && !(m.name === 'verified votes' && m.run.requests > wallets)) {
        console.error(`MISMATCH: round ${m.round} ${m.name}: ${answered} answered 2xx, only ${m.stored} stored`);
        process.exitCode = 1;
      }
      if (m.name === 'verified votes' && m.run.requests > wallets) {
        console.warn(
          `round ${m.round}: ${m.run.requests} verified votes from ${wallets} wallets, so some changed a ballot ` +
            'instead of casting one: raise BENCH_VERIFIED_VOTERS',
        );
      }
    }
    if (rows.some((r) => r.verdict === 'below')) process.exitCode = 1;
    saveResults(section, {
      date: new Date().toISOString(),
      driver: driver.describe,
      seconds: BENCH_SECONDS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      rows,
      ratios: Object.fromEntries(ratios),
      cpuRatios: Object.fromEntries(cpuRatios),
      runs: measured,
      // What compare.ts reads of the article section: the article page and bare node:http, medians of the rounds.
      site: medianRun(measured, 'article page'),
      bare: medianRun(measured, YARDSTICKS[0]?.name ?? ''),
    });
  } finally {
    for (const target of [targets.bare, targets.nginx]) await target?.stop();
    await server.stop();
    server.cleanup();
    rmSync(setup.dir, { recursive: true, force: true });
  }
}

function medianRun(measured: readonly Measured[], name: string): { requestsPerSecond: number } {
  return { requestsPerSecond: median(measured.filter((m) => m.name === name).map((m) => m.run.requestsPerSecond)) };
}
