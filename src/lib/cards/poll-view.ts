/**
 * What a poll's share card says, from the results and cohort figures the
 * poll page shows a reader without a ballot. The card is one image for
 * everyone (crawlers fetch it without cookies, and it is cached per poll),
 * so it is built from the anonymous view: the visibility rule and the
 * privacy floor have already been applied to `results` and `cohorts` by
 * presentResults and the cohort reads, exactly as for the page.
 */
import type { CohortResults } from '../cohorts/present.ts';
import { cohortLine } from '../cohorts/summary.ts';
import { formatVotes } from '../polls/format.ts';
import { translator } from '../i18n/i18n.ts';
import type { PollResults } from '../polls/results.ts';
import { formatCardDate, POLL_CARD_ROWS, type PollCardData } from './card.ts';

const day = (iso: string): string => formatCardDate(new Date(iso), 'en');

/**
 * The status as a card can keep saying it: absolute dates, not "ends in 3
 * days", since X and Telegram keep an image for as long as its URL stands.
 *
 * @example pollCardStatus({ status: 'open', opensAt: '2026-11-01T00:00:00Z', closesAt: '2026-11-30T00:00:00Z' })
 * // 'Voting open until November 30, 2026'
 */
export function pollCardStatus(results: Pick<PollResults, 'status' | 'opensAt' | 'closesAt'>): string {
  if (results.status === 'scheduled') return `Voting opens ${day(results.opensAt)}`;
  if (results.status === 'closed') return results.closesAt ? `Voting closed ${day(results.closesAt)}` : 'Voting closed';
  return results.closesAt ? `Voting open until ${day(results.closesAt)}` : 'Voting open';
}

/** While counts are hidden: when they appear, as the poll page says it. */
function hiddenNote(results: Pick<PollResults, 'resultsVisibility' | 'closesAt'>): string {
  const closes = results.closesAt ? ` on ${day(results.closesAt)}` : '';
  if (results.resultsVisibility === 'after-close') return `Results appear when voting closes${closes}`;
  return results.closesAt
    ? `Results appear after you vote, and to everyone when voting closes${closes}`
    : 'Results appear after you vote';
}

/**
 * The card's data. `results` must be the view of a reader without a ballot
 * (presentResults(poll, null, now)), `cohorts` the cohort figures for that
 * same visibility, or null for a poll without a token.
 */
export function pollCardView(results: PollResults, cohorts: CohortResults | null): PollCardData {
  const visible = results.resultsVisible && results.totalVotes !== null;
  const shown = results.options.slice(0, POLL_CARD_ROWS);
  const top = Math.max(0, ...results.options.map((o) => o.percent ?? 0));
  const summary: string[] = [];
  if (visible) {
    summary.push(formatVotes(results.totalVotes ?? 0, translator('en')));
    if (results.voters === 'anyone' && (results.verifiedVotes ?? 0) > 0) {
      summary.push(`${(results.verifiedVotes ?? 0).toLocaleString('en-US')} wallet-verified`);
    }
    if (results.smallSample) summary.push('small sample');
  }
  const line = cohorts ? cohortLine({ ...results, ...cohorts }, translator('en')) : null;
  return {
    question: results.question,
    kicker: 'Community poll',
    status: pollCardStatus(results),
    options: shown.map((option) => ({
      label: option.label,
      percent: visible ? (option.percent ?? 0) : null,
      leading: visible && top > 0 && option.percent === top,
    })),
    moreOptions: results.options.length - shown.length,
    summary: visible ? summary.join(' · ') : null,
    cohortLine: visible && line ? line.charAt(0).toUpperCase() + line.slice(1) : null,
    hiddenNote: visible ? null : hiddenNote(results),
  };
}
