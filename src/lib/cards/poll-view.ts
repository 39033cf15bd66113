/**
 * What a poll's share card says, from the results and cohort figures the
 * poll page shows a reader without a ballot. The card is one image for
 * everyone (crawlers fetch it without cookies, and it is cached per poll),
 * so it is built from the anonymous view: the visibility rule and the
 * privacy floor have already been applied to `results` and `cohorts` by
 * presentResults and the cohort reads, exactly as for the page.
 */
import type { CohortResults } from '../cohorts/present.ts';
import { cohortLine, joinWords } from '../cohorts/summary.ts';
import { leadingIds } from '../polls/tally.ts';
import { formatVotes } from '../polls/format.ts';
import { translator, type Translator } from '../i18n/i18n.ts';
import { localLabel } from '../polls/labels.ts';
import type { PollResults } from '../polls/results.ts';
import { formatCardDate, POLL_CARD_ROWS, type CardLang, type PollCardData } from './card.ts';

/** The card's words for a language: the site's catalogue. */
const wordsFor = (lang: CardLang): Translator => translator(lang);

/**
 * The status as a card can keep saying it: absolute dates, not "ends in 3
 * days", since X and Telegram keep an image for as long as its URL stands.
 *
 * @example pollCardStatus({ status: 'open', opensAt: '2026-11-01T00:00:00Z', closesAt: '2026-11-30T00:00:00Z' })
 * // 'Voting open until 30 Nov 2026'
 */
export function pollCardStatus(
  results: Pick<PollResults, 'status' | 'opensAt' | 'closesAt'>,
  lang: CardLang = 'en',
): string {
  const i = wordsFor(lang);
  const day = (iso: string): string => formatCardDate(new Date(iso), lang);
  if (results.status === 'scheduled') return i.t('cards.opens', { day: day(results.opensAt) });
  if (results.status === 'closed')
    return results.closesAt ? i.t('cards.closedOn', { day: day(results.closesAt) }) : i.t('poll.closed');
  return results.closesAt ? i.t('cards.openUntil', { day: day(results.closesAt) }) : i.t('cards.open');
}

/** While counts are hidden: when they appear, as the poll page says it. */
function hiddenNote(results: Pick<PollResults, 'resultsVisibility' | 'closesAt'>, lang: CardLang): string {
  const i = wordsFor(lang);
  const closes = results.closesAt ? formatCardDate(new Date(results.closesAt), lang) : null;
  if (results.resultsVisibility === 'after-close')
    return closes ? i.t('cards.hiddenUntilOn', { day: closes }) : i.t('cards.hiddenUntil');
  return closes ? i.t('cards.hiddenAfterVoteOn', { day: closes }) : i.t('cards.hiddenAfterVote');
}

/** A tie at the top, in words: equal counts are equal, whatever the rounded percentages show. */
function tieWords(results: PollResults, leading: readonly string[], lang: CardLang): string {
  const i = wordsFor(lang);
  const labels = results.options
    .filter((o) => leading.includes(o.id))
    .map((o) => i.t('cohorts.option', { label: localLabel(o.label, o.labels, lang).text }));
  return i.t('tally.tie', { options: joinWords(lang, labels) });
}

/**
 * The card's data, in the card's language (the poll's labels in that
 * language where it has them). `results` must be the view of a reader
 * without a ballot (presentResults(poll, null, now)), `cohorts` the cohort
 * figures for that same visibility, or null for a poll without a token.
 */
export function pollCardView(results: PollResults, cohorts: CohortResults | null, lang: CardLang = 'en'): PollCardData {
  const i = wordsFor(lang);
  const visible = results.resultsVisible && results.totalVotes !== null;
  const shown = results.options.slice(0, POLL_CARD_ROWS);
  const leading = visible
    ? leadingIds(
        results.options.map((o) => o.id),
        results.options.map((o) => o.votes ?? 0),
      )
    : [];
  const summary: string[] = [];
  if (visible) {
    summary.push(formatVotes(results.totalVotes ?? 0, i));
    if (results.voters === 'anyone' && (results.verifiedVotes ?? 0) > 0) {
      summary.push(i.t('poll.verified', { count: i.number(results.verifiedVotes ?? 0) }));
    }
    if (leading.length > 1) summary.push(tieWords(results, leading, lang));
    if (results.smallSample) summary.push(i.t('cards.smallSample'));
  }
  const line = cohorts ? cohortLine({ ...results, ...cohorts }, i) : null;
  const more = results.options.length - shown.length;
  return {
    lang,
    question: localLabel(results.question, results.questionLabels, lang).text,
    kicker: i.t('poll.kicker'),
    status: pollCardStatus(results, lang),
    options: shown.map((option) => ({
      label: localLabel(option.label, option.labels, lang).text,
      percent: visible ? (option.percent ?? 0) : null,
      leading: leading.includes(option.id),
    })),
    moreOptions: more,
    more: more > 0 ? i.plural('cards.moreOptions', more) : null,
    summary: visible ? summary.join(' · ') : null,
    cohortLine: visible && line ? line.charAt(0).toUpperCase() + line.slice(1) : null,
    hiddenNote: visible ? null : hiddenNote(results, lang),
  };
}
