import { localizeToken } from '../chain/local-text.ts';
import type { TokenDefinition } from '../chain/schemas.ts';
import { symbolKey } from '../content/schemas.ts';
import { htmlLang, localizePath, translator, type Locale } from '../i18n/i18n.ts';
import type { PollDefinition } from '../polls/schemas.ts';

/**
 * What search knows of the pages rendered on demand (polls and tokens), which
 * Pagefind cannot read from the built HTML: a record each, made from the same
 * definitions the pages are. Pure.
 */

export interface SearchRecord {
  url: string;
  content: string;
  language: string;
  meta: { title: string; kind: string };
}

// Pagefind keys its indexes by the page's <html lang> lower-cased; a record must name the same key.

/** A poll's record in one language's index: its question in that language, every label findable. */
export function pollRecord(poll: PollDefinition, locale: Locale): SearchRecord {
  const labels = poll.options.flatMap((o) => [o.label, ...Object.values(o.labels ?? {})]);
  const questions = [poll.question, ...Object.values(poll.questionLabels ?? {})];
  const title = poll.questionLabels?.[locale] ?? poll.question;
  return {
    url: localizePath(`/polls/${poll.id}/`, locale),
    content: [...new Set([title, ...questions, ...labels, ...(poll.token ? [`$${poll.token}`, poll.token] : [])])].join(
      '\n',
    ),
    language: htmlLang(locale).toLowerCase(),
    meta: { title, kind: translator(locale).t('searchPage.kind.poll') },
  };
}

/** A token's record in one language's index: its name and description as that language's page shows them. */
export function tokenRecord(definition: TokenDefinition, locale: Locale): SearchRecord {
  const token = localizeToken(definition, locale);
  return {
    url: localizePath(`/tokens/${symbolKey(token.symbol)}/`, locale),
    content: [`${token.name} ($${token.symbol})`, token.symbol, token.description ?? ''].join('\n'),
    language: htmlLang(locale).toLowerCase(),
    meta: { title: `${token.name} ($${token.symbol})`, kind: translator(locale).t('searchPage.kind.token') },
  };
}
