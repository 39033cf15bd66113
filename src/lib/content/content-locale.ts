import { DEFAULT_LOCALE, LOCALES, type Locale } from '../i18n/locales.ts';

/**
 * The site language a content file is written for, from where it lives: a
 * translation sits in a folder named by its locale (`posts/zh/<slug>.mdx`).
 * @example contentLocale('/repo/src/content/posts/zh/opg.mdx') // 'zh'
 */
export function contentLocale(path: string | undefined): Locale {
  const folder = path?.split(/[\\/]/).at(-2);
  return LOCALES.find((locale) => locale === folder) ?? DEFAULT_LOCALE;
}
