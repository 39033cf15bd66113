/**
 * The benchmarks' HTTP load driver: Debian's wrk when it is installed, else autocannon in this process with a
 * warning. With two cores or more, the server under test is pinned to one (SERVER_CORE, with every thread it starts,
 * the vote writer's too) and the load generator to another (GENERATOR_CORE: wrk, or this process while autocannon
 * runs in it), so the generator never takes the server's core; each run reports the generator's own CPU (user+sys
 * over wall, from /proc/<pid>/stat) beside the server's, and a generator near a full core is flagged: there the
 * figure may be the generator's limit. Why: docs/decisions/0023-bench-under-wrk.md.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMeter, load } from './lib.ts';
import { cpuSecondsOfStat, generatorLabel, parseWrkResult } from './figures.ts';

export const WRK = '/usr/bin/wrk';
const TASKSET = '/usr/bin/taskset';
export const SERVER_CORE = 1;
export const GENERATOR_CORE = 0;
const LUA = fileURLToPath(new URL('./wrk.lua', import.meta.url));

export interface Driver {
  generator: 'wrk' | 'autocannon';
  /** Whether the server and the generator each have a core (two or more cores, and taskset). */
  pinned: boolean;
  /** One line for a section's heading: which generator, where each side runs. */
  describe: string;
}

let chosen: Driver | null = null;

/**
 * The driver this machine allows, chosen once per process; the first call prints a warning when wrk is missing.
 * BENCH_DRIVER=autocannon asks for autocannon even where wrk is installed, and BENCH_PIN=off leaves both sides
 * unpinned: together they measure as the benchmarks did before wrk, generator CPU included (decisions/0023).
 */
export function loadDriver(): Driver {
  if (chosen) return chosen;
  const asked = process.env.BENCH_DRIVER ?? '';
  if (!['', 'wrk', 'autocannon'].includes(asked)) throw new Error(`BENCH_DRIVER=${asked}: wrk or autocannon`);
  if (asked === 'wrk' && !existsSync(WRK))
    throw new Error(`BENCH_DRIVER=wrk, but ${WRK} is missing (apt-get install wrk)`);
  const generator = asked === 'autocannon' || !existsSync(WRK) ? 'autocannon' : 'wrk';
  const pinned = process.env.BENCH_PIN !== 'off' && availableParallelism() >= 2 && existsSync(TASKSET);
  if (generator === 'autocannon' && asked !== 'autocannon') {
    console.warn(
      `bench: ${WRK} is missing, so load comes from autocannon in this Node process, which reaches about a core ` +
        'before the server does on the light paths: install wrk (apt-get install wrk) for figures that measure the server',
    );
  }
  const where = pinned
    ? `server on core ${SERVER_CORE} (with its threads), ${generator} on core ${GENERATOR_CORE}`
    : 'server and generator unpinned (BENCH_PIN=off, fewer than two cores, or no taskset): they share the machine';
  chosen = {
    generator,
    pinned,
    describe: `${generator === 'wrk' ? 'wrk (one thread)' : 'autocannon (in this process)'}; ${where}`,
  };
  return chosen;
}

/** A shell command for StartOptions.before: the server's shell, then Node and its threads, on SERVER_CORE. */
export function serverPin(driver: Driver): string {
  return driver.pinned ? `${TASKSET} -cp ${SERVER_CORE} $$ >/dev/null` : '';
}

/** Spawns a yardstick server (a command and its arguments) on the server's core when the driver pins. */
export function spawnOnServerCore(
  driver: Driver,
  command: string,
  args: string[],
  options: SpawnOptions,
): ChildProcess {
  return driver.pinned
    ? spawn(TASKSET, ['-c', String(SERVER_CORE), command, ...args], options)
    : spawn(command, args, options);
}

export interface DriveOptions {
  /** Origin and path, e.g. http://127.0.0.1:4321/polls/. */
  url: string;
  seconds: number;
  connections: number;
  /** Sent with every request (a reader's voter cookie, a Host). */
  headers?: Record<string, string>;
  /** POST a JSON ballot per request, naming these options in turn. */
  voteOptions?: readonly string[];
  /** One Cookie header value per request, in turn (signed-in wallets); each is used once before any repeats. */
  cookies?: readonly string[];
  /** The processes serving the load (their children included): their CPU is the server's. */
  servers: readonly number[];
}

export interface DriveResult {
  generator: Driver['generator'];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers outside 2xx/3xx. */
  non2xx: number;
  /** Connect, read and write errors, and timeouts. */
  socketErrors: number;
  seconds: number;
  /** The generator's user+sys CPU over its wall time, in cores. */
  generatorCores: number;
  /** The servers' CPU over the run, in cores. */
  serverCores: number;
}

/** One load run through the driver. */
export function drive(driver: Driver, options: DriveOptions): Promise<DriveResult> {
  return driver.generator === 'wrk' ? driveWrk(driver, options) : driveAutocannon(driver, options);
}

/**
 * Runs `work` with this process (and its threads) on GENERATOR_CORE when the driver pins, then gives it back the
 * cores it had: autocannon generates load in this process, and sections that follow may use both cores.
 */
