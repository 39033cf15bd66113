/**
 * Where the share cards are, for the pages' Open Graph and Twitter tags.
 * Pure: a page passes what it already has (the post's entry id, the poll
 * record it read for the page).
 */
import type { PollRecord } from '../polls/records.ts';
import { pollStatus, resultsVisible } from '../polls/rules.ts';
import { localizePath, type Locale } from '../i18n/locales.ts';

export { CARD_HEIGHT, CARD_WIDTH } from './card.ts';

/**
 * A post's card, prerendered by src/pages/og/posts/[...slug].png.ts. The
 * entry id may hold a folder (a translation: `zh/<slug>`).
 *
 * @example postCardPath('zh/opg-liquidity-ghost') // '/og/posts/zh/opg-liquidity-ghost.png'
 */
export function postCardPath(entryId: string): string {
  return `/og/posts/${entryId.split('/').map(encodeURIComponent).join('/')}.png`;
}

/**
 * What a poll's card shows, as a short token that changes whenever the card
 * would: with every write (a vote, a changed vote, a claimed ballot, an
 * edited definition) while counts are public, and only with the poll's
 * status while they are hidden. A hidden poll's URL must not move with its
 * votes, or the URL itself would count them.
 *
 * @example pollCardVersion({ version: 42, results: 'always', opensAt: 0, closesAt: null }, Date.now()) // 'open.42'
 * @example pollCardVersion({ version: 42, results: 'after-close', opensAt: 0, closesAt: null }, Date.now()) // 'open'
 */
export function pollCardVersion(
  poll: Pick<PollRecord, 'version' | 'results' | 'opensAt' | 'closesAt'>,
  now: number,
): string {
  const status = pollStatus(poll, now);
  // The card is everyone's: a reader's own ballot does not open it.
  return resultsVisible(poll.results, status, false) ? `${status}.${poll.version}` : status;
}

/**
 * A poll's live card with its version in the query, so that a share made
 * after the poll moved names a URL that X and Telegram (which keep images by
 * URL) have not fetched yet. Absolute when `origin` is given, as og:image
 * needs.
 *
 * @example pollCardUrl('opg-liquidity-ghost', 'closed.3') // '/polls/opg-liquidity-ghost/card.png?v=closed.3'
 * @example pollCardUrl('x', 'open', 'https://sentiment.example') // 'https://sentiment.example/polls/x/card.png?v=open'
 */
export function pollCardUrl(pollId: string, version: string, origin?: string, locale: Locale = 'en'): string {
  const path = `${localizePath(`/polls/${encodeURIComponent(pollId)}/card.png`, locale)}?v=${encodeURIComponent(version)}`;
  return origin === undefined ? path : new URL(path, origin).href;
}
