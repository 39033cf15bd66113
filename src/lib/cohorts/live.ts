/**
 * What the poll widget's cohort line depends on that a live tally also
 * tells: a tally with the same key as the last line needs no new read of the
 * cohort figures. Imports nothing, so the widget's first load stays small.
 */

/** How often, at most, a widget re-reads a token poll's cohort figures while votes come in. */
export const COHORT_REFRESH_MS = 3000;

export function countsKey(results: {
  resultsVisible: boolean;
  totalVotes: number | null;
  verifiedVotes: number | null;
}): string {
  return `${results.resultsVisible}/${results.totalVotes}/${results.verifiedVotes}`;
}
