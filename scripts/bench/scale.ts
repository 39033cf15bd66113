/**
 * Beyond one process: votes through nginx to two instances on sqld against one
 * instance on a file; 2,000 live subscribers on one instance; a steady soak.
 * Run by scripts/bench/run.ts (`npm run bench -- scale|sse|soak`).
 */
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startNginx, type Nginx } from '../../test/helpers/nginx.ts';
import { freePort } from '../../test/helpers/ports.ts';
import { treeRssMb } from '../../test/helpers/processes.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { startSqld, type Sqld } from '../../test/helpers/sqld.ts';
import {
  BENCH_SECONDS,
  BENCH_VOTE_RATE_LIMIT,
  cpuMeter,
  envCount,
  load,
  type LoadResult,
  printTable,
  saveResults,
} from './lib.ts';

const BENCH_POLLS = fileURLToPath(new URL('./polls/', import.meta.url));
const ENV = { POLLS_DIR: BENCH_POLLS, VOTE_RATE_LIMIT: BENCH_VOTE_RATE_LIMIT, TRUSTED_PROXIES: '127.0.0.1' };
const POLL = 'bench-open';
const OPTIONS = ['a', 'b', 'c', 'd'];

/**
 * The server's resident memory in MB: its process and every one it keeps running (the card drawer, the
 * snapshot scanner), as the memory goals count it. The vote writer is a thread, in the server's own figure.
 */
export function rssMb(pid: number): number {
  return treeRssMb(pid).mb;
}

async function totalVotes(baseUrl: string): Promise<number> {
  const poll = (await (await fetch(`${baseUrl}/api/polls/${POLL}`)).json()) as { totalVotes: number };
  return poll.totalVotes;
}

type VoteLoadResult = LoadResult & { stored: number; cores: Record<string, number> };

/** A fixed number of new-voter ballots at `connections` concurrency; checks 201s against what was stored. */
async function voteLoad(
  name: string,
  baseUrl: string,
  options: {
    connections: number;
    amount: number;
    rate?: number;
    processes?: Record<string, number[]>;
    /** The site's Host, for ballots sent straight to an instance behind nginx (it takes writes for that host only). */
    host?: string;
  },
): Promise<VoteLoadResult> {
  const before = await totalVotes(baseUrl);
  const meter = cpuMeter(options.processes ?? {});
  const result = await load({
    name,
    url: `${baseUrl}/api/polls/${POLL}/votes`,
    connections: options.connections,
    seconds: 0,
    amount: options.amount,
    ...(options.rate ? { rate: options.rate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.host ? { host: options.host } : {}) },
    setupRequest: (req) => ({
      ...req,
      body: JSON.stringify({ optionIds: [OPTIONS[Math.floor(Math.random() * OPTIONS.length)]] }),
    }),
  });
  const cores = meter(result.seconds);
  const stored = (await totalVotes(baseUrl)) - before;
  if (stored !== result.status201 || result.status5xx > 0) {
    console.error(`MISMATCH in "${name}": ${result.status201} answered 201, ${stored} stored, ${result.status5xx} 5xx`);
    process.exitCode = 1;
  }
  return { ...result, stored, cores };
}

