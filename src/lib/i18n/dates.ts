/**
 * Dates and times as every page, chart and table gives them: one format per
 * language, always in UTC, so a static page, a server-rendered table and a
 * chart drawn in the reader's browser name the same day for the same moment,
 * wherever each was made. English puts the day first ("1 Dec 2026"), as the
 * site always has; Chinese writes "2026年12月1日". Where times appear, the page
 * says once that they are UTC (the `chart.utc` message), not beside each one.
 * Small and free of catalogues: client scripts import it.
 */
import { toLocale } from './locales.ts';

const DATE_LOCALE = { en: 'en-GB', zh: 'zh-CN' } as const;

/**
 * One formatter per language and set of options, made once: making an Intl.DateTimeFormat costs some
 * hundreds of µs (more for en-GB than zh-CN), using one about a µs, and a poll page formats dozens of dates.
 * That making, once per date, was why an English poll page cost about twice a Chinese one (docs/decisions/0024).
 * The options come from this module's callers' code, never from input, so the set of formatters is small.
 * A Map here rather than platform's `memoized`: the browser runs this module too, and importing that one
 * split it into a chunk of its own, past the poll-charts budget (test/site/js-budget.unit.test.ts).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function format(at: number | Date, lang: string, options: Intl.DateTimeFormatOptions): string {
  const locale = DATE_LOCALE[toLocale(lang)];
  const key = locale + JSON.stringify(options);
  let formatter = formatters.get(key);
  if (!formatter) formatters.set(key, (formatter = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options })));
  return formatter.format(at);
}

const HOUR_MINUTE = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;

/**
 * A calendar day.
 * @example formatDate(Date.UTC(2026, 11, 1, 18), 'en') // '1 Dec 2026'
 * @example formatDate(Date.UTC(2026, 11, 1, 18), 'zh-Hans') // '2026年12月1日'
 */
export function formatDate(at: number | Date, lang: string, options?: Intl.DateTimeFormatOptions): string {
  return format(at, lang, options ?? { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * A day and its time, to the minute.
 * @example formatDateTime(Date.UTC(2026, 11, 1, 18), 'en') // '1 Dec 2026, 18:00'
 * @example formatDateTime(Date.UTC(2026, 11, 1, 18), 'zh') // '2026年12月1日 18:00'
 */
export function formatDateTime(at: number | Date, lang: string): string {
  return format(at, lang, { day: 'numeric', month: 'short', year: 'numeric', ...HOUR_MINUTE });
}

/**
 * A day without its year, where the year is said nearby (an axis, an hourly table).
 * @example formatDayMonth(Date.UTC(2026, 11, 1), 'en') // '1 Dec'
 * @example formatDayMonth(Date.UTC(2026, 11, 1), 'zh') // '12月1日'
 */
export function formatDayMonth(at: number, lang: string): string {
  return format(at, lang, { day: 'numeric', month: 'short' });
}

/**
 * A day without its year, and its time.
 * @example formatDayTime(Date.UTC(2026, 11, 1, 18), 'en') // '1 Dec, 18:00'
 * @example formatDayTime(Date.UTC(2026, 11, 1, 18), 'zh') // '12月1日 18:00'
 */
export function formatDayTime(at: number, lang: string): string {
  return format(at, lang, { day: 'numeric', month: 'short', ...HOUR_MINUTE });
}

/** @example formatTime(Date.UTC(2026, 11, 1, 18), 'en') // '18:00' */
export function formatTime(at: number, lang: string): string {
  return format(at, lang, HOUR_MINUTE);
}

/**
 * A month alone, or with its year.
 * @example formatMonth(Date.UTC(2026, 11, 1), 'en', false) // 'Dec'
 * @example formatMonth(Date.UTC(2026, 11, 1), 'zh', true) // '2026年12月'
 */
export function formatMonth(at: number, lang: string, withYear: boolean): string {
  return format(at, lang, withYear ? { month: 'short', year: 'numeric' } : { month: 'short' });
}

/** @example formatYear(Date.UTC(2026, 11, 1), 'zh') // '2026年' */
export function formatYear(at: number, lang: string): string {
  return format(at, lang, { year: 'numeric' });
}
