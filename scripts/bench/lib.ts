import { mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

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
}

/** One autocannon run, reduced to the figures the README reports. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds }),
    ...(options.rate ? { overallRate: options.rate } : {}),
    method: options.method ?? 'GET',
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest }] } : {}),
  });
  return {
    name: options.name,
    // autocannon averages whole seconds; a fixed amount of requests is timed exactly instead.
    requestsPerSecond: options.amount
      ? Math.round(result.requests.total / ((performance.now() - started) / 1000))
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
    })),
  );
}

/** Keeps the raw figures beside the README's summary (git-ignored). */
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

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
