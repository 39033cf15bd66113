/**
 * A time axis for the site's charts without a date adapter: Chart.js draws a
 * linear axis over epoch milliseconds, and these functions choose its range
 * and its ticks, at round moments in UTC, labelled in the page's language.
 * A two-week gap and a four-week gap then look as they are, and points that
 * all fall in one hour sit in the middle of a short span with their date,
 * not at the edge of an axis that has no width.
 */
import { formatDayMonth, formatMonth, formatTime, formatYear } from '../i18n/dates.ts';
import { DAY_MS, HOUR_MS } from '../polls/history.ts';

export interface TimeDomain {
  min: number;
  max: number;
}

/**
 * The range an axis shows for points at `times`: all of them, with a margin
 * so none sits on the border, and at least `minSpan` wide, centred on the
 * points when they are closer together than that (one point, or a column of
 * points from one hour). Null when there is nothing to show.
 *
 * @example timeDomain([Date.UTC(2026, 11, 1, 18)], DAY_MS)
 * // { min: Date.UTC(2026, 11, 1, 6), max: Date.UTC(2026, 11, 2, 6) }
 */
export function timeDomain(times: readonly number[], minSpan: number): TimeDomain | null {
  if (times.length === 0) return null;
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = last - first;
  if (span < minSpan) {
    const middle = first + span / 2;
    return { min: middle - minSpan / 2, max: middle + minSpan / 2 };
  }
  const margin = span * 0.04;
  return { min: first - margin, max: last + margin };
}

/**
 * Tick spacings from finest to coarsest, each dividing the next of its kind so
 * ticks stay on round moments: hours, days and weeks in milliseconds (weeks
 * from a Monday), then months and years as whole months.
 */
const FIXED_MS = [1, 2, 3, 6, 12, 24, 48, 168, 336].map((hours) => hours * HOUR_MS);
const MONTHS = [1, 2, 3, 6, 12, 24, 60, 120];
const MONTH_MS = 30.44 * DAY_MS;
/** 1970-01-05, the first Monday of the epoch: week ticks fall on Mondays. */
const FIRST_MONDAY = 4 * DAY_MS;

/** The moment `n` months after January 1970 begins; Date.UTC carries months into years. */
const monthStart = (n: number): number => Date.UTC(1970, n, 1);

export interface TimeTick {
  at: number;
  /** One or two lines: the moment at the tick's unit, and the day or year where it changes. */
  label: string[];
}

const dayOf = (at: number): number => Math.floor(at / DAY_MS);
const yearOf = (at: number): number => new Date(at).getUTCFullYear();

/**
 * Ticks at round UTC moments between `min` and `max`, at most `maxTicks` of
 * them, spaced by the finest step that fits: hours, days, Mondays, months or
 * years. Each tick names its moment at that step; the first tick, and each
 * where the day (for hours) or the year (for days and months) changes, says
 * that too on a second line, so the axis reads without a year on every tick.
 *
 * @example timeTicks(Date.UTC(2026, 11, 1, 17, 30), Date.UTC(2026, 11, 1, 20), 4, 'en').map((t) => t.label)
 * // [['18:00', '1 Dec'], ['19:00'], ['20:00']]
 */
export function timeTicks(min: number, max: number, maxTicks: number, lang: string): TimeTick[] {
  if (!(max >= min) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  const limit = Math.max(1, Math.floor(maxTicks));
  // Each step's real moments are counted, not estimated from the span: a span just past a round moment
  // holds one tick fewer than its width suggests, and may hold none at a coarse step. Steps far too fine are
  // skipped uncounted; no step is more than 3.5 times the one before, so the first counted one holds a tick.
  const span = max - min;
  let finer: number[] = [];
  for (const size of FIXED_MS) {
    if (span / size > 4 * limit + 4) continue;
    const origin = size >= 7 * DAY_MS ? FIRST_MONDAY : 0;
    const moments: number[] = [];
    for (let at = origin + Math.ceil((min - origin) / size) * size; at <= max; at += size) moments.push(at);
    if (moments.length > limit) {
      finer = moments;
      continue;
    }
    const unit: Unit = size < DAY_MS ? 'hour' : 'day';
    return labelled(moments.length > 0 ? moments : thinned(finer, limit), unit, lang);
  }
  for (const count of MONTHS) {
    if (span / (count * MONTH_MS) > 4 * limit + 4 && count !== MONTHS[MONTHS.length - 1]) continue;
    const moments: number[] = [];
    const date = new Date(min);
    let n = (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
    if (monthStart(n) < min) n += 1;
    for (n = Math.ceil(n / count) * count; monthStart(n) <= max; n += count) moments.push(monthStart(n));
    if (moments.length > limit && count !== MONTHS[MONTHS.length - 1]) {
      finer = moments;
      continue;
    }
    const unit: Unit = count < 12 ? 'month' : 'year';
    return labelled(moments.length > 0 ? moments : thinned(finer, limit), unit, lang);
  }
  return [];
}

/** Every k-th of a finer step's moments, so at most `limit` remain, still evenly spaced. */
function thinned(moments: readonly number[], limit: number): number[] {
  const every = Math.ceil(moments.length / limit);
  return moments.filter((_, i) => i % every === 0);
}

function labelled(moments: readonly number[], unit: Unit, lang: string): TimeTick[] {
  return moments.map((at, i) => ({ at, label: tickLabel(at, moments[i - 1] ?? null, unit, lang) }));
}

type Unit = 'hour' | 'day' | 'month' | 'year';

/** A tick's moment at its unit, and on a second line the day (for hours) or the year where it changes. */
function tickLabel(at: number, previous: number | null, unit: Unit, lang: string): string[] {
  if (unit === 'year') return [formatYear(at, lang)];
  const [main, context, changed] =
    unit === 'hour'
      ? [formatTime, formatDayMonth, dayOf]
      : unit === 'month'
        ? [(t: number, l: string) => formatMonth(t, l, false), formatYear, yearOf]
        : [formatDayMonth, formatYear, yearOf];
  const label = [main(at, lang)];
  if (previous === null || changed(previous) !== changed(at)) label.push(context(at, lang));
  return label;
}
