import { DEFAULT_LOCALE, toLocale, type Locale } from '../i18n/locales.ts';
import type { TokenDefinition } from './schemas.ts';

/**
 * A token file's texts in one language. The file's own texts are English;
 * `nameLabels`, `descriptionLabels` and each label's `nameLabels` and each
 * unlock's `recipientLabels` hold the translations (schemas.ts). Pure.
 */

/** A text as a page shows it, with the language it is in: English where there is no translation. */
export interface LocalText {
  text: string;
  lang: Locale;
}

/**
 * @example localText('Treasury', { zh: '金库' }, 'zh') // { text: '金库', lang: 'zh' }
 * @example localText('Treasury', undefined, 'zh') // { text: 'Treasury', lang: 'en' }
 */
export function localText(
  text: string,
  labels: Readonly<Record<string, string>> | undefined,
  locale: Locale,
): LocalText {
  if (locale === DEFAULT_LOCALE) return { text, lang: DEFAULT_LOCALE };
  const translated = Object.entries(labels ?? {}).find(([lang]) => toLocale(lang) === locale)?.[1];
  return translated ? { text: translated, lang: locale } : { text, lang: DEFAULT_LOCALE };
}

/** The token with each text a reader sees in `locale`, where the file translates it (else in English). */
export function localizeToken(token: TokenDefinition, locale: Locale): TokenDefinition {
  const local = (text: string, labels: Readonly<Record<string, string>> | undefined): string =>
    localText(text, labels, locale).text;
  return {
    ...token,
    name: local(token.name, token.nameLabels),
    ...(token.description === undefined ? {} : { description: local(token.description, token.descriptionLabels) }),
    labels: Object.fromEntries(
      Object.entries(token.labels).map(([address, label]) => [
        address,
        { ...label, name: local(label.name, label.nameLabels) },
      ]),
    ),
    unlocks: token.unlocks.map((u) => ({ ...u, recipient: local(u.recipient, u.recipientLabels) })),
  };
}

/**
 * Where the token file has no `locale` text for something a reader sees, as
 * paths into the file (`labels.0x….name`): a Chinese page would show English there.
 */
export function untranslated(token: TokenDefinition, locale: Locale): string[] {
  const missing = (path: string, labels: Readonly<Record<string, string>> | undefined): string[] =>
    Object.keys(labels ?? {}).some((lang) => toLocale(lang) === locale) ? [] : [path];
  if (locale === DEFAULT_LOCALE) return [];
  return [
    ...missing('name', token.nameLabels),
    ...(token.description === undefined ? [] : missing('description', token.descriptionLabels)),
    ...Object.entries(token.labels).flatMap(([address, l]) => missing(`labels.${address}.name`, l.nameLabels)),
    ...token.unlocks.flatMap((u, i) => missing(`unlocks.${i}.recipient`, u.recipientLabels)),
  ];
}