/** Two instances behind nginx on sqld against one instance on a file, 500 concurrent voters each. */
export async function benchScale(): Promise<void> {
  const amount = envCount('BENCH_SCALE_VOTES', 60_000);
  const connections = 500;
  console.log(`\n## scale: ${amount.toLocaleString('en-US')} new voters' ballots, ${connections} concurrent`);
  const rows: (LoadResult & { stored: number; cores: Record<string, number> })[] = [];
  const reads: LoadResult[] = [];
  const readLoad = (name: string, baseUrl: string): Promise<LoadResult> =>
    load({ name, url: `${baseUrl}/api/polls/${POLL}`, connections: 100, seconds: BENCH_SECONDS });

  const single = await startServer({ env: ENV, ownSiteUrl: true });
  try {
    await voteLoad('warm-up', single.url, { connections: 50, amount: 2000 });
    rows.push(
      await voteLoad('one instance, file database', single.url, {
        connections,
        amount,
        processes: { instances: [single.pid] },
      }),
    );
    reads.push(await readLoad('results reads, one instance, file database', single.url));
  } finally {
    await single.stop();
    single.cleanup();
  }

  let sqld: Sqld | null = null;
  let instances: TestServer[] = [];
  let nginx: Nginx | null = null;
  try {
    sqld = await startSqld();
    const databaseUrl = sqld.url;
    // The instances answer for nginx's address (SITE_URL), chosen before they start.
    const proxyPort = await freePort();
    const site = `127.0.0.1:${proxyPort}`;
    const env = { ...ENV, SITE_URL: `http://${site}` };
    instances = await Promise.all([0, 1].map(() => startServer({ databaseUrl, env })));
    nginx = await startNginx(
      instances.map((s) => s.port),
      proxyPort,
    );
    await voteLoad('warm-up', nginx.url, { connections: 50, amount: 2000 });
    const first = instances[0] as TestServer;
    rows.push(
      await voteLoad('one instance on sqld, direct', first.url, {
        connections,
        amount,
        host: site,
        processes: { instances: [first.pid], sqld: [sqld.pid()] },
      }),
    );
    rows.push(
      await voteLoad('two instances on sqld, behind nginx', nginx.url, {
        connections,
        amount,
        processes: { instances: instances.map((s) => s.pid), sqld: [sqld.pid()], nginx: [nginx.pid] },
      }),
    );
    reads.push(await readLoad('results reads, one instance on sqld, direct', first.url));
    reads.push(await readLoad('results reads, two instances on sqld, behind nginx', nginx.url));
  } finally {
    await nginx?.stop();
    nginx?.cleanup();
    for (const server of instances) {
      await server.stop();
      server.cleanup();
    }
    await sqld?.stop();
    sqld?.cleanup();
  }

  printTable(rows);
  printTable(reads);
  for (const row of rows) {
    const busy = Object.entries(row.cores).map(([name, n]) => `${name} ${n}`);
    console.log(`cores busy, ${row.name}: ${busy.join(', ')}`);
  }
  const [file, , scaled] = rows;
  const ratio = (scaled?.requestsPerSecond ?? 0) / (file?.requestsPerSecond ?? 1);
  console.log(
    `two instances behind nginx on sqld: ${scaled?.requestsPerSecond} votes/s, p99 ${scaled?.p99Ms} ms; ` +
      `${(ratio * 100).toFixed(0)}% of one instance on a file (${file?.requestsPerSecond} votes/s, p99 ${file?.p99Ms} ms). ` +
      `Every run: stored = answered 201, no 5xx.`,
  );
  saveResults('scale', { date: new Date().toISOString(), amount, connections, rows, reads, ratio });
}

interface Subscriber {
  /** Highest totalVotes seen on this stream so far. */
  seen: number;
  /** ms timestamps at which each expected total first arrived. */
  arrivals: Map<number, number>;
  close(): void;
}

/**
 * One raw SSE connection; scans tally events for totalVotes without parsing every byte as JSON. With
 * `client`, it comes from that address through the trusted proxy (ENV's TRUSTED_PROXIES), as readers do.
 */
