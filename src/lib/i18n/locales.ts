/**
 * The site's languages and their URLs, without any catalogue: client scripts
 * import this, so it must stay small.
 */
/** The site's languages: English at `/`, Simplified Chinese under `/zh/`. */
export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** BCP 47 tags for `<html lang>` and `Intl`: script-tagged Chinese, so fonts and search pick Simplified. */
export const HTML_LANG: Record<Locale, string> = { en: 'en', zh: 'zh-Hans' };
const OG_LOCALE: Record<Locale, string> = { en: 'en_US', zh: 'zh_CN' };
export const INTL_LOCALE: Record<Locale, string> = { en: 'en-US', zh: 'zh-CN' };

/** Any language value (a post's `lang`, `Astro.currentLocale`) as one of the site's locales. */
export function toLocale(value: string | null | undefined): Locale {
  return value?.toLowerCase().startsWith('zh') ? 'zh' : DEFAULT_LOCALE;
}

export const htmlLang = (locale: Locale): string => HTML_LANG[locale];
export const ogLocale = (locale: Locale): string => OG_LOCALE[locale];

/**
 * The locale a path belongs to, from its first segment.
 * @example localeOfPath('/zh/polls/x/') // 'zh'
 */
export function localeOfPath(pathname: string): Locale {
  return pathname === '/zh' || pathname.startsWith('/zh/') ? 'zh' : DEFAULT_LOCALE;
}

/**
 * The same page in another language: strips any locale prefix, then adds the wanted one.
 * @example localizePath('/zh/about/', 'en') // '/about/'
 * @example localizePath('/polls/x/', 'zh') // '/zh/polls/x/'
 */
export function localizePath(pathname: string, locale: Locale): string {
  const bare = localeOfPath(pathname) === 'zh' ? pathname.slice(3) || '/' : pathname;
  const rooted = bare.startsWith('/') ? bare : `/${bare}`;
  return locale === DEFAULT_LOCALE ? rooted : `/${locale}${rooted === '/' ? '/' : rooted}`;
}

/** The `[...locale]` route parameter of a locale: none for English (at `/`), `zh` for Chinese. */
export const localeParam = (locale: Locale): string | undefined => (locale === DEFAULT_LOCALE ? undefined : locale);

/** Static paths of a page that exists once per language. */
export function localeStaticPaths(): { params: { locale: string | undefined } }[] {
  return LOCALES.map((locale) => ({ params: { locale: localeParam(locale) } }));
}

/**
 * Whether an on-demand page's `[...locale]` parameter names a language: the
 * rest parameter matches any prefix, and `/fr/polls/x/` must be a 404.
 */
export function isLocaleParam(param: string | undefined): boolean {
  return LOCALES.some((locale) => localeParam(locale) === param);
}

/** A path's language prefix as a route parameter's pattern: any language but the default, whose paths have none. */
export const localePrefixPattern = (): string => LOCALES.filter((l) => l !== DEFAULT_LOCALE).join('|');
