import type { CLIENT_KEYS } from '../i18n/client.ts';
import { roughDuration } from '../i18n/duration.ts';
import { toLocale } from '../i18n/locales.ts';
import { localLabel } from './labels.ts';
import { leadingIds } from './tally.ts';

/**
 * Words for poll figures, shared by server rendering and the live client:
 * the page's catalogue entries and its language tag. A translator fits; the
 * client builds one from the messages rendered into the widget.
 */
export interface PollWords {
  t(key: (typeof CLIENT_KEYS.poll)[number], params?: Record<string, string | number>): string;
  /** BCP 47 tag for numbers and plural rules. */
  lang: string;
}

function counted(words: PollWords, one: 'one' | 'other', key: string, n: number): string {
  return words.t(`${key}.${one}` as Parameters<PollWords['t']>[0], { count: n.toLocaleString(words.lang) });
}

const pluralForm = (n: number, lang: string): 'one' | 'other' =>
  new Intl.PluralRules(lang).select(n) === 'one' ? 'one' : 'other';

/** @example formatVotes(1234, translator('en')) // '1,234 votes' */
export function formatVotes(n: number, words: PollWords): string {
  return counted(words, pluralForm(n, words.lang), 'poll.votes', n);
}

/** "Voting closed", "Ends in 3 days", "Opens in 2 hours" or "Open", in the page's language. */
export function describeStatus(
  status: 'scheduled' | 'open' | 'closed',
  opensAt: string,
  closesAt: string | null,
  now: number,
  words: PollWords,
): string {
  if (status === 'closed') return words.t('poll.closed');
  if (status === 'scheduled')
    return words.t('poll.opensIn', { duration: roughDuration(Date.parse(opensAt) - now, words, 'long') });
  return closesAt === null
    ? words.t('poll.open')
    : words.t('poll.endsIn', { duration: roughDuration(Date.parse(closesAt) - now, words, 'long') });
}

/** The options a widget marks as leading, by count (a tie is more than one), and the words for a tie. */
export interface Leaders {
  ids: string[];
  /** "A, B and C tie" in the page's language; null when one option leads or none has votes. */
  tie: string | null;
}

/**
 * Who leads a poll's visible results, by votes (never by rounded percentage:
 * equal counts can round to 34% and 33%), with a tie said in words.
 *
 * @example leaders({ options: [a(1), b(1), c(0)] }, words) // { ids: ['a', 'b'], tie: 'A and B tie' }
 */
export function leaders(
  options: readonly { id: string; label: string; labels: Readonly<Record<string, string>>; votes: number | null }[],
  words: PollWords,
): Leaders {
  const ids = leadingIds(
    options.map((o) => o.id),
    options.map((o) => o.votes ?? 0),
  );
  if (ids.length < 2) return { ids, tie: null };
  const locale = toLocale(words.lang);
  const labels = options.filter((o) => ids.includes(o.id)).map((o) => localLabel(o.label, o.labels, locale).text);
  const list = new Intl.ListFormat(words.lang, { type: 'conjunction' }).format(labels);
  return { ids, tie: words.t('tally.tie', { options: list }) };
}
