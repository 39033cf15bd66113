import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { cpuSecondsOfStat } from './figures.ts';

/** Kept here for the sections that import it from lib.ts. */
export { median } from './figures.ts';

export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  non2xx: number;
  errors: number;
  total: number;
  status201: number;
  status5xx: number;
  /** How long the requests took: to the last answer for a fixed amount, which autocannon reports up to a second late. */
  seconds: number;
  /** With LoadOptions.serverPid: cores the server kept busy, cores this process (the load generator) kept busy, and server CPU per answered request. */
  cpu?: { server: number; generator: number; serverUsPerRequest: number };
}

export interface LoadOptions {
  name: string;
  url: string;
  connections: number;
  seconds: number;
  /** Send exactly this many requests (and wait for every answer) instead of running for `seconds`. */
  amount?: number;
  /** Requests per second across all connections (a steady rate), instead of as fast as answers come. */
  rate?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Per-request body, for requests that must differ (e.g. one voter each). */
  setupRequest?: (request: autocannon.Request, context: object) => autocannon.Request;
  /**
   * The server's process: its CPU is measured over the run, so a figure says whether the server or the load
   * generator (this process, on the same cores) was the limit.
   */
  serverPid?: number;
}

/** One autocannon run, reduced to the figures docs/performance.md reports. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const meter = options.serverPid === undefined ? null : cpuMeter({ server: [options.serverPid] });
  const started = performance.now();
  // autocannon notices that a fixed amount is done only at its next one-second sample, so a run of a fixed
  // amount is timed from the start to its last answer, not to when autocannon resolves.
  let lastAnswer = started;
  const run = autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds }),
    ...(options.rate ? { overallRate: options.rate } : {}),
    method: options.method ?? 'GET',
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest }] } : {}),
    // Without a callback autocannon answers a promise that is also its event emitter.
  }) as Promise<autocannon.Result> & autocannon.Instance;
  run.on('response', () => (lastAnswer = performance.now()));
  const result = await run;
  const seconds = ((options.amount ? lastAnswer : performance.now()) - started) / 1000;
  // Over the requests' time only: the idle second a fixed amount's run ends with would understate the cores.
  const cores = meter?.(seconds);
  return {
    name: options.name,
    // autocannon averages whole seconds; a fixed amount of requests is timed exactly instead.
    requestsPerSecond: options.amount
      ? Math.round(result.requests.total / ((lastAnswer - started) / 1000))
      : Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
    status201:
      (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats?.['201']?.count ??
      0,
    status5xx: result['5xx'],
    seconds,
    ...(cores
      ? {
          cpu: {
            server: cores.server ?? 0,
            generator: cores['load generator'] ?? 0,
            serverUsPerRequest: Math.round(((cores.server ?? 0) * seconds * 1e6) / Math.max(1, result.requests.total)),
          },
        }
      : {}),
  };
}

/**
 * Several runs of one scenario as one: requests over their summed time, the
 * worst p50 and p99, counts summed, CPU weighted by each run's time. Runs of
 * scenarios that are compared take turns (A B A B), so a machine whose speed
 * drifts during a benchmark, as this one's does by up to 40%, moves both
 * sides alike.
 */
export function combined(name: string, runs: readonly LoadResult[]): LoadResult {
  const seconds = runs.map((r) => r.seconds);
  const time = seconds.reduce((a, b) => a + b, 0);
  const sum = (pick: (r: LoadResult) => number): number => runs.reduce((a, r) => a + pick(r), 0);
  const total = sum((r) => r.total);
  const weighted = (pick: (r: LoadResult) => number): number =>
    runs.reduce((a, r, i) => a + pick(r) * (seconds[i] ?? 0), 0) / Math.max(time, 1e-9);
  const measured = runs.every((r) => r.cpu);
  return {
    name,
    requestsPerSecond: Math.round(total / Math.max(time, 1e-9)),
    p50Ms: Math.max(...runs.map((r) => r.p50Ms)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    total,
    status201: sum((r) => r.status201),
    status5xx: sum((r) => r.status5xx),
    seconds: time,
    ...(measured
      ? {
          cpu: {
            server: round2(weighted((r) => r.cpu?.server ?? 0)),
            generator: round2(weighted((r) => r.cpu?.generator ?? 0)),
            serverUsPerRequest: Math.round((weighted((r) => r.cpu?.server ?? 0) * time * 1e6) / Math.max(1, total)),
          },
        }
      : {}),
  };
}

export function printTable(rows: LoadResult[]): void {
  console.table(
    rows.map((r) => ({
      scenario: r.name,
      'req/s': r.requestsPerSecond,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      requests: r.total,
      'non-2xx': r.non2xx,
      errors: r.errors,
      ...(r.cpu
        ? {
            'server cores': r.cpu.server,
            'load generator cores': r.cpu.generator,
            'server CPU µs/request': r.cpu.serverUsPerRequest,
          }
        : {}),
    })),
  );
}

/** Keeps the raw figures beside docs/performance.md's table (git-ignored). */
export function saveResults(name: string, data: unknown): void {
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(`bench-results/${name}.json`, `${JSON.stringify(data, null, 2)}\n`);
}

/** A positive whole number from the environment, or the default; anything else stops the run naming the variable. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`bench: ${name}=${JSON.stringify(raw)} must be a positive whole number`);
    process.exit(1);
  }
  return value;
}

export const BENCH_SECONDS = envCount('BENCH_SECONDS', 10);

/**
 * The vote rate limit the benchmarks run with: on, as on a real instance, so its counting is in
 * the figures, but high, because every ballot of a benchmark comes from one address.
 */
export const BENCH_VOTE_RATE_LIMIT = String(1_000_000_000);

/** CPU seconds (user + system) a process and its children have used, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const own = cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) ?? 0;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return own + children.reduce((sum, child) => sum + cpuSeconds(Number(child)), 0);
  } catch {
    return 0;
  }
}

/**
 * Where the machine's CPU went during a run: cores kept busy by each group of processes, over `seconds` if
 * given (the time the run's requests took) or else the time since the meter started.
 */
export function cpuMeter(groups: Record<string, number[]>): (seconds?: number) => Record<string, number> {
  const read = (): Record<string, number> =>
    Object.fromEntries(
      Object.entries(groups).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)]),
    );
  const before = read();
  const ownBefore = process.cpuUsage();
  const started = Date.now();
  return (active) => {
    const after = read();
    const seconds = active ?? (Date.now() - started) / 1000;
    const own = process.cpuUsage(ownBefore);
    const cores: Record<string, number> = {};
    for (const name of Object.keys(groups)) cores[name] = round2(((after[name] ?? 0) - (before[name] ?? 0)) / seconds);
    cores['load generator'] = round2((own.user + own.system) / 1e6 / seconds);
    return cores;
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
