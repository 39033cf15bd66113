import { EN, type MessageKey } from '../../i18n/en.ts';
import { ZH } from '../../i18n/zh.ts';
import { memoized } from '../platform/caching/memo.ts';
import { formatDate, formatDateTime } from './dates.ts';
import { HTML_LANG, INTL_LOCALE, localizePath, toLocale, type Locale } from './locales.ts';

export * from './locales.ts';

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en: EN, zh: ZH };

export type MessageParams = Record<string, string | number>;

/** A key whose catalogue entry has `.one` and `.other` forms. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

function interpolate(template: string, params: MessageParams | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export interface Translator {
  locale: Locale;
  /** BCP 47 tag of the page (`<html lang>`). */
  lang: string;
  t(key: MessageKey, params?: MessageParams): string;
  /** A count with its noun in the right plural form; `{count}` is formatted for the locale. */
  plural(key: PluralKey, count: number, params?: MessageParams): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** A calendar date in UTC, so a static page says the same wherever it was built. */
  date(date: Date, options?: Intl.DateTimeFormatOptions): string;
  /** A date and time in UTC, labelled as UTC. */
  dateTime(date: Date): string;
  /** A site path in this locale. */
  path(pathname: string): string;
}

/**
 * Messages, numbers, dates and paths for one language.
 * @example translator('zh').plural('posts.count', 2) // '2 篇文章'
 */
export function translator(value: string | null | undefined): Translator {
  return translatorOf(toLocale(value));
}

/** One number formatter per locale and set of options (from code, never input): each costs far more to make than to use. */
const numberFormat = memoized((key: string): Intl.NumberFormat => {
  const [intl, options] = JSON.parse(key) as [string, Intl.NumberFormatOptions];
  return new Intl.NumberFormat(intl, options);
});

/** One translator per locale, made once: its Intl formatters cost more to make than to use. */
const translatorOf = memoized((locale: Locale): Translator => {
  const catalogue = CATALOGUES[locale];
  const intl = INTL_LOCALE[locale];
  const rules = new Intl.PluralRules(intl);
  const numbers = new Intl.NumberFormat(intl);
  const t = (key: MessageKey, params?: MessageParams): string => interpolate(catalogue[key], params);
  const made: Translator = {
    locale,
    lang: HTML_LANG[locale],
    t,
    plural(key, count, params) {
      const form = rules.select(count) === 'one' ? 'one' : 'other';
      return t(`${key}.${form}` as MessageKey, { ...params, count: numbers.format(count) });
    },
    number: (value, options) => (options ? numberFormat(JSON.stringify([intl, options])) : numbers).format(value),
    // One date format per language, shared with the charts and tables drawn in the browser (dates.ts).
    date: (date, options) => formatDate(date, locale, options),
    dateTime: (date) => `${formatDateTime(date, locale)} UTC`,
    path: (pathname) => localizePath(pathname, locale),
  };
  return made;
});

/** Every key of the catalogues, for the completeness test and client bundles. */
export const catalogueKeys = (locale: Locale): string[] => Object.keys(CATALOGUES[locale]).sort();

/** A subset of one catalogue, for a client script that needs a few strings (rendered into the page as JSON). */
export function pickMessages<K extends MessageKey>(locale: Locale, keys: readonly K[]): Record<K, string> {
  const catalogue = CATALOGUES[locale];
  return Object.fromEntries(keys.map((key) => [key, catalogue[key]])) as Record<K, string>;
}
