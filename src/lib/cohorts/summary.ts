/**
 * Words for a token poll's results by cohort: the widget's summary line and
 * the page's sentences, in the page's language. Shared by the server
 * rendering and the live client, so both say the same thing; the client
 * passes the catalogue entries the server rendered into the page, so nothing
 * here may import a catalogue.
 */
import type { MessageKey } from '../../i18n/en.ts';
import type { CLIENT_KEYS } from '../i18n/client.ts';
import { formatDate } from '../i18n/dates.ts';
import { toLocale } from '../i18n/locales.ts';
import { optionLabel } from '../polls/labels.ts';
import type { CohortId } from './cohorts.ts';
import type { DecisiveView } from './decisive.ts';
import { PRIVACY_FLOOR } from './privacy.ts';
import type { CohortResults } from './present.ts';
import type { Leading } from './tallies.ts';

/** Catalogue entries and a language tag: a Translator fits, and so does a client's `messagesOf`. */
export interface Words<K extends string = MessageKey> {
  t(key: K, params?: Record<string, string | number>): string;
  /** BCP 47 tag of the page, for numbers, dates and lists. */
  lang: string;
}

/** What the widget's cohort line needs: the keys poll-cohort-line.client.ts receives. */
export type CohortLineWords = Words<(typeof CLIENT_KEYS.cohortLine)[number]>;

type Option = { id: string; label: string; labels?: Readonly<Record<string, string>> | undefined };

/** English lists and dates keep the day-first, no-Oxford-comma style the site has always printed. */
export const intlLang = (lang: string): string => (toLocale(lang) === 'en' ? 'en-GB' : lang);

/**
 * Labels joined as a sentence joins them in the page's language.
 * @example joinWords('en', ['A', 'B', 'C']) // 'A, B and C'
 * @example joinWords('zh-Hans', ['A', 'B'], 'disjunction') // 'A或B'
 */
export function joinWords(
  lang: string,
  labels: readonly string[],
  type: 'conjunction' | 'disjunction' = 'conjunction',
): string {
  return new Intl.ListFormat(intlLang(lang), { type }).format(labels);
}

// Where it always was for the pages and charts that import it from here; it lives with the poll's labels.
export { optionLabel };

const labelsOf = (ids: readonly string[], options: readonly Option[], lang: string): string[] =>
  ids.map((id) => {
    const option = options.find((o) => o.id === id);
    return option ? optionLabel(option, lang) : id;
  });

/** The decisive wallets as far as the line reads them: the count, and whether it is being worked out again. */
type LineDecisive = Pick<DecisiveView, 'count'> & Partial<DecisiveView>;

export type CohortLineInput = { options: readonly Option[] } & Partial<Pick<CohortResults, 'cohorts' | 'tallies'>> & {
    decisiveWallets?: LineDecisive | null;
  };

/**
 * What the cohorts add to the widget's summary line, after its vote and
 * verified counts: null while there is nothing by cohort to show (results
 * hidden, or no snapshot yet). A figure gated or under the floor is left out
 * rather than shown empty; with none left the line still points to the
 * breakdown. A count worked out before the latest ballots says it is updating.
 *
 * @example
 * cohortLine({ options, cohorts, tallies: { tokens: { leader: ['b'] } }, decisiveWallets: { count: 3 } }, translator('en'))
 * // 'tokens lean B · 3 wallets decide it'
 */
export function cohortLine(results: CohortLineInput, words: CohortLineWords): string | null {
  if (!results.cohorts) return null;
  const parts: string[] = [];
  const leader = results.tallies?.tokens?.leader ?? [];
  const labels = labelsOf(leader, results.options, words.lang).map((label) => words.t('cohorts.option', { label }));
  if (labels.length === 1) parts.push(words.t('cohorts.line.lean', { option: labels[0] ?? '' }));
  if (labels.length > 1) parts.push(words.t('cohorts.line.split', { options: joinWords(words.lang, labels) }));
  const count = results.decisiveWallets?.count ?? null;
  if (count !== null) {
    const form = new Intl.PluralRules(words.lang).select(count) === 'one' ? 'one' : 'other';
    const text = words.t(`cohorts.line.decide.${form}`, { count: count.toLocaleString(intlLang(words.lang)) });
    parts.push(results.decisiveWallets?.updating === true ? words.t('cohorts.line.updating', { text }) : text);
  }
  return parts.length > 0 ? parts.join(' · ') : words.t('cohorts.line.none');
}

/** The date of a snapshot as the page gives it, in UTC: "1 Dec 2025", "2025年12月1日". */
export function formatSnapshotDate(iso: string, lang: string): string {
  return formatDate(Date.parse(iso), lang);
}

/**
 * Which snapshot weights the ballots, the start of a sentence that goes on
 * with its source; null before there is one (the weighting note then says
 * what will).
 *
 * @example
 * describeWeighting({ block: 21000000, date: '2025-12-01T00:00:00.000Z' }, translator('en'))
 * // 'Weighted by the snapshot at block 21,000,000 (1 Dec 2025)'
 */
