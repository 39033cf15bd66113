import type { MessageKey } from '../../i18n/en.ts';

/**
 * A length of time in a reader's words, in one of two forms. Pure and free of
 * any catalogue: the poll widget's client script words its countdown with it.
 *
 * - `short`, for how often something happens ("Updated every 6 h"): "45 s",
 *   "10 min", "3 h", "2 d", rounded to the nearest unit, and a unit is kept
 *   up to 90 of it (36 hours) so an interval set as 90m reads "90 min".
 * - `long`, for the time left before a moment ("Ends in 3 days"): whole days,
 *   hours or minutes with their noun, rounded down so it never promises more
 *   time than is left; under a minute, "less than a minute".
 */

/** The catalogue entries of the short form. */
export const SHORT_DURATION_KEYS = ['duration.s', 'duration.min', 'duration.h', 'duration.d'] as const;

/** The catalogue entries of the long form; the poll widget carries them to the browser (CLIENT_KEYS.poll). */
export const LONG_DURATION_KEYS = [
  'duration.day.one',
  'duration.day.other',
  'duration.hour.one',
  'duration.hour.other',
  'duration.minute.one',
  'duration.minute.other',
  'duration.lessThanMinute',
] as const;

type ShortKey = (typeof SHORT_DURATION_KEYS)[number];
type LongKey = (typeof LONG_DURATION_KEYS)[number];

/** The words a duration needs: a Translator fits, and so does the poll widget's client words. */
export interface DurationWords<K extends MessageKey> {
  t(key: K, params?: Record<string, string | number>): string;
  /** BCP 47 tag for numbers and plural rules. */
  lang: string;
}

const LONG_UNITS: [number, 'day' | 'hour' | 'minute'][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

/**
 * @example roughDuration(6 * 3_600_000, translator('en'), 'short') // '6 h'
 * @example roughDuration(3 * 86_400_000 + 5, translator('en'), 'long') // '3 days'
 * @example roughDuration(59_000, translator('en'), 'long') // 'less than a minute'
 */
export function roughDuration(ms: number, words: DurationWords<ShortKey>, form: 'short'): string;
export function roughDuration(ms: number, words: DurationWords<LongKey>, form: 'long'): string;
export function roughDuration(ms: number, words: DurationWords<ShortKey | LongKey>, form: 'short' | 'long'): string {
  const n = (value: number): string => value.toLocaleString(words.lang);
  if (form === 'short') {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 90) return words.t('duration.s', { n: n(s) });
    const min = Math.round(s / 60);
    if (min < 90) return words.t('duration.min', { n: n(min) });
    const h = Math.round(min / 60);
    if (h < 36) return words.t('duration.h', { n: n(h) });
    return words.t('duration.d', { n: n(Math.round(h / 24)) });
  }
  for (const [size, unit] of LONG_UNITS) {
    if (ms >= size) {
      const count = Math.floor(ms / size);
      const plural = new Intl.PluralRules(words.lang).select(count) === 'one' ? 'one' : 'other';
      return words.t(`duration.${unit}.${plural}`, { count: n(count) });
    }
  }
  return words.t('duration.lessThanMinute');
}
