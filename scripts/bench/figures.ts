/**
 * The arithmetic of the benchmarks, with no I/O: what wrk's Lua script prints, a process's CPU from its
 * /proc stat line, medians, the noise of a few rounds, ratios to a yardstick run before and after, and the
 * verdict on a goal. scripts/bench/driver.ts and the sections call these; test/bench/ checks them.
 */

/** What scripts/bench/wrk.lua's done() prints after `WRK_RESULT `. */
export interface WrkOutput {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  /** Answers outside 2xx/3xx. */
  status: number;
  /** wrk's own /proc/self/stat line, read in done(): its CPU so far. */
  stat: string;
}

const WRK_FIELDS = ['requests', 'durationUs', 'p50Us', 'p99Us', 'connect', 'read', 'write', 'timeout', 'status'];

/**
 * The WRK_RESULT line in wrk's output, or null when there is none or it lacks a field.
 *
 * @example parseWrkResult('…\nWRK_RESULT {"requests":10,…,"stat":"1 (wrk) S …"}\n')?.requests // 10
 */
export function parseWrkResult(output: string): WrkOutput | null {
  const line = /^WRK_RESULT (\{.*\})$/m.exec(output)?.[1];
  if (!line) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  if (!WRK_FIELDS.every((field) => typeof record[field] === 'number' && Number.isFinite(record[field]))) return null;
  if (typeof record.stat !== 'string') return null;
  return record as unknown as WrkOutput;
}

/** Clock ticks per second in /proc (USER_HZ: 100 on every Linux the project runs on). */
export const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system) in one /proc/<pid>/stat line. The process name, in parentheses, may hold spaces
 * and parentheses itself, so the fields are counted from the last ')'; utime and stime are fields 14 and 15 of
 * proc(5). Null for a line that is not one.
 *
 * @example cpuSecondsOfStat('42 (wrk) S 1 42 42 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 2 0 9 0 0') // 3.8
 */
export function cpuSecondsOfStat(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (fields.length < 13 || !Number.isFinite(user) || !Number.isFinite(system)) return null;
  return (user + system) / CLOCK_TICKS;
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * The noise of a few rounds of one figure: half their spread relative to their median, so 0.2 when they range
 * over ±20% of it. 0 for fewer than two rounds (nothing to compare).
 *
 * @example noise([0.9, 1, 1.1]) // 0.1
 */
export function noise(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const middle = median(values);
  if (middle === 0) return 0;
  return (Math.max(...values) - Math.min(...values)) / (2 * Math.abs(middle));
}

/** One run of a round: the yardstick's, or a named figure's. */
export type RoundRun = { yardstick: true; rate: number } | { yardstick: false; name: string; rate: number };

/**
 * Each named run's rate over the yardstick runs around it: the mean of the nearest one before and the nearest one
 * after (only one where the other is missing). A machine whose speed drifts within a round then moves a figure and
 * its yardstick alike. A name that runs twice in a round keeps its last ratio. A figure with no yardstick run around
 * it gets no ratio; one that answered nothing (stalled) is left out, so it neither halves the yardstick nor makes
 * a figure of nothing.
 *
 * @example bracketedRatios([{ yardstick: true, rate: 100 }, { yardstick: false, name: 'x', rate: 60 }, { yardstick: true, rate: 200 }]) // Map { 'x' => 0.4 }
 */
export function bracketedRatios(runs: readonly RoundRun[]): Map<string, number> {
  const ratios = new Map<string, number>();
  runs.forEach((run, i) => {
    if (run.yardstick) return;
    const before = runs.slice(0, i).findLast((r) => r.yardstick);
    const after = runs.slice(i + 1).find((r) => r.yardstick);
    const around = [before, after].flatMap((r) => (r && r.rate > 0 ? [r.rate] : []));
    if (around.length === 0) return;
    ratios.set(run.name, run.rate / (around.reduce((sum, rate) => sum + rate, 0) / around.length));
  });
  return ratios;
}

export type Verdict = 'ok' | 'below' | 'within noise';

/**
 * A ratio against its goal, with its noise (relative, as noise() gives it): ok when even the ratio less its noise
 * reaches the goal, below when even the ratio plus its noise falls short, else within noise (run longer or on a
 * quieter machine).
 *
 * @example goalVerdict(0.6, 0.1, 0.5) // 'ok' (0.54 ≥ 0.5)
 * @example goalVerdict(0.52, 0.1, 0.5) // 'within noise'
 */
export function goalVerdict(ratio: number, relativeNoise: number, goal: number): Verdict {
  if (ratio * (1 - relativeNoise) >= goal) return 'ok';
  if (ratio * (1 + relativeNoise) < goal) return 'below';
  return 'within noise';
}

/**
 * A verdict on a ratio whose sides a load generator may have held down: a BUSY generator (GENERATOR_BUSY) can only
 * understate its side's rate. So an ok is not shown when the denominator's generator was busy (the ratio may be
 * too high), nor a below when the numerator's was (it may be too low); either becomes 'generator-bound'.
 *
 * @example boundVerdict('ok', { numerator: false, denominator: true }) // 'generator-bound'
 * @example boundVerdict('below', { numerator: false, denominator: true }) // 'below'
 */
export function boundVerdict(
  verdict: Verdict,
  busy: { numerator: boolean; denominator: boolean },
): Verdict | 'generator-bound' {
  if (verdict === 'ok' && busy.denominator) return 'generator-bound';
  if (verdict === 'below' && busy.numerator) return 'generator-bound';
  return verdict;
}

export type GoalVerdict = Verdict | `${Verdict} by server CPU` | 'generator-bound';

/**
 * The verdict on a goal from a figure's rounds: by the ratio of rates (the median of `rates`, with its noise), unless a
 * busy generator could have decided it (boundVerdict); then by the ratio of requests per second of server CPU
 * (`cpu`), which matches the ratio of rates when each side has its core to itself and which a busy generator does not
 * hold down. Generator-bound when there is no such ratio either.
 *
 * @example judgeGoal([0.6, 0.62], [0.45, 0.46], 0.5, { numerator: false, denominator: true }) // 'below by server CPU'
 */
export function judgeGoal(
  rates: readonly number[],
  cpu: readonly number[],
  goal: number,
  busy: { numerator: boolean; denominator: boolean },
): GoalVerdict {
  const byRate = boundVerdict(goalVerdict(median(rates), noise(rates), goal), busy);
  if (byRate !== 'generator-bound') return byRate;
  return cpu.length ? `${goalVerdict(median(cpu), noise(cpu), goal)} by server CPU` : 'generator-bound';
}

/** Cores of CPU a load generator used at or above which its figure may be its own limit, not the server's. */
export const GENERATOR_BUSY = 0.9;

/** A generator's cores as the tables print them: flagged when it may have been the limit. */
export function generatorLabel(cores: number): string {
  return `${cores.toFixed(2)}${cores >= GENERATOR_BUSY ? ' BUSY' : ''}`;
}