function subscribe(url: string, ready: () => void, client?: string): Subscriber {
  const subscriber: Subscriber = { seen: -1, arrivals: new Map(), close: () => req.destroy() };
  let first = true;
  let carry = '';
  const headers = { accept: 'text/event-stream', ...(client ? { 'x-forwarded-for': client } : {}) };
  const req = request(url, { agent: false, headers }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const text = carry + chunk;
      const at = Date.now();
      for (const match of text.matchAll(/"totalVotes":(\d+)/g)) {
        const total = Number(match[1]);
        if (total > subscriber.seen) {
          subscriber.seen = total;
          subscriber.arrivals.set(total, at);
        }
        if (first) {
          first = false;
          ready();
        }
      }
      carry = text.slice(-32);
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return subscriber;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** 2,000 live subscribers on one instance: time from a vote's 201 to each subscriber's tally; memory each. */
export async function benchSse(): Promise<void> {
  const count = envCount('BENCH_SUBSCRIBERS', 2000);
  const votes = 20;
  // Every subscriber comes from this one address: the per-client cap is raised past them.
  const server = await startServer({
    env: { ...ENV, MAX_STREAMS_PER_CLIENT: String(count + 1) },
    ownSiteUrl: true,
  });
  const subscribers: Subscriber[] = [];
  try {
    console.log(`\n## live results: ${count.toLocaleString('en-US')} subscribers on one instance, ${votes} votes`);
    const url = `${server.url}/api/polls/${POLL}/events`;
    // One stream first, so the hub and its code are warm before the baseline reading.
    await new Promise<void>((resolve) => {
      const warm = subscribe(url, () => {
        warm.close();
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 1000));
    const rssBefore = rssMb(server.pid);
    let ready = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${ready} of ${count} subscribers connected in 60 s`)),
        60_000,
      );
      const onReady = (): void => {
        if (++ready < count) return;
        clearTimeout(timer);
        resolve();
      };
      for (let i = 0; i < count; i++) subscribers.push(subscribe(url, onReady));
    });
    await new Promise((r) => setTimeout(r, 2000));
    const rssWith = rssMb(server.pid);

    const latencies: number[] = [];
    let late = 0;
    let missed = 0;
    for (let v = 0; v < votes; v++) {
      const response = await fetch(`${server.url}/api/polls/${POLL}/votes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ optionIds: [OPTIONS[v % OPTIONS.length]] }),
      });
      const acknowledgedAt = Date.now();
      const { totalVotes: expected } = (await response.json()) as { totalVotes: number };
      if (response.status !== 201) throw new Error(`vote answered ${response.status}`);
      // Wait long enough to tell "late" from "never", then look at who got it when.
      await new Promise((r) => setTimeout(r, 1500));
      for (const s of subscribers) {
        const arrived = [...s.arrivals].find(([total]) => total >= expected)?.[1];
        if (arrived === undefined) missed++;
        else {
          const ms = Math.max(0, arrived - acknowledgedAt);
          latencies.push(ms);
          if (ms > 1000) late++;
        }
      }
    }
    latencies.sort((x, y) => x - y);
    const result = {
      subscribers: count,
      votes,
      deliveries: latencies.length,
      missed,
      later_than_1s: late,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? 0,
      rssBeforeMb: rssBefore,
      rssWithSubscribersMb: rssWith,
      kbPerSubscriber: Math.round(((rssWith - rssBefore) * 1024 * 10) / count) / 10,
    };
    console.table([result]);
    console.log(
      `${result.deliveries.toLocaleString('en-US')} tallies delivered (${missed} missed, ${late} later than 1 s): ` +
        `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms after the vote's 201; ` +
        `memory ${result.kbPerSubscriber} KB per subscriber (RSS ${rssBefore} -> ${rssWith} MB)`,
    );
    if (missed > 0 || late > 0) process.exitCode = 1;
    saveResults('sse', { date: new Date().toISOString(), ...result });
  } finally {
    for (const s of subscribers) s.close();
    await server.stop();
    server.cleanup();
  }
}

function fileSizeMb(path: string): number {
  try {
    return Math.round((statSync(path).size / 1024 / 1024) * 10) / 10;
  } catch {
    return 0;
  }
}

const SOAK_GOAL_MB = 200;

/**
 * A steady vote rate for SOAK_SECONDS (10 minutes): RSS and WAL size sampled
 * throughout, every vote accounted for. With a built checkout of earlier code
 * as `beforeDir`, that one soaks first, then this one, in the same run.
 * Goal: RSS at most 200 MB throughout.
 */
