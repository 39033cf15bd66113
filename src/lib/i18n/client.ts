import type { MessageKey } from '../../i18n/en.ts';
import { LONG_DURATION_KEYS } from './duration.ts';

/**
 * The catalogue entries each client script needs. The server renders them
 * into the element the script enhances (`data-messages`, JSON), so a script
 * speaks the page's language without shipping either catalogue.
 */
export const CLIENT_KEYS = {
  comments: [
    'comments.postReply',
    'comments.save',
    'comments.cancel',
    'comments.confirmDelete',
    'comments.yourReply',
    'comments.editYours',
    'comments.failed',
    'commentError.sign_in_required',
    'commentError.not_found',
    'commentError.invalid_parent',
    'commentError.forbidden',
    'commentError.edit_window_closed',
    'commentError.rate_limited',
    'commentError.rate_limited.network_minute',
    'commentError.rate_limited.network_day',
    'commentError.rate_limited.network_new_wallets',
    'commentError.hidden',
    'reportError.rate_limited',
    'reportError.rate_limited.network_minute',
    'commentError.bad_request',
    'commentError.too_large',
    'comments.reported',
    'comments.reportFailed',
    'comments.replyElsewhere',
    'comments.replyAtEnd',
  ],
  poll: [
    'poll.votes.one',
    'poll.votes.other',
    'poll.verified',
    'poll.vote',
    'poll.changeVote',
    'poll.thanks',
    'poll.notCounted',
    'poll.networkError',
    'poll.closed',
    'poll.open',
    'poll.opensIn',
    'poll.endsIn',
    ...LONG_DURATION_KEYS,
    'voteError.not_found',
    'voteError.poll_closed',
    'voteError.invalid_vote',
    'voteError.invalid_vote.empty',
    'voteError.invalid_vote.too_many',
    'voteError.already_voted',
    'voteError.sign_in_required',
    'voteError.rate_limited',
    'voteError.bad_request',
    'voteError.too_large',
    'tally.tie',
  ],
  wallet: [
    'wallet.checking',
    'wallet.signedIn',
    'wallet.failed',
    'wallet.choose',
    'wallet.cancel',
    'wallet.browserWallet',
    'wallet.noneChosen',
    'wallet.noWallet',
    'wallet.declinedConnect',
    'wallet.notConnected',
    'wallet.noAccount',
    'wallet.noNonce',
    'wallet.declinedSign',
    'wallet.cannotSign',
    'wallet.refused',
    'wallet.refusedBecause',
    'wallet.wrongChain',
    'wallet.or',
    'wallet.chain',
  ],
  search: [
    'searchPage.searching',
    'searchPage.none',
    'searchPage.found.one',
    'searchPage.found.other',
    'searchPage.more',
    'searchPage.unavailable',
    'searchPage.kind.post',
  ],
  // Token pages, charts and cohorts (below this line)
  cohortLine: [
    'cohorts.option',
    'cohorts.line.lean',
    'cohorts.line.split',
    'cohorts.line.decide.one',
    'cohorts.line.decide.other',
    'cohorts.line.updating',
    'cohorts.line.none',
  ],
  tokenCharts: [
    'charts.top10Share',
    'figure.gini',
    'figure.holders',
    'cohortOne.whale',
    'cohortOne.dolphin',
    'cohortOne.fish',
    'cohortOne.shrimp',
    'charts.now',
    'charts.shareHeld',
    'charts.equality',
    'charts.perfectEquality',
    'charts.unlocked',
    'charts.giniRight',
    'charts.empty',
  ],
  cohortCharts: [
    'cohort.whale',
    'cohort.dolphin',
    'cohort.fish',
    'cohort.shrimp',
    'cohort.insiders',
    'cohort.none',
    'cohort.unverified',
    'history.hour',
    'history.day',
    'chart.emptyVotes',
  ],
  pollCharts: ['pollCharts.hidden', 'pollCharts.share', 'pollCharts.tie', 'chart.emptyVotes'],
  chainChart: ['chainChart.marker', 'chainChart.shareAxis', 'chainChart.rightAxis', 'chainChart.unlockLegend'],
} as const satisfies Record<string, readonly MessageKey[]>;

export type ClientMessages<F extends keyof typeof CLIENT_KEYS> = Record<(typeof CLIENT_KEYS)[F][number], string>;

/**
 * Reads the messages the server rendered into `data-messages` and fills
 * `{name}` values; a key the page did not carry comes back as the key itself.
 */
export function messagesOf<F extends keyof typeof CLIENT_KEYS>(
  element: Element | null,
): (key: (typeof CLIENT_KEYS)[F][number], params?: Record<string, string | number>) => string {
  let messages: Partial<Record<string, string>> = {};
  try {
    messages = JSON.parse(element?.getAttribute('data-messages') ?? '{}') as Partial<Record<string, string>>;
  } catch {
    // A page without the attribute (or a broken one) still works, in keys.
  }
  return (key, params) =>
    (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
}
