import { percentages } from './tally.ts';

export interface VoteBucket {
  optionId: string;
  /** Start of the hour, epoch milliseconds. */
  hourStart: number;
  /** Net votes gained in that hour (negative when votes moved away). */
  votes: number;
}

export interface HistoryPoint {
  /** End of the period, epoch milliseconds. */
  at: number;
  totalVotes: number;
  /** Cumulative votes and whole-number shares per option, in option order. */
  votes: number[];
  percent: number[];
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Cumulative share of each option at the end of every hour or day that saw
 * votes, starting from the imported counts (if any) at `importedAt`.
 */
export function buildHistory(
  optionIds: readonly string[],
  imported: readonly number[],
  importedAt: number | null,
  buckets: readonly VoteBucket[],
  period: 'hour' | 'day',
): HistoryPoint[] {
  const size = period === 'hour' ? HOUR_MS : DAY_MS;
  const index = new Map(optionIds.map((id, i) => [id, i]));
  const perPeriod = new Map<number, number[]>();
  for (const bucket of buckets) {
    const i = index.get(bucket.optionId);
    if (i === undefined) continue;
    const start = Math.floor(bucket.hourStart / size) * size;
    const deltas = perPeriod.get(start) ?? optionIds.map(() => 0);
    deltas[i] = (deltas[i] ?? 0) + bucket.votes;
    perPeriod.set(start, deltas);
  }
  const running = [...imported];
  const points: HistoryPoint[] = [];
  const push = (at: number): void => {
    points.push({
      at,
      totalVotes: running.reduce((s, n) => s + n, 0),
      votes: [...running],
      percent: percentages(running),
    });
  };
  if (importedAt !== null && running.some((n) => n > 0)) push(importedAt);
  for (const start of [...perPeriod.keys()].sort((a, b) => a - b)) {
    (perPeriod.get(start) ?? []).forEach((delta, i) => (running[i] = (running[i] ?? 0) + delta));
    push(start + size);
  }
  return points;
}