export async function benchSoak(beforeDir: string | undefined): Promise<void> {
  const seconds = envCount('SOAK_SECONDS', 600);
  const rate = envCount('SOAK_RATE', 200);
  const runs: (SoakRun & { build: string })[] = [];
  if (beforeDir) runs.push({ build: `before (${beforeDir})`, ...(await soak(beforeDir, seconds, rate)) });
  runs.push({ build: 'after', ...(await soak(undefined, seconds, rate)) });
  console.log(`\n## soak summary: ${rate} votes/s for ${seconds} s`);
  console.log('| build | RSS start → end (max) | votes answered 201 | stored | 5xx |');
  console.log('| ----- | --------------------- | ------------------ | ------ | --- |');
  for (const run of runs) {
    const rss = run.samples.map((s) => s.rssMb);
    console.log(
      `| ${run.build} | ${rss[0]} → ${rss.at(-1)} MB (${Math.max(...rss)}) | ` +
        `${run.votes.status201.toLocaleString('en-US')} | ${run.votes.stored.toLocaleString('en-US')} | ${run.votes.status5xx} |`,
    );
  }
  saveResults('soak', { date: new Date().toISOString(), seconds, rate, runs });
  const after = runs.at(-1);
  if (after && Math.max(...after.samples.map((s) => s.rssMb)) > SOAK_GOAL_MB) {
    console.error(`RSS went above ${SOAK_GOAL_MB} MB during the soak`);
    process.exitCode = 1;
  }
}

interface SoakRun {
  votes: VoteLoadResult;
  reads: LoadResult;
  samples: { second: number; rssMb: number; walMb: number }[];
}

async function soak(root: string | undefined, seconds: number, rate: number): Promise<SoakRun> {
  const server = await startServer({ env: ENV, ownSiteUrl: true, ...(root ? { root } : {}) });
  const wal = `${server.databaseUrl.slice('file:'.length)}-wal`;
  const samples: { second: number; rssMb: number; walMb: number }[] = [];
  const started = Date.now();
  const sample = (): void => {
    samples.push({
      second: Math.round((Date.now() - started) / 1000),
      rssMb: rssMb(server.pid),
      walMb: fileSizeMb(wal),
    });
  };
  const timer = setInterval(sample, 10_000);
  const subscribers: Subscriber[] = [];
  let churn: ReturnType<typeof setInterval> | undefined;
  try {
    console.log(
      `\n## soak: ${rate} votes/s for ${seconds} s on one instance (file database), ` +
        `results read alongside, 200 live subscribers`,
    );
    // Live subscribers through the whole run, joining and leaving, so a leak in the hub would show in RSS.
    // Each from a reader of its own: one client may hold only MAX_STREAMS_PER_CLIENT streams.
    let clients = 0;
    const reader = (): string => `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients++ & 255}`;
    for (let i = 0; i < 200; i++)
      subscribers.push(subscribe(`${server.url}/api/polls/${POLL}/events`, () => undefined, reader()));
    churn = setInterval(() => {
      subscribers.shift()?.close();
      subscribers.push(subscribe(`${server.url}/api/polls/${POLL}/events`, () => undefined, reader()));
    }, 100);
    sample();
    const readers = load({
      name: 'results reads alongside',
      url: `${server.url}/api/polls/${POLL}`,
      connections: 5,
      seconds,
      rate: 50,
    });
    const votes = await voteLoad('soak votes', server.url, { connections: 20, amount: rate * seconds, rate });
    const reads = await readers;
    clearInterval(churn);
    // The last tally leaves within the hub's 250 ms coalescing window.
    await new Promise((r) => setTimeout(r, 1500));
    sample();
    clearInterval(timer);
    const live = subscribers.filter((sub) => sub.seen >= votes.stored).length;
    console.log(`${live} of ${subscribers.length} live subscribers saw the final tally`);
    printTable([votes, reads]);
    const first = samples[0];
    const last = samples.at(-1);
    const maxRss = Math.max(...samples.map((s) => s.rssMb));
    const maxWal = Math.max(...samples.map((s) => s.walMb));
    console.log(
      `RSS ${first?.rssMb} MB at start, ${last?.rssMb} MB at the end (max ${maxRss}); ` +
        `WAL ${first?.walMb} MB at start, ${last?.walMb} MB at the end (max ${maxWal}); ` +
        `${votes.status201.toLocaleString('en-US')} answered 201, ${votes.stored.toLocaleString('en-US')} stored, ${votes.status5xx} 5xx`,
    );
    return { votes, reads, samples };
  } finally {
    clearInterval(timer);
    clearInterval(churn);
    for (const sub of subscribers) sub.close();
    await server.stop();
    server.cleanup();
  }
}
