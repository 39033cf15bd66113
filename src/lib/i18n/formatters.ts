import { memoized } from '../platform/caching/memo.ts';

/*
 * Intl objects per language tag, made once: making one costs some hundreds of µs, using one about a µs,
 * and a page counts and pluralises dozens of figures (docs/decisions/0024). The tags come from the site's
 * own languages, never from input, so the set stays small.
 */

/** Plural rules of a language tag. */
export const pluralRules = memoized((lang: string): Intl.PluralRules => new Intl.PluralRules(lang));

/** Whole numbers and decimals as a language writes them (what `n.toLocaleString(lang)` gives). */
export const numberFormat = memoized((lang: string): Intl.NumberFormat => new Intl.NumberFormat(lang));