async function onGeneratorCore<T>(driver: Driver, work: () => Promise<T>): Promise<T> {
  if (!driver.pinned) return work();
  const pid = String(process.pid);
  const had = /:\s*(\S+)\s*$/.exec(execFileSync(TASKSET, ['-pc', pid], { encoding: 'utf8' }))?.[1];
  execFileSync(TASKSET, ['-acp', String(GENERATOR_CORE), pid], { stdio: 'ignore' });
  try {
    return await work();
  } finally {
    if (had) execFileSync(TASKSET, ['-acp', had, pid], { stdio: 'ignore' });
  }
}

async function driveWrk(driver: Driver, options: DriveOptions): Promise<DriveResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.WRK_VOTE_OPTIONS;
  delete env.WRK_COOKIES_FILE;
  if (options.voteOptions) env.WRK_VOTE_OPTIONS = options.voteOptions.join(',');
  if (options.cookies) {
    env.WRK_COOKIES_FILE = join(dir, 'cookies');
    writeFileSync(env.WRK_COOKIES_FILE, `${options.cookies.join('\n')}\n`);
  }
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '5s', '-s', LUA];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  try {
    const meter = cpuMeter({ server: [...options.servers] });
    const started = performance.now();
    const child = driver.pinned
      ? spawn(TASKSET, ['-c', String(GENERATOR_CORE), WRK, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(WRK, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    const wall = (performance.now() - started) / 1000;
    const result = parseWrkResult(out);
    if (code !== 0 || !result) throw new Error(`wrk ${options.url} exited with ${code}:\n${out}`);
    const seconds = result.durationUs / 1e6;
    return {
      generator: 'wrk',
      requestsPerSecond: Math.round(result.requests / seconds),
      p50Ms: result.p50Us / 1000,
      p99Ms: result.p99Us / 1000,
      requests: result.requests,
      non2xx: result.status,
      socketErrors: result.connect + result.read + result.write + result.timeout,
      seconds,
      generatorCores: round2((cpuSecondsOfStat(result.stat) ?? 0) / Math.max(wall, 1e-9)),
      serverCores: meter(seconds).server ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function driveAutocannon(driver: Driver, options: DriveOptions): Promise<DriveResult> {
  const meter = cpuMeter({ server: [...options.servers] });
  const { voteOptions, cookies } = options;
  let next = 0;
  const result = await onGeneratorCore(driver, () =>
    load({
      name: options.url,
      url: options.url,
      connections: options.connections,
      seconds: options.seconds,
      method: voteOptions ? 'POST' : 'GET',
      ...(options.headers ? { headers: options.headers } : {}),
      ...(voteOptions || cookies
        ? {
            setupRequest: (request) => {
              const i = next++;
              return {
                ...request,
                headers: {
                  ...request.headers,
                  ...(voteOptions ? { 'content-type': 'application/json' } : {}),
                  ...(cookies ? { cookie: cookies[i % cookies.length] ?? '' } : {}),
                },
                ...(voteOptions ? { body: JSON.stringify({ optionIds: [voteOptions[i % voteOptions.length]] }) } : {}),
              };
            },
          }
        : {}),
    }),
  );
  const cores = meter(result.seconds);
  return {
    generator: 'autocannon',
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    requests: result.total,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    seconds: result.seconds,
    generatorCores: cores['load generator'] ?? 0,
    serverCores: cores.server ?? 0,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Runs of one scenario taken in turn with others (A B A B), as one: requests over their summed time, the worst p50
 * and p99, counts summed, CPU weighted by each run's time.
 */
export function combinedRuns(runs: readonly DriveResult[]): DriveResult {
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const sum = (pick: (r: DriveResult) => number): number => runs.reduce((total, r) => total + pick(r), 0);
  const weighted = (pick: (r: DriveResult) => number): number =>
    round2(sum((r) => pick(r) * r.seconds) / Math.max(seconds, 1e-9));
  return {
    generator: runs[0]?.generator ?? 'wrk',
    requestsPerSecond: Math.round(sum((r) => r.requests) / Math.max(seconds, 1e-9)),
    p50Ms: Math.max(...runs.map((r) => r.p50Ms)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    socketErrors: sum((r) => r.socketErrors),
    seconds,
    generatorCores: weighted((r) => r.generatorCores),
    serverCores: weighted((r) => r.serverCores),
  };
}

/**
 * The server's CPU per answered request, in µs: its cost, which a busy generator does not change as it changes the
 * rate (0 for a run that answered nothing).
 */
export function serverUsPerRequest(run: DriveResult): number {
  return run.requests > 0 ? Math.round((run.serverCores * run.seconds * 1e6) / run.requests) : 0;
}

/** A table of named runs, with the generator's cores flagged where it may have been the limit. */
export function printRuns(rows: readonly { name: string; run: DriveResult }[]): void {
  console.table(
    rows.map(({ name, run }) => ({
      scenario: name,
      'req/s': run.requestsPerSecond,
      'p50 ms': run.p50Ms,
      'p99 ms': run.p99Ms,
      requests: run.requests,
      'non-2xx': run.non2xx,
      'socket errors': run.socketErrors,
      [`${run.generator} cores`]: generatorLabel(run.generatorCores),
      'server cores': run.serverCores,
      'server CPU µs/request': serverUsPerRequest(run),
    })),
  );
}
