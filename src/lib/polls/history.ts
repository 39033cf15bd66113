import { formatDate, formatDayTime, formatTime } from '../i18n/dates.ts';
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

/**
 * The start of the hour or day a history point closes. A point holds the
 * counts at the end of its period, so a page names and places it by that
 * period (the day the ballots were cast), never by the midnight after it; an
 * imported point, taken at any moment, belongs to the period it falls in.
 *
 * @example periodOf(Date.UTC(2026, 11, 2), 'day') // Date.UTC(2026, 11, 1): ballots of 1 December
 * @example periodOf(Date.UTC(2026, 11, 1, 15, 27), 'hour') // Date.UTC(2026, 11, 1, 15)
 */
export function periodOf(at: number, period: 'hour' | 'day'): number {
  const size = period === 'hour' ? HOUR_MS : DAY_MS;
  return Math.floor((at - 1) / size) * size;
}

/**
 * The period a history point closes, as a table row or a tooltip names it, in
 * UTC (the page says so once): the day, or the hour with its end, that the
 * ballots counted up to that point were cast in (periodOf).
 *
 * @example formatPeriod(Date.UTC(2026, 11, 2), 'day', 'en') // '1 Dec 2026'
 * @example formatPeriod(Date.UTC(2026, 11, 1, 19), 'hour', 'en') // '1 Dec, 18:00–19:00'
 * @example formatPeriod(Date.UTC(2026, 11, 2), 'day', 'zh-Hans') // '2026年12月1日'
 */
export function formatPeriod(at: number, period: 'hour' | 'day', lang: string): string {
  return namePeriod(periodOf(at, period), period, lang);
}

/** The hour or day starting at `start`, as formatPeriod words it (a chart's tooltip, whose points sit there). */
export function namePeriod(start: number, period: 'hour' | 'day', lang: string): string {
  return period === 'day'
    ? formatDate(start, lang)
    : `${formatDayTime(start, lang)}–${formatTime(start + HOUR_MS, lang)}`;
}

/**
 * The period formatPeriod names, as a `<time datetime>` value: the day, or the hour's start in UTC.
 * @example periodStamp(Date.UTC(2026, 11, 2), 'day') // '2026-12-01'
 */
export function periodStamp(at: number, period: 'hour' | 'day'): string {
  const iso = new Date(periodOf(at, period)).toISOString();
  return period === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 16)}Z`;
}
