/**
 * Sentiment by cohort over time: the hourly cohort buckets accumulated into
 * each cohort's counts at the end of every hour or day, with the privacy
 * floor applied at every point, so a chart or table of the series shows
 * nothing the cohort table of that moment would hide.
 */
import { DAY_MS, HOUR_MS } from '../polls/history.ts';
import { COHORT_IDS, COHORT_LABELS, type CohortId } from './cohorts.ts';
import type { CohortCounters } from './counters.ts';
import { floorCohortSeries, type FloorOptions } from './privacy.ts';

export interface CohortBucket {
  optionId: string;
  cohort: CohortId;
  /** Start of the hour, epoch milliseconds. */
  hourStart: number;
  /** Net votes gained in that hour (negative when votes moved away, or a ballot changed cohort). */
  votes: number;
}

export interface CohortHistoryPoint {
  /** End of the period, epoch milliseconds. */
  at: number;
  /** The cohort's cumulative votes per option, in option order. */
  votes: number[];
  /** Whole-number shares of the cohort's votes per option, summing to 100. */
  percent: number[];
}

export interface CohortSeries {
  id: CohortId;
  label: string;
  /** Only the moments the cohort is shown: none while hidden by the floor or without votes. */
  points: CohortHistoryPoint[];
}

export interface CohortHistory {
  /** Every period end with votes in any cohort, oldest first. */
  at: number[];
  /** Every cohort, in COHORT_IDS order. */
  cohorts: CohortSeries[];
}

export interface CohortHistoryOptions extends FloorOptions {
  kind: 'single' | 'multiple';
}

/**
 * Each cohort's cumulative votes and shares at the end of every hour or day
 * that saw votes. The buckets count option votes, not ballots: in a
 * single-choice poll a cohort's voters are the sum of its option votes; in a
 * multiple-choice poll they are taken as its largest option count, the
 * fewest the votes allow, so the floor can only hide more than it would with
 * the exact count, never less.
 *
 * @example
 * const buckets = [{ optionId: 'a', cohort: 'unverified', hourStart: 0, votes: 2 }];
 * buildCohortHistory(['a', 'b'], buckets, 'hour', { publicBallots: false, kind: 'single' }).cohorts.at(-1)
 * // { id: 'unverified', label: 'Not verified', points: [{ at: 3600000, votes: [2, 0], percent: [100, 0] }] }
 */
export function buildCohortHistory(
  optionIds: readonly string[],
  buckets: readonly CohortBucket[],
  period: 'hour' | 'day',
  { kind, publicBallots }: CohortHistoryOptions,
): CohortHistory {
  const size = period === 'hour' ? HOUR_MS : DAY_MS;
  const index = new Map(optionIds.map((id, i) => [id, i]));
  const perPeriod = new Map<number, { cohort: CohortId; option: number; votes: number }[]>();
  for (const bucket of buckets) {
    const option = index.get(bucket.optionId);
    if (option === undefined) continue;
    const start = Math.floor(bucket.hourStart / size) * size;
    const list = perPeriod.get(start) ?? [];
    list.push({ cohort: bucket.cohort, option, votes: bucket.votes });
    perPeriod.set(start, list);
  }
  const running = new Map<CohortId, number[]>(COHORT_IDS.map((c) => [c, optionIds.map(() => 0)]));
  const at: number[] = [];
  const snapshots: CohortCounters[][] = [];
  for (const start of [...perPeriod.keys()].sort((a, b) => a - b)) {
    for (const delta of perPeriod.get(start) ?? []) {
      const votes = running.get(delta.cohort);
      if (votes) votes[delta.option] = (votes[delta.option] ?? 0) + delta.votes;
    }
    at.push(start + size);
    snapshots.push(
      COHORT_IDS.map((cohort) => {
        const votes = running.get(cohort) ?? [];
        return {
          cohort,
          voters: kind === 'single' ? votes.reduce((s, n) => s + n, 0) : Math.max(0, ...votes),
          options: optionIds.map((id, i) => ({ id, votes: votes[i] ?? 0, weight: 0n, sqrtWeight: 0 })),
        };
      }),
    );
  }
  const floored = floorCohortSeries(optionIds, snapshots, { publicBallots });
  return {
    at,
    cohorts: COHORT_IDS.map((id) => ({
      id,
      label: COHORT_LABELS[id],
      points: floored.flatMap((point, n) => {
        const cohort = point.find((c) => c.id === id);
        if (!cohort || cohort.hidden) return [];
        const votes = cohort.options.map((o) => o.votes ?? 0);
        if (votes.every((v) => v === 0)) return [];
        return [{ at: at[n] ?? 0, votes, percent: cohort.options.map((o) => o.percent ?? 0) }];
      }),
    })),
  };
}

export interface ShareTable {
  /** The cohorts shown at some moment, in COHORT_IDS order. */
  cohorts: { id: CohortId; label: string }[];
  /** One row per moment: each of those cohorts' share of `optionId`, null where it is not shown then. */
  rows: { at: number; shares: (number | null)[] }[];
}

/**
 * One option's share within each cohort over time, for a table or a chart:
 * cohorts never shown are left out, and a moment a cohort is hidden is null.
 *
 * @example
 * shareTable(history, ['a', 'b'], 'b')
 * // { cohorts: [{ id: 'unverified', label: 'Not verified' }], rows: [{ at: 3600000, shares: [0] }] }
 */
export function shareTable(history: CohortHistory, optionIds: readonly string[], optionId: string): ShareTable {
  const i = optionIds.indexOf(optionId);
  const shown = history.cohorts.filter((c) => c.points.length > 0);
  const byTime = shown.map((c) => new Map(c.points.map((p) => [p.at, p])));
  return {
    cohorts: shown.map(({ id, label }) => ({ id, label })),
    rows: history.at.map((at) => ({
      at,
      shares: byTime.map((points) => {
        const point = points.get(at);
        return point && i >= 0 ? (point.percent[i] ?? 0) : null;
      }),
    })),
  };
}
