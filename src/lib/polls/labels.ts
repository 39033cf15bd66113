import { htmlLang, toLocale, type Locale } from '../i18n/locales.ts';

/** A poll text (question or option) as a page in one language shows it. */
export interface LocalLabel {
  /** The text in the page's language, or the definition's own where there is no translation. */
  text: string;
  /** The same text in other languages, as secondary text: `lang` is a BCP 47 tag. */
  others: { lang: string; text: string }[];
}

/**
 * Picks the label for a page's language. The definition's own text counts as
 * English (the content's default language) when `labels` has no `en`.
 * @example localLabel('Are the whales accumulating?', { zh: '大户默默在吸筹吗' }, 'zh')
 * // { text: '大户默默在吸筹吗', others: [{ lang: 'en', text: 'Are the whales accumulating?' }] }
 */
export function localLabel(text: string, labels: Readonly<Record<string, string>>, locale: Locale): LocalLabel {
  const byLocale = new Map<Locale, string>([['en', text]]);
  for (const [lang, value] of Object.entries(labels)) byLocale.set(toLocale(lang), value);
  const own = byLocale.get(locale) ?? text;
  const others = [...byLocale]
    .filter(([lang, value]) => lang !== locale && value !== own)
    .map(([lang, value]) => ({ lang: htmlLang(lang), text: value }));
  return { text: own, others };
}

/** An option's label in the page's language (its translation where the poll has one). */
export function optionLabel(
  option: { label: string; labels?: Readonly<Record<string, string>> | undefined },
  lang: string,
): string {
  return localLabel(option.label, option.labels ?? {}, toLocale(lang)).text;
}