export function describeWeighting(
  weighting: Pick<CohortResults['weighting'], 'block' | 'date'>,
  words: Words,
): string | null {
  const { block, date } = weighting;
  if (block === null) return null;
  const at = block.toLocaleString(intlLang(words.lang));
  return date === null
    ? words.t('weighting.at', { block: at })
    : words.t('weighting.atOn', { block: at, date: formatSnapshotDate(date, words.lang) });
}

/**
 * What the weighting mode means for the reader, in one sentence: the page's
 * twin of the English note GET /api/polls/<id> carries (present.ts).
 */
export function weightingNote(
  weighting: Pick<CohortResults['weighting'], 'mode' | 'block' | 'pin'>,
  words: Words,
): string {
  const { mode, block, pin } = weighting;
  if (mode === 'latest') return words.t('weighting.note.latest');
  if (mode === 'block') {
    return block === null
      ? words.t('weighting.note.pinnedLater', { block: pin === null ? '?' : String(pin) })
      : words.t('weighting.note.pinned', { block: String(block) });
  }
  return block === null ? words.t('weighting.note.openLater') : words.t('weighting.note.open');
}

/**
 * A fraction as a whole percentage for prose, never rounding a real share
 * down to nothing.
 *
 * @example sharePercent(0.3849, translator('en')) // '38%'
 * @example sharePercent(0.002, translator('en')) // 'less than 1%'
 */
export function sharePercent(fraction: number, words: Words): string {
  if (fraction > 0 && fraction < 0.005) return words.t('cohorts.lessThanOne');
  return `${Math.min(100, Math.round(fraction * 100))}%`;
}

/**
 * The decisive-wallets note in the page's language. decisive.ts words the
 * API's English note from the case it met; each case is recognised here by
 * its fields and that note, and a note this does not know is shown as it is
 * (the unit test pins every case decisive.ts can give).
 */
function decisiveNote(decisive: Pick<NonNullable<CohortResults['decisiveWallets']>, 'count' | 'note'>, words: Words) {
  const { count, note } = decisive;
  if (count !== null) {
    const form = new Intl.PluralRules(words.lang).select(count) === 'one' ? 'one' : 'other';
    return words.t(`decisive.count.${form}`, { count: count.toLocaleString(intlLang(words.lang)) });
  }
  if (note === 'no weighted votes yet') return words.t('decisive.empty');
  if (note.startsWith('the weighted result is tied')) return words.t('decisive.tied');
  if (note.startsWith('no removal of wallets')) return words.t('decisive.unshakeable');
  if (note.startsWith('fewer than')) return words.t('decisive.floor', { floor: PRIVACY_FLOOR });
  return note.charAt(0).toUpperCase() + note.slice(1);
}

/**
 * "Wallets that decide it" as a sentence: the note, and the share of the
 * verified weight those wallets hold when it is given.
 *
 * @example describeDecisive({ count: 3, share: 0.4, note: '3 wallets decide the weighted result' }, translator('en'))
 * // '3 wallets decide the weighted result: together they hold 40% of the verified ballots’ token weight.'
 * @example describeDecisive({ count: null, share: null, note: 'fewer than 5 wallets decide it' }, translator('en'))
 * // 'Fewer than 5 wallets decide it.'
 */
export function describeDecisive(
  decisive: Pick<NonNullable<CohortResults['decisiveWallets']>, 'count' | 'share' | 'note'>,
  words: Words,
): string {
  const note = decisiveNote(decisive, words);
  if (decisive.share === null) return words.t('decisive.sentence', { note });
  return words.t('decisive.sentenceShare', { note, share: sharePercent(decisive.share, words) });
}

/**
 * Who leads a tally, in words: the page's twin of the API's `summary`.
 * @example leaderWords({ leader: ['a'] }, [{ id: 'a', label: 'Yes' }], translator('en')) // 'Yes leads'
 */
export function leaderWords(tally: Leading, options: readonly Option[], words: Words): string {
  const labels = labelsOf(tally.leader, options, words.lang).map((label) => words.t('cohorts.option', { label }));
  if (labels.length === 0) return words.t('tally.noLeader');
  return labels.length === 1
    ? words.t('tally.leads', { option: labels[0] ?? '' })
    : words.t('tally.tie', { options: joinWords(words.lang, labels) });
}

/**
 * Where one wallet one vote and token weight point different ways, in words:
 * the page's twin of the API's `disagreement` (shown only where that is set).
 * @example disagreementWords({ leader: ['a'] }, { leader: ['b'] }, options, translator('en'))
 * // 'Wallets lean Yes; tokens lean No'
 */
export function disagreementWords(wallets: Leading, tokens: Leading, options: readonly Option[], words: Words): string {
  const lean = (leader: readonly string[]): string => {
    const labels = labelsOf(leader, options, words.lang).map((label) => words.t('cohorts.option', { label }));
    return labels.length === 1
      ? words.t('tally.lean', { option: labels[0] ?? '' })
      : words.t('tally.split', { options: joinWords(words.lang, labels) });
  };
  return words.t('tally.disagreement', { wallets: lean(wallets.leader), tokens: lean(tokens.leader) });
}

/** A cohort's name as a page in this language gives it ("Whales", "大户"). */
export function cohortName(id: CohortId, words: Words): string {
  return words.t(`cohort.${id}`);
}
